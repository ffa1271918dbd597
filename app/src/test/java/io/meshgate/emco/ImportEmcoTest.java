package io.meshgate.emco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.check.Violation;
import io.meshgate.cli.CliRun;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.TestRepos;
import io.meshgate.render.OutputTree;
import io.meshgate.render.Provenance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshgate import emco} on the seed's three examples ({@code repo-fixtures/seed-emco}: httpbin,
 * productpage, their clients and security intents) and on bodies that cannot be mapped. The seed's
 * exact bodies are not published anywhere meshgate could read them; the fixtures are reconstructed
 * from the issue, the contract's field comments and {@code repo-fixtures/seed} (see its README).
 */
class ImportEmcoTest {
  static final Path SEED_EMCO = TestRepos.root().resolve("repo-fixtures/seed-emco");
  static final Provenance PROVENANCE = new Provenance("test", null, null, "test");

  @TempDir Path work;

  /** Imports the seed's bodies into {@code <work>/intents} and adds the seed's clusters. */
  static Path importSeed(Path work) throws IOException {
    Path intents = work.resolve("intents");
    CliRun run = CliRun.of("import", "emco", SEED_EMCO.resolve("bodies").toString(),
        "--placement", SEED_EMCO.resolve("placement.yaml").toString(), "--out", intents.toString());
    assertEquals(0, run.exit(), run.out() + run.err());
    copyTree(TestRepos.seedIntents().resolve("clusters"), intents.resolve("clusters"));
    return intents;
  }

  @Test
  void theSeedsBodiesImportIntoIntentsThatValidateAndRenderExactlyLikeTheSeed() throws Exception {
    Path intents = importSeed(work);
    Checker checker = new Checker(TestRepos.root().resolve("policies"));
    CheckResult imported = checker.check(intents);
    CheckResult seed = checker.check(TestRepos.seedIntents());
    assertEquals(List.of(), errors(imported), "the imported intents validate");
    // The seed's one finding (MG-LB-02, a warning) comes back from the imported productpage.
    assertEquals(rules(seed), rules(imported));
    assertEquals(tree(seed), tree(imported), "rendered like repo-fixtures/seed");
    assertEquals(List.of("clients/bookinfo-user-to-productpage.yaml", "clients/sleep-to-httpbin.yaml",
        "clients/sleep-to-productpage.yaml", "clusters/clusters.yaml", "services/httpbin.yaml",
        "services/productpage.yaml"), files(intents));
  }

  @Test
  void everyMappedFieldSaysWhereItCameFrom() throws IOException {
    Path intents = importSeed(work);
    String productpage = Files.readString(intents.resolve("services/productpage.yaml"));
    assertTrue(productpage.contains("service: productpage             # from \"servicename\"\n"), productpage);
    assertTrue(productpage.contains("port: 9080                       # from \"port\": \"9080\"\n"), productpage);
    assertTrue(productpage.contains("sidecar: true                    # from \"istio-proxy\": \"yes\"\n"), productpage);
    assertTrue(productpage.contains("baseEjectionTime: 15m          # from \"baseEjectionTime\": 15 (minutes)\n"), productpage);
    assertTrue(productpage.contains("# from \"loadbalancingType\": \"ConsistenHash\", \"loadBalancerMode\": \"httpCookie\""), productpage);
    assertTrue(productpage.contains("cluster: cluster01               # placement: placement.yaml: bookinfo/productpage"), productpage);
    String client = Files.readString(intents.resolve("clients/sleep-to-httpbin.yaml"));
    assertTrue(client.contains("target: httpbin          # the inbound intent it was posted under"), client);
    assertTrue(client.contains("    - methods: [GET]\n      paths: [\"/status*\"]\n    - methods: [POST]\n      paths: [\"/headers\"]\n"), client);
  }

