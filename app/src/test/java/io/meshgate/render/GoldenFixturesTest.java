package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The output trees of the valid fixtures whose objects are new in shape (several ports, headless
 * services, mTLS defaults, application TLS passed through by SNI) against golden files in
 * {@code app/src/test/resources/golden/<fixture>/}, byte for byte. Regenerate after an intended change
 * with {@code -Dmeshgate.updateGolden=true} (as GoldenSeedTest) and review the diff.
 */
class GoldenFixturesTest {

  @ParameterizedTest
  @ValueSource(strings = {"multi-port", "headless", "namespace-mtls-defaults", "application-tls", "routing-by-header",
      "canary-90-10", "retries-timeout", "fault-mirror-staging", "legacy-no-sidecar", "viewers-get-head", "failover-two-clusters"})
  void outputMatchesTheGoldenFiles(String fixture) throws IOException {
    Path root = IstioCrdSchemas.repoRoot();
    LoadResult load = IntentLoader.load(root.resolve("repo-fixtures/valid/" + fixture + "/intents"));
    assertFalse(load.hasErrors(), () -> load.violations().toString());
    OutputTree tree = OutputTree.of(new Renderer().render(load.intents(), AllocationLedger.empty()),
        new Provenance("repo-fixtures/valid/" + fixture + "/intents", null, null, "golden"));
    GoldenSeedTest.assertMatchesGolden(tree, root.resolve("app/src/test/resources/golden/" + fixture));
  }
}
