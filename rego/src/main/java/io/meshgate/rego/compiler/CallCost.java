package io.meshgate.rego.compiler;

import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Term;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which functions are worth remembering by arguments ({@link FunctionGroup#memoised}).
 * A function whose every definition is a few look-ups and constant-time built-ins, with no
 * iteration, comprehension, {@code with} or call of a costlier function, takes less to evaluate
 * than to hash its arguments, store the answer and keep it alive until the query ends: at 30,000
 * clients, remembering {@code tls_mode(client)} and its like was a fifth of the policies' time.
 * Every other function is remembered, as OPA's evaluator caches calls. Either way a call answers
 * the same: functions are pure, and one with {@code print} is never judged cheap.
 */
final class CallCost {
  /**
   * Built-ins that take constant time, or time in the size of their arguments' strings (never a
   * walk of a collection bigger than the function's own arguments).
   */
  private static final Set<String> CHEAP_BUILTINS = Set.of(
      "equal", "neq", "lt", "lte", "gt", "gte", "plus", "minus", "mul", "div", "rem", "internal.member_2",
      "object.get", "count", "is_array", "is_string", "is_number", "is_object", "is_set", "is_boolean", "is_null",
      "type_name", "startswith", "endswith", "contains", "lower", "upper", "trim_prefix", "trim_suffix",
      "trim_space", "sprintf", "concat", "format_int", "to_number", "indexof", "substring", "replace",
      "array.concat", "net.cidr_contains", "net.cidr_is_valid");

  private final Map<String, FunctionGroup> functions;
  /** Decided functions; false while one is being decided (a cycle is refused elsewhere anyway). */
  private final Map<String, Boolean> cheap = new HashMap<>();

  private CallCost(Map<String, FunctionGroup> functions) {
    this.functions = functions;
  }

  /** Sets {@link FunctionGroup#memoised} on every function. */
  static void mark(Map<String, FunctionGroup> functions) {
    CallCost cost = new CallCost(functions);
    for (FunctionGroup g : functions.values()) {
      g.memoised = !cost.isCheap(g);
    }
  }

  private boolean isCheap(FunctionGroup g) {
    Boolean known = cheap.get(g.path);
    if (known != null) {
      return known;
    }
    cheap.put(g.path, false);
    boolean result = (g.defaultDefinition == null || isCheap(g.defaultDefinition, Set.of()))
        && g.definitions.stream().allMatch(d -> isCheap(d, Set.of()));
    cheap.put(g.path, result);
    return result;
  }

  /** @param outerArgs the arguments an else branch shares with the definition it belongs to */
  private boolean isCheap(CompiledRule rule, Set<String> outerArgs) {
    if (!rule.keys().isEmpty()) {
      return false;
    }
    Set<String> bound = new HashSet<>(outerArgs);
    for (Term arg : rule.args() == null ? List.<Term>of() : rule.args()) {
      if (arg instanceof Term.Var v) {
        bound.add(v.name());
      } else if (!(arg instanceof Term.Scalar)) {
        return false;
      }
    }
    for (Literal literal : rule.body()) {
      if (!literal.withs().isEmpty() || !isCheap(literal.expr(), bound)) {
        return false;
      }
    }
    if (rule.value() != null && !isCheap(rule.value(), bound)) {
      return false;
    }
    return rule.elseRule() == null || isCheap(rule.elseRule(), bound);
  }

  /** Adds the variables the expression binds to {@code bound}. */
  private boolean isCheap(Expr expr, Set<String> bound) {
    if (expr instanceof Expr.TermExpr t) {
      return isCheap(t.term(), bound);
    }
    if (expr instanceof Expr.Assign a) {
      return binds(a.left(), a.right(), bound);
    }
    if (expr instanceof Expr.Unify u) {
      return binds(u.left(), u.right(), bound) || binds(u.right(), u.left(), bound)
          || (isCheap(u.left(), bound) && isCheap(u.right(), bound));
    }
    return false; // some, some ... in, every: iteration
  }

  private boolean binds(Term target, Term value, Set<String> bound) {
    if (target instanceof Term.Var v && !v.isWildcard() && !bound.contains(v.name()) && isCheap(value, bound)) {
      bound.add(v.name());
      return true;
    }
    return false;
  }

  private boolean isCheap(Term term, Set<String> bound) {
    if (term instanceof Term.Scalar) {
      return true;
    }
    if (term instanceof Term.Var v) {
      return bound.contains(v.name()); // an unbound one would iterate or bind
    }
    if (term instanceof Term.Ref r) {
      boolean head = r.head() instanceof Term.Var v
          ? bound.contains(v.name()) || v.name().equals("input") || v.name().equals("data")
          : isCheap(r.head(), bound);
      return head && r.path().stream().allMatch(p -> isCheap(p, bound));
    }
    if (term instanceof Term.ArrayLit a) {
      return a.items().stream().allMatch(i -> isCheap(i, bound));
    }
    if (term instanceof Term.SetLit s) {
      return s.items().stream().allMatch(i -> isCheap(i, bound));
    }
    if (term instanceof Term.ObjectLit o) {
      return o.keys().stream().allMatch(k -> isCheap(k, bound)) && o.values().stream().allMatch(v -> isCheap(v, bound));
    }
    if (term instanceof Term.Call c) {
      FunctionGroup callee = functions.get(c.name());
      boolean calleeCheap = callee != null ? isCheap(callee) : CHEAP_BUILTINS.contains(c.name());
      return calleeCheap && c.args().stream().allMatch(a -> isCheap(a, bound));
    }
    return false; // comprehensions
  }
}
