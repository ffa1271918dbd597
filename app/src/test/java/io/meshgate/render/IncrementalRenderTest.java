package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.bench.SyntheticRepository;
import io.meshgate.check.Progress;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders of a changing tree through IncrementalRender give exactly what full renders give. */
class IncrementalRenderTest {
  @TempDir Path temp;
  private Path intents;
  private List<Path> serviceFiles;
  private final IncrementalRender incremental = new IncrementalRender();
  /** What the last output tree wrote, as the sync job keeps it. */
  private final OutputTree.Memory written = new OutputTree.Memory();
  private static final Provenance PROVENANCE = new Provenance("file:///source.git", "0".repeat(40), null, "test",
      null, null);

  @BeforeEach
  void repository() throws IOException {
    intents = temp.resolve("intents");
    SyntheticRepository.write(intents, new SyntheticRepository.Shape(120, 12, 3, 5));
    try (Stream<Path> files = Files.walk(intents.resolve("services"))) {
      serviceFiles = files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private IntentSet load() {
    LoadResult load = IntentLoader.load(intents);
    assertTrue(load.violations().isEmpty(), () -> load.violations().toString());
    return load.intents();
  }

  /** Renders incrementally, compares with a full render, and returns how many clusters were rendered. */
  private int renderAndCompare(AllocationLedger previous) {
    IntentSet set = load();
    RenderResult full = new Renderer().render(set, previous);
    RenderResult part = incremental.render(set, previous, Progress.NONE);
    assertEquals(full.ledger(), part.ledger());
    assertEquals(full.asPlainObjects(), part.asPlainObjects());
    assertEquals(full.clusters().keySet(), part.clusters().keySet());
    // The files, the YAML of unchanged objects taken from the last output tree.
    assertEquals(text(OutputTree.of(full, PROVENANCE)), text(OutputTree.of(part, PROVENANCE, written)));
    return incremental.clustersRenderedLastRun();
  }

  private static java.util.Map<String, String> text(OutputTree tree) {
    java.util.Map<String, String> files = new java.util.TreeMap<>();
    tree.files().forEach((path, bytes) -> files.put(path, new String(bytes, StandardCharsets.UTF_8)));
    return files;
  }

  private void edit(Path file, String from, String to) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(text.contains(from), file + " holds " + from);
    Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from), to), StandardCharsets.UTF_8);
  }

  @Test
  void eachChangeRendersOnlyTheClustersItTouchesAndTheResultIsAFullRender() throws IOException {
    assertEquals(12, renderAndCompare(AllocationLedger.empty()), "the first render renders everything");
    assertEquals(0, renderAndCompare(AllocationLedger.empty()), "nothing changed, nothing rendered");

    // A service's port: its cluster and its clients' clusters.
    Path service = serviceFiles.get(3);
    edit(service, "  port: ", "  port: 1");
    int rendered = renderAndCompare(AllocationLedger.empty());
    assertTrue(rendered > 0 && rendered < 12, rendered + " clusters rendered");

    // A client's access rule (the second document of a file is a client): its cluster and its target's.
    edit(serviceFiles.get(10), "methods: [", "methods: [HEAD, ");
    rendered = renderAndCompare(AllocationLedger.empty());
    assertTrue(rendered > 0 && rendered < 12, rendered + " clusters rendered");

    // A file deleted: its service and the clients calling it disappear, addresses are released.
    Files.delete(serviceFiles.get(20));
    renderAndCompare(AllocationLedger.empty());

    // A document moved to another file: the source annotation of its objects changes.
    Path moved = serviceFiles.get(30);
    Files.move(moved, moved.resolveSibling("renamed-" + moved.getFileName()));
    rendered = renderAndCompare(AllocationLedger.empty());
    assertTrue(rendered > 0 && rendered < 12, rendered + " clusters rendered");

    // A file copied in under new names: a new service with clients in other clusters.
    String text = Files.readString(serviceFiles.get(40), StandardCharsets.UTF_8);
    String name = serviceFiles.get(40).getFileName().toString().replace(".yaml", "");
    Files.writeString(serviceFiles.get(40).resolveSibling("added.yaml"),
        text.replace("name: " + name, "name: added-" + name).replace("service: " + name, "service: added-" + name)
            .replace("target: " + name, "target: added-" + name).replace("-to-" + name, "-to-added-" + name),
        StandardCharsets.UTF_8);
    renderAndCompare(AllocationLedger.empty());
  }

  @Test
  void aReRenderedClusterKeepsTheInstancesOfItsUnchangedObjects() throws IOException {
    renderAndCompare(AllocationLedger.empty());
    RenderResult before = incremental.render(load(), AllocationLedger.empty(), Progress.NONE);
    edit(serviceFiles.get(3), "  port: ", "  port: 1");
    RenderResult after = incremental.render(load(), AllocationLedger.empty(), Progress.NONE);
    assertTrue(incremental.clustersRenderedLastRun() > 0);
    int kept = 0;
    int changed = 0;
    for (String cluster : after.clusters().keySet()) {
      List<RenderedObject> was = before.clusters().get(cluster);
      List<RenderedObject> now = after.clusters().get(cluster);
      java.util.Set<RenderedObject> previous = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      previous.addAll(was);
      for (RenderedObject object : now) {
        if (was.contains(object)) {
          assertTrue(previous.contains(object), cluster + ": an unchanged object is last render's instance: " + object.name());
          kept++;
        } else {
          changed++;
        }
      }
    }
    assertTrue(kept > 0 && changed > 0, kept + " objects kept, " + changed + " changed");
  }

  @Test
  void aClusterChangeRendersEverythingAndAnotherLedgerTheClustersWhoseAddressesMove() throws IOException {
    renderAndCompare(AllocationLedger.empty());
    edit(intents.resolve("clusters.yaml"), "address: 10.", "address: 10.9");
    assertEquals(12, renderAndCompare(AllocationLedger.empty()));

    // The environment branch after publishing this render: the same addresses, nothing to render.
    AllocationLedger published = new Renderer().render(load(), AllocationLedger.empty()).ledger();
    assertEquals(0, renderAndCompare(published));

    // A ledger pinning other addresses (another instance published first): the clusters holding them.
    java.util.SortedMap<String, java.util.SortedMap<String, String>> moved = new java.util.TreeMap<>();
    published.clusters().forEach((cluster, hosts) -> moved.put(cluster, new java.util.TreeMap<>(hosts)));
    String cluster = moved.firstKey();
    String host = moved.get(cluster).firstKey();
    moved.get(cluster).put(host, "240.255.255.254");
    int rendered = renderAndCompare(new AllocationLedger(moved));
    assertTrue(rendered >= 1 && rendered < 12, rendered + " clusters rendered");
  }

  /**
   * A DENY rule naming a client by name denies that client's principal: when the client moves to
   * another namespace, the cluster hosting the denying service is rendered again, although neither
   * it nor the client's target changed.
   */
  @Test
  void aClientNamedInAnotherServicesDenyRuleRendersThatServicesCluster() throws IOException {
    Path root = temp.resolve("deny");
    Files.createDirectories(root);
    Files.writeString(root.resolve("clusters.yaml"), """
        apiVersion: meshgate.io/v1alpha1
        kind: Cluster
        metadata: {name: east}
        spec: {logicalCloud: lc1, meshGateway: {address: 172.25.55.210}}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: Cluster
        metadata: {name: west}
        spec: {logicalCloud: lc1, meshGateway: {address: 172.25.55.50}}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: Cluster
        metadata: {name: north}
        spec: {logicalCloud: lc1, meshGateway: {address: 172.25.55.70}}
        """, StandardCharsets.UTF_8);
    Files.writeString(root.resolve("mesh.yaml"), """
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: documents}
        spec:
          service: documents
          cluster: west
          protocol: HTTP
          port: 8080
          mutualTLS: ISTIO_MUTUAL
          authorization:
            deny:
              - clients: [viewer-to-catalog]
                methods: [DELETE]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: catalog}
        spec: {service: catalog, cluster: north, protocol: HTTP, port: 8080, mutualTLS: ISTIO_MUTUAL}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: ServiceClient
        metadata: {name: viewer-to-catalog}
        spec: {service: viewer, namespace: shop, cluster: east, target: catalog}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: ServiceClient
        metadata: {name: editor-to-documents}
        spec: {service: editor, cluster: east, target: documents}
        """, StandardCharsets.UTF_8);
    IncrementalRender deny = new IncrementalRender();
    LoadResult first = IntentLoader.load(root);
    assertTrue(first.violations().stream().noneMatch(v -> v.isError()), () -> first.violations().toString());
    compare(deny, first.intents(), "as written");
    Path mesh = root.resolve("mesh.yaml");
    Files.writeString(mesh, Files.readString(mesh, StandardCharsets.UTF_8).replace("namespace: shop", "namespace: store"),
        StandardCharsets.UTF_8);
    compare(deny, IntentLoader.load(root).intents(), "the denied client in another namespace");
    assertEquals(3, deny.clustersRenderedLastRun(), "the client's cluster, its target's and the denying service's");
  }

  /**
   * Every valid fixture (traffic, failover, DENY rules, TLS modes...): each service and each client
   * taken away and put back, and each client moved to another namespace and back; after each step
   * the incremental render is a full render.
   */
  @Test
  void everyValidFixtureRendersAsAFullRenderWhenAnyIntentChanges() throws IOException {
    Path fixtures = Path.of(System.getProperty("meshgate.root", "..")).resolve("repo-fixtures/valid");
    List<Path> roots;
    try (Stream<Path> dirs = Files.list(fixtures)) {
      roots = dirs.map(dir -> dir.resolve("intents")).filter(Files::isDirectory).sorted().toList();
    }
    assertTrue(roots.size() > 10, roots.toString());
    int incrementalRenders = 0;
    for (Path root : roots) {
      IntentSet all = IntentLoader.load(root).intents();
      IncrementalRender fixture = new IncrementalRender();
      compare(fixture, all, root + " as written");
      for (String name : all.services().keySet()) {
        java.util.SortedMap<String, io.meshgate.intent.InboundService> services = new java.util.TreeMap<>(all.services());
        services.remove(name);
        compare(fixture, new IntentSet(all.clusters(), services, all.clients(), all.sources(), all.ingressRoutes(),
            all.externalServices(), all.endUserAuths()), root + " without service " + name);
        incrementalRenders += fixture.clustersRenderedLastRun() < all.clusters().size() ? 1 : 0;
        compare(fixture, all, root + " with service " + name + " back");
      }
      for (String name : all.clients().keySet()) {
        io.meshgate.intent.ServiceClient client = all.clients().get(name);
        java.util.SortedMap<String, io.meshgate.intent.ServiceClient> clients = new java.util.TreeMap<>(all.clients());
        clients.remove(name);
        compare(fixture, new IntentSet(all.clusters(), all.services(), clients, all.sources(), all.ingressRoutes(),
            all.externalServices(), all.endUserAuths()), root + " without client " + name);
        io.meshgate.intent.ServiceClient.Spec spec = client.spec();
        clients.put(name, new io.meshgate.intent.ServiceClient(client.metadata(), new io.meshgate.intent.ServiceClient.Spec(
            spec.app(), spec.service(), "moved-" + spec.namespace(), spec.cluster(), spec.serviceAccount(), spec.sidecar(),
            spec.headless(), spec.target(), spec.mutualTLS(), spec.tls(), spec.access())));
        compare(fixture, new IntentSet(all.clusters(), all.services(), clients, all.sources(), all.ingressRoutes(),
            all.externalServices(), all.endUserAuths()), root + " with client " + name + " in another namespace");
        compare(fixture, all, root + " with client " + name + " back");
      }
    }
    assertTrue(incrementalRenders > 10, "most changes render only some clusters: " + incrementalRenders);
  }

  private static void compare(IncrementalRender incremental, IntentSet intents, String what) {
    RenderResult full = new Renderer().render(intents, AllocationLedger.empty());
    RenderResult part = incremental.render(intents, AllocationLedger.empty(), Progress.NONE);
    assertEquals(full.ledger(), part.ledger(), what);
    assertEquals(full.asPlainObjects(), part.asPlainObjects(), what);
  }
}
