package io.meshgate.rego.compiler;

import java.util.ArrayList;
import java.util.List;

/** All definitions of one user function (same path). */
public final class FunctionGroup {
  public final String path;
  public final List<CompiledRule> definitions = new ArrayList<>();
  public CompiledRule defaultDefinition;
  public int arity = -1;

  FunctionGroup(String path) { this.path = path; }
}
