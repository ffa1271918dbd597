package io.meshgate.service;

import java.util.Locale;

/** What the service is doing or did last, as shown in {@code /api/v1/status}. */
public enum RunState {
  /** Started, no run finished yet. */
  IDLE,
  /** The first run is in progress (later runs keep showing the last outcome while they run). */
  SYNCING,
  /** The last run wrote a new environment commit. */
  PUBLISHED,
  /** The last run found the rendered output already on the environment branch. */
  UNCHANGED,
  /** The last run found policy denials or schema errors; nothing was published. */
  REFUSED,
  /** The last run failed (Git, OPA, network, internal); nothing was published. */
  ERROR,
  /** Another instance holds the leadership and publishes; this one serves validation and status. */
  FOLLOWER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isSuccess() {
    return this == PUBLISHED || this == UNCHANGED;
  }
}
