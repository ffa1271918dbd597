package io.meshgate.diff;

/** A problem with what the user asked to compare (repository, revision, folder): exit 2, one line. */
public final class DiffException extends Exception {
  public DiffException(String message) {
    super(message);
  }
}
