package io.meshgate.rego.compiler;

import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Term;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rule indexing OPA does for bodies that test {@code input.x == "literal"}: the rules of one
 * path are grouped by the constant each requires of the same input path, so that evaluation only
 * runs the rules whose constant is the input's value there (and those that require nothing of it).
 * A rule with an {@code else} chain is never skipped.
 */
public final class RuleIndex {
  private final List<String> path;
  private final List<CompiledRule> rules;
  /** What each rule (same position as in {@code rules}) requires at {@code path}; null for nothing. */
  private final List<Value> required;
  private final Map<Value, List<CompiledRule>> byValue = new ConcurrentHashMap<>();
  private final List<CompiledRule> unconditional;

  private RuleIndex(List<String> path, List<CompiledRule> rules, List<Value> required) {
    this.path = path;
    this.rules = rules;
    this.required = required;
    List<CompiledRule> free = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      if (required.get(i) == null) {
        free.add(rules.get(i));
      }
    }
    this.unconditional = List.copyOf(free);
  }

  /** The input path the rules are grouped by, e.g. {@code ["review", "kind", "kind"]}. */
  public List<String> path() { return path; }

  /** The rules that can hold when the input's value at {@link #path} is {@code v} (null: undefined). */
  public List<CompiledRule> candidates(Value v) {
    if (v == null || !(v instanceof StringValue || v instanceof io.meshgate.rego.value.NumberValue
        || v instanceof io.meshgate.rego.value.BoolValue || v instanceof io.meshgate.rego.value.NullValue)) {
      return v == null || v instanceof ArrayValue || v instanceof ObjectValue || v instanceof SetValue
          ? unconditional : rules;
    }
    return byValue.computeIfAbsent(v, value -> {
      List<CompiledRule> out = new ArrayList<>();
      for (int i = 0; i < rules.size(); i++) {
        if (required.get(i) == null || required.get(i).equals(value)) {
          out.add(rules.get(i));
        }
      }
      return List.copyOf(out);
    });
  }

  /** Indexes every node of the tree with at least two rules testing one input path. */
  static void build(RuleNode node) {
    if (node.rules.size() >= 2) {
      node.index = of(node.rules);
    }
    for (RuleNode child : node.children.values()) {
      build(child);
    }
  }

  private static RuleIndex of(List<CompiledRule> rules) {
    Map<List<String>, Integer> counts = new HashMap<>();
    List<Map<List<String>, Value>> conditions = new ArrayList<>();
    for (CompiledRule r : rules) {
      Map<List<String>, Value> c = r.elseRule() == null ? conditions(r.body()) : Map.of();
      conditions.add(c);
      c.keySet().forEach(p -> counts.merge(p, 1, Integer::sum));
    }
    List<String> best = null;
    int bestCount = 1;
    for (Map.Entry<List<String>, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    if (best == null) {
      return null;
    }
    List<Value> required = new ArrayList<>();
    for (Map<List<String>, Value> c : conditions) {
      required.add(c.get(best));
    }
    return new RuleIndex(List.copyOf(best), List.copyOf(rules), required);
  }

  /** The {@code input.a.b == constant} tests at the top of a body, by input path. */
  private static Map<List<String>, Value> conditions(List<Literal> body) {
    Map<List<String>, Value> out = new HashMap<>();
    for (Literal l : body) {
      if (l.negated() || !l.withs().isEmpty()) {
        continue;
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
        continue;
      }
      for (Term[] pair : new Term[][] {{a, b}, {b, a}}) {
        List<String> p = inputPath(pair[0]);
        if (p != null && pair[1] instanceof Term.Scalar s && !out.containsKey(p)) {
          out.put(p, s.value());
        }
      }
    }
    return out;
  }

  private static List<String> inputPath(Term t) {
    if (!(t instanceof Term.Ref r) || !(r.head() instanceof Term.Var v) || !v.name().equals("input")) {
      return null;
    }
    List<String> p = new ArrayList<>();
    for (Term e : r.path()) {
      if (!(e instanceof Term.Scalar s) || !(s.value() instanceof StringValue str)) {
        return null;
      }
      p.add(str.value());
    }
    return List.copyOf(p);
  }
}
