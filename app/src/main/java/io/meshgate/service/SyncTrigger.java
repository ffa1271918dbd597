package io.meshgate.service;

import io.meshgate.publish.Redactor;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sync action on one thread and coalesces bursts (bean {@code syncTrigger}): a trigger
 * while idle starts a run; any number of triggers during a run lead to exactly one more run after it.
 */
public final class SyncTrigger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncTrigger.class);
  /**
   * A run blocked on an unresponsive remote can take minutes; Kubernetes kills the pod 30 s after
   * SIGTERM. Abandoning the run is safe: the push is the only remote write and it is atomic.
   */
  static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);

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
   * Asks for a run.
   *
   * @return true when a new run was started, false when it was folded into the running one
   */
  public synchronized boolean fire(String reason) {
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
    worker.execute(this::runUntilNoMoreRequests);
    return true;
  }

  /** Camel entry point for the poll timer. */
  public void onTimer() {
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

  private void runUntilNoMoreRequests() {
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
          return;
        }
      }
    }
  }

  private void runOnce() {
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
    } catch (Exception | LinkageError e) {
      outcome = SyncOutcome.error(null, "sync failed: " + describe(e));
    }
    outcome = new SyncOutcome(outcome.state(), outcome.sourceCommit(), outcome.envCommit(),
        outcome.violations(), scrubber.redact(outcome.message()));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    status.runFinished(outcome);
    metrics.recordRun(outcome, took, clock.instant());
    log(outcome, took);
  }

  private static void log(SyncOutcome outcome, Duration took) {
    String commit = outcome.sourceCommit() == null ? "(unknown)" : outcome.sourceCommit();
    if (outcome.isNothingToDo()) {
      LOG.debug("sync: source {} already handled", commit);
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
    return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("stopping: the sync run in progress did not finish within {}; abandoned (nothing partial is"
            + " pushed; the next start redoes it)", IstioDurations.format(stopGrace));
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
    }
  }
}
