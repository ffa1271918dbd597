package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Progress;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.OutputTree;
import io.meshgate.render.Provenance;
import io.meshgate.render.Renderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads of one changing tree through a ParseCache give what loads without it give, parsing less. */
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

  /** Same typed intents, documents (content with defaults, validity), findings and files. */
  private static void assertSameLoad(LoadResult expected, LoadResult actual) {
    assertEquals(expected.intents(), actual.intents());
    assertEquals(documents(expected), documents(actual));
    assertEquals(expected.violations(), actual.violations());
    assertEquals(expected.files(), actual.files());
  }

  private static java.util.List<String> documents(LoadResult load) {
    return load.documents().stream().map(d -> d.kind() + "/" + d.name() + " " + d.source() + " " + d.valid() + " "
        + d.content()).toList();
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
}
