package io.meshgate.rego.compiler;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A node of the virtual document tree: a package or rule path under {@code data}. */
public final class RuleNode {
  public final List<String> path;
  public final TreeMap<String, RuleNode> children = new TreeMap<>();
  public final List<CompiledRule> rules = new ArrayList<>();
  public CompiledRule defaultRule;
  /** The rules grouped by the value they require of one input path, or null (see {@link RuleIndex}). */
  public RuleIndex index;
  /** Defaults of ref-head rules with constant keys, e.g. {@code default p["k"] := 1}. */
  public final List<CompiledRule> keyedDefaults = new ArrayList<>();

  RuleNode(List<String> path) { this.path = path; }

  public boolean hasRules() { return !rules.isEmpty() || defaultRule != null || !keyedDefaults.isEmpty(); }

  RuleNode child(String name) {
    return children.computeIfAbsent(name, n -> {
      List<String> p = new ArrayList<>(path);
      p.add(n);
      return new RuleNode(List.copyOf(p));
    });
  }
}
