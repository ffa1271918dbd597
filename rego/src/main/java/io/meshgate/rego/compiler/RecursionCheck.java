package io.meshgate.rego.compiler;

import io.meshgate.rego.RegoException;
import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Loc;
import io.meshgate.rego.ast.Term;
import io.meshgate.rego.value.StringValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OPA rejects recursion between rules and functions at compile time ({@code rego_recursion_error});
 * this builds the dependency graph of rule paths and functions and reports the first cycle.
 */
final class RecursionCheck {
  private final RuleNode root;
  private final Map<String, FunctionGroup> functions;
  private final Map<String, Set<String>> edges = new HashMap<>();
  private final Map<String, Loc> locations = new HashMap<>();

  RecursionCheck(RuleNode root, Map<String, FunctionGroup> functions) {
    this.root = root;
    this.functions = functions;
  }

  void run() {
    collectNodes(root);
    for (FunctionGroup g : functions.values()) {
      Set<String> deps = new LinkedHashSet<>();
      for (CompiledRule r : g.definitions) {
        rule(r, deps);
        locations.putIfAbsent(g.path, r.loc());
      }
      if (g.defaultDefinition != null) {
        locations.putIfAbsent(g.path, g.defaultDefinition.loc());
      }
      edges.put(g.path, deps);
    }
    Map<String, Integer> state = new HashMap<>();
    for (String start : new java.util.TreeSet<>(edges.keySet())) {
      List<String> stack = new ArrayList<>();
      visit(start, state, stack);
    }
  }

  private void visit(String n, Map<String, Integer> state, List<String> stack) {
    Integer s = state.get(n);
    if (s != null && s == 2) {
      return;
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(n), stack.size()));
      cycle.add(n);
      Loc loc = locations.get(n);
      throw new RegoException(RegoException.RECURSION, loc == null ? null : loc.file(), loc == null ? 0 : loc.line(),
          loc == null ? 0 : loc.column(), "rule " + n + " is recursive: " + String.join(" -> ", cycle));
    }
    state.put(n, 1);
    stack.add(n);
    for (String d : edges.getOrDefault(n, Set.of())) {
      visit(d, state, stack);
    }
    stack.remove(stack.size() - 1);
    state.put(n, 2);
  }

  private void collectNodes(RuleNode node) {
    if (node.hasRules()) {
      String name = name(node);
      Set<String> deps = new LinkedHashSet<>();
      for (CompiledRule r : node.rules) {
        rule(r, deps);
        locations.putIfAbsent(name, r.loc());
      }
      edges.put(name, deps);
    }
    for (RuleNode c : node.children.values()) {
      collectNodes(c);
    }
  }

  private static String name(RuleNode n) { return "data." + String.join(".", n.path); }

  private void rule(CompiledRule r, Set<String> deps) {
    for (CompiledRule x = r; x != null; x = x.elseRule()) {
      x.keys().forEach(t -> term(t, deps));
      term(x.value(), deps);
      body(x.body(), deps);
    }
  }

  private void body(List<Literal> body, Set<String> deps) {
    for (Literal l : body) {
      Expr e = l.expr();
      if (e instanceof Expr.TermExpr t) {
        term(t.term(), deps);
      } else if (e instanceof Expr.Unify u) {
        term(u.left(), deps);
        term(u.right(), deps);
      } else if (e instanceof Expr.Assign a) {
        term(a.right(), deps);
      } else if (e instanceof Expr.SomeIn in) {
        term(in.collection(), deps);
      } else if (e instanceof Expr.Every ev) {
        term(ev.domain(), deps);
        body(ev.body(), deps);
      }
      for (Literal.With w : l.withs()) {
        term(w.value(), deps);
      }
    }
  }

  private void term(Term t, Set<String> deps) {
    if (t instanceof Term.Ref r) {
      if (r.head() instanceof Term.Var v && v.name().equals("data")) {
        dataRef(r.path(), deps);
      } else {
        term(r.head(), deps);
      }
      r.path().forEach(p -> term(p, deps));
    } else if (t instanceof Term.Var v && v.name().equals("data")) {
      dataRef(List.of(), deps);
    } else if (t instanceof Term.Call c) {
      if (functions.containsKey(c.name())) {
        deps.add(c.name());
      }
      c.args().forEach(a -> term(a, deps));
    } else if (t instanceof Term.ArrayLit a) {
      a.items().forEach(i -> term(i, deps));
    } else if (t instanceof Term.SetLit a) {
      a.items().forEach(i -> term(i, deps));
    } else if (t instanceof Term.ObjectLit o) {
      o.keys().forEach(i -> term(i, deps));
      o.values().forEach(i -> term(i, deps));
    } else if (t instanceof Term.ArrayCompr c) {
      term(c.head(), deps);
      body(c.body(), deps);
    } else if (t instanceof Term.SetCompr c) {
      term(c.head(), deps);
      body(c.body(), deps);
    } else if (t instanceof Term.ObjectCompr c) {
      term(c.key(), deps);
      term(c.value(), deps);
      body(c.body(), deps);
    }
  }

  /**
   * A reference into data depends on the rules its path can reach: a rule at a prefix, or every
   * rule below the end of the path. A non-string segment (a variable) matches any key, and the
   * segments after it still narrow the match, as OPA's dynamic rule lookup does.
   */
  private void dataRef(List<Term> path, Set<String> deps) {
    RuleNode node = root;
    StringBuilder fn = new StringBuilder("data");
    for (int i = 0; i < path.size(); i++) {
      if (node.hasRules()) {
        deps.add(name(node));
        return;
      }
      String key = groundKey(path.get(i));
      if (key == null) {
        matching(node, path, i, deps);
        return;
      }
      fn.append('.').append(key);
      if (functions.containsKey(fn.toString())) {
        deps.add(fn.toString());
        return;
      }
      RuleNode next = node.children.get(key);
      if (next == null) {
        return;
      }
      node = next;
    }
    addAll(node, deps);
  }

  /** The rules under node that path[from..] can reach. */
  private void matching(RuleNode node, List<Term> path, int from, Set<String> deps) {
    if (node.hasRules()) {
      deps.add(name(node));
      return;
    }
    if (from == path.size()) {
      addAll(node, deps);
      return;
    }
    String key = groundKey(path.get(from));
    if (key != null) {
      RuleNode next = node.children.get(key);
      if (next != null) {
        matching(next, path, from + 1, deps);
      }
      return;
    }
    for (RuleNode c : node.children.values()) {
      matching(c, path, from + 1, deps);
    }
  }

  /**
   * The document key a constant path segment names: a string as it is, another scalar as its text
   * ({@code data[2]} reads key "2", as OPA's storage paths do); null for a non-constant segment.
   */
  static String groundKey(Term t) {
    if (t instanceof Term.Scalar s) {
      return s.value() instanceof StringValue str ? str.value() : s.value().toString();
    }
    return null;
  }

  private void addAll(RuleNode node, Set<String> deps) {
    if (node.hasRules()) {
      deps.add(name(node));
    }
    for (RuleNode c : node.children.values()) {
      addAll(c, deps);
    }
  }
}
