package io.meshgate.rego.ast;

import io.meshgate.rego.value.Value;
import java.util.List;

/** A Rego term as parsed. Operators are calls of built-ins by OPA's names ({@code plus}, {@code equal}...). */
public sealed interface Term {
  Loc loc();

  /** A constant: null, boolean, number or string. */
  record Scalar(Value value, Loc loc) implements Term {}

  record Var(String name, Loc loc) implements Term {
    public boolean isWildcard() { return name.startsWith("_$") || name.equals("_"); }
  }

  /** {@code head.a[b]...}: head is a Var, a Call or a composite literal; path elements are terms. */
  record Ref(Term head, List<Term> path, Loc loc) implements Term {}

  record ArrayLit(List<Term> items, Loc loc) implements Term {}

  record SetLit(List<Term> items, Loc loc) implements Term {}

  record ObjectLit(List<Term> keys, List<Term> values, Loc loc) implements Term {}

  /**
   * A call. Before compilation {@code name} is the dotted text written in the policy; afterwards it
   * is either a built-in's name or a user function's full path starting with {@code data.}.
   */
  record Call(String name, List<Term> args, Loc loc) implements Term {}

  record ArrayCompr(Term head, List<Literal> body, Loc loc) implements Term {}

  record SetCompr(Term head, List<Literal> body, Loc loc) implements Term {}

  record ObjectCompr(Term key, Term value, List<Literal> body, Loc loc) implements Term {}
}
