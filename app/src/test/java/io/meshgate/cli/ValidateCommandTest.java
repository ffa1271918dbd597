package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.intent.TestRepos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SEED = TestRepos.seedIntents().toString();

  @TempDir Path temp;

  @Test
  void seedIsCleanInTextFormat() {
    // The seed's productpage keeps its cookie hash for callers in cluster01; its callers in
    // cluster02 cannot be sticky through the gateway, which is the one warning (MG-LB-02).
    CliRun run = CliRun.of("validate", "--intents", SEED);
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("intents/services/productpage.yaml:17:5: MG-LB-02 (warning): "), run.out());
    assertTrue(run.out().endsWith("\nok: 7 intents in 5 files, 1 warning\n"), run.out());
    assertEquals("", run.err());
  }

  @Test
  void jsonHasTheContractShapeWithStableKeyOrder() throws IOException {
    Path caseDir = TestRepos.root().resolve("repo-fixtures/invalid/unknown-field/intents");
    CliRun run = CliRun.of("validate", "--intents", caseDir.toString(), "--format", "json");
    assertEquals(1, run.exit());
    JsonNode report = JSON.readTree(run.out());
    assertEquals(List.of("ok", "violations"), fieldNames(report));
    assertFalse(report.get("ok").asBoolean());
    JsonNode violation = report.get("violations").get(0);
    assertEquals(List.of("rule", "severity", "message", "file", "line", "column", "kind", "name", "field"),
        fieldNames(violation));
    assertEquals("MG-SCHEMA", violation.get("rule").asText());
    assertEquals("error", violation.get("severity").asText());
    assertEquals("intents/sleep.yaml", violation.get("file").asText());
    assertEquals(7, violation.get("line").asInt());
    assertEquals(14, violation.get("column").asInt());
    assertEquals("ServiceClient", violation.get("kind").asText());
    assertEquals("sleep", violation.get("name").asText());
    assertEquals("spec.mutualTSL", violation.get("field").asText());
  }

  @Test
  void textFormatIsCompilerStyle() {
    Path caseDir = TestRepos.root().resolve("repo-fixtures/invalid/unknown-field/intents");
    CliRun run = CliRun.of("validate", "--intents", caseDir.toString(), "--format", "text");
    assertEquals(1, run.exit());
    assertEquals("intents/sleep.yaml:7:14: MG-SCHEMA: unknown field \"mutualTSL\" in spec; did you mean \"mutualTLS\"?\n"
        + "1 error in 3 files\n", run.out());
  }

  @Test
  void intentLimitsAreFlagsAndTheMessageSaysWhichOneToRaise() {
    CliRun capped = CliRun.of("validate", "--intents", SEED, "--max-intent-files", "4");
    assertEquals(1, capped.exit(), capped.out() + capped.err());
    assertTrue(capped.out().contains("intents/services/productpage.yaml:1:1: MG-SCHEMA: too many intent files (more than 4);"
        + " the rest are not read; raise the limit with --max-intent-files N"), capped.out());

    CliRun small = CliRun.of("validate", "--intents", SEED, "--max-intent-bytes", "1KiB");
    assertEquals(1, small.exit(), small.out() + small.err());
    assertTrue(small.out().contains("intent files exceed 1 KiB in total; the rest are not read; raise the limit with "
        + "--max-intent-bytes SIZE"), small.out());

    CliRun raised = CliRun.of("validate", "--intents", SEED, "--max-intent-files", "5", "--max-intent-bytes", "2GiB",
        "--max-intent-file-bytes", "64MiB");
    assertEquals(0, raised.exit(), raised.out() + raised.err());

    CliRun badSize = CliRun.of("validate", "--intents", SEED, "--max-intent-bytes", "lots");
    assertEquals(2, badSize.exit());
    assertTrue(badSize.err().contains("--max-intent-bytes") && badSize.err().contains("64MiB"), badSize.err());
    CliRun zero = CliRun.of("validate", "--intents", SEED, "--max-intent-files", "0");
    assertEquals(2, zero.exit());
    assertTrue(zero.err().contains("meshgate validate: --max-intent-files must be at least 1, not 0"), zero.err());
    assertFalse(badSize.leaksStackTrace() || zero.leaksStackTrace(), badSize.err() + zero.err());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void everyFormatRunsOnTheSeed() {
    for (String format : List.of("text", "json", "sarif", "junit", "github", "tap", "table", "codequality")) {
      CliRun run = CliRun.of("validate", "--intents", SEED, "--format", format);
      assertEquals(0, run.exit(), format + ": " + run.err());
      assertFalse(run.out().isEmpty(), format);
    }
  }

  @Test
  void unusableArgumentsExitTwoWithOneLineOnStderr() throws IOException {
    Path file = Files.writeString(temp.resolve("file.yaml"), "a: b\n");
    List<String[]> cases = List.of(
        new String[] {"validate", "--intents", temp.resolve("missing").toString()},
        new String[] {"validate", "--intents", file.toString()},
        new String[] {"validate", "--intents", SEED, "--format", "xml"},
        new String[] {"validate", "--intents", SEED, "--policies", temp.resolve("nope").toString()},
        new String[] {"validate", "--bogus"});
    for (String[] args : cases) {
      CliRun run = CliRun.of(args);
      assertEquals(2, run.exit(), String.join(" ", args));
      assertEquals("", run.out(), String.join(" ", args));
      assertFalse(run.err().isBlank());
      assertFalse(run.leaksStackTrace(), run.err());
    }
    CliRun unknownFormat = CliRun.of("validate", "--intents", SEED, "--format", "xml");
    assertEquals("meshgate validate: unknown format \"xml\"; use one of text|json|sarif|junit|github|tap|table|codequality\n", unknownFormat.err());
  }

  @Test
  void defaultIntentsDirectoryIsIntentsRelativeToTheWorkingDirectory() {
    // Tests run in app/, which has no intents/ folder: the default must be named in the message.
    CliRun run = CliRun.of("validate");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("intents"), run.err());
  }

  @Test
  void warningsAloneDoNotFail() throws IOException {
    Path policies = Files.createDirectories(temp.resolve("policies"));
    Files.writeString(policies.resolve("advice.rego"), """
        package meshgate.advice

        warn contains {"rule": "MG-ADVICE-01", "msg": "describe your services", "kind": "InboundService", "name": "httpbin", "field": "metadata"} if true
        """);
    CliRun run = CliRun.of("validate", "--intents", SEED, "--policies", policies.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("MG-ADVICE-01"), run.out());
  }

  @Test
  void aPoliciesDirWithoutPoliciesFailsClosed() throws IOException {
    Path policies = Files.createDirectories(temp.resolve("policies"));
    CliRun run = CliRun.of("validate", "--intents", SEED, "--policies", policies.toString());
    assertEquals(2, run.exit(), run.out());
    assertEquals("", run.out());
    assertTrue(run.err().contains("no policy modules"), run.err());
  }

  /**
   * Dozens of broken repositories, each made from the seed with one mutation: every one exits 1
   * within seconds, names the file and line, and shows no stack trace.
   */
  @TestFactory
  Stream<DynamicTest> brokenRepositoriesFailCleanly() {
    Map<String, String[]> mutations = new LinkedHashMap<>();
    mutations.put("typo in field", new String[] {"services/httpbin.yaml", "  mutualTLS:", "  mutualTSL:"});
    mutations.put("unknown protocol", new String[] {"services/httpbin.yaml", "protocol: HTTP", "protocol: QUIC"});
    mutations.put("port as text", new String[] {"services/httpbin.yaml", "port: 8000", "port: eighty"});
    mutations.put("port too big", new String[] {"services/httpbin.yaml", "port: 8000", "port: 80000"});
    mutations.put("negative port", new String[] {"services/httpbin.yaml", "port: 8000", "port: -1"});
    mutations.put("port float", new String[] {"services/httpbin.yaml", "port: 8000", "port: 80.5"});
    mutations.put("sidecar text", new String[] {"services/httpbin.yaml", "sidecar: true", "sidecar: sometimes"});
    mutations.put("bad tls mode", new String[] {"services/httpbin.yaml", "mutualTLS: ISTIO_MUTUAL", "mutualTLS: STRICT"});
    mutations.put("no cluster", new String[] {"services/httpbin.yaml", "  cluster: cluster02\n", ""});
    mutations.put("spec is a list", new String[] {"services/httpbin.yaml", "spec:\n", "spec:\n  - x\nextra:\n"});
    mutations.put("metadata missing", new String[] {"services/httpbin.yaml", "metadata:\n  name: httpbin\n", ""});
    mutations.put("upper-case name", new String[] {"services/httpbin.yaml", "name: httpbin", "name: HttpBin"});
    mutations.put("label not text", new String[] {"services/httpbin.yaml", "team: platform", "team: [a]"});
    mutations.put("bad cookie ttl", new String[] {"services/productpage.yaml", "ttl: 0s", "ttl: forever"});
    mutations.put("bad interval", new String[] {"services/productpage.yaml", "interval: 5m", "interval: 5 minutes"});
    mutations.put("two hash keys", new String[] {"services/productpage.yaml", "ttl: 0s", "ttl: 0s\n      httpHeaderName: x"});
    mutations.put("bad lb", new String[] {"services/productpage.yaml", "consistentHash:\n      httpCookie:\n        name: user1\n        ttl: 0s", "simple: FASTEST"});
    mutations.put("pool as text", new String[] {"services/productpage.yaml", "maxConnections: 10", "maxConnections: lots"});
    mutations.put("zero pool", new String[] {"services/productpage.yaml", "maxConnections: 10", "maxConnections: 0"});
    mutations.put("bad method", new String[] {"clients/sleep-to-httpbin.yaml", "methods: [GET]", "methods: [get]"});
    mutations.put("access not a list", new String[] {"clients/sleep-to-httpbin.yaml", "  access:\n", "  access: all\n  x:\n"});
    mutations.put("no target", new String[] {"clients/sleep-to-httpbin.yaml", "  target: httpbin\n", ""});
    mutations.put("bad namespace", new String[] {"clients/sleep-to-httpbin.yaml", "namespace: default", "namespace: Default"});
    mutations.put("bad address", new String[] {"clusters/clusters.yaml", "address: 172.25.55.210", "address: not an address"});
    mutations.put("gateway port text", new String[] {"clusters/clusters.yaml", "    port: 15443\n---", "    port: high\n---"});
    mutations.put("bad istio api", new String[] {"clusters/clusters.yaml", "network: network1", "network: network1\n  istioApiVersion: v2"});
    mutations.put("unknown kind", new String[] {"clusters/clusters.yaml", "kind: Cluster\nmetadata:\n  name: cluster01", "kind: Kluster\nmetadata:\n  name: cluster01"});
    mutations.put("old api version", new String[] {"clusters/clusters.yaml", "apiVersion: meshgate.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: cluster02", "apiVersion: v1\nkind: Cluster\nmetadata:\n  name: cluster02"});
    mutations.put("duplicate cluster", new String[] {"clusters/clusters.yaml", "name: cluster02", "name: cluster01"});
    mutations.put("duplicate key", new String[] {"clusters/clusters.yaml", "network: network1", "network: network1\n  network: again"});
    mutations.put("tab indent", new String[] {"clusters/clusters.yaml", "  logicalCloud: lc1\n  trustDomain", "\tlogicalCloud: lc1\n  trustDomain"});
    mutations.put("unclosed flow", new String[] {"clients/productpage-clients.yaml", "methods: [GET]", "methods: [GET"});
    mutations.put("unclosed quote", new String[] {"clients/productpage-clients.yaml", "paths: [\"/static*\"]", "paths: [\"/static*]"});
    mutations.put("bad indent", new String[] {"clients/productpage-clients.yaml", "  target: productpage", " target: productpage"});
    mutations.put("undefined alias", new String[] {"clients/productpage-clients.yaml", "target: productpage", "target: *nowhere"});
    mutations.put("binary garbage", new String[] {"clients/productpage-clients.yaml", "app: bookinfo", "app: \u0000\u0001"});
    mutations.put("document is text", new String[] {"clients/productpage-clients.yaml", "---\n", "---\njust words\n---\n"});
    mutations.put("yaml tag", new String[] {"clients/productpage-clients.yaml", "app: bookinfo", "app: !!binary aGVsbG8="});
    return mutations.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      String[] m = e.getValue();
      Path intents = copySeed(temp.resolve(e.getKey().replace(' ', '-')));
      Path file = intents.resolve(m[0]);
      String original = Files.readString(file);
      assertTrue(original.contains(m[1]), "mutation does not apply: " + m[1]);
      Files.writeString(file, original.replace(m[1], m[2]), StandardCharsets.UTF_8);
      CliRun run = CliRun.of("validate", "--intents", intents.toString());
      assertEquals(1, run.exit(), run.out() + run.err());
      assertFalse(run.leaksStackTrace(), run.out() + run.err());
      Pattern place = Pattern.compile("^intents/" + Pattern.quote(m[0]) + ":\\d+:\\d+: MG-SCHEMA: .+", Pattern.MULTILINE);
      assertTrue(place.matcher(run.out()).find(), "no file:line in:\n" + run.out());
    }));
  }

  private static Path copySeed(Path dir) throws IOException {
    Path intents = dir.resolve("intents");
    try (Stream<Path> files = Files.walk(TestRepos.seedIntents())) {
      for (Path source : files.sorted().toList()) {
        Path target = intents.resolve(TestRepos.seedIntents().relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    return intents;
  }
}
