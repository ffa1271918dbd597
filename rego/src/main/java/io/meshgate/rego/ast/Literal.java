package io.meshgate.rego.ast;

import java.util.List;

/** One expression of a body, possibly negated, with its {@code with} modifiers. */
public record Literal(boolean negated, Expr expr, List<With> withs, Loc loc) {
  public record With(Term target, Term value, Loc loc) {}

  public Literal withExpr(Expr e) { return new Literal(negated, e, withs, loc); }
}
