package io.meshgate.policy;

import io.meshgate.rego.interpreter.IncrementalCache;

/**
 * What evaluating the policies over one tree keeps for the next evaluation over the same tree (the
 * service's sync job keeps one with its {@code CheckMemory}): the embedded engine's per-element
 * results ({@link IncrementalCache}), so a push that changes a few intents re-evaluates only the
 * rule elements whose reads changed; every finding is still that of a full evaluation. An engine
 * that cannot use it (OPA over REST) evaluates in full. Kept for one engine: another engine (new
 * policies) starts afresh.
 */
public final class PolicyMemory {
  private PolicyEngine engine;
  private IncrementalCache cache;
  private final PolicyInput.Memory input = new PolicyInput.Memory();
  private long reusedBefore;
  private long evaluatedBefore;
  private long reusedLastRun;
  private long evaluatedLastRun;

  /** The cache of {@code owner}'s results, a new one when the last evaluation was another engine's. */
  synchronized IncrementalCache cacheFor(PolicyEngine owner) {
    if (engine != owner || cache == null) {
      engine = owner;
      cache = new IncrementalCache();
      reusedBefore = 0;
      evaluatedBefore = 0;
    }
    return cache;
  }

  /** The entries of the last policy input (unchanged documents keep theirs, for any engine). */
  PolicyInput.Memory input() {
    return input;
  }

  /** Records how much the evaluation that just ended took from the one before. */
  synchronized void endRun(IncrementalCache used) {
    reusedLastRun = used.reusedElements() - reusedBefore;
    evaluatedLastRun = used.evaluatedElements() - evaluatedBefore;
    reusedBefore = used.reusedElements();
    evaluatedBefore = used.evaluatedElements();
  }

  /** Rule elements whose results the last evaluation took from the one before. */
  public synchronized long reusedLastRun() {
    return reusedLastRun;
  }

  /** Rule elements the last evaluation evaluated (changed, new, or depending on a change). */
  public synchronized long evaluatedLastRun() {
    return evaluatedLastRun;
  }
}
