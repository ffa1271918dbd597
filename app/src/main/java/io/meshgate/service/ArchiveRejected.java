package io.meshgate.service;

/** An uploaded archive that will not be extracted; the message says why and is safe to show. */
public final class ArchiveRejected extends Exception {
  private final boolean tooLarge;

  ArchiveRejected(String message, boolean tooLarge) {
    super(message);
    this.tooLarge = tooLarge;
  }

  /** True when a size or count limit was hit (HTTP 413) rather than the archive being unusable (400). */
  public boolean isTooLarge() {
    return tooLarge;
  }
}
