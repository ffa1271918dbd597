package io.meshgate.check;

import io.meshgate.intent.LoadResult;
import io.meshgate.render.RenderResult;
import java.util.List;

/**
 * The outcome of {@link Checker#check}: what the loader read, every violation of the pipeline
 * (structural, then policy findings), and what was rendered.
 *
 * @param rendered the render, or null when structural errors stopped it
 */
public record CheckResult(LoadResult load, List<Violation> violations, RenderResult rendered) {
  public CheckResult {
    violations = List.copyOf(violations);
  }

  public CheckResult(LoadResult load, List<Violation> violations) {
    this(load, violations, null);
  }

  public boolean hasErrors() {
    return violations.stream().anyMatch(Violation::isError);
  }
}
