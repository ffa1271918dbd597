package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.TestRepos;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.Renderer;
import io.meshgate.report.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every repository fixture that must work (the seed, {@code repo-fixtures/valid/*}), rendered by the
 * renderer: every declared edge is allowed and every probe denied.
 */
class RepoFixturesVerifyTest {

  @TestFactory
  Stream<DynamicTest> everyWorkingFixtureVerifies() throws IOException {
    List<Path> roots = new ArrayList<>();
    roots.add(TestRepos.seedIntents());
    try (Stream<Path> valid = Files.list(TestRepos.root().resolve("repo-fixtures/valid"))) {
      valid.filter(Files::isDirectory).sorted().forEach(d -> roots.add(d.resolve("intents")));
    }
    return roots.stream().map(root -> DynamicTest.dynamicTest(root.getParent().getFileName().toString(), () -> {
      LoadResult load = IntentLoader.load(root);
      assertFalse(load.hasErrors(), () -> load.violations().toString());
      Verifier.Result result = Verifier.verify(load.intents(),
          new Renderer().render(load.intents(), AllocationLedger.empty()).withOverlays(load.overlays()).withOverlayObjects(),
          true);
      assertTrue(result.ok(), () -> VerifyReport.text(result));
      assertFalse(result.edges().isEmpty(), "a fixture with no declared edge proves nothing");
    }));
  }
}