  @Test
  void theSeedsQuirksAreRead() throws IOException {
    Path bodies = work.resolve("bodies");
    write(bodies.resolve("web.json"), """
        {"metadata": {"name": "web", "userData1": "owner: web team"},
         "spec": {"application": "shop", "servicename": "web", "protocol": "http", "headless": "False",
                  "mutualTLS": "istio_mutual", "port": 80, "istio-proxy": "no", "serviceMesh": "Istio",
                  "loadbalancingType": "Simple", "loadBalancerMode": "least_conn",
                  "baseEjectionTime": "30s", "consecutiveErrors": "3", "intervalSweep": "10s",
                  "namespaces": ["shop", "shop", "ops"]}}
        """);
    CliRun run = CliRun.of("import", "emco", bodies.toString(), "--cluster", "c1", "--out", work.resolve("out").toString());
    assertEquals(0, run.exit(), run.out() + run.err());
    LoadResult load = IntentLoader.load(work.resolve("out"));
    assertFalse(load.hasErrors(), () -> load.violations().toString());
    Map<String, Object> spec = spec(load, "web");
    assertEquals("HTTP", spec.get("protocol"));
    assertEquals(80L, spec.get("port"));
    assertEquals(false, spec.get("headless"));
    assertEquals(false, spec.get("sidecar"));
    assertEquals("ISTIO_MUTUAL", spec.get("mutualTLS"));
    assertEquals(Map.of("simple", "LEAST_CONN"), spec.get("loadBalancing"));
    assertEquals(Map.of("consecutive5xxErrors", 3L, "interval", "10s", "baseEjectionTime", "30s"), spec.get("outlierDetection"));
    assertEquals(List.of("shop", "ops"), spec.get("allowedNamespaces"));
    assertEquals("c1", spec.get("cluster"));
    assertEquals(Map.of("userData1", "owner: web team"),
        ((Map<?, ?>) load.documents().get(0).content().get("metadata")).get("labels"));
  }

  @Test
  void fieldsThatCannotBeMappedAreReportedWithTheirJsonPathAndNothingIsWritten() throws IOException {
    Path bodies = work.resolve("bodies");
    write(bodies.resolve("us-to-us-intents/web.json"), """
        {
          "metadata": {"name": "Web_1"},
          "spec": {
            "servicename": "web",
            "protocol": "HTTP",
            "port": "80a",
            "mutualTLS": "DISABLE",
            "intervalSweep": 5,
            "loadbalancingType": "ConsistenHash",
            "loadBalancerMode": "minimumRingSize",
            "circuitBreaker": true
          }
        }
        """);
    write(bodies.resolve("us-to-us-intents/api.json"), "{\"metadata\": {\"name\": \"api\"}, \"spec\": {\"servicename\": \"api\","
        + " \"protocol\": \"HTTP\", \"port\": 8080, \"mutualTLS\": \"ISTIO_MUTUAL\", \"cluster\": \"c1\"}}");
    write(bodies.resolve("us-to-us-intents/api/clients/cli.json"),
        "{\"metadata\": {\"name\": \"cli\"}, \"spec\": {\"clientServiceName\": \"cli\", \"cluster\": \"c1\"}}");
    write(bodies.resolve("us-to-us-intents/api/clients/cli/security/cli-access.json"),
        "{\"metadata\": {\"name\": \"cli-access\"}, \"spec\": {\"serviceAccountAccess\": {\"a\": {}, \"b\": {}}}}");
    write(bodies.resolve("broken.json"), "{\"metadata\": {\"name\": \"x\"},\n \"spec\": {\"servicename\": \"x\",}}");
    write(bodies.resolve("twice.json"), "{\"metadata\": {\"name\": \"x\", \"name\": \"y\"}}");
    Path out = work.resolve("out");
    CliRun run = CliRun.of("import", "emco", bodies.toString(), "--out", out.toString());
    assertEquals(1, run.exit(), run.out() + run.err());
    String b = bodies.toString().replace('\\', '/');
    String web = b + "/us-to-us-intents/web.json";
    for (String expected : List.of(
        web + ":2:24: $.metadata.name: \"Web_1\" is not a DNS-1123 label",
        web + ":6:13: $.spec.port: \"80a\" is not a whole number",
        web + ":7:18: $.spec.mutualTLS: \"DISABLE\" (plain text) cannot be carried between clusters",
        web + ":8:22: $.spec.intervalSweep: 5 has no unit; write it as an Istio duration such as \"5s\" or \"5m\"",
        web + ":10:25: $.spec.loadBalancerMode: a consistent hash needs loadBalancerMode httpCookie, httpHeaderName,"
            + " useSourceIP, httpQueryParameterName, not \"minimumRingSize\"; minimumRingSize is not a hash key",
        web + ":11:23: $.spec.circuitBreaker: cannot map \"circuitBreaker\": the seed's inbound service intent has no such field",
        web + ":3:11: $.spec: no cluster for service web (no \"application\")",
        b + "/us-to-us-intents/api/clients/cli/security/cli-access.json:1:71: $.spec.serviceAccountAccess: holds 2 principals",
        b + "/broken.json:2:30: $: invalid JSON: Unexpected character ('}'",
        b + "/twice.json:1:34: $: invalid JSON: Duplicate field 'name'")) {
      assertTrue(run.out().contains(expected), () -> "missing: " + expected + "\n" + run.out());
    }
    assertTrue(run.out().contains("; nothing written to " + out), run.out());
    assertFalse(Files.exists(out), "nothing half-written");
    assertFalse(run.leaksStackTrace(), run.out() + run.err());
  }

