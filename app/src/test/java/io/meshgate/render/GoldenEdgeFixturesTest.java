package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole output tree of each mesh-edge fixture ({@code repo-fixtures/valid/<name>}) against the
 * golden files in {@code app/src/test/resources/golden/<name>/}, byte for byte, overlays included.
 * After an intended change, regenerate them with {@code mvn -q -B -pl app -am test
 * -Dtest=GoldenEdgeFixturesTest -Dsurefire.failIfNoSpecifiedTests=false -Dmeshgate.updateGolden=true}
 * and review the diff.
 */
class GoldenEdgeFixturesTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ingress-hello", "egress-external", "jwt-hello", "jwt-admin-path", "jwt-behind-rewrite", "overlays-hello",
      "overlay-sidecar-scope"})
  void outputMatchesTheGoldenFiles(String fixture) throws IOException {
    Path root = IstioCrdSchemas.repoRoot();
    LoadResult load = IntentLoader.load(root.resolve("repo-fixtures/valid/" + fixture + "/intents"));
    assertFalse(load.hasErrors(), () -> load.violations().toString());
    OutputTree tree = OutputTree.of(new Renderer().render(load.intents(), AllocationLedger.empty())
        .withOverlays(load.overlays()), new Provenance("repo-fixtures/valid/" + fixture + "/intents", null, null, "golden"));
    GoldenSeedTest.assertMatchesGolden(tree, root.resolve("app/src/test/resources/golden/" + fixture));
  }
}
