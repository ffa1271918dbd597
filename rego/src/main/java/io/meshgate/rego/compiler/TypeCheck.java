package io.meshgate.rego.compiler;

import static io.meshgate.rego.builtins.BuiltinSignatures.ANY;
import static io.meshgate.rego.builtins.BuiltinSignatures.ARRAY;
import static io.meshgate.rego.builtins.BuiltinSignatures.BOOLEAN;
import static io.meshgate.rego.builtins.BuiltinSignatures.NULL;
import static io.meshgate.rego.builtins.BuiltinSignatures.NUMBER;
import static io.meshgate.rego.builtins.BuiltinSignatures.OBJECT;
import static io.meshgate.rego.builtins.BuiltinSignatures.SET;
import static io.meshgate.rego.builtins.BuiltinSignatures.STRING;

import io.meshgate.rego.RegoException;
import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Term;
import io.meshgate.rego.builtins.BuiltinSignatures;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of OPA's compile-time type check that needs no type inference: a built-in argument whose
 * type is statically known (a literal, a composite literal, a comprehension, a variable bound by
 * {@code :=} to one of those in the same body, or the result of a built-in with a declared result
 * type) must match the built-in's declared signature ({@link BuiltinSignatures}), and such a
 * variable holding a scalar cannot be dereferenced. Anything whose type is not known is accepted, so
 * the check never rejects a module OPA accepts. Failures are {@code rego_type_error}.
 */
final class TypeCheck {
  private final String file;
  /** Types of variables bound by {@code :=} in this body; nested bodies are checked on their own. */
  private final Map<String, Integer> varTypes = new HashMap<>();
  /** Items of array and set literals bound to variables in this body. */
  private final Map<String, List<Term>> varItems = new HashMap<>();

  private TypeCheck(String file) {
    this.file = file;
  }

  /** Checks one resolved body (not its nested comprehension or {@code every} bodies). */
  static void checkBody(List<Literal> body, String file) {
    TypeCheck check = new TypeCheck(file);
    // bindings first: a body may be reordered later. Only `:=` declares a fresh variable; OPA does
    // not narrow a variable that already has a type through `=` (f(x) { x = 1; upper(x) } passes its
    // check), so `=` bindings are left alone.
    for (Literal l : body) {
      if (!l.negated() && l.withs().isEmpty() && l.expr() instanceof Expr.Assign a) {
        check.bind(a.left(), a.right());
      }
    }
    for (Literal l : body) {
      // `with` may replace a built-in by a function of another signature: leave those alone
      if (!l.withs().isEmpty()) {
        continue;
      }
      Expr e = l.expr();
      if (e instanceof Expr.TermExpr t) {
        check.visit(t.term());
      } else if (e instanceof Expr.Unify u) {
        check.visit(u.left());
        check.visit(u.right());
      } else if (e instanceof Expr.Assign a) {
        check.visit(a.right());
      } else if (e instanceof Expr.SomeIn in) {
        check.visit(in.collection());
      } else if (e instanceof Expr.Every ev) {
        check.visit(ev.domain());
      }
    }
  }

  /**
   * Checks a rule's head value (or key) as OPA does, with the types its resolved body declares: {@code
   * a := {k: 1 | ...} | {k: 2 | ...}} is a type error at compile time, not an undefined rule.
   */
  static void checkHead(List<Literal> body, Term head, String file) {
    TypeCheck check = new TypeCheck(file);
    for (Literal l : body) {
      if (!l.negated() && l.withs().isEmpty() && l.expr() instanceof Expr.Assign a) {
        check.bind(a.left(), a.right());
      }
    }
    check.visit(head);
  }

  /** Records the type of {@code target} (a variable, or an array of them) declared with {@code value}. */
  private void bind(Term target, Term value) {
    if (target instanceof Term.Var v && !v.isWildcard()) {
      int type = typeOf(value);
      if (type != ANY) {
        varTypes.putIfAbsent(v.name(), type);
      }
      if (value instanceof Term.ArrayLit || value instanceof Term.SetLit) {
        varItems.putIfAbsent(v.name(), literalItems(value));
      }
    } else if (target instanceof Term.ArrayLit targets && value instanceof Term.ArrayLit values
        && targets.items().size() == values.items().size()) {
      for (int i = 0; i < targets.items().size(); i++) {
        bind(targets.items().get(i), values.items().get(i));
      }
    }
  }

