package io.meshgate.check;

import io.meshgate.intent.LoadResult;
import io.meshgate.render.RenderResult;
import java.util.List;

/**
 * The outcome of {@link Checker#check}: what the loader read, every violation of the pipeline
 * (structural, then policy findings), and what was rendered.
 *
 * @param rendered the render, or null when structural errors stopped it
 * @param timings how long each step took
 */
public record CheckResult(LoadResult load, List<Violation> violations, RenderResult rendered, CheckTimings timings) {
  public CheckResult {
    violations = List.copyOf(violations);
    timings = timings == null ? CheckTimings.NONE : timings;
  }

  public CheckResult(LoadResult load, List<Violation> violations, RenderResult rendered) {
    this(load, violations, rendered, CheckTimings.NONE);
  }

  public CheckResult(LoadResult load, List<Violation> violations) {
    this(load, violations, null);
  }

  public boolean hasErrors() {
    return violations.stream().anyMatch(Violation::isError);
  }
}
