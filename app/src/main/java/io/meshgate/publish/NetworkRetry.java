package io.meshgate.publish;

import java.time.Duration;
import java.util.Locale;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;

/**
 * Bounded retry with exponential backoff for a remote that cannot be reached. Authentication
 * failures are not retried: asking again with the same credentials cannot succeed.
 *
 * @param attempts total tries, at least 1
 * @param initialDelay wait after the first failure; doubled after each further failure
 * @param maxDelay upper bound of one wait
 */
public record NetworkRetry(int attempts, Duration initialDelay, Duration maxDelay) {
  /** 4 tries, waiting 2 s, 4 s, 8 s in between. */
  public static final NetworkRetry DEFAULT =
      new NetworkRetry(4, Duration.ofSeconds(2), Duration.ofSeconds(30));

  public NetworkRetry {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    if (initialDelay.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException("retry delays must not be negative");
    }
  }

  /** One remote operation that may fail with a JGit {@link TransportException}. */
  @FunctionalInterface
  interface RemoteCall<T> {
    T call() throws Exception;
  }

  /**
   * Runs {@code call}, retrying transport failures; any other exception and the last transport
   * failure are turned into a {@link GitOperationException} described as {@code what}.
   */
  <T> T run(String what, Redactor redactor, RemoteCall<T> call) {
    Duration delay = initialDelay;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (GitOperationException e) {
        throw e;
      } catch (TransportException e) {
        String hint = permanentFailureHint(e);
        if (hint != null) {
          throw GitOperationException.of(what + " (" + hint + ")", e, redactor);
        }
        if (attempt >= attempts) {
          String suffix = attempt > 1 ? " (after " + attempt + " attempts)" : "";
          throw GitOperationException.of(what + suffix, e, redactor);
        }
        sleep(delay, what, redactor);
        delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
      } catch (Exception e) {
        throw GitOperationException.of(what, e, redactor);
      }
    }
  }

  /**
   * For failures that asking again cannot fix (credentials or the server's host key refused): what
   * to check; null when the failure may be transient.
   */
  static String permanentFailureHint(TransportException e) {
    if (e instanceof NoRemoteRepositoryException) {
      return "no Git repository at that address: check the URL or path";
    }
    String message = GitOperationException.describe(e).toLowerCase(Locale.ROOT);
    if (message.contains("server key did not validate") || message.contains("host key")) {
      return "SSH host key not trusted: check " + GitCredentials.ENV_KNOWN_HOSTS;
    }
    if (message.contains("not authorized")
        || message.contains("authentication")
        || message.contains("credentialsprovider")
        || message.contains("auth fail")
        || message.contains("cannot log in")) {
      return "credentials refused or missing: check " + GitCredentials.ENV_TOKEN + " / "
          + GitCredentials.ENV_SSH_KEY_FILE;
    }
    return null;
  }

  private static void sleep(Duration delay, String what, Redactor redactor) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitOperationException(redactor.redact(what + ": interrupted while waiting to retry"));
    }
  }
}
