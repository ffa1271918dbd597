package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.Kubectl;
import io.meshgate.intent.IntentSet;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every cluster folder builds with {@code kubectl kustomize}, as Flux and Argo CD will build it. */
class KustomizeBuildTest {

  @BeforeAll
  static void requireKubectl() {
    Assumptions.assumeTrue(Kubectl.available(),
        "kubectl not found on PATH: skipping the kustomize build check");
  }

  private static void assertEveryClusterBuilds(IntentSet intents, Path dir) throws Exception {
    RenderResult result = new Renderer().render(intents, AllocationLedger.empty());
    OutputTree.of(result, new Provenance("test", null, null, "test")).writeTo(dir);
    for (var entry : result.clusters().entrySet()) {
      Kubectl.Build build = Kubectl.kustomize(dir.resolve("clusters").resolve(entry.getKey()));
      assertEquals(0, build.exit(), entry.getKey() + ": " + build.describe());
      List<RenderedObject> objects = entry.getValue();
      long documents = build.stdout().lines().filter(l -> l.startsWith("kind: ")).count();
      assertEquals(objects.size(), documents, entry.getKey() + ":\n" + build.describe());
      for (RenderedObject o : objects) {
        assertTrue(build.stdout().contains("name: " + o.name()), o.relativePath());
      }
    }
  }

  @Test
  void seedClustersBuild(@TempDir Path dir) throws Exception {
    assertEveryClusterBuilds(TestIntents.seed(), dir);
  }

  @Test
  void manyServicesAndApiVersionsBuild(@TempDir Path dir) throws Exception {
    assertEveryClusterBuilds(Scenarios.manyServices(12), dir.resolve("many"));
    assertEveryClusterBuilds(Scenarios.apiVersions(), dir.resolve("versions"));
  }

  @Test
  void tlsTerminationSyncNamespacesAndTheirNamespaceObjectsBuild(@TempDir Path dir) throws Exception {
    assertEveryClusterBuilds(Scenarios.simpleTls(), dir.resolve("simple"));
    assertEveryClusterBuilds(Scenarios.mutualAcrossClouds(), dir.resolve("mutual"));
    assertEveryClusterBuilds(Scenarios.syncNamespaces(), dir.resolve("sync"));
    // kustomize emits the Namespace before the objects that live in it, as an API server needs.
    String west = Kubectl.kustomize(dir.resolve("sync/clusters/west")).stdout();
    assertTrue(west.startsWith("apiVersion: v1\nkind: Namespace\n"), west);
  }

  @Test
  void aClusterWithoutObjectsStillBuilds(@TempDir Path dir) throws Exception {
    // Flux/Argo CD point at every cluster folder; an empty one must build, to nothing.
    assertEveryClusterBuilds(Scenarios.noSidecar(), dir);
    assertEquals("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
        java.nio.file.Files.readString(dir.resolve("clusters/west/kustomization.yaml")));
  }

  @Test
  void aBrokenKustomizationFails(@TempDir Path dir) throws Exception {
    // Proves the check can fail: a kustomization naming a file that is not there.
    java.nio.file.Files.writeString(dir.resolve("kustomization.yaml"),
        OutputTree.kustomization(List.of("default/missing.yaml")));
    assertTrue(Kubectl.kustomize(dir).exit() != 0);
  }
}
