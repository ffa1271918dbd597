package io.meshgate.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The service's meters, scraped by {@code GET /metrics} (bean {@code metricsBean}). Prometheus names:
 * {@code meshgate_sync_runs_total{outcome}}, {@code meshgate_sync_duration_seconds},
 * {@code meshgate_violations{severity}}, {@code meshgate_last_success_timestamp_seconds} (the last
 * run that ended without error: a check, a poll that found nothing new, a follower's tick),
 * {@code meshgate_last_publish_timestamp_seconds}, {@code meshgate_leader},
 * {@code meshgate_webhook_requests_total{result}}, {@code meshgate_http_refused_total{reason}}.
 */
public final class SyncMetrics {
  static final String NOTHING_TO_DO = "nothing_to_do";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<RunState, Counter> runsByOutcome = new EnumMap<>(RunState.class);
  private final Counter nothingToDoRuns;
  private final Timer runDuration;
  private final AtomicLong lastErrors = new AtomicLong();
  private final AtomicLong lastWarnings = new AtomicLong();
  private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();
  private final AtomicLong lastPublishEpochSeconds = new AtomicLong();
  private final AtomicLong leader = new AtomicLong();

  public SyncMetrics() {
    for (RunState state : RunState.values()) {
      if (state != RunState.IDLE && state != RunState.SYNCING) {
        runsByOutcome.put(state, runCounter(state.label()));
      }
    }
    nothingToDoRuns = runCounter(NOTHING_TO_DO);
    runDuration = Timer.builder("meshgate.sync.duration")
        .description("Duration of sync runs")
        .register(registry);
    Gauge.builder("meshgate.violations", lastErrors, AtomicLong::get)
        .description("Violations found by the last completed check")
        .tag("severity", "error")
        .register(registry);
    Gauge.builder("meshgate.violations", lastWarnings, AtomicLong::get)
        .description("Violations found by the last completed check")
        .tag("severity", "warning")
        .register(registry);
    Gauge.builder("meshgate.last.success.timestamp", lastSuccessEpochSeconds, AtomicLong::get)
        .description("Unix time of the last run that ended without error, i.e. the last successful check (0 = never)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("meshgate.last.publish.timestamp", lastPublishEpochSeconds, AtomicLong::get)
        .description("Unix time of the last run that published or found its output already published (0 = never)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("meshgate.leader", leader, AtomicLong::get)
        .description("1 while this instance is the leader that publishes, else 0")
        .register(registry);
  }

  private Counter runCounter(String outcome) {
    return Counter.builder("meshgate.sync.runs")
        .description("Sync runs by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  void recordRun(SyncOutcome outcome, Duration took, Instant finishedAt) {
    runDuration.record(took);
    if (outcome.isNothingToDo()) {
      nothingToDoRuns.increment();
      lastSuccessEpochSeconds.set(finishedAt.getEpochSecond());
      return;
    }
    runsByOutcome.get(outcome.state()).increment();
    if (outcome.state() == RunState.ERROR) {
      return;
    }
    lastSuccessEpochSeconds.set(finishedAt.getEpochSecond());
    if (outcome.state() != RunState.FOLLOWER) {
      lastErrors.set(outcome.errorCount());
      lastWarnings.set(outcome.warningCount());
    }
    if (outcome.state().isSuccess()) {
      lastPublishEpochSeconds.set(finishedAt.getEpochSecond());
    }
  }

  void recordLeadership(boolean isLeader) {
    leader.set(isLeader ? 1 : 0);
  }

  /** An HTTP request or connection refused by a limit: {@code connection_limit}, {@code uploads_busy}, ... */
  void recordRefused(String reason) {
    Counter.builder("meshgate.http.refused")
        .description("HTTP connections and requests refused by a limit, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  void recordWebhook(String result) {
    Counter.builder("meshgate.webhook.requests")
        .description("Webhook requests by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /** Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Camel entry point for {@code GET /metrics}. */
  public void handle(Exchange exchange) {
    Message out = exchange.getMessage();
    out.removeHeaders("*");
    out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
    out.setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    out.setBody(scrape());
  }
}
