package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.bench.SyntheticRepository;
import io.meshgate.check.Progress;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.OutputTree;
import io.meshgate.render.Provenance;
import io.meshgate.render.Renderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads of one changing tree through a ParseCache give what loads without it give, parsing less and
 * keeping each document's defaults, problems and typed intent while its file and what its defaults
 * read from other documents are unchanged: after every edit below, exactly what a fresh load gives.
 */
class ParseCacheTest {
  private static final String H = "apiVersion: meshgate.io/v1alpha1\n";

  @TempDir Path repo;
  private final ParseCache cache = new ParseCache();

  private Path intents() throws IOException {
    return Files.createDirectories(repo.resolve("intents"));
  }

  private void write(String relative, String text) throws IOException {
    Path file = intents().resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String cluster(String name, String address) {
    return H + "kind: Cluster\nmetadata:\n  name: " + name + "\nspec:\n  logicalCloud: lc1\n  meshGateway:\n"
        + "    address: " + address + "\n";
  }

  /** A service in c1 (defaults: selector, ports list) and its client in c2 (defaults: mutualTLS, serviceAccount). */
  private static String serviceWithClient(String name, int port) {
    return H + "kind: InboundService\nmetadata:\n  name: " + name + "\nspec:\n  service: " + name
        + "\n  namespace: shop\n  cluster: c1\n  protocol: HTTP\n  port: " + port + "\n  mutualTLS: ISTIO_MUTUAL\n"
        + "---\n" + H + "kind: ServiceClient\nmetadata:\n  name: web-to-" + name + "\nspec:\n  service: web\n"
        + "  namespace: shop\n  cluster: c2\n  target: " + name + "\n";
  }

  private void writeRepository() throws IOException {
    write("clusters.yaml", cluster("c1", "10.0.0.1") + "---\n" + cluster("c2", "10.0.0.2"));
    write("services/cart.yaml", serviceWithClient("cart", 8080));
    write("services/orders.yaml", serviceWithClient("orders", 8081));
  }

  private LoadResult cachedLoad() throws IOException {
    return IntentLoader.load(intents(), IntentLimits.DEFAULTS, Progress.NONE, cache);
  }

  private LoadResult freshLoad() throws IOException {
    return IntentLoader.load(intents());
  }

  @Test
  void anUnchangedFileIsNotParsedAgainAndGivesWhatAFreshParseGives() throws Exception {
    writeRepository();
    LoadResult first = cachedLoad();
    assertEquals(3, cache.parsedLastLoad());
    assertEquals(0, cache.reusedLastLoad());
    assertFalse(first.hasErrors(), first.violations().toString());

    LoadResult second = cachedLoad();
    assertEquals(0, cache.parsedLastLoad());
    assertEquals(3, cache.reusedLastLoad());
    // The loader fills in defaults in place: the cached documents must still be the files as written.
    assertSameLoad(freshLoad(), second);
    assertSameLoad(first, second);
  }

  @Test
  void aChangedFileIsParsedAgain() throws Exception {
    writeRepository();
    cachedLoad();
    write("services/orders.yaml", serviceWithClient("orders", 9999));

    LoadResult changed = cachedLoad();
    assertEquals(1, cache.parsedLastLoad());
    assertEquals(2, cache.reusedLastLoad());
    assertEquals(9999, changed.intents().services().get("orders").spec().firstPort().number());
    assertSameLoad(freshLoad(), changed);
  }

  @Test
  void aDeletedFileDisappears() throws Exception {
    writeRepository();
    cachedLoad();
    Files.delete(intents().resolve("services/cart.yaml"));

    LoadResult afterDelete = cachedLoad();
    assertFalse(afterDelete.intents().services().containsKey("cart"));
    assertFalse(afterDelete.intents().clients().containsKey("web-to-cart"));
    assertEquals(2, cache.size(), "the deleted file is forgotten");
    assertSameLoad(freshLoad(), afterDelete);
  }

  @Test
  void aFileWithSyntaxErrorsReportsThemAgainWhenTakenFromTheCache() throws Exception {
    writeRepository();
    write("services/broken.yaml", H + "kind: InboundService\nmetadata:\n  name: [broken\n");
    LoadResult first = cachedLoad();
    assertTrue(first.violations().stream().anyMatch(v -> "intents/services/broken.yaml".equals(v.file())),
        first.violations().toString());

    LoadResult second = cachedLoad();
    assertEquals(4, cache.reusedLastLoad());
    assertEquals(first.violations(), second.violations());
    assertSameLoad(freshLoad(), second);
  }

  @Test
  void whatIsRenderedFromACachedLoadIsWhatAFullLoadRenders() throws Exception {
    writeRepository();
    cachedLoad();
    write("services/cart.yaml", serviceWithClient("cart", 7000));
    write("services/new.yaml", serviceWithClient("payments", 7001));

    LoadResult cached = cachedLoad();
    LoadResult fresh = freshLoad();
    Provenance provenance = new Provenance("file:///source.git", "0".repeat(40), null, "test", null, null);
    assertEquals(OutputTree.of(new Renderer().render(fresh.intents(), AllocationLedger.empty()), provenance).files()
            .entrySet().stream().map(e -> e.getKey() + "\n" + new String(e.getValue(), StandardCharsets.UTF_8)).toList(),
        OutputTree.of(new Renderer().render(cached.intents(), AllocationLedger.empty()), provenance).files()
            .entrySet().stream().map(e -> e.getKey() + "\n" + new String(e.getValue(), StandardCharsets.UTF_8)).toList());
  }

  @Test
  void schemaFindingsAreKeptForTheFileAsWrittenAndWorkedOutAgainWhenItChanges() throws Exception {
    writeRepository();
    write("services/cart.yaml", serviceWithClient("cart", 8080).replace("port: 8080", "port: eighty"));
    LoadResult broken = cachedLoad();
    assertTrue(broken.violations().stream().anyMatch(v -> "intents/services/cart.yaml".equals(v.file())
        && v.message().contains("port")), broken.violations().toString());
    LoadResult again = cachedLoad();
    assertEquals(3, cache.reusedLastLoad());
    assertSameLoad(freshLoad(), again);

    write("services/cart.yaml", serviceWithClient("cart", 8080));
    LoadResult fixed = cachedLoad();
    assertFalse(fixed.hasErrors(), fixed.violations().toString());
    assertSameLoad(freshLoad(), fixed);

    write("services/cart.yaml", serviceWithClient("cart", 8080).replace("protocol: HTTP", "protocol: CARRIER-PIGEON"));
    LoadResult brokenOtherwise = cachedLoad();
    assertTrue(brokenOtherwise.violations().stream().anyMatch(v -> v.message().contains("protocol")),
        brokenOtherwise.violations().toString());
    assertSameLoad(freshLoad(), brokenOtherwise);
    assertSameLoad(freshLoad(), cachedLoad());
  }

  @Test
  void anUnchangedFileKeepsItsTypedIntentOnlyWhileItsDefaultsAreTheSame() throws Exception {
    writeRepository();
    write("clients/web.yaml", H + "kind: ServiceClient\nmetadata:\n  name: app-to-cart\nspec:\n  service: app\n"
        + "  namespace: shop\n  cluster: c2\n  target: cart\n");
    LoadResult first = cachedLoad();
    assertFalse(first.hasErrors(), first.violations().toString());
    assertEquals("ISTIO_MUTUAL", first.intents().clients().get("app-to-cart").spec().mutualTLS().name());
    LoadResult second = cachedLoad();
    org.junit.jupiter.api.Assertions.assertSame(first.intents().clients().get("app-to-cart"),
        second.intents().clients().get("app-to-cart"), "the same content is not bound again");

    // Only the target's file changes; the client's default follows its target's mode.
    write("services/cart.yaml", serviceWithClient("cart", 8080).replace("mutualTLS: ISTIO_MUTUAL", "mutualTLS: SIMPLE"));
    LoadResult changed = cachedLoad();
    assertEquals(3, cache.reusedLastLoad());
    assertSameLoad(freshLoad(), changed);
    assertEquals("SIMPLE", changed.intents().clients().get("app-to-cart").spec().mutualTLS().name());
  }

  @Test
  void theBlobIdIsGits() {
    // git hash-object of a file holding "hello\n"
    assertEquals("ce013625030ba8dba906f756967f9e9ca394464a", ParseCache.blobId("hello\n".getBytes(StandardCharsets.UTF_8)));
  }

  private String read(String relative) throws IOException {
    return Files.readString(intents().resolve(relative));
  }

  private void replace(String relative, String from, String to) throws IOException {
    String text = read(relative);
    assertTrue(text.contains(from), relative + " holds " + from);
    write(relative, text.replace(from, to));
  }

  /** Loads through the cache and checks the result against a fresh load of the same tree. */
  private LoadResult step() throws IOException {
    LoadResult cached = IntentLoader.load(intents(), IntentLimits.DEFAULTS, Progress.NONE, cache);
    assertSameLoad(IntentLoader.load(intents()), cached);
    return cached;
  }

  /** Everything a load gives: typed intents and sources, documents, findings in order, files, overlays. */
  static void assertSameLoad(LoadResult expected, LoadResult actual) {
    assertEquals(expected.violations(), actual.violations());
    assertEquals(expected.files(), actual.files());
    assertEquals(describe(expected.documents()), describe(actual.documents()));
    assertEquals(expected.intents(), actual.intents());
    assertEquals(describe(expected.overlays()), describe(actual.overlays()));
  }

  private static List<String> describe(Overlays overlays) {
    List<String> described = new ArrayList<>();
    overlays.files().forEach((cluster, files) -> files.forEach(file -> described.add(cluster + " " + file.label() + " "
        + file.relativePath() + " " + new String(file.bytes(), StandardCharsets.UTF_8))));
    overlays.objects().forEach((cluster, objects) -> objects.forEach(object -> described.add(cluster + " "
        + object.describe() + " at " + object.source() + " " + object.content())));
    return described;
  }

  private static List<String> describe(List<IntentDocument> documents) {
    return documents.stream().map(d -> d.kind() + "/" + d.name() + " at " + d.source() + " valid=" + d.valid()
        + " name at " + d.locate("metadata.name") + " spec at " + d.locate("spec") + " port at "
        + d.locate("spec.port") + " target at " + d.locate("spec.target") + " " + d.content()).toList();
  }

  private static String clusterInCloud(String name, String cloud, String extra) {
    return H + "kind: Cluster\nmetadata:\n  name: " + name + "\nspec:\n  logicalCloud: " + cloud + "\n  meshGateway:\n"
        + "    address: 10.0.0." + name.substring(1) + "\n" + extra;
  }

  private static String service(String name, String cluster, int port, String mode) {
    return H + "kind: InboundService\nmetadata:\n  name: " + name + "\nspec:\n  service: " + name
        + "\n  namespace: shop\n  cluster: " + cluster + "\n  protocol: HTTP\n  port: " + port + "\n  mutualTLS: " + mode + "\n";
  }

  private static String client(String name, String cluster, String target) {
    return H + "kind: ServiceClient\nmetadata:\n  name: " + name + "\nspec:\n  service: web\n  namespace: shop\n"
        + "  cluster: " + cluster + "\n  target: " + target + "\n";
  }

  private static String ingress(String name, String cluster) {
    return H + "kind: IngressRoute\nmetadata:\n  name: " + name + "\nspec:\n  cluster: " + cluster
        + "\n  hosts: [shop.example.com]\n  routes:\n    - service: cart\n";
  }

  private void writeMesh() throws IOException {
    write("clusters.yaml", clusterInCloud("c1", "lc1", "") + "---\n" + clusterInCloud("c2", "lc1", "") + "---\n"
        + clusterInCloud("c3", "lc1", "  ingressGateway:\n    namespace: gateways\n"));
    write("services/cart.yaml", service("cart", "c1", 8080, "ISTIO_MUTUAL") + "---\n" + client("web-to-cart", "c2", "cart"));
    write("services/orders.yaml", service("orders", "c1", 8081, "ISTIO_MUTUAL") + "---\n"
        + client("web-to-orders", "c2", "orders"));
    write("clients/app.yaml", client("app-to-cart", "c3", "cart"));
    write("edge/shop.yaml", ingress("shop", "c3"));
  }

  @Test
  void anUnchangedTreeKeepsEveryDocumentAndHandsOutTheSameOnes() throws Exception {
    writeMesh();
    LoadResult first = step();
    assertFalse(first.hasErrors(), first.violations().toString());
    assertEquals(0, cache.keptLastLoad());
    LoadResult second = step();
    assertEquals(0, cache.defaultedLastLoad());
    assertEquals(first.documents().size(), cache.keptLastLoad());
    for (int i = 0; i < first.documents().size(); i++) {
      assertSame(first.documents().get(i), second.documents().get(i), "a kept document is the one handed out before");
    }
    assertSame(first.intents().clients().get("app-to-cart"), second.intents().clients().get("app-to-cart"));
  }

  @Test
  void aChangedFileIsWorkedOutAgainAndTheRestIsKept() throws Exception {
    writeMesh();
    step();
    replace("services/orders.yaml", "port: 8081", "port: 9999");
    LoadResult changed = step();
    assertEquals(2, cache.defaultedLastLoad(), "the service and the client in the changed file");
    assertEquals(9999, changed.intents().services().get("orders").spec().firstPort().number());
  }

  @Test
  void aClientFollowsItsTargetsModeInAnotherFile() throws Exception {
    writeMesh();
    step();
    replace("services/cart.yaml", "mutualTLS: ISTIO_MUTUAL", "mutualTLS: SIMPLE");
    LoadResult changed = step();
    assertEquals("SIMPLE", changed.intents().clients().get("app-to-cart").spec().mutualTLS().name());
    // The service and client of cart.yaml, and app-to-cart (its file unchanged, its target changed).
    assertEquals(3, cache.defaultedLastLoad());
  }

  @Test
  void aClusterChangeReachesEverythingThatReadsIt() throws Exception {
    writeMesh();
    step();
    // Another logical cloud: clients of c1's services in c2 must now set mutualTLS.
    replace("clusters.yaml", "name: c2\nspec:\n  logicalCloud: lc1", "name: c2\nspec:\n  logicalCloud: lc2");
    LoadResult clouds = step();
    assertTrue(clouds.violations().stream().anyMatch(v -> "web-to-cart".equals(v.name())), clouds.violations().toString());
    replace("clusters.yaml", "name: c2\nspec:\n  logicalCloud: lc2", "name: c2\nspec:\n  logicalCloud: lc1");
    assertFalse(step().hasErrors());
    // A legacy namespace: services and clients in it lose their sidecar.
    replace("clusters.yaml", "name: c2\nspec:\n", "name: c2\nspec:\n  namespacesWithoutSidecar: [shop]\n");
    LoadResult legacy = step();
    assertFalse(legacy.intents().clients().get("web-to-cart").spec().sidecar());
    replace("clusters.yaml", "name: c1\nspec:\n", "name: c1\nspec:\n  namespacesWithoutSidecar: [shop]\n");
    assertFalse(step().intents().services().get("cart").spec().sidecar());
    replace("clusters.yaml", "  namespacesWithoutSidecar: [shop]\n", "");
    assertTrue(step().intents().services().get("cart").spec().sidecar());
    // The ingress gateway's namespace is an IngressRoute's default namespace.
    replace("clusters.yaml", "namespace: gateways", "namespace: edge");
    LoadResult gateway = step();
    assertEquals("edge", ((java.util.Map<?, ?>) gateway.documents().stream().filter(d -> d.kind() == Kind.IngressRoute)
        .findFirst().orElseThrow().content().get("spec")).get("namespace"));
    // A cluster gone, then back.
    String clusters = read("clusters.yaml");
    write("clusters.yaml", clusterInCloud("c1", "lc1", "") + "---\n" + clusterInCloud("c2", "lc1", ""));
    step();
    write("clusters.yaml", clusters);
    step();
  }

  @Test
  void duplicatesRenamesDeletionsAndInvalidFiles() throws Exception {
    writeMesh();
    step();
    String cart = read("services/cart.yaml");
    // A copy sorted first becomes the first of its names: the original turns duplicate.
    write("a-copy/cart.yaml", cart);
    LoadResult duplicated = step();
    assertTrue(duplicated.violations().stream().anyMatch(v -> v.message().contains("duplicate InboundService name")
        && "intents/services/cart.yaml".equals(v.file())), duplicated.violations().toString());
    Files.delete(intents().resolve("a-copy/cart.yaml"));
    assertFalse(step().hasErrors());
    // A copy sorted last is the duplicate; the copy moves (renamed) before the original.
    write("z-copy/cart.yaml", cart);
    step();
    Files.move(intents().resolve("z-copy/cart.yaml"), intents().resolve("0-copy.yaml"));
    step();
    Files.delete(intents().resolve("0-copy.yaml"));
    step();
    // Invalid: a schema error, then a syntax error, then valid again.
    replace("services/cart.yaml", "port: 8080", "port: eighty");
    LoadResult invalid = step();
    assertTrue(invalid.hasErrors());
    assertFalse(invalid.intents().services().containsKey("cart"));
    write("services/cart.yaml", cart.replace("port: 8080", "port: [8080"));
    step();
    write("services/cart.yaml", cart);
    assertFalse(step().hasErrors());
    // The target deleted, then back: its clients' defaults follow.
    Files.delete(intents().resolve("services/cart.yaml"));
    LoadResult gone = step();
    assertFalse(gone.intents().services().containsKey("cart"));
    write("services/cart.yaml", cart);
    step();
    // Renamed in place: the documents have a new file.
    Files.move(intents().resolve("services/orders.yaml"), intents().resolve("services/0rders.yaml"));
    step();
    assertEquals(5, cache.size(), "a file gone is forgotten");
  }

  @Test
  void hostCollisionsComeAndGo() throws Exception {
    writeMesh();
    step();
    write("services/zz-cart.yaml", service("cart2", "c1", 8080, "ISTIO_MUTUAL").replace("service: cart2", "service: cart"));
    LoadResult collision = step();
    assertTrue(collision.violations().stream().anyMatch(v -> "cart2".equals(v.name())), collision.violations().toString());
    assertFalse(collision.intents().services().containsKey("cart2"));
    replace("services/zz-cart.yaml", "cluster: c1", "cluster: c2");
    step();
    // Sorted first, the other one is the later and is reported.
    Files.move(intents().resolve("services/zz-cart.yaml"), intents().resolve("services/a-cart.yaml"));
    replace("services/a-cart.yaml", "cluster: c2", "cluster: c1");
    LoadResult reversed = step();
    assertFalse(reversed.intents().services().containsKey("cart"));
    Files.delete(intents().resolve("services/a-cart.yaml"));
    assertTrue(step().intents().services().containsKey("cart"));
  }

  @Test
  void overlaysAndMeshEdgeDocuments() throws Exception {
    writeMesh();
    step();
    write("overlays/c1/extra.yaml", "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: extra\n"
        + "  namespace: shop\nspec:\n  egress:\n    - hosts: [\"./*\"]\n");
    step();
    write("edge/external.yaml", H + "kind: ExternalService\nmetadata:\n  name: payments\nspec:\n  host: pay.example.com\n"
        + "  clusters: [c1]\n  ports:\n    - number: 443\n      protocol: TLS\n  tlsOrigination:\n    mode: SIMPLE\n");
    step();
    replace("edge/shop.yaml", "cluster: c3", "cluster: c1");
    step();
    Files.delete(intents().resolve("overlays/c1/extra.yaml"));
    step();
  }

  @Test
  void intentsLeftHalfPatchedByAFailedLoadAreBuiltWholeAgain() throws Exception {
    writeMesh();
    step();
    // As a load that failed (out of memory, say) between removing and adding intents leaves them.
    cache.intents().byKind.get(Kind.InboundService).clear();
    cache.intents().sources.clear();
    cache.intents().complete = false;
    replace("services/orders.yaml", "port: 8081", "port: 9999");
    assertEquals(2, step().intents().services().size());
  }

  /** Every fixture repository in turn in one tree (most files change at each step), twice over. */
  @Test
  void everyFixtureInTurnThroughOneCache() throws Exception {
    List<Path> fixtures = new ArrayList<>();
    for (String group : List.of("valid", "invalid")) {
      try (Stream<Path> dirs = Files.list(TestRepos.root().resolve("repo-fixtures").resolve(group))) {
        dirs.filter(dir -> Files.isDirectory(dir.resolve("intents"))).sorted().forEach(fixtures::add);
      }
    }
    assertTrue(fixtures.size() > 50, "fixtures found: " + fixtures.size());
    // Each in a tree of its own named alike: the files are known to the cache by the names shown.
    int tree = 0;
    for (int round = 0; round < 2; round++) {
      for (Path fixture : fixtures) {
        Path intents = repo.resolve("tree-" + tree++).resolve("intents");
        io.meshgate.diff.PullRequestRepo.copy(fixture.resolve("intents"), intents);
        LoadResult cached = IntentLoader.load(intents, IntentLimits.DEFAULTS, Progress.NONE, cache);
        assertSameLoad(IntentLoader.load(intents), cached);
      }
    }
  }

  /**
   * A generated repository through random edits of every kind (ports, targets' modes, clusters'
   * clouds and legacy namespaces, copies, renames, deletions, broken and mended files).
   */
  @Test
  void randomEditsOfAGeneratedRepository() throws Exception {
    SyntheticRepository.write(intents(), new SyntheticRepository.Shape(40, 4, 2, 7));
    Random random = new Random(11);
    List<String> clusterNames = new ArrayList<>();
    Matcher names = Pattern.compile("kind: Cluster\nmetadata:\n  name: (\\S+)").matcher(read("clusters.yaml"));
    while (names.find()) {
      clusterNames.add(names.group(1));
    }
    java.util.Map<String, String> original = new java.util.TreeMap<>();
    for (String file : serviceFiles()) {
      original.put(file, read(file));
    }
    step();
    for (int edit = 0; edit < 120; edit++) {
      List<String> files = serviceFiles();
      String file = files.get(random.nextInt(files.size()));
      String cluster = clusterNames.get(random.nextInt(clusterNames.size()));
      String text = read(file);
      switch (random.nextInt(11)) {
        case 0 -> write(file, text.replaceFirst("port: (\\d+)", "port: " + (8000 + random.nextInt(100))));
        case 1 -> write(file, text.contains("ISTIO_MUTUAL") ? text.replace("ISTIO_MUTUAL", "SIMPLE")
            : text.replace("mutualTLS: SIMPLE", "mutualTLS: ISTIO_MUTUAL"));
        case 2 -> write("clusters.yaml", read("clusters.yaml").replaceFirst(
            "(name: " + cluster + "\nspec:\n(?:  namespacesWithoutSidecar: \\S+\n)?  logicalCloud: )(\\S+)",
            "$1" + (random.nextBoolean() ? "lc-other" : "lc-0")));
        case 3 -> {
          String clusters = read("clusters.yaml");
          Matcher namespace = Pattern.compile("namespace: (\\S+)").matcher(text);
          namespace.find();
          write("clusters.yaml", clusters.contains("name: " + cluster + "\nspec:\n  namespacesWithoutSidecar:")
              ? clusters.replaceFirst("(name: " + cluster + "\nspec:\n)  namespacesWithoutSidecar: \\S+\n", "$1")
              : clusters.replace("name: " + cluster + "\nspec:\n", "name: " + cluster + "\nspec:\n"
                  + "  namespacesWithoutSidecar: [" + namespace.group(1) + "]\n"));
        }
        case 4 -> write("copies/" + (random.nextBoolean() ? "0-" : "z-") + Path.of(file).getFileName(), text);
        case 5 -> {
          Files.delete(intents().resolve(file));
          write(file.replace(".yaml", random.nextBoolean() ? "-b.yaml" : ".yml").replace("services/", "services/0"), text);
        }
        case 6 -> Files.delete(intents().resolve(file));
        case 7 -> write(file, text.replaceFirst("port: (\\d+)", random.nextBoolean() ? "port: [$1" : "port: eighty"));
        case 8 -> {
          String name = original.keySet().stream().skip(random.nextInt(original.size())).findFirst().orElseThrow();
          write(name, original.get(name));
        }
        case 9 -> write(file, text.replaceFirst("target: (\\S+)", "target: " + Path.of(files.get(random.nextInt(
            files.size()))).getFileName().toString().replaceAll("\\.ya?ml$", "")));
        default -> write("collisions/" + edit + ".yaml", text.replaceFirst("name: (\\S+)", "name: $1-again")
            .replaceAll("name: (\\S+)-to-", "name: $1-again-to-"));
      }
      step();
    }
    assertTrue(cache.keptLastLoad() > cache.defaultedLastLoad(), "most documents are kept at each step");
  }

  private List<String> serviceFiles() throws IOException {
    Path root = intents();
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace('\\', '/'))
          .filter(f -> !f.equals("clusters.yaml") && !f.startsWith("overlays/")).sorted().toList();
    }
  }
}
