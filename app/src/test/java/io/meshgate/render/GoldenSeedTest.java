package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The whole output tree of {@code repo-fixtures/seed} against the golden files in
 * {@code app/src/test/resources/golden/seed/}, byte for byte. After an intended change, regenerate
 * them with {@code mvn -q -B -pl app -am test -Dtest=GoldenSeedTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmeshgate.updateGolden=true} and review the diff.
 */
class GoldenSeedTest {

  /** Fixed provenance: the CLI's carries the current commit, which would change every commit. */
  static final Provenance PROVENANCE =
      new Provenance("repo-fixtures/seed/intents", null, null, "golden");

  static Path root() {
    return IstioCrdSchemas.repoRoot();
  }

  static LoadResult loadSeed() {
    LoadResult load = IntentLoader.load(root().resolve("repo-fixtures/seed/intents"));
    assertFalse(load.hasErrors(), () -> "the seed must load cleanly: " + load.violations());
    return load;
  }

  static OutputTree seedTree() {
    return OutputTree.of(new Renderer().render(loadSeed().intents(), AllocationLedger.empty()), PROVENANCE);
  }

  @Test
  void seedOutputMatchesTheGoldenFiles() throws IOException {
    assertMatchesGolden(seedTree(), root().resolve("app/src/test/resources/golden/seed"));
  }

  /** {@code tree} byte for byte against the files below {@code golden} (rewritten first with -Dmeshgate.updateGolden=true). */
  static void assertMatchesGolden(OutputTree tree, Path golden) throws IOException {
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

  @Test
  void theHandBuiltSeedRendersExactlyLikeTheLoadedOne() {
    // The other render tests use TestIntents.seed(); this keeps it faithful to the fixture files.
    OutputTree handBuilt = OutputTree.of(new Renderer().render(TestIntents.seed(), AllocationLedger.empty()), PROVENANCE);
    OutputTree loaded = seedTree();
    assertEquals(loaded.files().keySet(), handBuilt.files().keySet());
    loaded.files().keySet().forEach(path -> assertEquals(loaded.text(path), handBuilt.text(path), path));
  }

  @Test
  void filesAreCleanYaml() {
    OutputTree tree = seedTree();
    for (String path : tree.files().keySet()) {
      String text = tree.text(path);
      assertTrue(text.endsWith("\n") && !text.endsWith("\n\n"), path + " ends with exactly one newline");
      assertFalse(text.contains("\r") || text.contains("\t"), path + " has CR or TAB");
      assertFalse(text.contains(": null") || text.contains("{}") || text.contains("[]"), path + " has empty values");
      assertFalse(text.startsWith("---"), path);
    }
    List<String> cluster01 = List.of(tree.text("clusters/cluster01/kustomization.yaml").split("\n"));
    assertEquals("apiVersion: kustomize.config.k8s.io/v1beta1", cluster01.get(0));
    assertEquals("- istio-system/serviceentry-meshgate-productpage-default-global.yaml", cluster01.get(cluster01.size() - 1));
  }
}
