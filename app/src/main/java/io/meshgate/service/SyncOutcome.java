package io.meshgate.service;

import io.meshgate.check.Violation;
import java.util.List;

/**
 * The result of one sync run.
 *
 * @param state the outcome; never {@link RunState#IDLE} or {@link RunState#SYNCING}. Null means the
 *     run had nothing to do (the source commit was already handled) and the previous outcome stands.
 * @param sourceCommit the source commit the run looked at, or null when it could not be fetched
 * @param envCommit the environment branch tip after the run, or null when unknown or absent
 * @param violations every finding of the check (errors and warnings), in report order
 * @param message one human sentence; must never contain secrets
 * @param policyCommit the commit of the policies the run used when they come from Git, else null
 */
public record SyncOutcome(
    RunState state, String sourceCommit, String envCommit, List<Violation> violations, String message,
    String policyCommit) {

  public SyncOutcome {
    violations = violations == null ? List.of() : List.copyOf(violations);
    if (state == RunState.IDLE || state == RunState.SYNCING) {
      throw new IllegalArgumentException("a run cannot end in state " + state.label());
    }
  }

  public SyncOutcome(RunState state, String sourceCommit, String envCommit, List<Violation> violations, String message) {
    this(state, sourceCommit, envCommit, violations, message, null);
  }

  SyncOutcome withMessage(String text) {
    return new SyncOutcome(state, sourceCommit, envCommit, violations, text, policyCommit);
  }

  SyncOutcome withPolicyCommit(String commit) {
    return new SyncOutcome(state, sourceCommit, envCommit, violations, message, commit);
  }

  /** The source commit was already handled; status keeps the previous outcome. */
  public static SyncOutcome nothingToDo(String sourceCommit) {
    return new SyncOutcome(null, sourceCommit, null, List.of(), "source commit already handled");
  }

  public static SyncOutcome error(String sourceCommit, String message) {
    return new SyncOutcome(RunState.ERROR, sourceCommit, null, List.of(), message);
  }

  /** This instance is not the leader: it checked nothing and published nothing. */
  public static SyncOutcome follower(String message) {
    return new SyncOutcome(RunState.FOLLOWER, null, null, List.of(), message);
  }

  public boolean isNothingToDo() {
    return state == null;
  }

  public long errorCount() {
    return violations.stream().filter(Violation::isError).count();
  }

  public long warningCount() {
    return violations.size() - errorCount();
  }
}
