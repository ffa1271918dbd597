package io.meshgate.check;

/** {@code error} stops publication (a policy {@code deny}, a schema error); {@code warning} does not. */
public enum Severity {
  ERROR("error"),
  WARNING("warning");

  private final String label;

  Severity(String label) {
    this.label = label;
  }

  /** The word used in every output format. */
  public String label() {
    return label;
  }
}
