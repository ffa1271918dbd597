package io.meshgate.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Evaluates policies on an OPA server through its REST API (the OPA Java SDK is not available):
 * {@code POST /v1/data/meshgate} with {@code {"input": ...}}, answer {@code {"result": {...}}}.
 *
 * <p>With a bundle to push, it first makes OPA hold exactly the repository's policies: every module
 * is {@code PUT /v1/policies/meshgate/<relative path>} (raw Rego, {@code text/plain}), modules it
 * pushed earlier that the bundle no longer has are deleted, and every top-level key of the data
 * files is {@code PUT /v1/data/<key>}. A push happens once per bundle digest.
 *
 * <p>Fails closed on everything: OPA down, timeouts, 4xx/5xx, malformed JSON, an undefined result,
 * wrong shapes. Connection errors and 5xx are retried a bounded number of times with backoff
 * (evaluation has no side effects, so a retried POST is safe).
 */
public final class OpaRestPolicyEngine implements PolicyEngine {

  /** Prefix of the policy ids this engine owns on the OPA server. */
  public static final String POLICY_ID_PREFIX = "meshgate/";
  static final String DECISION_PATH = "/v1/data/meshgate";

  /** Timeouts and retry budget. */
  public record Options(Duration connectTimeout, Duration requestTimeout, int maxAttempts,
      Duration initialBackoff) {
    public Options {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
    }

    /** 2 s to connect, 10 s per request, 3 attempts, 200 ms backoff doubling. */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(2), Duration.ofSeconds(10), 3, Duration.ofMillis(200));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI baseUrl;
  private final PolicyBundle bundleToPush;
  private final Options options;
  /** The evaluation request's limit: by default {@link Options#requestTimeout()} grown with the input. */
  private final PolicyTimeout evaluationTimeout;
  private final HttpClient http;
  private String pushedDigest;

  /**
   * @param opaUrl base URL of the OPA server, e.g. {@code http://localhost:8181}
   * @param bundleToPush the repository's policies to push before evaluating, or null to evaluate
   *     whatever the server already holds
   */
  public OpaRestPolicyEngine(URI opaUrl, PolicyBundle bundleToPush, Options options) {
    this(opaUrl, bundleToPush, options, PolicyTimeout.AUTO);
  }

  /** As {@link #OpaRestPolicyEngine(URI, PolicyBundle, Options)}, the evaluation request limited by {@code evaluationTimeout}. */
  public OpaRestPolicyEngine(URI opaUrl, PolicyBundle bundleToPush, Options options, PolicyTimeout evaluationTimeout) {
    this.evaluationTimeout = Objects.requireNonNull(evaluationTimeout, "evaluationTimeout");
    String text = Objects.requireNonNull(opaUrl, "opaUrl").toString();
    this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.bundleToPush = bundleToPush;
    this.options = Objects.requireNonNull(options, "options");
    this.http = HttpClient.newBuilder()
        .connectTimeout(options.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public String name() {
    return "opa";
  }

  @Override
  public synchronized PolicyDecision evaluate(Map<String, Object> input) throws PolicyEngineException {
    boolean pushedNow = pushIfNeeded();
    JsonNode result = decide(input);
    if (result == null && bundleToPush != null && !pushedNow) {
      // An OPA restarted since our push (a sidecar restart) holds no policies: push again, once.
      pushedDigest = null;
      pushIfNeeded();
      result = decide(input);
    }
    if (result == null) {
      throw new PolicyEngineException("OPA at " + baseUrl + ": data.meshgate is undefined (no "
          + "policies in package meshgate loaded?); failing closed");
    }
    return FindingCollector.collect(JSON.convertValue(result, Object.class));
  }

  /** Pushes the bundle unless this digest was pushed already; true when it pushed. */
  private boolean pushIfNeeded() throws PolicyEngineException {
    if (bundleToPush == null || bundleToPush.digest().equals(pushedDigest)) {
      return false;
    }
    push(bundleToPush);
    pushedDigest = bundleToPush.digest();
    return true;
  }

  /** The value of {@code data.meshgate} for this input; null when undefined. */
  private JsonNode decide(Map<String, Object> input) throws PolicyEngineException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("input", input);
    HttpResponse<String> response = send("evaluate policies", HttpRequest.newBuilder(url(DECISION_PATH))
        .timeout(evaluationTimeout.forInput(input, options.requestTimeout()))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(toJson(body))));
    expectStatus(response, "evaluate policies", 200);
    JsonNode answer = parse(response, "evaluate policies");
    if (!answer.isObject()) {
      throw new PolicyEngineException("OPA at " + baseUrl + " answered " + DECISION_PATH
          + " with " + kindOf(answer) + " instead of an object");
    }
    return answer.get("result");
  }

