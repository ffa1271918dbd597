package io.meshgate.policy;

/**
 * The policies could not be evaluated (compile error, OPA unreachable, malformed result, time
 * limit...). Callers fail closed: nothing is published when this is thrown. The message is one
 * line meant for users.
 */
public class PolicyEngineException extends Exception {
  private static final long serialVersionUID = 1L;

  public PolicyEngineException(String message) {
    super(message);
  }

  public PolicyEngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
