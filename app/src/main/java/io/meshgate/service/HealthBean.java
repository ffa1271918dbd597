package io.meshgate.service;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Exchange;

/**
 * {@code GET /healthz} (liveness) and {@code GET /readyz} (readiness), bean {@code healthBean}.
 *
 * <p>Liveness fails (503) when the sync loop cannot recover by itself, so that the orchestrator
 * restarts the process: the loop was stopped, a run has been in progress for longer than
 * {@link ServiceLimits#runStuckAfter()}, or the poll timer has not fired for {@code stallAfter} even
 * after the watchdog restarted it. Readiness fails while the service starts or stops, and while no
 * policies are loaded (uploads could not be checked).
 */
public final class HealthBean {
  private final SyncTrigger trigger;
  private final Duration stuckAfter;
  private final Duration stallAfter;
  private final Supplier<String> notReadyReason;

  /**
   * @param notReadyReason null when ready, else why not
   */
  HealthBean(SyncTrigger trigger, Duration stuckAfter, Duration stallAfter, Supplier<String> notReadyReason) {
    this.trigger = trigger;
    this.stuckAfter = stuckAfter;
    this.stallAfter = stallAfter;
    this.notReadyReason = notReadyReason;
  }

  /** Why the loop is not alive, or null when it is. */
  String livenessProblem() {
    if (trigger.isClosed()) {
      return "the sync loop is stopped";
    }
    Duration running = trigger.currentRunAge();
    if (running.compareTo(stuckAfter) > 0) {
      return "a sync run has been in progress for " + IstioDurations.format(Duration.ofSeconds(running.toSeconds()))
          + ", more than " + IstioDurations.format(stuckAfter) + " (--stuck-after)";
    }
    Duration sinceTick = trigger.sinceLastTick();
    if (sinceTick.compareTo(stallAfter) > 0) {
      return "the poll timer has not fired for " + IstioDurations.format(Duration.ofSeconds(sinceTick.toSeconds()));
    }
    return null;
  }

  /** Camel entry point of {@code GET /healthz}. */
  public void handle(Exchange exchange) {
    answer(exchange, livenessProblem(), "UP", "DOWN");
  }

  /** Camel entry point of {@code GET /readyz}. */
  public void ready(Exchange exchange) {
    String problem = livenessProblem();
    answer(exchange, problem != null ? problem : notReadyReason.get(), "READY", "NOT_READY");
  }

  private static void answer(Exchange exchange, String problem, String good, String bad) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", problem == null ? good : bad);
    if (problem != null) {
      body.put("reason", problem);
    }
    Json.respond(exchange, problem == null ? 200 : 503, body);
  }
}