  /** Makes the server hold exactly the bundle's modules (under our prefix) and its data. */
  private void push(PolicyBundle bundle) throws PolicyEngineException {
    Set<String> wanted = new TreeSet<>();
    for (PolicyBundle.PolicyFile module : bundle.modules()) {
      String id = POLICY_ID_PREFIX + module.path();
      wanted.add(id);
      HttpResponse<String> response = send("push policy " + module.path(),
          HttpRequest.newBuilder(url("/v1/policies/" + encodePath(id)))
              .header("Content-Type", "text/plain")
              .PUT(HttpRequest.BodyPublishers.ofString(module.text())));
      expectStatus(response, "push policy " + module.path(), 200);
    }
    for (String stale : ownedPolicyIds()) {
      if (!wanted.contains(stale)) {
        HttpResponse<String> response = send("delete stale policy " + stale,
            HttpRequest.newBuilder(url("/v1/policies/" + encodePath(stale))).DELETE());
        expectStatus(response, "delete stale policy " + stale, 200, 404);
      }
    }
    for (Map.Entry<String, Object> entry : bundle.data().entrySet()) {
      String what = "push data " + entry.getKey();
      HttpResponse<String> response = send(what,
          HttpRequest.newBuilder(url("/v1/data/" + encodePath(entry.getKey())))
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofString(toJson(entry.getValue()))));
      expectStatus(response, what, 204, 200);
    }
  }

  private List<String> ownedPolicyIds() throws PolicyEngineException {
    HttpResponse<String> response = send("list policies",
        HttpRequest.newBuilder(url("/v1/policies")).header("Accept", "application/json").GET());
    expectStatus(response, "list policies", 200);
    JsonNode result = parse(response, "list policies").get("result");
    if (result == null || !result.isArray()) {
      throw new PolicyEngineException("OPA at " + baseUrl + " answered GET /v1/policies without a result list");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode policy : result) {
      String id = policy.path("id").asText("");
      if (id.startsWith(POLICY_ID_PREFIX)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private HttpResponse<String> send(String what, HttpRequest.Builder request) throws PolicyEngineException {
    HttpRequest built = request.build();
    if (built.timeout().isEmpty()) {
      built = request.timeout(options.requestTimeout()).build();
    }
    Duration backoff = options.initialBackoff();
    String lastProblem = "";
    for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
      try {
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() < 500) {
          return response;
        }
        lastProblem = "HTTP " + response.statusCode() + describeError(response.body());
      } catch (IOException e) {
        lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PolicyEngineException("interrupted while waiting for OPA at " + baseUrl, e);
      }
      if (attempt < options.maxAttempts()) {
        sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new PolicyEngineException("OPA at " + baseUrl + " failed to " + what + " after "
        + options.maxAttempts() + " attempt(s): " + lastProblem + "; failing closed");
  }

  private void expectStatus(HttpResponse<String> response, String what, int... accepted)
      throws PolicyEngineException {
    for (int status : accepted) {
      if (response.statusCode() == status) {
        return;
      }
    }
    throw new PolicyEngineException("OPA at " + baseUrl + " refused to " + what + ": HTTP "
        + response.statusCode() + describeError(response.body()) + "; failing closed");
  }

  /** OPA errors look like {"code": "...", "message": "...", "errors": [{"message", "location"}]}. */
  private static String describeError(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode error = JSON.readTree(body);
      StringBuilder text = new StringBuilder();
      if (error.hasNonNull("code")) {
        text.append(" ").append(error.get("code").asText());
      }
      if (error.hasNonNull("message")) {
        text.append(": ").append(error.get("message").asText());
      }
      for (JsonNode detail : error.path("errors")) {
        text.append("; ");
        JsonNode location = detail.path("location");
        if (location.hasNonNull("file")) {
          text.append(location.get("file").asText()).append(":").append(location.path("row").asInt())
              .append(": ");
        }
        text.append(detail.path("message").asText(detail.toString()));
      }
      return text.toString();
    } catch (JsonProcessingException e) {
      String oneLine = body.replaceAll("\\s+", " ").trim();
      return " " + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine);
    }
  }

  private JsonNode parse(HttpResponse<String> response, String what) throws PolicyEngineException {
    try {
      JsonNode node = JSON.readTree(response.body());
      if (node == null || node.isMissingNode()) {
        throw new PolicyEngineException("OPA at " + baseUrl + " sent an empty answer to " + what);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new PolicyEngineException("OPA at " + baseUrl + " sent malformed JSON to " + what + ": "
          + e.getOriginalMessage() + "; failing closed", e);
    }
  }

  private static String toJson(Object value) throws PolicyEngineException {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new PolicyEngineException("cannot encode policy input as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private URI url(String path) {
    return URI.create(baseUrl + path);
  }

  /** Encodes each segment of a slash-separated path. */
  private static String encodePath(String path) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      segments.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", segments);
  }

  private static String kindOf(JsonNode node) {
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static void sleep(Duration duration) throws PolicyEngineException {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PolicyEngineException("interrupted while backing off from OPA", e);
    }
  }
}
