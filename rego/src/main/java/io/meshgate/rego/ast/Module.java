package io.meshgate.rego.ast;

import java.util.List;

/**
 * A parsed module. {@code packagePath} excludes the leading {@code data}. {@code v1} tells that it
 * was read as Rego v1; {@code strict} that it must be v1 (it imports {@code rego.v1}, or every
 * module is read as v1), which also rules out OPA's deprecated built-ins.
 */
public record Module(String file, List<String> packagePath, List<Import> imports, List<Rule> rules,
    boolean v1, boolean strict, Loc loc, Annotations annotations) {

  public Module(String file, List<String> packagePath, List<Import> imports, List<Rule> rules, boolean v1, Loc loc) {
    this(file, packagePath, imports, rules, v1, v1, loc, Annotations.NONE);
  }

  /**
   * METADATA comment blocks: the package's (null when none) and each rule's, by identity of the
   * rule. Each is the annotation object rego.metadata.* returns, with its {@code scope} set.
   */
  public record Annotations(io.meshgate.rego.value.Value pkg,
      java.util.IdentityHashMap<Rule, io.meshgate.rego.value.Value> rules) {
    public static final Annotations NONE = new Annotations(null, new java.util.IdentityHashMap<>());
  }

  /** {@code import data.a.b as c}: path includes its root ({@code data} or {@code input}). */
  public record Import(List<String> path, String alias, Loc loc) {}
}
