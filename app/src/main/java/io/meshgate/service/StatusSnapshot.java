package io.meshgate.service;

import io.meshgate.check.Violation;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/status} shows. {@code sourceCommit} is the newest source commit checked,
 * {@code envCommit} the environment tip after the last run that knew it. {@code state} is the outcome
 * of the last finished run ({@code syncing} only while the very first run is in progress), so a poll
 * never loses it to a run in progress; {@code running} says whether a run is in progress.
 */
public record StatusSnapshot(
    RunState state,
    String sourceCommit,
    String envCommit,
    List<Violation> violations,
    Instant lastRunAt,
    Instant lastSuccessAt,
    String message,
    long runs,
    boolean running) {

  public StatusSnapshot {
    violations = List.copyOf(violations);
  }

  static StatusSnapshot initial() {
    return new StatusSnapshot(RunState.IDLE, null, null, List.of(), null, null, "waiting for the first run", 0, false);
  }
}
