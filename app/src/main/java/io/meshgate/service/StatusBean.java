package io.meshgate.service;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/status} (bean {@code statusBean}). Everyone gets the summary: the state, the
 * role, the commits and the violations of the last run. The details (the configuration, the limits,
 * the leader, the policies' origin) need a valid bearer token when {@code --api-token-file} is set.
 * Nothing here is a secret: URLs are shown without user info.
 */
public final class StatusBean {
  private final ServiceStatus status;
  private final Map<String, Object> settings;
  private final Leadership leadership;
  private final ServiceLimits limits;

  /**
   * @param settings non-secret facts shown under {@code config} (branches, intents path); never URLs
   *     with credentials
   */
  public StatusBean(ServiceStatus status, Map<String, Object> settings, Leadership leadership, ServiceLimits limits) {
    this.status = status;
    this.settings = Map.copyOf(settings);
    this.leadership = leadership;
    this.limits = limits;
  }

  public StatusBean(ServiceStatus status, Map<String, Object> settings) {
    this(status, settings, Leadership.single(), ServiceLimits.DEFAULTS);
  }

  /** The status with details. */
  public Map<String, Object> toJson() {
    return toJson(true);
  }

  Map<String, Object> toJson(boolean details) {
    StatusSnapshot s = status.current();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.state().label());
    m.put("role", leadership.role());
    m.put("sourceCommit", s.sourceCommit());
    m.put("envCommit", s.envCommit());
    m.put("violations", Json.violations(s.violations()));
    m.put("lastRunAt", text(s.lastRunAt()));
    m.put("lastSuccessAt", text(s.lastSuccessAt()));
    m.put("lastCheckAt", text(s.lastCheckAt()));
    m.put("message", s.message());
    m.put("runs", s.runs());
    m.put("running", s.running());
    if (details) {
      m.put("policyCommit", s.policyCommit());
      Map<String, Object> election = new LinkedHashMap<>();
      election.put("method", leadership.describe());
      election.put("identity", leadership.identity());
      election.put("leader", leadership.leader().orElse(null));
      m.put("leaderElection", election);
      m.put("config", new TreeMap<>(settings));
      m.put("limits", limits.describe());
    }
    return m;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  /** Camel entry point; {@link MeshgateHttpServer} says whether the caller may see the details. */
  public void handle(Exchange exchange) {
    // Set by MeshgateHttpServer on every request (a client's own value is replaced).
    boolean details = Boolean.parseBoolean(exchange.getIn().getHeader(MeshgateHttpServer.AUTHORIZED, String.class));
    Json.respond(exchange, 200, toJson(details));
  }
}
