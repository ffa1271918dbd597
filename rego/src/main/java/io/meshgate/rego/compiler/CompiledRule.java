package io.meshgate.rego.compiler;

import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Loc;
import io.meshgate.rego.ast.Term;
import java.util.List;

/**
 * A rule after compilation, attached to the tree node of its ground path. {@code keys} are the
 * remaining (variable) elements of its head reference; {@code args} is non-null for functions.
 */
public record CompiledRule(Loc loc, List<Term> keys, List<Term> args, Term value, boolean multi,
    boolean isDefault, List<Literal> body, CompiledRule elseRule) {}