  @Test
  void aClientWithoutItsInboundIntentOrASecurityIntentWithoutItsClientIsExplained() throws IOException {
    Path bodies = work.resolve("bodies");
    write(bodies.resolve("loose-client.json"), "{\"metadata\": {\"name\": \"c\"}, \"spec\": {\"clientServiceName\": \"sleep\", \"cluster\": \"c1\"}}");
    write(bodies.resolve("x/security/s.json"), "{\"metadata\": {\"name\": \"s\"}, \"spec\": {\"serviceAccountAccess\": {\"sleep\": {\"GET\": [\"/\"]}}}}");
    CliRun run = CliRun.of("import", "emco", bodies.toString(), "--out", work.resolve("out").toString());
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().contains("loose-client.json:1:37: $.spec: cannot tell which inbound service this client calls"), run.out());
    assertTrue(run.out().contains("s.json:1:1: $: its client x is not among the bodies imported"), run.out());
  }

  @Test
  void existingFilesAreKeptUnlessForcedAndAnUnchangedImportWritesNothing() throws IOException {
    Path intents = importSeed(work);
    Path httpbin = intents.resolve("services/httpbin.yaml");
    String imported = Files.readString(httpbin);
    CliRun again = CliRun.of("import", "emco", SEED_EMCO.resolve("bodies").toString(),
        "--placement", SEED_EMCO.resolve("placement.yaml").toString(), "--out", intents.toString());
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(again.out().contains("(5 unchanged)"), again.out());
    Files.writeString(httpbin, imported.replace("port: 8000", "port: 8001"));
    CliRun refused = CliRun.of("import", "emco", SEED_EMCO.resolve("bodies").toString(),
        "--placement", SEED_EMCO.resolve("placement.yaml").toString(), "--out", intents.toString());
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("exist with other content: " + httpbin + "; pass --force"), refused.err());
    assertTrue(Files.readString(httpbin).contains("port: 8001"), "left alone");
    CliRun forced = CliRun.of("import", "emco", SEED_EMCO.resolve("bodies").toString(),
        "--placement", SEED_EMCO.resolve("placement.yaml").toString(), "--out", intents.toString(), "--force");
    assertEquals(0, forced.exit(), forced.err());
    assertEquals(imported, Files.readString(httpbin));
  }

  @Test
  void aBadPlacementFileIsAUsageErrorNamingItsLine() throws IOException {
    Path placement = work.resolve("placement.yaml");
    Files.writeString(placement, "app1:\n  httpbin: Cluster_02\n");
    CliRun run = CliRun.of("import", "emco", SEED_EMCO.resolve("bodies").toString(), "--placement", placement.toString(),
        "--out", work.resolve("out").toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("placement.yaml:2: \"Cluster_02\" is not a valid cluster name"), run.err());
    CliRun missing = CliRun.of("import", "emco", work.resolve("nope").toString(), "--out", work.resolve("out").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("nope: no such file or folder"), missing.err());
  }

  static List<String> errors(CheckResult result) {
    return result.violations().stream().filter(Violation::isError).map(Violation::toString).toList();
  }

  static List<String> rules(CheckResult result) {
    return result.violations().stream().map(v -> v.rule() + "/" + v.severity() + "/" + v.name()).sorted().toList();
  }

  /** The rendered clusters/ and ledger, file by file (provenance names the source, so it is left out). */
  static Map<String, String> tree(CheckResult result) {
    OutputTree tree = OutputTree.of(result.rendered(), PROVENANCE);
    Map<String, String> files = new TreeMap<>();
    tree.files().keySet().stream().filter(p -> !p.endsWith("provenance.yaml")).forEach(p -> files.put(p, tree.text(p)));
    return files;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(LoadResult load, String name) {
    return (Map<String, Object>) load.documents().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow()
        .content().get("spec");
  }

  static List<String> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
    }
  }

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
