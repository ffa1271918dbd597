package io.meshgate.service;

import java.time.Clock;
import java.time.Instant;

/** The service's current status; written by the sync thread, read by HTTP threads. */
public final class ServiceStatus {
  private final Clock clock;
  private volatile StatusSnapshot current = StatusSnapshot.initial();
  // The outcome of the last run that checked a commit (not an error, not a follower's tick): what a
  // poll that finds nothing new shows again, also after a fault in between.
  private StatusSnapshot lastCheck;

  public ServiceStatus(Clock clock) {
    this.clock = clock;
  }

  public StatusSnapshot current() {
    return current;
  }

  synchronized void runStarted() {
    StatusSnapshot s = current;
    // Keep the last outcome visible: a status poll during a routine run must still see it.
    if (s.state() == RunState.IDLE) {
      s = new StatusSnapshot(RunState.SYNCING, s.sourceCommit(), s.envCommit(), s.violations(), s.lastRunAt(),
          s.lastSuccessAt(), s.lastCheckAt(), s.message(), s.runs(), true, s.policyCommit());
    }
    current = s.running(true);
  }

  synchronized void runFinished(SyncOutcome outcome) {
    StatusSnapshot s = current;
    Instant now = clock.instant();
    if (outcome.isNothingToDo()) {
      // The commit was already handled and the branch is where that run left it: its outcome stands,
      // and a fault reported by a run in between is over.
      StatusSnapshot base = lastCheck != null ? lastCheck : s;
      RunState state = lastCheck != null ? lastCheck.state() : (s.state() == RunState.SYNCING ? RunState.IDLE : s.state());
      Instant success = state.isSuccess() ? now : s.lastSuccessAt();
      current = new StatusSnapshot(state, base.sourceCommit(), base.envCommit(), base.violations(), now, success, now,
          base.message(), s.runs() + 1, false, policyCommit(outcome, s));
      return;
    }
    if (outcome.state() == RunState.FOLLOWER) {
      current = new StatusSnapshot(RunState.FOLLOWER, s.sourceCommit(), s.envCommit(), java.util.List.of(), now,
          s.lastSuccessAt(), now, outcome.message(), s.runs() + 1, false, policyCommit(outcome, s));
      return;
    }
    String envCommit = outcome.envCommit() != null ? outcome.envCommit() : s.envCommit();
    String sourceCommit = outcome.sourceCommit() != null ? outcome.sourceCommit() : s.sourceCommit();
    boolean error = outcome.state() == RunState.ERROR;
    Instant success = outcome.state().isSuccess() ? now : s.lastSuccessAt();
    current = new StatusSnapshot(outcome.state(), sourceCommit, envCommit, outcome.violations(), now,
        success, error ? s.lastCheckAt() : now, outcome.message(), s.runs() + 1, false, policyCommit(outcome, s));
    if (!error) {
      lastCheck = current;
    }
  }

  private static String policyCommit(SyncOutcome outcome, StatusSnapshot s) {
    return outcome.policyCommit() != null ? outcome.policyCommit() : s.policyCommit();
  }
}
