package io.meshgate.intent;

/** The intents root does not exist or is not a directory: a usage error, not a finding. */
public final class InvalidIntentsRootException extends IllegalArgumentException {
  public InvalidIntentsRootException(String message) {
    super(message);
  }
}
