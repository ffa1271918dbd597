package io.meshgate.rego.compiler;

import io.meshgate.rego.builtins.BuiltinTable;
import java.util.Map;

/** The compiled, immutable form of a set of modules: the rule tree and the user functions. */
public record Policy(RuleNode root, Map<String, FunctionGroup> functions, BuiltinTable builtins) {}
