package io.meshgate.check;

import io.meshgate.intent.LoadResult;
import java.util.List;

/**
 * The outcome of {@link Checker#check}: what the loader read, and every violation found so far in
 * the pipeline (structural now; render and policy findings join here).
 */
public record CheckResult(LoadResult load, List<Violation> violations) {
  public CheckResult {
    violations = List.copyOf(violations);
  }

  public boolean hasErrors() {
    return violations.stream().anyMatch(Violation::isError);
  }
}
