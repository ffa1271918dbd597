package io.meshgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyBundleTest {

  @TempDir Path dir;

  private void write(String path, String text) throws Exception {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void separatesModulesTestsAndDataAndPlacesDataAtItsFolder() throws Exception {
    write("tls.rego", "package meshgate.tls\n");
    write("lib/intents.rego", "package meshgate.lib\n");
    write("tls_test.rego", "package meshgate.tls_test\n");
    write("data.yaml", "meshgate_config:\n  range: 240.0.0.0/4\n");
    write("team/data.json", "{\"owners\": [\"sec\"]}");
    write("README.md", "not a policy");
    write(".git/hooks.rego", "package hidden\n");

    PolicyBundle bundle = PolicyBundle.load(dir);

    assertEquals(List.of("lib/intents.rego", "tls.rego"), bundle.modules().stream().map(PolicyBundle.PolicyFile::path).toList());
    assertEquals(List.of("tls_test.rego"), bundle.testModules().stream().map(PolicyBundle.PolicyFile::path).toList());
    assertEquals(Map.of("meshgate_config", Map.of("range", "240.0.0.0/4"), "team", Map.of("owners", List.of("sec"))),
        bundle.data());
    assertTrue(bundle.digest().matches("sha256:[0-9a-f]{64}"), bundle.digest());
  }

  @Test
  void digestIsStableAndChangesWithAnyFile() throws Exception {
    write("tls.rego", "package meshgate.tls\n");
    write("data.yaml", "meshgate_config: {a: 1}\n");
    String first = PolicyBundle.load(dir).digest();
    assertEquals(first, PolicyBundle.load(dir).digest());

    write("data.yaml", "meshgate_config: {a: 2}\n");
    String afterData = PolicyBundle.load(dir).digest();
    assertNotEquals(first, afterData);

    write("extra_test.rego", "package meshgate.extra_test\n");
    assertNotEquals(afterData, PolicyBundle.load(dir).digest());
  }

  @Test
  void refusesADirectoryWithoutPolicies() throws Exception {
    write("data.yaml", "a: 1\n");
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> PolicyBundle.load(dir));
    assertTrue(error.getMessage().contains("no policy modules"), error.getMessage());
    assertThrows(PolicyEngineException.class, () -> PolicyBundle.load(dir.resolve("missing")));
  }

  @Test
  void reportsABrokenDataFileWithItsLine() throws Exception {
    write("tls.rego", "package meshgate.tls\n");
    write("data.yaml", "meshgate_config:\n  a: [1, 2\n  b: 3\n");
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> PolicyBundle.load(dir));
    assertTrue(error.getMessage().startsWith("policy data file data.yaml:"), error.getMessage());
  }

  @Test
  void theRepositoryPoliciesLoad() throws Exception {
    Path root = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath();
    PolicyBundle bundle = PolicyBundle.load(root.resolve("policies"));
    assertTrue(bundle.modules().size() >= 8, "modules: " + bundle.modules());
    assertTrue(bundle.data().containsKey("meshgate_config"));
  }
}
