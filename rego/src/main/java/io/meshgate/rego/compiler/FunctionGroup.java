package io.meshgate.rego.compiler;

import java.util.ArrayList;
import java.util.List;

/** All definitions of one user function (same path). */
public final class FunctionGroup {
  public final String path;
  public final List<CompiledRule> definitions = new ArrayList<>();
  public CompiledRule defaultDefinition;
  public int arity = -1;
  /** Whether calls are remembered by arguments (when optimising); false for cheap ones, see {@link CallCost}. */
  public boolean memoised = true;

  FunctionGroup(String path) { this.path = path; }
}
