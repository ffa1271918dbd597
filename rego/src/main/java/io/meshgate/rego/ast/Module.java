package io.meshgate.rego.ast;

import java.util.List;

/** A parsed module. {@code packagePath} excludes the leading {@code data}. */
public record Module(String file, List<String> packagePath, List<Import> imports, List<Rule> rules,
    boolean v1, Loc loc) {

  /** {@code import data.a.b as c}: path includes its root ({@code data} or {@code input}). */
  public record Import(List<String> path, String alias, Loc loc) {}
}
