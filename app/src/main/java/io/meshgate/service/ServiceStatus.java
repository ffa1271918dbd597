package io.meshgate.service;

import java.time.Clock;
import java.time.Instant;

/** The service's current status; written by the sync thread, read by HTTP threads. */
public final class ServiceStatus {
  private final Clock clock;
  private volatile StatusSnapshot current = StatusSnapshot.initial();
  // The state to go back to when a run turns out to have nothing to do.
  private RunState settledState = RunState.IDLE;

  public ServiceStatus(Clock clock) {
    this.clock = clock;
  }

  public StatusSnapshot current() {
    return current;
  }

  synchronized void runStarted() {
    StatusSnapshot s = current;
    // Keep the last outcome visible: a status poll during a routine run must still see it.
    RunState shown = s.state() == RunState.IDLE ? RunState.SYNCING : s.state();
    current = new StatusSnapshot(shown, s.sourceCommit(), s.envCommit(), s.violations(),
        s.lastRunAt(), s.lastSuccessAt(), s.message(), s.runs(), true);
  }

  synchronized void runFinished(SyncOutcome outcome) {
    StatusSnapshot s = current;
    Instant now = clock.instant();
    if (outcome.isNothingToDo()) {
      Instant success = settledState.isSuccess() ? now : s.lastSuccessAt();
      current = new StatusSnapshot(settledState, s.sourceCommit(), s.envCommit(), s.violations(), now,
          success, s.message(), s.runs() + 1, false);
      return;
    }
    settledState = outcome.state();
    String envCommit = outcome.envCommit() != null ? outcome.envCommit() : s.envCommit();
    String sourceCommit = outcome.sourceCommit() != null ? outcome.sourceCommit() : s.sourceCommit();
    Instant success = outcome.state().isSuccess() ? now : s.lastSuccessAt();
    current = new StatusSnapshot(outcome.state(), sourceCommit, envCommit, outcome.violations(), now,
        success, outcome.message(), s.runs() + 1, false);
  }
}
