package io.meshgate.policy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.meshgate.check.Severity;
import io.meshgate.policy.OpaRestPolicyEngine.Options;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OPA REST engine against WireMock standing in for an OPA server (bodies as OPA's REST API documents them). */
class OpaRestPolicyEngineTest {

  private static final Map<String, Object> INPUT = Map.of(
      "clusters", Map.of(), "services", Map.of(),
      "clients", Map.of("sleep-to-httpbin", Map.of("name", "sleep-to-httpbin", "spec", Map.of("target", "httpbin"))),
      "rendered", Map.of());

  private static final String DECISION = """
      {"result": {
        "lib": {"virtual_address_range": "240.0.0.0/4"},
        "tls": {"deny": [{"rule": "MG-TLS-01", "msg": "client sleep-to-httpbin uses SIMPLE", "kind": "ServiceClient",
                          "name": "sleep-to-httpbin", "field": "spec.mutualTLS"}]},
        "team": {"extra": {"warn": [{"rule": "MG-CB-01", "msg": "no connectionPool", "kind": "InboundService",
                                     "name": "httpbin", "field": "spec.outlierDetection"}],
                           "deny": []}}
      }}""";

  private final WireMockServer opa = new WireMockServer(wireMockConfig().dynamicPort());

  @TempDir Path policies;

  @BeforeEach
  void start() {
    opa.start();
  }

  @AfterEach
  void stop() {
    opa.stop();
  }

  private OpaRestPolicyEngine engine(PolicyBundle bundle, Options options) {
    return new OpaRestPolicyEngine(URI.create(opa.baseUrl()), bundle, options);
  }

  private static Options fast() {
    return new Options(Duration.ofSeconds(1), Duration.ofSeconds(2), 3, Duration.ofMillis(10));
  }

  private PolicyBundle writeBundle() throws Exception {
    Files.createDirectories(policies.resolve("lib"));
    Files.writeString(policies.resolve("tls.rego"), "package meshgate.tls\n\ndeny contains {\"rule\": \"X\", \"msg\": \"m\"} if false\n");
    Files.writeString(policies.resolve("lib/intents.rego"), "package meshgate.lib\n\nx := 1\n");
    Files.writeString(policies.resolve("tls_test.rego"), "package meshgate.tls_test\n\ntest_x if true\n");
    Files.writeString(policies.resolve("data.yaml"), "meshgate_config:\n  virtual_address_range: 240.0.0.0/4\n");
    return PolicyBundle.load(policies);
  }

  private void stubPushAccepted() {
    opa.stubFor(put(urlEqualTo("/v1/policies/meshgate/tls.rego")).willReturn(okJson("{}")));
    opa.stubFor(put(urlEqualTo("/v1/policies/meshgate/lib/intents.rego")).willReturn(okJson("{}")));
    opa.stubFor(get(urlEqualTo("/v1/policies")).willReturn(okJson("""
        {"result": [
          {"id": "meshgate/tls.rego", "raw": "package meshgate.tls", "ast": {}},
          {"id": "meshgate/old.rego", "raw": "package meshgate.old", "ast": {}},
          {"id": "team/other.rego", "raw": "package other", "ast": {}}
        ]}""")));
    opa.stubFor(delete(urlEqualTo("/v1/policies/meshgate/old.rego")).willReturn(okJson("{}")));
    opa.stubFor(put(urlEqualTo("/v1/data/meshgate_config")).willReturn(aResponse().withStatus(204)));
  }

  @Test
  void postsInputToDataApiAndCollectsDenyAndWarnAtAnyDepth() throws Exception {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(okJson(DECISION)));

    PolicyDecision decision = engine(null, fast()).evaluate(INPUT);

    assertEquals(List.of(new PolicyFinding("MG-TLS-01", Severity.ERROR, "client sleep-to-httpbin uses SIMPLE",
        "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS")), decision.denies());
    assertEquals(List.of(new PolicyFinding("MG-CB-01", Severity.WARNING, "no connectionPool",
        "InboundService", "httpbin", "spec.outlierDetection")), decision.warnings());
    opa.verify(1, postRequestedFor(urlEqualTo("/v1/data/meshgate"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("""
            {"input": {"clusters": {}, "services": {}, "rendered": {},
                       "clients": {"sleep-to-httpbin": {"name": "sleep-to-httpbin", "spec": {"target": "httpbin"}}}}}""")));
  }

  @Test
  void pushesExactlyTheRepositoryPoliciesOnceThenEvaluates() throws Exception {
    PolicyBundle bundle = writeBundle();
    stubPushAccepted();
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(okJson("{\"result\": {}}")));

    OpaRestPolicyEngine engine = engine(bundle, fast());
    assertTrue(engine.evaluate(INPUT).all().isEmpty());
    engine.evaluate(INPUT);

    opa.verify(1, putRequestedFor(urlEqualTo("/v1/policies/meshgate/tls.rego"))
        .withHeader("Content-Type", equalTo("text/plain"))
        .withRequestBody(equalTo(Files.readString(policies.resolve("tls.rego")))));
    opa.verify(1, putRequestedFor(urlEqualTo("/v1/policies/meshgate/lib/intents.rego"))
        .withRequestBody(equalTo(Files.readString(policies.resolve("lib/intents.rego")))));
    opa.verify(0, putRequestedFor(urlEqualTo("/v1/policies/meshgate/tls_test.rego")));
    opa.verify(1, deleteRequestedFor(urlEqualTo("/v1/policies/meshgate/old.rego")));
    opa.verify(0, deleteRequestedFor(urlEqualTo("/v1/policies/team/other.rego")));
    opa.verify(1, putRequestedFor(urlEqualTo("/v1/data/meshgate_config"))
        .withRequestBody(equalToJson("{\"virtual_address_range\": \"240.0.0.0/4\"}")));
    opa.verify(2, postRequestedFor(urlEqualTo("/v1/data/meshgate")));
  }

  @Test
  void anOpaThatLostItsPoliciesGetsThemPushedAgain() throws Exception {
    PolicyBundle bundle = writeBundle();
    stubPushAccepted();
    // First evaluation: policies present. Then OPA restarts (data.meshgate undefined) until the re-push.
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).inScenario("restart").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(okJson(DECISION)).willSetStateTo("restarted"));
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).inScenario("restart").whenScenarioStateIs("restarted")
        .willReturn(okJson("{}")));
    opa.stubFor(put(urlEqualTo("/v1/policies/meshgate/tls.rego")).inScenario("restart").whenScenarioStateIs("restarted")
        .willReturn(okJson("{}")).willSetStateTo("pushed again"));
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).inScenario("restart").whenScenarioStateIs("pushed again")
        .willReturn(okJson(DECISION)));

    OpaRestPolicyEngine engine = engine(bundle, fast());
    assertEquals(1, engine.evaluate(INPUT).denies().size());
    assertEquals(1, engine.evaluate(INPUT).denies().size(), "the policies are pushed again, not failed on");
    opa.verify(2, putRequestedFor(urlEqualTo("/v1/policies/meshgate/tls.rego")));
    opa.verify(3, postRequestedFor(urlEqualTo("/v1/data/meshgate")));
  }

  @Test
  void compileErrorOnPushFailsClosedWithOpasMessage() throws Exception {
    PolicyBundle bundle = writeBundle();
    stubPushAccepted();
    opa.stubFor(put(urlEqualTo("/v1/policies/meshgate/tls.rego")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody("""
            {"code": "invalid_parameter",
             "message": "error(s) occurred while compiling module(s)",
             "errors": [{"code": "rego_parse_error", "message": "unexpected eof token",
                         "location": {"file": "meshgate/tls.rego", "row": 3, "col": 1}}]}""")));

    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine(bundle, fast()).evaluate(INPUT));

    assertTrue(error.getMessage().contains("invalid_parameter"), error.getMessage());
    assertTrue(error.getMessage().contains("meshgate/tls.rego:3: unexpected eof token"), error.getMessage());
    opa.verify(1, putRequestedFor(urlEqualTo("/v1/policies/meshgate/tls.rego")));
    opa.verify(0, postRequestedFor(urlEqualTo("/v1/data/meshgate")));
  }

  @Test
  void undefinedResultFailsClosed() {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(okJson("{}")));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine(null, fast()).evaluate(INPUT));
    assertTrue(error.getMessage().contains("undefined"), error.getMessage());
  }

  @Test
  void malformedJsonFailsClosed() {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"result\": {\"tls\": ")));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine(null, fast()).evaluate(INPUT));
    assertTrue(error.getMessage().contains("malformed JSON"), error.getMessage());
  }

  @Test
  void wrongShapesFailClosed() {
    List<String> badResults = List.of(
        "{\"result\": [1, 2]}",
        "{\"result\": {\"tls\": {\"deny\": [{\"rule\": \"MG-TLS-01\"}]}}}",
        "{\"result\": {\"tls\": {\"deny\": [\"\"]}}}",
        "{\"result\": {\"tls\": {\"deny\": [42]}}}",
        "{\"result\": {\"tls\": {\"deny\": {\"rule\": \"MG-TLS-01\", \"msg\": \"m\"}}}}",
        "{\"result\": {\"tls\": {\"warn\": [{\"rule\": \"MG-CB-01\", \"msg\": \"m\", \"field\": 3}]}}}",
        "[]");
    for (String body : badResults) {
      opa.resetAll();
      opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(okJson(body)));
      assertThrows(PolicyEngineException.class, () -> engine(null, fast()).evaluate(INPUT), body);
    }
  }

  @Test
  void serverErrorsAreRetriedABoundedNumberOfTimesThenFailClosed() {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(aResponse().withStatus(500)
        .withBody("{\"code\": \"internal_error\", \"message\": \"storage closed\"}")));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine(null, fast()).evaluate(INPUT));
    assertTrue(error.getMessage().contains("HTTP 500 internal_error: storage closed"), error.getMessage());
    opa.verify(3, postRequestedFor(urlEqualTo("/v1/data/meshgate")));
  }

  @Test
  void aTransientServerErrorIsRetried() throws Exception {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).inScenario("flaky").whenScenarioStateIs("up")
        .willReturn(okJson(DECISION)));
    PolicyDecision decision = engine(null, fast()).evaluate(INPUT);
    assertEquals(1, decision.denies().size());
    opa.verify(2, postRequestedFor(urlEqualTo("/v1/data/meshgate")));
  }

  @Test
  void clientErrorsAreNotRetried() {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(aResponse().withStatus(400)
        .withBody("{\"code\": \"invalid_parameter\", \"message\": \"body contains malformed input document\"}")));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine(null, fast()).evaluate(INPUT));
    assertTrue(error.getMessage().contains("malformed input document"), error.getMessage());
    opa.verify(1, postRequestedFor(urlEqualTo("/v1/data/meshgate")));
  }

  @Test
  void opaDownFailsClosedAfterRetries() {
    String url = opa.baseUrl();
    opa.stop();
    OpaRestPolicyEngine engine = new OpaRestPolicyEngine(URI.create(url), null, fast());
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine.evaluate(INPUT));
    assertTrue(error.getMessage().contains("after 3 attempt(s)"), error.getMessage());
    assertTrue(error.getMessage().contains("failing closed"), error.getMessage());
  }

  @Test
  void aSlowOpaHitsTheRequestTimeout() {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(okJson(DECISION).withFixedDelay(3000)));
    Options options = new Options(Duration.ofSeconds(1), Duration.ofMillis(300), 1, Duration.ofMillis(10));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine(null, options).evaluate(INPUT));
    assertTrue(error.getMessage().contains("HttpTimeoutException"), error.getMessage());
  }
}
