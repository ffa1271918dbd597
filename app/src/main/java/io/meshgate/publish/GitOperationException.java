package io.meshgate.publish;

/**
 * A Git operation (fetch, read, commit, push) failed. The message names what was attempted and
 * why, and never contains credentials: it is built through a {@link Redactor}, and the underlying
 * JGit exception is not chained (its message may carry the remote URL with userinfo), only its
 * redacted message is kept.
 */
public final class GitOperationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GitOperationException(String message) {
    super(message);
  }

  /** {@code what: <redacted cause message>}, without chaining the cause. */
  static GitOperationException of(String what, Throwable cause, Redactor redactor) {
    return new GitOperationException(redactor.redact(what + ": " + describe(cause)));
  }

  static String describe(Throwable cause) {
    StringBuilder text = new StringBuilder();
    Throwable current = cause;
    // Nested JGit causes often hold the useful part ("Connection refused"); keep a short chain.
    for (int depth = 0; current != null && depth < 3; depth++) {
      String message = current.getMessage();
      if (message == null || message.isBlank()) {
        message = current.getClass().getSimpleName();
      }
      // JGit prefixes the remote URL, which the caller's description already names.
      message = message.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://\\S*: ", "");
      if (text.indexOf(message) < 0) {
        if (text.length() > 0) {
          text.append(" (caused by: ");
        }
        text.append(message);
        if (depth > 0) {
          text.append(')');
        }
      }
      current = current.getCause() == current ? null : current.getCause();
    }
    return text.toString();
  }
}
