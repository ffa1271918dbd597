package io.meshgate.service;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/** {@code GET /api/v1/status} (bean {@code statusBean}). Holds no secrets to leak: only commits, state, findings. */
public final class StatusBean {
  private final ServiceStatus status;
  private final Map<String, Object> settings;

  /**
   * @param settings non-secret facts shown under {@code config} (branches, intents path); never URLs
   *     with credentials
   */
  public StatusBean(ServiceStatus status, Map<String, Object> settings) {
    this.status = status;
    this.settings = Map.copyOf(settings);
  }

  public Map<String, Object> toJson() {
    StatusSnapshot s = status.current();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.state().label());
    m.put("sourceCommit", s.sourceCommit());
    m.put("envCommit", s.envCommit());
    m.put("violations", Json.violations(s.violations()));
    m.put("lastRunAt", text(s.lastRunAt()));
    m.put("lastSuccessAt", text(s.lastSuccessAt()));
    m.put("message", s.message());
    m.put("runs", s.runs());
    m.put("running", s.running());
    m.put("config", new java.util.TreeMap<>(settings));
    return m;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  /** Camel entry point. */
  public void handle(Exchange exchange) {
    Json.respond(exchange, 200, toJson());
  }
}
