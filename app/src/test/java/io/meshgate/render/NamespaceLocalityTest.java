package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Nothing is rendered into a namespace that exists only in another cluster: every object of a
 * cluster lives in the namespace of a service hosted there or of a client running there, in the
 * cluster's sync namespace (created by meshgate unless it is Istio's root namespace), or in the
 * gateway's namespace of a cluster whose gateway meshgate configures.
 */
class NamespaceLocalityTest {

  /** Every object of {@code result} in a namespace its cluster is not known to have, described. */
  static List<String> problems(IntentSet intents, RenderResult result) {
    Map<String, Set<String>> local = new TreeMap<>();
    intents.clusters().keySet().forEach(c -> local.put(c, new HashSet<>()));
    for (InboundService s : intents.services().values()) {
      for (String hosting : s.spec().hostingClusters()) {
        local.computeIfAbsent(hosting, k -> new HashSet<>()).add(s.spec().namespace());
      }
    }
    // A Cluster's namespaces without sidecar are namespaces the Cluster says it has.
    intents.clusters().forEach((name, c) -> local.computeIfAbsent(name, k -> new HashSet<>())
        .addAll(c.spec().namespacesWithoutSidecar()));
    for (ServiceClient c : intents.clients().values()) {
      local.computeIfAbsent(c.spec().cluster(), k -> new HashSet<>()).add(c.spec().namespace());
    }
    List<String> problems = new ArrayList<>();
    result.clusters().forEach((name, objects) -> {
      Cluster cluster = intents.clusters().get(name);
      Set<String> created = new HashSet<>();
      objects.stream().filter(o -> o.kind().equals("Namespace")).forEach(o -> created.add(o.name()));
      for (RenderedObject o : objects) {
        String ns = o.namespace();
        if (ns == null) {
          if (!o.kind().equals("Namespace")) {
            problems.add(name + ": cluster-scoped " + o.relativePath());
          }
          continue;
        }
        boolean gatewayObject = o.kind().equals("Gateway") || o.kind().equals("VirtualService")
            || (o.kind().equals("DestinationRule") && o.name().endsWith(Failover.GATEWAY_SUFFIX));
        // A Cluster's mTLS defaults name namespaces the Cluster says it has (only their
        // namespace-wide PeerAuthentication goes there).
        boolean declaredDefault = o.kind().equals("PeerAuthentication") && o.name().equals(Renderer.MTLS_DEFAULTS)
            && cluster.spec().peerAuthentication() != null && cluster.spec().peerAuthentication().namespaces().containsKey(ns);
        boolean ok = local.getOrDefault(name, Set.of()).contains(ns) || declaredDefault
            || ns.equals(Renderer.ROOT_NAMESPACE)
            || (ns.equals(cluster.spec().syncNamespace()) && created.contains(ns))
            || (gatewayObject && ns.equals(cluster.spec().meshGateway().namespace()));
        if (!ok) {
          problems.add(name + ": " + o.relativePath() + " is in namespace " + ns + ", which " + name
              + " is not known to have");
        }
      }
    });
    return problems;
  }

  @Test
  void everyScenarioStaysInNamespacesItsClusterHas() {
    Map<String, List<String>> all = new LinkedHashMap<>();
    Scenarios.all().forEach((name, intents) -> {
      List<String> found = problems(intents, new Renderer().render(intents, AllocationLedger.empty()));
      if (!found.isEmpty()) {
        all.put(name, found);
      }
    });
    assertEquals(Map.of(), all);
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureStaysInNamespacesItsClusterHas() throws IOException {
    List<Path> roots = new ArrayList<>(List.of(TestRepos.seedIntents()));
    try (Stream<Path> cases = Files.list(TestRepos.root().resolve("repo-fixtures/valid"))) {
      cases.filter(Files::isDirectory).sorted().forEach(c -> roots.add(c.resolve("intents")));
    }
    return roots.stream().map(root -> DynamicTest.dynamicTest(root.getParent().getFileName().toString(), () -> {
      LoadResult load = IntentLoader.load(root);
      assertFalse(load.hasErrors(), load.violations().toString());
      RenderResult result = new Renderer().render(load.intents(), AllocationLedger.empty());
      assertEquals(List.of(), problems(load.intents(), result));
    }));
  }

  @Test
  void theCheckCatchesAnObjectInTheClientsNamespaceOfTheHostingCluster() {
    // v1 put a client cluster's ServiceEntry in the service's namespace, which may exist only in H.
    IntentSet intents = Scenarios.syncNamespaces();
    RenderResult good = new Renderer().render(intents, AllocationLedger.empty());
    assertTrue(problems(intents, good).isEmpty());
    SortedMap<String, List<RenderedObject>> clusters = new TreeMap<>(good.clusters());
    List<RenderedObject> west = new ArrayList<>(clusters.get("west"));
    west.add(RenderedObject.of("west", new ConfigMapBuilder().withNewMetadata().withName("meshgate-x")
        .withNamespace("shop").endMetadata().build()));
    clusters.put("west", west);
    List<String> found = problems(intents, new RenderResult(clusters, good.ledger()));
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).contains("namespace shop"), found.get(0));
  }
}
