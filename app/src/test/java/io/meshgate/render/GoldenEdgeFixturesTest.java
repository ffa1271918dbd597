package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Stream;
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
    Path golden = root.resolve("app/src/test/resources/golden/" + fixture);
    if (Boolean.getBoolean("meshgate.updateGolden")) {
      tree.writeTo(golden);
    }
    TreeMap<String, String> expected = new TreeMap<>();
    if (Files.isDirectory(golden)) {
      try (Stream<Path> walk = Files.walk(golden)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          expected.put(golden.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
        }
      }
    }
    TreeMap<String, String> actual = new TreeMap<>();
    tree.files().keySet().forEach(path -> actual.put(path, tree.text(path)));
    assertEquals(expected.keySet(), actual.keySet(), "files of the tree (regenerate with -Dmeshgate.updateGolden=true)");
    actual.forEach((path, text) -> assertEquals(expected.get(path), text, path));
  }
}
