package io.meshgate.service;

/** One sync run: fetch, check, publish. Implemented by {@link SyncJob}; run on the single sync thread. */
@FunctionalInterface
public interface SyncAction {
  /** Returns the outcome; may throw, which the caller reports as state {@code error}. */
  SyncOutcome run() throws Exception;
}
