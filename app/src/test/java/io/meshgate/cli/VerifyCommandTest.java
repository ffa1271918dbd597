package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.verify.TestMesh;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} and {@code explain} end to end on the hand-written contract-v2 trees. */
class VerifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  static Path tree(String name) {
    return TestMesh.tree(name);
  }

  static String intents(String name) {
    return tree(name).resolve("intents").toString();
  }

  static String rendered(String name) {
    return tree(name).resolve("rendered").toString();
  }

  /** A writable copy of a tree's rendered/ folder. */
  private Path copyRendered(String name) throws IOException {
    Path source = tree(name).resolve("rendered");
    Path target = temp.resolve("rendered");
    try (Stream<Path> walk = Files.walk(source)) {
      walk.forEach(p -> {
        try {
          Path to = target.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return target;
  }

  @Test
  void goodTreeVerifiesWithExitZero() {
    CliRun run = CliRun.of("verify", "--intents", intents("seed-v2"), "--rendered", rendered("seed-v2"));
    assertEquals(0, run.exit(), run.out() + run.err());
    assertEquals("verify: ok: 6 declared edges allowed, 18 probes denied\n", run.out());
  }

  @Test
  void jsonNamesEveryEdgeAndProbe() throws IOException {
    CliRun run = CliRun.of("verify", "--intents", intents("mixed-v2"), "--rendered", rendered("mixed-v2"), "--format", "json");
    assertEquals(0, run.exit(), run.err());
    JsonNode root = JSON.readTree(run.out());
    assertTrue(root.get("ok").asBoolean());
    assertEquals(3, root.get("edges").size());
    assertEquals(3, root.get("summary").get("edges").asInt());
    JsonNode edge = root.get("edges").get(0);
    for (String key : new String[] {"client", "service", "file", "line", "request", "expected", "result", "ok", "hop", "reason", "object", "reached"}) {
      assertTrue(edge.has(key), key + " missing in " + edge);
    }
    assertEquals("allowed", edge.get("result").asText());
    JsonNode probe = root.get("probes").get(0);
    assertEquals("other-namespace", probe.get("probe").asText());
    assertEquals("denied", probe.get("result").asText());
    assertEquals("authorization-policy", probe.get("hop").asText());
    assertEquals("AuthorizationPolicy", probe.get("object").get("kind").asText());
  }

  @Test
  void brokenTreeExitsOneNamingEdgeAndHop() throws IOException {
    Path copy = copyRendered("seed-v2");
    Files.delete(copy.resolve("clusters/cluster02/istio-system/serviceentry-meshgate-httpbin-default-global.yaml"));
    CliRun run = CliRun.of("verify", "--intents", intents("seed-v2"), "--rendered", copy.toString());
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().contains("edge sleep-to-httpbin -> httpbin: cluster01/default/sleep -> httpbin.default.global:8000 GET /status: "
        + "fails at gateway-route: no ServiceEntry or Service for httpbin.default.global exists in cluster cluster02"), run.out());
    assertTrue(run.out().contains("[cluster02/istio-system/Gateway/meshgate-eastwest]"), run.out());
    assertTrue(run.out().contains("intents/clients.yaml:1: edge sleep-to-httpbin"), run.out());
    assertTrue(run.out().endsWith("verify: FAILED: 2 of 6 declared edges cannot reach their service, 0 of 18 probes allowed that the intents deny\n"),
        run.out());
  }

  @Test
  void malformedRenderedFileIsAFileLineErrorWithExitTwo() throws IOException {
    Path copy = copyRendered("seed-v2");
    Path file = copy.resolve("clusters/cluster01/default/authorizationpolicy-meshgate-productpage.yaml");
    Files.writeString(file, "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: x\n    namespace: y\n");
    CliRun run = CliRun.of("verify", "--intents", intents("seed-v2"), "--rendered", copy.toString());
    assertEquals(2, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("authorizationpolicy-meshgate-productpage.yaml:5:"), run.err());
    assertFalse(run.leaksStackTrace(), run.err());
  }

  @Test
  void anObjectTheApiServerWouldRejectIsNotSimulated() throws IOException {
    Path copy = copyRendered("seed-v2");
    Path file = copy.resolve("clusters/cluster02/default/authorizationpolicy-meshgate-httpbin.yaml");
    // a string where the CRD wants a list of methods would otherwise read as "any method"
    Files.writeString(file, Files.readString(file).replace("{methods: [GET], paths: [/get]}", "{methods: GET, paths: [/get]}"));
    CliRun run = CliRun.of("verify", "--intents", intents("seed-v2"), "--rendered", copy.toString());
    assertEquals(2, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("authorizationpolicy-meshgate-httpbin.yaml: AuthorizationPolicy meshgate-httpbin would be"
        + " rejected by the API server: spec.rules[0].to[0].operation.methods"), run.err());
  }

  @Test
  void renderedFolderWithoutClustersIsAUsageError() {
    CliRun run = CliRun.of("verify", "--intents", intents("seed-v2"), "--rendered", temp.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("no clusters/ folder"), run.err());
  }

  @Test
  void unknownFormatIsAUsageError() {
    CliRun run = CliRun.of("verify", "--intents", intents("seed-v2"), "--format", "sarif");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("use text or json"), run.err());
  }

  @Test
  void explainAllowsADeclaredRequest() {
    CliRun run = CliRun.of("explain", "--intents", intents("seed-v2"), "--rendered", rendered("seed-v2"),
        "--from", "cluster01/default/sleep", "--to", "httpbin.default.global:8000", "--method", "GET", "--path", "/status/418");
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("gateway-server        pass"), run.out());
    assertTrue(run.out().endsWith("result: ALLOWED, reaches cluster02/default/httpbin\n"), run.out());
  }

  @Test
  void explainDeniesAnUndeclaredMethod() throws IOException {
    CliRun run = CliRun.of("explain", "--intents", intents("seed-v2"), "--rendered", rendered("seed-v2"),
        "--from", "cluster01/default/sleep", "--to", "httpbin.default.global:8000", "--method", "DELETE", "--path", "/status/418",
        "--format", "json");
    assertEquals(1, run.exit(), run.out() + run.err());
    JsonNode root = JSON.readTree(run.out());
    assertFalse(root.get("allowed").asBoolean());
    JsonNode last = root.get("hops").get(root.get("hops").size() - 1);
    assertEquals("authorization-policy", last.get("hop").asText());
    assertEquals("fail", last.get("result").asText());
    assertEquals("meshgate-httpbin", last.get("object").get("name").asText());
  }

  @Test
  void explainRejectsALowerCaseMethodWithTheUpperCaseOne() {
    CliRun run = CliRun.of("explain", "--intents", intents("seed-v2"), "--rendered", rendered("seed-v2"),
        "--from", "cluster01/default/sleep", "--to", "httpbin.default.global:8000", "--method", "get");
    assertEquals(2, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("write --method GET"), run.err());
  }

  @Test
  void explainRejectsABadFrom() {
    CliRun run = CliRun.of("explain", "--intents", intents("seed-v2"), "--from", "cluster01/sleep", "--to", "httpbin.default.global");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("CLUSTER/NAMESPACE/SERVICEACCOUNT"), run.err());
  }

  @Test
  void intentErrorsStopVerifyAndExplainWithExitOneAsValidateDoes() throws IOException {
    Files.writeString(temp.resolve("bad.yaml"), "apiVersion: meshgate.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}\nspec: {}\n");
    CliRun verify = CliRun.of("verify", "--intents", temp.toString());
    assertEquals(1, verify.exit());
    assertTrue(verify.err().contains("bad.yaml:"), verify.err());
    CliRun explain = CliRun.of("explain", "--intents", temp.toString(), "--from", "a/default/sleep", "--to", "x.default.global");
    assertEquals(1, explain.exit());
    assertTrue(explain.err().contains("bad.yaml:"), explain.err());
    // a usage problem stays 2
    assertEquals(2, CliRun.of("verify", "--intents", temp.toString(), "--format", "xml").exit());
  }
  @Test
  void withExplicitPoliciesAPolicyErrorFailsVerify() throws IOException {
    Path policies = Files.createDirectories(temp.resolve("policies"));
    Files.writeString(policies.resolve("no_bank.rego"), """
        package meshgate.nobank

        deny contains {"rule": "MG-TEST-01", "msg": "no bank", "kind": "InboundService", "name": "bank"}
        """);
    CliRun run = CliRun.of("verify", "--intents", intents("mixed-v2"), "--rendered", rendered("mixed-v2"),
        "--policies", policies.toString());
    assertEquals(1, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("MG-TEST-01: no bank"), run.err());
    assertTrue(run.err().contains("policies deny these intents"), run.err());
    assertTrue(run.out().startsWith("verify: ok"), "the simulation itself is clean: " + run.out());
  }
}
