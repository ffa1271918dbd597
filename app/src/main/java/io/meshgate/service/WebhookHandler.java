package io.meshgate.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hooks/git} (bean {@code webhookHandler}). Authenticates GitHub deliveries by
 * {@code X-Hub-Signature-256} (HMAC-SHA256 of the raw body) and GitLab ones by {@code X-Gitlab-Token},
 * both compared in constant time. A push to the source branch → 202 and a sync; ping → 200; other
 * events or branches → 200 and ignored; bad or missing credentials → 401; no secret set → 403.
 *
 * <p>Replays are answered 200 and ignored: an authenticated delivery is remembered for
 * {@link #REPLAY_WINDOW} by its id ({@code X-GitHub-Delivery}, {@code X-Gitlab-Event-UUID}) and by a
 * digest of its body. The body digest matters because GitHub signs the body only: a captured delivery
 * sent again under a new id has the same body.
 */
public final class WebhookHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
  static final String GITHUB_SIGNATURE = "X-Hub-Signature-256";
  static final String GITHUB_EVENT = "X-GitHub-Event";
  static final String GITHUB_DELIVERY = "X-GitHub-Delivery";
  static final String GITLAB_TOKEN = "X-Gitlab-Token";
  static final String GITLAB_EVENT = "X-Gitlab-Event";
  static final String GITLAB_EVENT_UUID = "X-Gitlab-Event-UUID";
  /** GitHub lets a delivery be redelivered for three days. */
  static final java.time.Duration REPLAY_WINDOW = java.time.Duration.ofHours(72);
  /** Deliveries remembered at most; the oldest are forgotten first (about 200 bytes each). */
  static final int MAX_REMEMBERED = 20_000;

  private final byte[] secret;
  private final String secretEnvName;
  private final String sourceRef;
  private final SyncTrigger trigger;
  private final SyncMetrics metrics;
  private final java.time.Clock clock;
  // delivery key -> when first seen (epoch millis); insertion order = age order.
  private final java.util.LinkedHashMap<String, Long> seen = new java.util.LinkedHashMap<>();

  /**
   * @param secret the shared secret, or null/blank to disable webhooks
   * @param secretEnvName where the secret is read from, named in the 403 message
   */
  public WebhookHandler(String secret, String secretEnvName, String sourceBranch, SyncTrigger trigger,
      SyncMetrics metrics) {
    this(secret, secretEnvName, sourceBranch, trigger, metrics, java.time.Clock.systemUTC());
  }

  WebhookHandler(String secret, String secretEnvName, String sourceBranch, SyncTrigger trigger,
      SyncMetrics metrics, java.time.Clock clock) {
    this.secret = secret == null || secret.isBlank() ? null : secret.getBytes(StandardCharsets.UTF_8);
    this.secretEnvName = secretEnvName;
    this.sourceRef = "refs/heads/" + sourceBranch;
    this.trigger = trigger;
    this.metrics = metrics;
    this.clock = clock;
  }

  public boolean isEnabled() {
    return secret != null;
  }

  /** Camel entry point. */
  public void handle(Exchange exchange) {
    Message in = exchange.getIn();
    byte[] body = in.getBody(byte[].class);
    if (body == null) {
      body = new byte[0];
    }
    String contentType = firstNonNull(in.getHeader(MeshgateHttpServer.DECLARED_CONTENT_TYPE, String.class),
        in.getHeader(Exchange.CONTENT_TYPE, String.class));
    if (contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      // GitHub's form deliveries wrap the JSON in payload=...; we take JSON only.
      metrics.recordWebhook("bad_request");
      Json.respond(exchange, 415, Json.error("send the webhook as application/json (GitHub: Content type setting)"));
      return;
    }
    String signature = in.getHeader(GITHUB_SIGNATURE, String.class);
    String token = in.getHeader(GITLAB_TOKEN, String.class);
    String event = firstNonNull(in.getHeader(GITHUB_EVENT, String.class), in.getHeader(GITLAB_EVENT, String.class));
    String delivery = in.getHeader(GITHUB_DELIVERY, String.class) != null
        ? "github:" + in.getHeader(GITHUB_DELIVERY, String.class)
        : in.getHeader(GITLAB_EVENT_UUID, String.class) != null ? "gitlab:" + in.getHeader(GITLAB_EVENT_UUID, String.class)
        : null;
    Response r = decide(body, signature, token, event, delivery);
    metrics.recordWebhook(r.result);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(r.status >= 400 ? "error" : "status", r.message);
    Json.respond(exchange, r.status, json);
  }

  record Response(int status, String result, String message) {}

  Response decide(byte[] body, String signature, String token, String event) {
    return decide(body, signature, token, event, null);
  }

  /**
   * @param delivery the delivery's id prefixed by its origin ({@code github:...}), or null
   */
  Response decide(byte[] body, String signature, String token, String event, String delivery) {
    if (secret == null) {
      return new Response(403, "disabled", "webhooks are disabled: set " + secretEnvName + " to enable them");
    }
    if (signature != null) {
      if (!githubSignatureMatches(body, signature)) {
        LOG.warn("webhook rejected: bad {}", GITHUB_SIGNATURE);
        return new Response(401, "unauthorized", "signature does not match");
      }
    } else if (token != null) {
      if (!constantTimeEquals(token.getBytes(StandardCharsets.UTF_8), secret)) {
        LOG.warn("webhook rejected: bad {}", GITLAB_TOKEN);
        return new Response(401, "unauthorized", "token does not match");
      }
    } else {
      return new Response(401, "unauthorized",
          "missing " + GITHUB_SIGNATURE + " (GitHub) or " + GITLAB_TOKEN + " (GitLab) header");
    }
    // Only authenticated deliveries are remembered: forged ones must not fill the memory.
    if (!firstSighting(delivery, body)) {
      LOG.info("webhook: delivery {} already received; replay ignored", delivery == null ? "(no id)" : delivery);
      return new Response(200, "replayed", "delivery already received; ignored");
    }
    if ("ping".equalsIgnoreCase(event)) {
      return new Response(200, "ping", "pong");
    }
    JsonNode payload;
    try {
      payload = Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      return new Response(400, "bad_request", "body is not JSON");
    }
    boolean isPush = event == null || event.equalsIgnoreCase("push") || event.equalsIgnoreCase("Push Hook");
    String ref = payload == null ? null : payload.path("ref").asText(null);
    if (!isPush || ref == null) {
      return new Response(200, "ignored", "event ignored: only pushes trigger a sync");
    }
    if (!ref.equals(sourceRef)) {
      return new Response(200, "ignored", "push to " + ref + " ignored: watching " + sourceRef);
    }
    trigger.fire("webhook");
    LOG.info("webhook: push to {} accepted, sync triggered", ref);
    return new Response(202, "accepted", "sync triggered");
  }

  /** Records the delivery; false when its id or its exact body was seen within the window. */
  private synchronized boolean firstSighting(String delivery, byte[] body) {
    long now = clock.millis();
    long oldest = now - REPLAY_WINDOW.toMillis();
    java.util.Iterator<java.util.Map.Entry<String, Long>> age = seen.entrySet().iterator();
    while (age.hasNext()) {
      java.util.Map.Entry<String, Long> e = age.next();
      if (e.getValue() >= oldest && seen.size() <= MAX_REMEMBERED) {
        break;
      }
      age.remove();
    }
    String bodyKey = "body:" + HexFormat.of().formatHex(sha256(body));
    String idKey = delivery == null || delivery.isBlank() ? null : delivery.strip();
    if (seen.containsKey(bodyKey) || (idKey != null && seen.containsKey(idKey))) {
      return false;
    }
    seen.put(bodyKey, now);
    if (idKey != null) {
      seen.put(idKey, now);
    }
    return true;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private boolean githubSignatureMatches(byte[] body, String header) {
    String prefix = "sha256=";
    if (!header.startsWith(prefix)) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring(prefix.length()).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmacSha256(secret, body), given);
  }

  static byte[] hmacSha256(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Hashes both sides first so that neither content nor length leaks through timing. */
  private static boolean constantTimeEquals(byte[] a, byte[] b) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] ha = sha.digest(a);
      byte[] hb = sha.digest(b);
      return MessageDigest.isEqual(ha, hb);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
