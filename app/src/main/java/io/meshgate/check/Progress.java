package io.meshgate.check;

/**
 * How far a long run has got, for people watching a terminal: each step of the pipeline reports
 * a count under a phase name ({@code "files read"}, {@code "objects rendered"}, {@code "edges
 * verified"}). Implementations decide whether and how to show it; the core only counts.
 */
public interface Progress {

  /** Shows nothing (tests, CI, machine-readable output). */
  Progress NONE = (phase, done) -> { };

  /** {@code done} units of {@code phase} are finished; called often, so it must be cheap. */
  void update(String phase, long done);

  /** The run is over: clear whatever was shown. */
  default void finish() {
  }
}
