package io.meshgate.rego.compiler;

import io.meshgate.rego.ast.Term;
import io.meshgate.rego.builtins.BuiltinTable;
import java.util.Map;

/**
 * The compiled, immutable form of a set of modules: the rule tree and the user functions, and the
 * comprehensions that can be evaluated through an index (by identity of the compiled term).
 */
public record Policy(RuleNode root, Map<String, FunctionGroup> functions, BuiltinTable builtins,
    Map<Term, ComprehensionIndex> comprehensionIndexes) {

  public Policy(RuleNode root, Map<String, FunctionGroup> functions, BuiltinTable builtins) {
    this(root, functions, builtins, Map.of());
  }
}
