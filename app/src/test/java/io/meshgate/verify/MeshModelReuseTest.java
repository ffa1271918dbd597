package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.bench.SyntheticRepository;
import io.meshgate.check.Progress;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.IncrementalRender;
import io.meshgate.render.RenderResult;
import io.meshgate.render.RenderedObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that keeps the views of the clusters a change did not touch simulates every request as a
 * model built from scratch does (edges, probes and warnings alike).
 */
class MeshModelReuseTest {
  @TempDir Path temp;
  private Path intents;
  private List<Path> serviceFiles;
  private final IncrementalRender incremental = new IncrementalRender();
  private MeshModel model;
  private RenderResult lastRender;

  @BeforeEach
  void generate() throws IOException {
    intents = temp.resolve("intents");
    SyntheticRepository.write(intents, new SyntheticRepository.Shape(120, 12, 3, 5));
    try (Stream<Path> files = Files.walk(intents.resolve("services"))) {
      serviceFiles = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** Builds the next model reusing the last one, compares it with a fresh one; returns the views kept. */
  private int buildAndCompare() {
    LoadResult load = IntentLoader.load(intents);
    assertTrue(load.violations().isEmpty(), () -> load.violations().toString());
    IntentSet set = load.intents();
    RenderResult render = incremental.render(set, AllocationLedger.empty(), Progress.NONE);
    RenderResult last = lastRender;
    MeshModel previous = model;
    Map<String, Set<Object>> placedBefore = lastPlaced;
    Map<String, Set<Object>> placedNow = placed(set);
    // What build's caller vouches for: the same objects (an incremental render keeps the instances
    // of unchanged ones) and the same intents placed in the cluster.
    MeshModel reused = MeshModel.build(set, render.asPlainObjects(), previous,
        cluster -> last != null && same(last.objectsOf(cluster), render.objectsOf(cluster))
            && java.util.Objects.equals(placedBefore.get(cluster), placedNow.get(cluster)));
    MeshModel fresh = MeshModel.build(set, render.asPlainObjects());

    Verifier.Result expected = new Verifier(set, fresh).run(true);
    Verifier.Result actual = new Verifier(set, reused).run(true);
    assertEquals(expected.edges(), actual.edges());
    assertEquals(expected.probes(), actual.probes());
    assertEquals(expected.warnings(), actual.warnings());
    assertEquals(fresh.namespaceClusters(), reused.namespaceClusters());

    int kept = 0;
    for (String cluster : set.clusters().keySet()) {
      if (previous != null && reused.cluster(cluster) == previous.cluster(cluster)) {
        kept++;
      }
    }
    model = reused;
    lastRender = render;
    lastPlaced = placedNow;
    return kept;
  }

  private Map<String, Set<Object>> lastPlaced = Map.of();

  /** The services hosted and the clients running in each cluster. */
  private static Map<String, Set<Object>> placed(IntentSet set) {
    Map<String, Set<Object>> placed = new java.util.HashMap<>();
    set.clients().values().forEach(client ->
        placed.computeIfAbsent(client.spec().cluster(), k -> new java.util.HashSet<>()).add(client));
    set.services().values().forEach(service -> service.spec().hostingClusters().forEach(cluster ->
        placed.computeIfAbsent(cluster, k -> new java.util.HashSet<>()).add(service)));
    return placed;
  }

  private static boolean same(List<RenderedObject> a, List<RenderedObject> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static void edit(Path file, String from, String to) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(text.contains(from), file + " holds " + from);
    Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from), to), StandardCharsets.UTF_8);
  }

  @Test
  void keptViewsSimulateAsFreshOnes() throws IOException {
    assertEquals(0, buildAndCompare(), "nothing to keep at first");
    assertEquals(12, buildAndCompare(), "nothing changed: every view is kept");

    edit(serviceFiles.get(3), "  port: ", "  port: 1");
    int kept = buildAndCompare();
    assertTrue(kept > 0 && kept < 12, kept + " views kept");

    edit(serviceFiles.get(10), "methods: [", "methods: [HEAD, ");
    kept = buildAndCompare();
    assertTrue(kept > 0 && kept < 12, kept + " views kept");

    // A client moves to a namespace no cluster had: every view depends on the mesh's namespaces.
    String text = Files.readString(serviceFiles.get(7), StandardCharsets.UTF_8);
    int client = text.indexOf("kind: ServiceClient");
    int namespace = text.indexOf("  namespace: ", client) + "  namespace: ".length();
    Files.writeString(serviceFiles.get(7), text.substring(0, namespace) + "brand-new-" + text.substring(namespace),
        StandardCharsets.UTF_8);
    assertEquals(0, buildAndCompare(), "the namespaces moved: every view is built again");

    Files.delete(serviceFiles.get(20));
    buildAndCompare();
  }

  @Test
  void editsAreKeptOnlyAgainstTheModelTheyWereSimulatedOn() {
    LoadResult load = IntentLoader.load(intents);
    IntentSet set = load.intents();
    java.util.Map<String, List<java.util.Map<String, Object>>> plain = incremental.render(set, AllocationLedger.empty(),
        Progress.NONE).asPlainObjects();
    // The same objects plus a DENY of everything in every cluster's namespaces of the first service.
    String namespace = set.services().values().iterator().next().spec().namespace();
    java.util.Map<String, List<java.util.Map<String, Object>>> denied = new java.util.TreeMap<>();
    plain.forEach((cluster, objects) -> {
      List<java.util.Map<String, Object>> all = new java.util.ArrayList<>(objects);
      all.add(java.util.Map.of("apiVersion", "security.istio.io/v1", "kind", "AuthorizationPolicy",
          "metadata", java.util.Map.of("name", "deny-all", "namespace", namespace),
          "spec", java.util.Map.of("action", "DENY", "rules", List.of(java.util.Map.of()))));
      denied.put(cluster, all);
    });
    Verifier.Memory memory = new Verifier.Memory();
    new Verifier(set, MeshModel.build(set, plain)).run(false, Progress.NONE, memory);
    // A model that keeps every view, but of another model than the one the memory last ran on.
    MeshModel other = MeshModel.build(set, denied);
    MeshModel keeping = MeshModel.build(set, denied, other, cluster -> true);

    Verifier.Result result = new Verifier(set, keeping).run(false, Progress.NONE, memory);

    Verifier.Result fresh = new Verifier(set, MeshModel.build(set, denied)).run(false);
    assertTrue(fresh.failedEdges() > 0, "the DENY breaks edges");
    assertEquals(fresh.edges(), result.edges());
    assertEquals(0, memory.reusedLastRun());
  }
}
