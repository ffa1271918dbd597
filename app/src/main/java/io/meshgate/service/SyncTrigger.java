package io.meshgate.service;

import io.meshgate.publish.Redactor;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sync action on one thread and coalesces bursts (bean {@code syncTrigger}): a trigger
 * while idle starts a run; any number of triggers during a run lead to exactly one more run after it.
 *
 * <p>Nothing may silently end the loop: every {@link Throwable} of a run, {@link OutOfMemoryError}
 * included, becomes state {@code error} with one log line, and the next trigger runs again (on a new
 * thread if the old one died). {@link #onTimer()} records a heartbeat so that a poll timer that
 * stopped firing, and a run that does not end, are seen (see {@link HealthBean}).
 */
public final class SyncTrigger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncTrigger.class);
  /**
   * A run blocked on an unresponsive remote can take minutes; Kubernetes kills the pod 30 s after
   * SIGTERM. Abandoning the run is safe: the push is the only remote write and it is atomic.
   */
  static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(3);

  private final SyncAction action;
  private final ServiceStatus status;
  private final SyncMetrics metrics;
  private final Redactor scrubber;
  private final Clock clock;
  private final Duration stopGrace;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "meshgate-sync");
    t.setDaemon(true);
    return t;
  });

  private boolean running;
  private boolean oneMoreRun;
  private boolean closed;
  private volatile long lastTickNanos = System.nanoTime();
  private volatile long runStartedNanos;
  private volatile boolean inRun;
  private volatile String lastFault;

  public SyncTrigger(SyncAction action, ServiceStatus status, SyncMetrics metrics,
      Redactor scrubber, Clock clock) {
    this(action, status, metrics, scrubber, clock, DEFAULT_STOP_GRACE);
  }

  /**
   * @param stopGrace how long {@link #close()} waits for a run in progress before abandoning it
   */
  SyncTrigger(SyncAction action, ServiceStatus status, SyncMetrics metrics,
      Redactor scrubber, Clock clock, Duration stopGrace) {
    this.stopGrace = stopGrace;
    this.action = action;
    this.status = status;
    this.metrics = metrics;
    this.scrubber = scrubber;
    this.clock = clock;
  }

  /**
   * Asks for a run. Never throws: it is called from the poll timer's thread, which an escaping
   * error would end for good.
   *
   * @return true when a new run was started, false when it was folded into the running one
   */
  public boolean fire(String reason) {
    try {
      return request(reason);
    } catch (Throwable e) { // NOPMD - the caller's thread must survive anything, OutOfMemoryError included
      reportFault("requesting a sync run", e);
      return false;
    }
  }

  private synchronized boolean request(String reason) {
    if (closed) {
      return false;
    }
    if (running) {
      oneMoreRun = true;
      LOG.debug("sync requested by {} during a run; one more run queued", reason);
      return false;
    }
    running = true;
    LOG.debug("sync requested by {}", reason);
    try {
      worker.execute(this::runUntilNoMoreRequests);
    } catch (RejectedExecutionException e) {
      running = false;
      return false;
    }
    return true;
  }

  /** Camel entry point for the poll timer: a heartbeat, then a run. */
  public void onTimer() {
    lastTickNanos = System.nanoTime();
    fire("timer");
  }

  /** True while a run is in progress or queued. */
  public synchronized boolean isBusy() {
    return running;
  }

  /** Waits until no run is in progress or queued; returns false on timeout. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (running) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  /** How long ago the poll timer last fired. */
  Duration sinceLastTick() {
    return Duration.ofNanos(System.nanoTime() - lastTickNanos);
  }

  /** How long the run in progress has been running; zero when none is. */
  Duration currentRunAge() {
    return inRun ? Duration.ofNanos(System.nanoTime() - runStartedNanos) : Duration.ZERO;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** The last fault that escaped a run (e.g. an OutOfMemoryError), or null. */
  String lastFault() {
    return lastFault;
  }

  private void runUntilNoMoreRequests() {
    boolean finished = false;
    try {
      while (true) {
        synchronized (this) {
          // Requests made before this run starts are served by it.
          oneMoreRun = false;
        }
        runOnce();
        synchronized (this) {
          if (!oneMoreRun || closed) {
            running = false;
            notifyAll();
            finished = true;
            return;
          }
        }
      }
    } finally {
      if (!finished) {
        // Something escaped even runOnce's guard: the loop must stay usable for the next trigger.
        synchronized (this) {
          running = false;
          notifyAll();
        }
      }
    }
  }

  private void runOnce() {
    runStartedNanos = System.nanoTime();
    inRun = true;
    try {
      status.runStarted();
      long started = System.nanoTime();
      SyncOutcome outcome;
      try {
        outcome = action.run();
        if (outcome == null) {
          outcome = SyncOutcome.error(null, "internal error: the sync produced no outcome");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcome = SyncOutcome.error(null, "sync interrupted");
      } catch (Throwable e) { // NOPMD - OutOfMemoryError and every other error must not end the loop
        outcome = SyncOutcome.error(null, "sync failed: " + describe(e));
        reportFault("a sync run", e);
      }
      outcome = outcome.withMessage(scrubber.redact(outcome.message()));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      status.runFinished(outcome);
      metrics.recordRun(outcome, took, clock.instant());
      log(outcome, took);
    } catch (Throwable e) { // NOPMD - even recording the outcome can hit an OutOfMemoryError
      reportFault("recording a sync run", e);
    } finally {
      inRun = false;
    }
  }

  /** One line per fault; the stack trace only at debug level, so a repeated fault cannot flood the log. */
  private void reportFault(String during, Throwable e) {
    String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + scrubber.redact(e.getMessage()));
    lastFault = text;
    LOG.error("{} failed with {}; the sync loop carries on with the next trigger", during, text);
    LOG.debug("stack trace", e);
  }

  private static void log(SyncOutcome outcome, Duration took) {
    String commit = outcome.sourceCommit() == null ? "(unknown)" : outcome.sourceCommit();
    if (outcome.isNothingToDo()) {
      LOG.debug("sync: source {} already handled", commit);
      return;
    }
    if (outcome.state() == RunState.FOLLOWER) {
      LOG.debug("sync: {}", outcome.message());
      return;
    }
    String line = "sync: source {} -> {} ({} errors, {} warnings, {} ms): {}";
    Object[] args = {commit, outcome.state().label(), outcome.errorCount(), outcome.warningCount(),
        took.toMillis(), outcome.message()};
    if (outcome.state() == RunState.ERROR) {
      LOG.warn(line, args);
    } else {
      LOG.info(line, args);
    }
  }

  private static String describe(Throwable e) {
    String msg = e.getMessage();
    return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + msg;
  }

  /** Starts no more runs; a run in progress goes on until {@link #close()}. */
  synchronized void beginClose() {
    closed = true;
  }

  @Override
  public void close() {
    close(stopGrace);
  }

  /** Stops, waiting at most {@code grace} for a run in progress before abandoning it. */
  void close(Duration grace) {
    beginClose();
    worker.shutdown();
    try {
      if (!worker.awaitTermination(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS)) {
        LOG.warn("stopping: the sync run in progress did not finish in time; abandoned (nothing partial is"
            + " pushed; the next start redoes it)");
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
    }
  }
}
