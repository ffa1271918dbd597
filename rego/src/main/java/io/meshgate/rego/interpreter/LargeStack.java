package io.meshgate.rego.interpreter;

import io.meshgate.rego.RegoException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs parsing, compilation and evaluation on a thread with a large stack, so that deeply nested
 * policies or data end in a {@link RegoException} ({@code eval_limit_error}) instead of a
 * StackOverflowError on the caller's thread.
 */
public final class LargeStack {
  private static final long STACK_BYTES = 256L * 1024 * 1024;

  private LargeStack() {}

  public static <T> T run(String what, Supplier<T> work) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        result.set(work.get());
      } catch (StackOverflowError e) {
        failure.set(new RegoException(RegoException.LIMIT, what + " exceeded the maximum nesting depth"));
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "rego-" + what, STACK_BYTES);
    t.setDaemon(true);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      // The work stops at its next check of the interrupt; waiting for it keeps what it shares
      // (an IncrementalCache under its caller's lock) from being used by two evaluations at once.
      t.interrupt();
      joinUninterruptibly(t);
      Thread.currentThread().interrupt();
      throw new RegoException(RegoException.LIMIT, what + " interrupted");
    }
    Throwable f = failure.get();
    if (f instanceof RegoException re) {
      throw re;
    }
    if (f instanceof RuntimeException re) {
      throw new RegoException(RegoException.UNSUPPORTED, "internal error in " + what + ": " + re);
    }
    if (f instanceof Error err) {
      throw err;
    }
    return result.get();
  }

  /** Waits for {@code t} to end, keeping (and restoring) an interrupt that arrives meanwhile. */
  public static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
