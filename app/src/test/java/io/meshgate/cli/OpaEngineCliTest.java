package io.meshgate.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.meshgate.intent.TestRepos;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code validate --policy-engine opa}: the repository's policies are pushed, the decision is placed in files. */
class OpaEngineCliTest {
  private final WireMockServer opa = new WireMockServer(wireMockConfig().dynamicPort());

  @BeforeEach
  void start() {
    opa.start();
    opa.stubFor(put(urlMatching("/v1/policies/meshgate/.*")).willReturn(okJson("{}")));
    opa.stubFor(get(urlEqualTo("/v1/policies")).willReturn(okJson("{\"result\": []}")));
    opa.stubFor(put(urlEqualTo("/v1/data/meshgate_config")).willReturn(aResponse().withStatus(204)));
  }

  @AfterEach
  void stop() {
    opa.stop();
  }

  @Test
  void opaDecisionIsReportedAtFileAndLine() throws Exception {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(okJson("""
        {"result": {"tls": {"deny": [{"rule": "MG-TLS-01", "msg": "decided by OPA", "kind": "ServiceClient",
                                      "name": "sleep-to-httpbin", "field": "spec.target"}]},
                    "lib": {"virtual_address_range": "240.0.0.0/4"}}}""")));

    CliRun run = CliRun.of("validate", "--intents", TestRepos.seedIntents().toString(),
        "--policies", TestRepos.root().resolve("policies").toString(),
        "--policy-engine", "opa", "--opa-url", opa.baseUrl(), "--format", "text");

    assertEquals(1, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("intents/clients/sleep-to-httpbin.yaml:10:11: MG-TLS-01: decided by OPA"), run.out());
    opa.verify(putRequestedFor(urlEqualTo("/v1/policies/meshgate/tls.rego"))
        .withRequestBody(equalTo(Files.readString(TestRepos.root().resolve("policies/tls.rego")))));
    opa.verify(0, putRequestedFor(urlEqualTo("/v1/policies/meshgate/tls_test.rego")));
    opa.verify(1, postRequestedFor(urlEqualTo("/v1/data/meshgate"))
        .withRequestBody(matchingJsonPath("$.input.clients.sleep-to-httpbin.spec.target", equalTo("httpbin")))
        .withRequestBody(matchingJsonPath("$.input.clients.sleep-to-httpbin.spec.mutualTLS", equalTo("ISTIO_MUTUAL")))
        .withRequestBody(matchingJsonPath("$.input.rendered.cluster01[0].kind")));
  }

  @Test
  void aPolicyOpaRejectsFailsTheRunClosed() {
    opa.stubFor(put(urlEqualTo("/v1/policies/meshgate/tls.rego")).willReturn(aResponse().withStatus(400)
        .withBody("{\"code\": \"invalid_parameter\", \"message\": \"error(s) occurred while compiling module(s)\","
            + " \"errors\": [{\"code\": \"rego_type_error\", \"message\": \"undefined function net.cidr_contains\","
            + " \"location\": {\"file\": \"meshgate/lib/intents.rego\", \"row\": 72, \"col\": 2}}]}")));

    CliRun run = CliRun.of("validate", "--intents", TestRepos.seedIntents().toString(),
        "--policies", TestRepos.root().resolve("policies").toString(),
        "--policy-engine", "opa", "--opa-url", opa.baseUrl());

    assertEquals(2, run.exit(), run.out() + run.err());
    assertEquals("", run.out());
    assertTrue(run.err().contains("meshgate/lib/intents.rego:72: undefined function net.cidr_contains"), run.err());
    opa.verify(0, postRequestedFor(urlEqualTo("/v1/data/meshgate")));
  }

  @Test
  void noOpaPushEvaluatesWhatTheServerHolds() {
    opa.stubFor(post(urlEqualTo("/v1/data/meshgate")).willReturn(okJson("{\"result\": {\"tls\": {\"deny\": []}}}")));

    CliRun run = CliRun.of("validate", "--intents", TestRepos.seedIntents().toString(),
        "--policies", TestRepos.root().resolve("policies").toString(),
        "--policy-engine", "opa", "--opa-url", opa.baseUrl(), "--no-opa-push");

    assertEquals(0, run.exit(), run.out() + run.err());
    opa.verify(0, putRequestedFor(urlMatching("/v1/.*")));
    opa.verify(1, postRequestedFor(urlEqualTo("/v1/data/meshgate")));
  }
}