  /** Checks the calls and references inside a term (not inside comprehension bodies). */
  private void visit(Term t) {
    if (t instanceof Term.Call c) {
      c.args().forEach(this::visit);
      checkCall(c);
    } else if (t instanceof Term.Ref r) {
        visit(r.head());
        r.path().forEach(this::visit);
        if (r.head() instanceof Term.Var v && !r.path().isEmpty()) {
          Integer type = varTypes.get(v.name());
          if (type != null && (type & (ARRAY | SET | OBJECT)) == 0) {
            throw error(r, "undefined ref: " + v.name() + " is " + BuiltinSignatures.describe(type)
                + " and has no elements");
          }
        }
    } else if (t instanceof Term.ArrayLit a) {
      a.items().forEach(this::visit);
    } else if (t instanceof Term.SetLit st) {
      st.items().forEach(this::visit);
    } else if (t instanceof Term.ObjectLit o) {
      o.keys().forEach(this::visit);
      o.values().forEach(this::visit);
    }
  }

  private void checkCall(Term.Call c) {
    BuiltinSignatures.Signature sig = BuiltinSignatures.of(c.name()).orElse(null);
    if (sig == null) {
      return;
    }
    int n = Math.min(sig.args().size(), c.args().size());
    for (int i = 0; i < n; i++) {
      int want = sig.args().get(i);
      int have = typeOf(c.args().get(i));
      if (have != ANY && (have & want) == 0) {
        throw error(c, c.name() + ": invalid argument(s): operand " + (i + 1) + " must be "
            + BuiltinSignatures.describe(want) + " but got " + BuiltinSignatures.describe(have));
      }
      int wantElements = sig.elements().get(i);
      if (wantElements != ANY) {
        for (Term item : literalItems(c.args().get(i))) {
          int itemType = typeOf(item);
          if (itemType != ANY && (itemType & wantElements) == 0) {
            throw error(c, c.name() + ": invalid argument(s): operand " + (i + 1) + " must contain only "
                + BuiltinSignatures.describe(wantElements) + " elements but has " + BuiltinSignatures.describe(itemType));
          }
        }
      }
    }
    // relation form `f(x, out)`: the output operand must be able to hold the result
    if (c.args().size() == sig.args().size() + 1) {
      int have = typeOf(c.args().get(sig.args().size()));
      if (have != ANY && (have & sig.result()) == 0) {
        throw error(c, c.name() + ": invalid argument(s): output must be "
            + BuiltinSignatures.describe(sig.result()) + " but got " + BuiltinSignatures.describe(have));
      }
    }
  }

  /** The items of an array or set literal (directly or through a {@code :=} variable); else none. */
  private List<Term> literalItems(Term t) {
    if (t instanceof Term.Var v && varItems.containsKey(v.name())) {
      return varItems.get(v.name());
    }
    if (t instanceof Term.ArrayLit a) {
      return a.items();
    }
    if (t instanceof Term.SetLit st) {
      return st.items();
    }
    return List.of();
  }

  /** The statically known type of a term, {@link BuiltinSignatures#ANY} when not known. */
  private int typeOf(Term t) {
    if (t instanceof Term.Scalar s) {
      return typeOf(s.value());
    } else if (t instanceof Term.ArrayLit || t instanceof Term.ArrayCompr) {
      return ARRAY;
    } else if (t instanceof Term.SetLit || t instanceof Term.SetCompr) {
      return SET;
    } else if (t instanceof Term.ObjectLit || t instanceof Term.ObjectCompr) {
      return OBJECT;
    } else if (t instanceof Term.Var v) {
      return varTypes.getOrDefault(v.name(), ANY);
    } else if (t instanceof Term.Call c) {
      BuiltinSignatures.Signature sig = BuiltinSignatures.of(c.name()).orElse(null);
      return sig != null && sig.args().size() == c.args().size() ? sig.result() : ANY;
    }
    return ANY;
  }

  private static int typeOf(Value v) {
    if (v instanceof NullValue) {
      return NULL;
    } else if (v instanceof BoolValue) {
      return BOOLEAN;
    } else if (v instanceof NumberValue) {
      return NUMBER;
    } else if (v instanceof StringValue) {
      return STRING;
    } else if (v instanceof ArrayValue) {
      return ARRAY;
    } else if (v instanceof SetValue) {
      return SET;
    } else if (v instanceof ObjectValue) {
      return OBJECT;
    }
    return ANY;
  }

  private RegoException error(Term at, String text) {
    return at.loc() == null ? new RegoException(RegoException.TYPE, file, 0, 0, text)
        : new RegoException(RegoException.TYPE, file, at.loc().line(), at.loc().column(), text);
  }
}
