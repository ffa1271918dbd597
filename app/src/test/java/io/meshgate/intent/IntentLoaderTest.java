package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntentLoaderTest {
  private static final String H = "apiVersion: meshgate.io/v1alpha1\n";

  @TempDir Path repo;

  private Path intents() throws IOException {
    return Files.createDirectories(repo.resolve("intents"));
  }

  private void write(String relative, String text) throws IOException {
    write(relative, text.getBytes(StandardCharsets.UTF_8));
  }

  private void write(String relative, byte[] bytes) throws IOException {
    Path file = intents().resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private static String cluster(String name, String cloud) {
    return H + "kind: Cluster\nmetadata:\n  name: " + name + "\nspec:\n  logicalCloud: " + cloud
        + "\n  meshGateway:\n    address: 10.0.0.1\n";
  }

  private static String service(String name, String cluster, String mode) {
    return H + "kind: InboundService\nmetadata:\n  name: " + name + "\nspec:\n  service: " + name + "\n  cluster: "
        + cluster + "\n  protocol: HTTP\n  port: 8000\n  mutualTLS: " + mode + "\n";
  }

  private static String client(String name, String cluster, String target, String extra) {
    return H + "kind: ServiceClient\nmetadata:\n  name: " + name + "\nspec:\n  service: sleep\n  cluster: " + cluster
        + "\n  target: " + target + "\n" + extra;
  }

  private LoadResult load() throws IOException {
    return IntentLoader.load(intents());
  }

  private LoadResult load(IntentLimits limits) throws IOException {
    return IntentLoader.load(intents(), limits);
  }

  private static List<String> places(LoadResult result) {
    return result.violations().stream().map(v -> v.file() + ":" + v.line() + ":" + v.column()).toList();
  }

  private static String messages(LoadResult result) {
    return result.violations().stream().map(v -> v.file() + ":" + v.line() + ":" + v.column() + " " + v.message())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void reportsEveryProblemOfTheRepositoryInOneRunSortedByPlace() throws IOException {
    write("b.yaml", service("httpbin", "c1", "ISTIO_MUTUAL").replace("protocol: HTTP", "protocol: HTTPZ")
        .replace("port: 8000", "port: 8000\n  colour: blue"));
    write("a.yaml", cluster("c1", "lc1").replace("  logicalCloud: lc1\n", "") + "---\n"
        + cluster("Bad_Name", "lc1"));
    write("sub/c.yml", "key: [unclosed\n");
    LoadResult result = load();
    assertEquals(List.of("intents/a.yaml:5:1", "intents/a.yaml:12:9", "intents/b.yaml:8:13", "intents/b.yaml:10:11",
        "intents/sub/c.yml:2:1"), places(result), messages(result));
    assertTrue(result.hasErrors());
    assertTrue(result.violations().stream().allMatch(v -> v.rule().equals(Violation.SCHEMA_RULE)));
    Violation unknownField = result.violations().get(3);
    assertEquals("unknown field \"colour\" in spec; allowed fields: app, service, namespace, cluster, protocol, port, "
        + "ports, headless, podHostnames, sidecar, mutualTLS, tls, loadBalancing, connectionPool, outlierDetection, "
        + "allowedNamespaces, address, selector, versions, routes, authorization, alsoIn",
        unknownField.message());
    assertEquals("InboundService", unknownField.kind());
    assertEquals("httpbin", unknownField.name());
    assertEquals("spec.colour", unknownField.field());
    // Invalid documents with a kind and a name are still listed, unknown fields kept, defaults applied.
    assertEquals(3, result.documents().size());
    IntentDocument httpbin = result.documents().stream().filter(d -> d.name().equals("httpbin")).findFirst().orElseThrow();
    assertFalse(httpbin.valid());
    assertEquals("blue", spec(httpbin).get("colour"));
    assertEquals("default", spec(httpbin).get("namespace"));
    assertTrue(result.intents().services().isEmpty());
    assertTrue(result.intents().clusters().isEmpty());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(IntentDocument document) {
    return (Map<String, Object>) document.content().get("spec");
  }

  @Test
  void marksAreExactInFlowStyleAndMultiDocumentFiles() throws IOException {
    write("all.yaml", "# comment\n---\n" + cluster("c1", "lc1") + "---\n\n---\n"
        + H + "kind: ServiceClient\nmetadata: {name: cl}\nspec: {service: s, cluster: c1, target: t, sidecar: maybe}\n");
    LoadResult result = load();
    assertEquals(List.of("intents/all.yaml:17:53"), places(result), messages(result));
    assertEquals("spec.sidecar must be true or false, not \"maybe\"", result.violations().get(0).message());
    assertEquals(new SourceLocation("intents/all.yaml", 3, 1), result.locate(Kind.Cluster, "c1", ""));
    assertEquals(new SourceLocation("intents/all.yaml", 16, 18), result.locate(Kind.ServiceClient, "cl", "metadata.name"));
    assertEquals(new SourceLocation("intents/all.yaml", 17, 29), result.locate(Kind.ServiceClient, "cl", "spec.cluster"));
  }

  @Test
  void clientMutualTlsDefaultsToTheTargetsModeWithinOneLogicalCloud() throws IOException {
    write("clusters.yaml", cluster("c1", "lc1") + "---\n" + cluster("c2", "lc1") + "---\n" + cluster("c3", "lc2"));
    write("services.yaml", service("httpbin", "c2", "MUTUAL").replace("mutualTLS: MUTUAL",
        "mutualTLS: MUTUAL\n  tls: {credentialName: httpbin-tls}") + "---\n" + service("remote", "c3", "SIMPLE"));
    write("clients.yaml", client("same-cloud", "c1", "httpbin", "")
        + "---\n" + client("other-cloud-explicit", "c1", "remote", "  mutualTLS: SIMPLE\n")
        + "---\n" + client("unknown-target", "c1", "nosuch", "")
        + "---\n" + client("unknown-cluster", "c9", "httpbin", "")
        + "---\n" + client("other-cloud-implicit", "c1", "remote", "  serviceAccount: custom-sa\n"));
    LoadResult result = load();
    assertEquals(1, result.violations().size(), messages(result));
    Violation violation = result.violations().get(0);
    assertEquals("other-cloud-implicit", violation.name());
    assertEquals("spec.mutualTLS", violation.field());
    assertTrue(violation.message().contains("different logical clouds"), violation.message());
    Map<String, ServiceClient> clients = result.intents().clients();
    assertEquals(TlsMode.MUTUAL, clients.get("same-cloud").spec().mutualTLS());
    assertEquals("sleep", clients.get("same-cloud").spec().serviceAccount());
    assertEquals(TlsMode.SIMPLE, clients.get("other-cloud-explicit").spec().mutualTLS());
    assertNull(clients.get("unknown-target").spec().mutualTLS(), "unknown references are left to MG-REF-01");
    assertNull(clients.get("unknown-cluster").spec().mutualTLS());
    assertFalse(clients.containsKey("other-cloud-implicit"));
    assertEquals("httpbin-tls", result.intents().services().get("httpbin").spec().tls().credentialName());
    Cluster c1 = result.intents().clusters().get("c1");
    assertEquals(15443, c1.spec().meshGateway().port());
    assertEquals("cluster.local", c1.spec().trustDomain());
    assertNull(c1.spec().network(), "no default for optional fields without one");
  }

  @Test
  void credentialNameAcceptsAnyTextSoThePolicyCanSeeKeyMaterial() throws IOException {
    write("s.yaml", service("s", "c1", "SIMPLE").replace("mutualTLS: SIMPLE",
        "mutualTLS: SIMPLE\n  tls:\n    credentialName: |\n      -----BEGIN PRIVATE KEY-----\n      MIIB\n      -----END PRIVATE KEY-----\n"));
    LoadResult result = load();
    assertEquals(List.of(), result.violations());
    assertTrue(result.intents().services().get("s").spec().tls().credentialName().contains("BEGIN PRIVATE KEY"));
  }

  @Test
  void duplicateNamesPointAtTheSecondAndNameTheFirstAcrossKindsIndependently() throws IOException {
    write("a.yaml", service("x", "c1", "ISTIO_MUTUAL"));
    write("b.yaml", service("x", "c1", "ISTIO_MUTUAL") + "---\n" + cluster("x", "lc1"));
    LoadResult result = load();
    assertEquals(List.of("intents/b.yaml:4:9"), places(result));
    assertTrue(result.violations().get(0).message().contains("already defined at intents/a.yaml:4:9"));
    assertEquals(1, result.intents().services().size());
    assertEquals(1, result.intents().clusters().size());
  }

  @Test
  void readsIntentFilesRecursivelyInSortedOrderAndSkipsHiddenFolders() throws IOException {
    write("z/deep/one.yml", cluster("c1", "lc1"));
    write("a.yaml", cluster("c2", "lc1"));
    write("notes.txt", "not: yaml: at all: [");
    write(".git/config.yaml", "garbage: [");
    write("UPPER.YAML", cluster("c3", "lc1"));
    LoadResult result = load();
    assertEquals(List.of("intents/notes.txt:1:1"), places(result), "another file type is a warning, never read");
    assertFalse(result.hasErrors());
    assertEquals(List.of("intents/UPPER.YAML", "intents/a.yaml", "intents/z/deep/one.yml"), result.files());
    assertEquals(List.of("c3", "c2", "c1"), result.documents().stream().map(IntentDocument::name).toList());
  }

  @Test
  void loadingTwiceGivesIdenticalResults() throws IOException {
    for (int i = 0; i < 20; i++) {
      write("f" + i + ".yaml", service("svc" + i, "c1", "ISTIO_MUTUAL").replace("port: 8000", "port: x" + i));
    }
    LoadResult first = load();
    LoadResult second = load();
    assertEquals(20, first.violations().size());
    assertEquals(first.violations(), second.violations());
    assertEquals(first.intents(), second.intents());
  }

  @Test
  void aMissingRootOrAFileIsAUsageError() throws IOException {
    assertThrows(InvalidIntentsRootException.class, () -> IntentLoader.load(repo.resolve("nope")));
    Path file = Files.writeString(repo.resolve("file.yaml"), "a: b\n");
    InvalidIntentsRootException e = assertThrows(InvalidIntentsRootException.class, () -> IntentLoader.load(file));
    assertTrue(e.getMessage().contains("not a directory"));
  }

  // ---- hostile input: every case is reported at a place, never thrown, never hangs ----

  private Violation onlyViolation(String file) throws IOException {
    LoadResult result = load();
    assertEquals(1, result.violations().size(), messages(result));
    Violation violation = result.violations().get(0);
    assertEquals("intents/" + file, violation.file());
    assertTrue(violation.line() >= 1);
    assertEquals(Violation.SCHEMA_RULE, violation.rule());
    return violation;
  }

  @Test
  void billionLaughsIsStoppedByTheAliasLimit() throws IOException {
    StringBuilder yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    write("lol.yaml", yaml.toString());
    assertTrue(onlyViolation("lol.yaml").message().contains("alias bomb"));
  }

  @Test
  void aliasExpansionBelowTheAliasLimitIsStoppedByTheNodeLimit() throws IOException {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x]\n");
    for (int i = 1; i < 24; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
    }
    write("grow.yaml", yaml.toString());
    assertTrue(onlyViolation("grow.yaml").message().contains("nodes once aliases are expanded"));
  }

  @Test
  void recursiveAliasIsReported() throws IOException {
    write("loop.yaml", "apiVersion: meshgate.io/v1alpha1\nkind: Cluster\nmetadata: &m\n  name: c1\n  self: *m\n");
    Violation violation = onlyViolation("loop.yaml");
    assertTrue(violation.message().contains("recursive"), violation.message());
  }

  @Test
  void deepNestingIsRefused() throws IOException {
    write("deep.yaml", "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
    write("deep2.yaml", "a:\n" + "  - ".repeat(1) + "x\n");
    StringBuilder block = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      block.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    write("deep3.yaml", block.toString());
    LoadResult result = load();
    List<String> deep = result.violations().stream().filter(v -> v.message().contains("nested more than"))
        .map(Violation::file).toList();
    assertEquals(List.of("intents/deep.yaml", "intents/deep3.yaml"), deep, messages(result));
  }

  @Test
  void oversizedFileIsReportedWithoutReadingItAndTheMessageNamesTheFlag() throws IOException {
    write("big.yaml", ("# " + "x".repeat(100) + "\n").repeat(11));
    write("small.yaml", cluster("c1", "lc1"));
    LoadResult result = load(new IntentLimits(10, 10_000, 1024));
    assertEquals(List.of("intents/big.yaml:1:1"), places(result), messages(result));
    assertEquals("file is too large (over 1 KiB); split it into smaller files or raise the limit with "
        + "--max-intent-file-bytes SIZE", result.violations().get(0).message());
    assertEquals(List.of("intents/small.yaml"), result.files());
  }

  @Test
  void nonUtf8BytesAreRejectedWithTheirLine() throws IOException {
    write("latin1.yaml", (H + "kind: Cluster\nmetadata:\n  description: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
    Violation violation = onlyViolation("latin1.yaml");
    assertEquals(4, violation.line());
    assertTrue(violation.message().contains("UTF-8"));
  }

  @Test
  void binaryBytesAreRejectedAtTheirPlace() throws IOException {
    write("bin.yaml", new byte[] {'a', ':', ' ', 'b', '\n', 'c', ':', 0, 1, 2, 3});
    Violation violation = onlyViolation("bin.yaml");
    assertEquals(2, violation.line());
    assertEquals(3, violation.column());
    assertTrue(violation.message().contains("binary"));
  }

  @Test
  void utf8ByteOrderMarkIsAccepted() throws IOException {
    byte[] body = cluster("c1", "lc1").getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    write("bom.yaml", withBom);
    assertEquals(List.of(), load().violations());
  }

  @Test
  void tabIndentationGetsAClearMessage() throws IOException {
    write("tabs.yaml", H + "kind: Cluster\nmetadata:\n\tname: c1\n");
    Violation violation = onlyViolation("tabs.yaml");
    assertEquals(4, violation.line());
    assertTrue(violation.message().contains("replace tabs with spaces"), violation.message());
  }

  @Test
  void duplicateKeysAreReportedAtTheSecondKeyAndInvalidateTheDocument() throws IOException {
    write("dup.yaml", cluster("c1", "lc1").replace("logicalCloud: lc1", "logicalCloud: lc1\n  logicalCloud: lc2"));
    LoadResult result = load();
    assertEquals(List.of("intents/dup.yaml:7:3"), places(result), messages(result));
    assertTrue(result.violations().get(0).message().contains("first at line 6"));
    assertTrue(result.intents().clusters().isEmpty());
    assertFalse(result.documents().get(0).valid());
  }

  @Test
  void symlinksLeavingTheRootAreNotFollowedAndLinksInsideAreRead() throws IOException {
    Path outside = Files.writeString(repo.resolve("secret.yaml"), cluster("stolen", "lc1"));
    Files.createSymbolicLink(intents().resolve("link.yaml"), outside);
    Files.createSymbolicLink(intents().resolve("dir"), repo);
    Files.createSymbolicLink(intents().resolve("broken.yaml"), repo.resolve("missing.yaml"));
    // A hidden folder is not walked, so this file is read only through the link that points at it.
    write(".shared/real.yaml", cluster("c1", "lc1"));
    Files.createSymbolicLink(intents().resolve("alias.yaml"), intents().resolve(".shared/real.yaml"));
    LoadResult result = load();
    assertEquals(List.of("intents/broken.yaml:1:1", "intents/dir:1:1", "intents/link.yaml:1:1"), places(result),
        messages(result));
    assertTrue(result.violations().get(2).message().contains("outside the intents directory"));
    assertEquals(List.of("c1"), List.copyOf(result.intents().clusters().keySet()));
    assertEquals(new SourceLocation("intents/alias.yaml", 1, 1), result.locate(Kind.Cluster, "c1", ""));
  }

  @Test
  void aRootReachedThroughASymlinkIsReadUnderTheNameGiven() throws IOException {
    write("c.yaml", cluster("c1", "lc1"));
    Path linkedRoot = Files.createSymbolicLink(repo.resolve("mine"), intents());
    LoadResult result = IntentLoader.load(linkedRoot);
    assertEquals(List.of(), result.violations());
    assertEquals(List.of("mine/c.yaml"), result.files());
    assertEquals(new SourceLocation("mine/c.yaml", 1, 1), result.locate(Kind.Cluster, "c1", ""));
    // A relative root with ".." resolves to its real name.
    LoadResult relative = IntentLoader.load(repo.resolve("intents/../intents"));
    assertEquals(List.of("intents/c.yaml"), relative.files());
  }

  @Test
  void aListOfIntentsSaysToWriteOneIntentPerDocument() throws IOException {
    String two = "[{\"apiVersion\": \"meshgate.io/v1alpha1\", \"kind\": \"Cluster\", \"metadata\": {\"name\": \"c1\"}},"
        + " {\"apiVersion\": \"meshgate.io/v1alpha1\", \"kind\": \"Cluster\", \"metadata\": {\"name\": \"c2\"}}]\n";
    write("clusters.json", two);
    write("more.yaml", "- " + cluster("c3", "lc1").replace("\n", "\n  "));
    LoadResult result = load();
    assertEquals(List.of("intents/clusters.json:1:1", "intents/more.yaml:1:1"), places(result), messages(result));
    assertTrue(result.violations().get(0).message().contains("this JSON file holds a list of 2 intents; a .json"
        + " intent file holds one intent, a JSON object: write one file per intent"), messages(result));
    assertTrue(result.violations().get(1).message().contains("this document is a list of 1 intent; write each"
        + " intent as a document of its own, separated by --- lines, without the leading \"- \""), messages(result));
  }

  @Test
  void documentsThatAreNotMappingsAndEmptyDocuments() throws IOException {
    write("odd.yaml", "---\n---\n# only a comment\n---\n- a\n- b\n---\njust text\n---\n" + cluster("c1", "lc1"));
    LoadResult result = load();
    assertEquals(List.of("intents/odd.yaml:5:1", "intents/odd.yaml:8:1"), places(result), messages(result));
    assertTrue(result.violations().get(0).message().contains("not a mapping (found a list)"));
    assertEquals(1, result.intents().clusters().size());
  }

  @Test
  void unsupportedTagsAndComplexKeysAreReported() throws IOException {
    write("tags.yaml", "a: !!python/object:os.system x\n");
    write("keys.yaml", "? [a, b]\n: c\n");
    write("custom.yaml", H + "kind: Cluster\nmetadata: {name: !custom c1}\nspec: {logicalCloud: a, meshGateway: {address: 10.0.0.1}}\n");
    LoadResult result = load();
    // keys.yaml also lacks a kind (1:1).
    assertEquals(List.of("intents/custom.yaml:3:18", "intents/keys.yaml:1:1", "intents/keys.yaml:1:3", "intents/tags.yaml:1:4"),
        places(result), messages(result));
  }

  @Test
  void mergeKeysAreReportedAsUnsupported() throws IOException {
    write("merge.yaml", cluster("c1", "lc1").replace("spec:\n", "spec:\n  <<: {network: n1}\n"));
    Violation violation = onlyViolation("merge.yaml");
    assertEquals(6, violation.line());
    assertTrue(violation.message().contains("merge keys (<<) are not supported in spec"), violation.message());
  }

  @Test
  void yamlBooleansWhereTextIsExpectedSuggestQuoting() throws IOException {
    write("c.yaml", cluster("c1", "lc1").replace("logicalCloud: lc1", "logicalCloud: no"));
    Violation violation = onlyViolation("c.yaml");
    assertTrue(violation.message().contains("quote the value"), violation.message());
  }

  @Test
  void filesBeyondTheConfiguredLimitAreNotReadAndTheMessageNamesTheFlag() throws IOException {
    for (int i = 0; i < 4; i++) {
      write(String.format("f%d.yaml", i), cluster("c" + i, "lc1"));
    }
    LoadResult result = load(new IntentLimits(3, 1 << 20, 1 << 20));
    assertEquals(List.of("intents/f3.yaml:1:1"), places(result), messages(result));
    assertEquals("too many intent files (more than 3); the rest are not read; raise the limit with "
        + "--max-intent-files N", result.violations().get(0).message());
    assertEquals(List.of("intents/f0.yaml", "intents/f1.yaml", "intents/f2.yaml"), result.files());
    assertEquals(List.of(), places(load(new IntentLimits(4, 1 << 20, 1 << 20))), "exactly at the limit is fine");
  }

  @Test
  void bytesBeyondTheConfiguredTotalAreNotReadAndTheMessageNamesTheFlag() throws IOException {
    write("a.yaml", cluster("c1", "lc1"));
    write("b.yaml", cluster("c2", "lc1"));
    write("c.yaml", cluster("c3", "lc1"));
    long one = Files.size(intents().resolve("a.yaml"));
    LoadResult result = load(new IntentLimits(10, 2 * one + 1, 1 << 20));
    assertEquals(List.of("intents/c.yaml:1:1"), places(result), messages(result));
    assertEquals("intent files exceed " + (2 * one + 1) + " bytes in total; the rest are not read; raise the limit "
        + "with --max-intent-bytes SIZE", result.violations().get(0).message());
    assertEquals(List.of("c1", "c2"), List.copyOf(result.intents().clusters().keySet()));
  }

  @Test
  void theDefaultLimitsAdmitAHundredThousandFilesAndAGibibyte() {
    assertTrue(IntentLimits.DEFAULTS.maxFiles() >= 100_000);
    assertTrue(IntentLimits.DEFAULTS.maxTotalBytes() >= 1L << 30);
    assertEquals(1L << 20, IntentLimits.DEFAULTS.maxFileBytes());
  }

  @Test
  void sizesAreReadWithBinaryUnits() {
    assertEquals(1L << 30, IntentLimits.parseBytes("1GiB"));
    assertEquals(64L << 20, IntentLimits.parseBytes("64m"));
    assertEquals(512L << 10, IntentLimits.parseBytes("512 KiB"));
    assertEquals(1000, IntentLimits.parseBytes("1000"));
    assertThrows(IllegalArgumentException.class, () -> IntentLimits.parseBytes("1TB"));
    assertThrows(IllegalArgumentException.class, () -> IntentLimits.parseBytes("GiB"));
    assertThrows(IllegalArgumentException.class, () -> new IntentLimits(0, 1, 1));
  }

  @Test
  void anEmptyAccessEntryIsAnErrorNotASilentAllowAll() throws IOException {
    // {} would render no operation: the client would get every method and path.
    write("a.yaml", cluster("c1", "lc1") + "---\n" + service("web", "c1", "ISTIO_MUTUAL") + "---\n"
        + client("c", "c1", "web", "  access:\n    - {}\n    - methods: []\n      paths: [/x]\n"));
    LoadResult result = load();
    assertEquals(List.of("intents/a.yaml:30:7", "intents/a.yaml:31:7"), places(result), messages(result));
    assertTrue(result.violations().get(0).message().contains("spec.access[0] is empty; give methods, paths or ports"),
        messages(result));
    assertTrue(result.violations().get(1).message().contains("spec.access[1].methods is an empty list"),
        messages(result));
  }

  @Test
  void anEmptyAllowedNamespacesListIsValidAndKeptAsGiven() throws IOException {
    // [] admits no namespace as a whole: only the declared clients (docs/intents.md, the renderer and
    // verify agree); it is not the same as leaving the field out.
    write("a.yaml", cluster("c1", "lc1") + "---\n" + service("web", "c1", "ISTIO_MUTUAL")
        + "  allowedNamespaces: []\n");
    LoadResult result = load();
    assertEquals(List.of(), places(result), messages(result));
    assertEquals(List.of(), result.intents().services().get("web").spec().allowedNamespaces());
  }

  @Test
  void exactlyOneOfReportsOnlyTheChoiceNotEachAlternative() throws IOException {
    write("a.yaml", cluster("c1", "lc1") + "---\n" + service("web", "c1", "ISTIO_MUTUAL")
        + "  loadBalancing:\n    consistentHash:\n      minimumRingSize: 5\n");
    LoadResult result = load();
    assertEquals(1, result.violations().size(), messages(result));
    assertTrue(messages(result).contains("spec.loadBalancing.consistentHash must set exactly one of httpCookie, "
        + "httpHeaderName, useSourceIp, httpQueryParameterName"), messages(result));
  }

  private static String serviceOf(String name, String service, String cluster) {
    return H + "kind: InboundService\nmetadata:\n  name: " + name + "\nspec:\n  service: " + service + "\n  cluster: "
        + cluster + "\n  protocol: HTTP\n  port: 8000\n  mutualTLS: ISTIO_MUTUAL\n";
  }

  @Test
  void oneKubernetesServiceDeclaredTwiceInOneClusterIsAnError() throws IOException {
    write("a.yaml", cluster("c1", "lc1") + "---\n" + serviceOf("web-http", "web", "c1"));
    write("b.yaml", serviceOf("web-again", "web", "c1"));
    LoadResult result = load();
    assertEquals(List.of("intents/b.yaml:6:12"), places(result), messages(result));
    assertTrue(messages(result).contains("InboundService web-again declares service web in namespace default of "
        + "cluster c1, which InboundService web-http already declares (intents/a.yaml:15:12)"), messages(result));
  }

  @Test
  void oneGlobalHostLeadingToTwoClustersIsAnErrorOnlyWhereAClusterCallsBoth() throws IOException {
    write("a.yaml", cluster("c1", "lc1") + "---\n" + cluster("c2", "lc1") + "---\n" + cluster("c3", "lc1"));
    write("s.yaml", serviceOf("web-c1", "web", "c1") + "---\n" + serviceOf("web-c2", "web", "c2"));
    // c1 calls web-c2, and web-c1 has no client elsewhere: c1 holds one web.default.global only.
    write("clients.yaml", client("x", "c1", "web-c2", ""));
    assertEquals(List.of(), places(load()), messages(load()));

    // c3 calls both: its one ServiceEntry for web.default.global cannot lead to c1 and c2.
    write("more.yaml", client("z1", "c3", "web-c1", "") + "---\n" + client("z2", "c3", "web-c2", ""));
    LoadResult result = load();
    assertEquals(List.of("intents/s.yaml:17:12"), places(result), messages(result));
    assertTrue(messages(result).contains("both publish host web.default.global, and cluster c3 has clients of both"),
        messages(result));
  }

  @Test
  void aHostingClusterThatCallsTheOtherClusterOfItsHostIsAnError() throws IOException {
    write("a.yaml", cluster("c1", "lc1") + "---\n" + cluster("c2", "lc1"));
    write("s.yaml", serviceOf("web-c1", "web", "c1") + "---\n" + serviceOf("web-c2", "web", "c2"));
    // c1 calls web-c2 and c2 calls web-c1: each hosting cluster keeps web.default.global for its own
    // service's remote clients (contract v2), so its clients of the other one cannot have the name too.
    write("clients.yaml", client("x", "c1", "web-c2", "") + "---\n" + client("y", "c2", "web-c1", ""));
    LoadResult result = load();
    assertEquals(List.of("intents/s.yaml:17:12"), places(result), messages(result));
    assertTrue(messages(result).contains("both publish host web.default.global, and cluster c1 hosts web-c1 for its"
        + " clients in other clusters and has clients of web-c2"), messages(result));
  }

  @Test
  void twoHostsWhoseObjectsShareANameClashWhereBothAreCalled() throws IOException {
    write("a.yaml", cluster("c1", "lc1") + "---\n" + cluster("c2", "lc1") + "---\n" + cluster("c3", "lc1"));
    // a-b in c and a in b-c: both render meshgate-a-b-c-global.
    write("s.yaml", serviceOf("one", "a-b", "c2").replace("  cluster:", "  namespace: c\n  cluster:") + "---\n"
        + serviceOf("two", "a", "c3").replace("  cluster:", "  namespace: b-c\n  cluster:"));
    // Only one of them is called from another cluster: no cluster holds both names.
    write("clients.yaml", client("x1", "c1", "one", "") + "---\n" + client("x3", "c3", "two", ""));
    assertEquals(List.of(), places(load()), messages(load()));

    write("more.yaml", client("y2", "c1", "two", ""));
    LoadResult result = load();
    assertEquals(List.of("intents/s.yaml:18:12"), places(result), messages(result));
    assertTrue(messages(result).contains("InboundService two (host a.b-c.global) and InboundService one (host"
        + " a-b.c.global) (intents/s.yaml:6:12) give their .global objects the same name, meshgate-a-b-c-global"
        + " (<service>-<namespace>-global), and cluster c1 has clients of both"), messages(result));
    assertTrue(messages(result).contains("change the Service name or namespace of one of them"), messages(result));

    // Hosted side by side, each with a client elsewhere: the hosting cluster holds both names.
    write("more.yaml", "");
    write("s.yaml", serviceOf("one", "a-b", "c2").replace("  cluster:", "  namespace: c\n  cluster:") + "---\n"
        + serviceOf("two", "a", "c2").replace("  cluster:", "  namespace: b-c\n  cluster:"));
    write("clients.yaml", client("x1", "c1", "one", "") + "---\n" + client("x3", "c3", "two", ""));
    assertTrue(messages(load()).contains("and cluster c2 hosts one and two for their clients in other"
        + " clusters, so one would replace the other there"), messages(load()));
  }

  @Test
  void aHostCollisionNamesTheFirstEarlierServiceItClashesWith() throws IOException {
    write("a.yaml", cluster("c1", "lc1") + "---\n" + cluster("c2", "lc1") + "---\n" + cluster("c3", "lc1") + "---\n"
        + cluster("c4", "lc1"));
    write("s1.yaml", serviceOf("web-a", "web", "c1"));
    write("s2.yaml", serviceOf("web-b", "web", "c2"));
    write("s3.yaml", serviceOf("web-c", "web", "c3"));
    write("s4.yaml", serviceOf("web-d", "web", "c2"));
    write("s5.yaml", serviceOf("web-e", "web", "c1"));
    // c4 calls web-b and web-c; web-e calls from c3, where web-c is hosted (not a client cluster of it).
    write("z.yaml", client("z1", "c4", "web-b", "") + "---\n" + client("z2", "c4", "web-c", "") + "---\n"
        + client("z3", "c4", "web-e", ""));
    LoadResult result = load();
    assertEquals(List.of("intents/s3.yaml:6:12", "intents/s4.yaml:6:12", "intents/s5.yaml:6:12"), places(result),
        messages(result));
    assertTrue(result.violations().get(0).message().startsWith("InboundService web-c (cluster c3) and InboundService "
        + "web-b (cluster c2) (intents/s2.yaml:6:12) both publish host web.default.global, and cluster c4 has clients "
        + "of both"), messages(result));
    assertTrue(result.violations().get(1).message().startsWith("InboundService web-d declares service web in namespace "
        + "default of cluster c2, which InboundService web-b already declares (intents/s2.yaml:6:12)"), messages(result));
    // web-e shares c1 with web-a (index 0) and client cluster c4 with web-b: the earlier one, web-a, is named.
    assertTrue(result.violations().get(2).message().startsWith("InboundService web-e declares service web in namespace "
        + "default of cluster c1, which InboundService web-a already declares (intents/s1.yaml:6:12)"), messages(result));
  }

  @Test
  void aLinkToAFileTheWalkReadsAnywayIsNotReadTwice() throws IOException {
    // services/current.yaml -> ../versions/v2.yaml: one file, one set of documents, no duplicate names.
    write("versions/v2.yaml", cluster("c1", "lc1"));
    Files.createDirectories(intents().resolve("services"));
    Files.createSymbolicLink(intents().resolve("services/current.yaml"), Path.of("../versions/v2.yaml"));
    LoadResult result = load();
    assertEquals(List.of(), places(result), messages(result));
    assertEquals(List.of("intents/versions/v2.yaml"), result.files());
    assertEquals(List.of("c1"), List.copyOf(result.intents().clusters().keySet()));
  }

  @Test
  void outlierDetectionDurationsMustBeAtLeastOneMillisecondAsIstiosCrdRequires() throws IOException {
    write("a.yaml", cluster("c1", "lc1") + "---\n" + service("web", "c1", "ISTIO_MUTUAL")
        + "  outlierDetection:\n    interval: 0s\n    baseEjectionTime: 0m0s\n    consecutive5xxErrors: 3\n"
        + "  loadBalancing:\n    consistentHash:\n      httpCookie: {name: u, ttl: 0s}\n");
    LoadResult result = load();
    // ttl 0s is a session cookie and stays valid.
    assertEquals(List.of("intents/a.yaml:21:15", "intents/a.yaml:22:23"), places(result), messages(result));
    assertTrue(messages(result).contains("bad duration \"0s\" for spec.outlierDetection.interval: use an Istio "
        + "duration of at least 1ms"), messages(result));
  }

  @Test
  void aFileWithThousandsOfBrokenDocumentsStopsAfterTheErrorLimit() throws IOException {
    write("flood.yaml", "a: 1\n---\n".repeat(20_000));
    write("z.yaml", cluster("c1", "lc1"));
    LoadResult result = load();
    List<Violation> flood = result.violations().stream().filter(v -> v.file().equals("intents/flood.yaml")).toList();
    assertEquals(IntentLoader.MAX_PROBLEMS_PER_FILE + 1, flood.size());
    assertTrue(flood.get(flood.size() - 1).message().startsWith("more than 100 problems in this file"), messages(result));
    assertEquals(List.of("c1"), List.copyOf(result.intents().clusters().keySet()), "other files are still read");
  }

  // ---- JSON, other files, objects that are not intents --------------------------------------------

  @Test
  void jsonFilesAreReadLikeYaml() throws IOException {
    write("c.json", """
        {"apiVersion": "meshgate.io/v1alpha1", "kind": "Cluster", "metadata": {"name": "c1"},
         "spec": {"logicalCloud": "lc1", "meshGateway": {"address": "10.0.0.1"}}}
        """);
    write("s.JSON", "{\"apiVersion\": \"meshgate.io/v1alpha1\", \"kind\": \"InboundService\", \"metadata\": {\"name\": \"web\"},\n"
        + " \"spec\": {\"service\": \"web\", \"cluster\": \"c1\", \"protocol\": \"HTTP\", \"port\": \"80\", \"mutualTLS\": \"ISTIO_MUTUAL\"}}\n");
    LoadResult result = load();
    assertEquals(List.of("intents/c.json", "intents/s.JSON"), result.files());
    assertEquals(List.of("intents/s.JSON:2:74"), places(result), messages(result));
    assertTrue(messages(result).contains("spec.port must be an integer, not \"80\"; remove the quotes"), messages(result));
    assertEquals("lc1", result.intents().clusters().get("c1").spec().logicalCloud());
  }

  @Test
  void aJsonBodyOfTheSeedSystemIsNamedWithTheImportThatConvertsIt() throws IOException {
    write("bodies/httpbin.json", """
        {"metadata": {"name": "httpbin"}, "spec": {"servicename": "httpbin", "port": "80", "istio-proxy": "yes"}}
        """);
    LoadResult result = load();
    assertEquals(List.of("intents/bodies/httpbin.json:1:1"), places(result), messages(result));
    assertTrue(result.violations().get(0).isError());
    assertTrue(messages(result).contains("looks like a body of the seed system's (EMCO) API")
        && messages(result).contains("meshgate import emco"), messages(result));
  }

  @Test
  void otherFilesAreAWarningButDotFilesAndMarkdownAreLeftAlone() throws IOException {
    write("a.yaml", cluster("c1", "lc1"));
    write("notes.txt", "remember\n");
    write("old/b.yaml.bak", cluster("c2", "lc1"));
    write("README.md", "# intents\n");
    write(".gitkeep", "");
    LoadResult result = load();
    assertFalse(result.hasErrors(), messages(result));
    assertEquals(List.of("intents/notes.txt:1:1", "intents/old/b.yaml.bak:1:1"), places(result), messages(result));
    assertTrue(result.violations().stream().allMatch(v -> v.severity() == Severity.WARNING));
    assertTrue(messages(result).contains("b.yaml.bak is not read: intents are .yaml, .yml or .json files"), messages(result));
    assertEquals(List.of("intents/a.yaml"), result.files());
  }

  @Test
  void anIstioOrKubernetesObjectIsNamedForWhatItIsAndWhereItGoes() throws IOException {
    write("vs.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\n---\n"
        + "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: y}\n---\n"
        + "apiVersion: telemetry.istio.io/v1\nkind: SomethingNew\nmetadata: {name: z}\n---\n"
        + "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\n"
        + "apiVersion: meshgate.io/v1alpha1\nkind: Clustr\nmetadata: {name: c}\n");
    List<String> messages = load().violations().stream().map(Violation::message).toList();
    assertEquals(5, messages.size(), messages.toString());
    assertTrue(messages.get(0).startsWith("VirtualService is an Istio object, and meshgate does not read Istio objects"
        + " from the intents folder"), messages.get(0));
    assertTrue(messages.get(0).contains("put hand-written Istio objects under overlays/<cluster>/ of the intents folder"),
        messages.get(0));
    assertTrue(messages.get(1).contains("a ServiceClient's access and an InboundService's allowedNamespaces"), messages.get(1));
    assertTrue(messages.get(2).startsWith("SomethingNew is an Istio object"), messages.get(2));
    assertTrue(messages.get(3).startsWith("Deployment is a Kubernetes object"), messages.get(3));
    assertTrue(messages.get(4).endsWith("did you mean \"Cluster\"?"), messages.get(4));
  }

  @Test
  void theFilesReadAreCountedForProgress() throws IOException {
    write("a.yaml", cluster("c1", "lc1"));
    write("b.yaml", cluster("c2", "lc1"));
    List<Long> counts = new java.util.ArrayList<>();
    IntentLoader.load(intents(), IntentLimits.DEFAULTS, (phase, done) -> counts.add(done));
    assertEquals(List.of(1L, 2L), counts);
  }
}
