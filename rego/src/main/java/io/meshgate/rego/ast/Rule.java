package io.meshgate.rego.ast;

import java.util.List;

/**
 * A rule. {@code ref} is its head reference relative to the package: the first element is the
 * rule name (a Var), further elements are keys ({@code a.b[x]}). For a multi-value rule
 * ({@code contains}) {@code value} is the element; for a function {@code args} is non-null.
 */
public record Rule(
    Loc loc,
    List<Term> ref,
    List<Term> args,
    Term value,
    boolean multi,
    boolean isDefault,
    List<Literal> body,
    Rule elseRule) {

  public String name() { return ((Term.Var) ref.get(0)).name(); }

  public boolean isFunction() { return args != null; }
}
