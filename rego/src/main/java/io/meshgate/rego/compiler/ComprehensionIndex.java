package io.meshgate.rego.compiler;

import io.meshgate.rego.RegoException;
import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Term;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * OPA's comprehension indexing, generalised to a hash join. A comprehension such as
 * {@code {name | some name, s in input.services; global_host(s) == host}} whose body meets the
 * enclosing body only through equalities with terms bound outside it ({@code host}) is evaluated
 * once per query (its {@code independent} part), its solutions grouped by the value of each
 * {@code innerKeys} term; each evaluation then looks its group up by the value of the matching
 * {@code outerKeys} term. Literals that also read outer variables ({@code o.name != a.name}) are
 * kept as {@code filters}, applied to the group's solutions at lookup. The result is the same as
 * evaluating the comprehension in full each time.
 */
public record ComprehensionIndex(List<Term> innerKeys, List<Term> outerKeys, List<Literal> independent,
    List<Literal> filters) {

  /**
   * The plan for a comprehension whose (reordered) body is {@code body} in a scope where the
   * variables {@code bound} are bound, or null when it cannot be indexed.
   */
  static ComprehensionIndex plan(Compiler compiler, List<Literal> body, List<Term> heads, Set<String> bound) {
    Set<String> outer = new HashSet<>(bound);
    outer.remove("data");
    outer.remove("input");
    if (outer.isEmpty()) {
      return null;
    }
    List<Term> inner = new ArrayList<>();
    List<Term> outerKeys = new ArrayList<>();
    List<Literal> independent = new ArrayList<>();
    List<Literal> filters = new ArrayList<>();
    for (Literal l : body) {
      Set<String> vars = new HashSet<>();
      Compiler.collectLiteralAllVars(l, vars);
      if (printsOrTraces(l)) {
        return null; // evaluating once would change what is printed
      }
      vars.retainAll(outer);
      if (vars.isEmpty()) {
        independent.add(l);
        continue;
      }
      Term[] key = keySides(l, outer);
      if (key != null) {
        inner.add(key[0]);
        outerKeys.add(key[1]);
      } else {
        filters.add(l);
      }
    }
    if (inner.isEmpty() || independent.isEmpty()) {
      return null;
    }
    // A filter that declares a variable (`some x in coll`, `x := ...`) would bind it afresh when it
    // runs after the independent part, so it would enumerate instead of constraining a variable the
    // independent part already bound: such a comprehension is evaluated in full.
    Set<String> declaredByFilters = new HashSet<>();
    Compiler.collectDeclared(filters, declaredByFilters);
    if (!declaredByFilters.isEmpty()) {
      Set<String> independentVars = new HashSet<>();
      for (Literal l : independent) {
        Compiler.collectLiteralAllVars(l, independentVars);
      }
      for (Term k : inner) {
        Compiler.collectAllVars(k, independentVars);
      }
      independentVars.retainAll(declaredByFilters);
      if (!independentVars.isEmpty()) {
        return null;
      }
    }
    Compiler.BodyResult ind;
    try {
      ind = compiler.reorder(independent, new HashSet<>(), new HashSet<>());
    } catch (RegoException e) {
      return null;
    }
    for (Term k : inner) {
      if (!coveredBy(k, ind.bound())) {
        return null;
      }
    }
    Set<String> available = new HashSet<>(ind.bound());
    available.addAll(bound);
    List<Literal> orderedFilters = filters;
    if (!filters.isEmpty()) {
      try {
        orderedFilters = compiler.reorder(filters, available, available).body();
      } catch (RegoException e) {
        return null;
      }
    }
    Set<String> afterFilters = new HashSet<>(available);
    for (Literal f : orderedFilters) {
      Compiler.collectLiteralAllVars(f, afterFilters);
    }
    for (Term h : heads) {
      if (!coveredBy(h, afterFilters)) {
        return null;
      }
    }
    return new ComprehensionIndex(List.copyOf(inner), List.copyOf(outerKeys), ind.body(), List.copyOf(orderedFilters));
  }

  /** [inner side, outer side] of {@code a == b} / {@code a = b} joining the body to outer variables. */
  private static Term[] keySides(Literal l, Set<String> outer) {
    if (l.negated() || !l.withs().isEmpty()) {
      return null;
    }
    Term a;
    Term b;
    if (l.expr() instanceof Expr.Unify u) {
      a = u.left();
      b = u.right();
    } else if (l.expr() instanceof Expr.TermExpr t && t.term() instanceof Term.Call c && c.name().equals("equal")
        && c.args().size() == 2) {
      a = c.args().get(0);
      b = c.args().get(1);
    } else {
      return null;
    }
    for (Term[] pair : new Term[][] {{a, b}, {b, a}}) {
      Set<String> in = vars(pair[0]);
      Set<String> out = vars(pair[1]);
      in.retainAll(outer);
      boolean outerOnly = !out.isEmpty() && outer.containsAll(out);
      if (in.isEmpty() && outerOnly && !hasComprehension(pair[0]) && !hasComprehension(pair[1])) {
        return pair;
      }
    }
    return null;
  }

  private static Set<String> vars(Term t) {
    Set<String> vs = new HashSet<>();
    Compiler.collectAllVars(t, vs);
    vs.remove("data");
    vs.remove("input");
    return vs;
  }

  private static boolean coveredBy(Term t, Set<String> bound) {
    Set<String> vs = vars(t);
    vs.removeAll(bound);
    return vs.isEmpty();
  }

  private static boolean hasComprehension(Term t) {
    if (t instanceof Term.ArrayCompr || t instanceof Term.SetCompr || t instanceof Term.ObjectCompr) {
      return true;
    }
    if (t instanceof Term.Ref r) {
      return hasComprehension(r.head()) || r.path().stream().anyMatch(ComprehensionIndex::hasComprehension);
    }
    if (t instanceof Term.Call c) {
      return c.args().stream().anyMatch(ComprehensionIndex::hasComprehension);
    }
    if (t instanceof Term.ArrayLit a) {
      return a.items().stream().anyMatch(ComprehensionIndex::hasComprehension);
    }
    if (t instanceof Term.SetLit s) {
      return s.items().stream().anyMatch(ComprehensionIndex::hasComprehension);
    }
    if (t instanceof Term.ObjectLit o) {
      return o.keys().stream().anyMatch(ComprehensionIndex::hasComprehension)
          || o.values().stream().anyMatch(ComprehensionIndex::hasComprehension);
    }
    return false;
  }

  private static boolean printsOrTraces(Literal l) {
    boolean[] found = {false};
    java.util.function.Consumer<Term> visit = new java.util.function.Consumer<>() {
      @Override
      public void accept(Term t) {
        if (t instanceof Term.Call c) {
          if (c.name().equals("print") || c.name().equals("internal.print") || c.name().equals("trace")) {
            found[0] = true;
          }
          c.args().forEach(this);
        } else if (t instanceof Term.Ref r) {
          accept(r.head());
          r.path().forEach(this);
        } else if (t instanceof Term.ArrayLit a) {
          a.items().forEach(this);
        } else if (t instanceof Term.SetLit st) {
          st.items().forEach(this);
        } else if (t instanceof Term.ObjectLit o) {
          o.keys().forEach(this);
          o.values().forEach(this);
        } else if (t instanceof Term.ArrayCompr c) {
          accept(c.head());
          c.body().forEach(b -> found[0] |= printsOrTraces(b));
        } else if (t instanceof Term.SetCompr c) {
          accept(c.head());
          c.body().forEach(b -> found[0] |= printsOrTraces(b));
        } else if (t instanceof Term.ObjectCompr c) {
          accept(c.key());
          accept(c.value());
          c.body().forEach(b -> found[0] |= printsOrTraces(b));
        }
      }
    };
    Expr e = l.expr();
    if (e instanceof Expr.TermExpr t) {
      visit.accept(t.term());
    } else if (e instanceof Expr.Unify u) {
      visit.accept(u.left());
      visit.accept(u.right());
    } else if (e instanceof Expr.Assign a) {
      visit.accept(a.left());
      visit.accept(a.right());
    } else if (e instanceof Expr.SomeIn in) {
      visit.accept(in.collection());
    } else if (e instanceof Expr.Every ev) {
      visit.accept(ev.domain());
      ev.body().forEach(b -> found[0] |= printsOrTraces(b));
    }
    l.withs().forEach(w -> visit.accept(w.value()));
    return found[0];
  }
}
