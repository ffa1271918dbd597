package io.meshgate.service;

import io.meshgate.check.Violation;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/status} shows. {@code sourceCommit} is the newest source commit checked,
 * {@code envCommit} the environment tip after the last run that knew it. {@code state} is the outcome
 * of the last finished run ({@code syncing} only while the very first run is in progress), so a poll
 * never loses it to a run in progress; {@code running} says whether a run is in progress. A poll that
 * finds nothing new after a failed run shows the outcome of the last check again: the fault is over.
 *
 * @param lastSuccessAt when a run last published, or found the output already published
 * @param lastCheckAt when a run last ended without error (a check, a poll with nothing new, or a
 *     follower's tick): the loop is alive and reaches Git
 * @param policyCommit the commit of the policies last used, when they come from Git; else null
 */
public record StatusSnapshot(
    RunState state,
    String sourceCommit,
    String envCommit,
    List<Violation> violations,
    Instant lastRunAt,
    Instant lastSuccessAt,
    Instant lastCheckAt,
    String message,
    long runs,
    boolean running,
    String policyCommit) {

  public StatusSnapshot {
    violations = List.copyOf(violations);
  }

  static StatusSnapshot initial() {
    return new StatusSnapshot(RunState.IDLE, null, null, List.of(), null, null, null, "waiting for the first run",
        0, false, null);
  }

  StatusSnapshot running(boolean isRunning) {
    return new StatusSnapshot(state, sourceCommit, envCommit, violations, lastRunAt, lastSuccessAt, lastCheckAt,
        message, runs, isRunning, policyCommit);
  }
}
