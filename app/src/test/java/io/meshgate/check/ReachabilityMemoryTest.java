package io.meshgate.check;

import static io.meshgate.check.CheckMemoryTest.findings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.bench.SyntheticRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's checks keep each service's reachability while nothing it depends on changed, and
 * always find what a check from scratch finds.
 */
class ReachabilityMemoryTest {
  private static final Path FIXTURES = Path.of(System.getProperty("meshgate.root", ".."), "repo-fixtures");

  @TempDir Path temp;

  /** Structure and reachability only: the policies are not what this memory is about. */
  private final Checker checker = new Checker((io.meshgate.policy.PolicyEngine) null);

  @Test
  void aOneFileChangeRechecksOnlyTheServicesWhoseClustersItTouches() throws Exception {
    Path intents = temp.resolve("intents");
    SyntheticRepository.write(intents, new SyntheticRepository.Shape(120, 12, 3, 1));
    CheckMemory memory = new CheckMemory();

    assertEquals(findings(checker.check(intents)), findings(checker.check(intents, null, memory)));
    assertEquals(0, memory.reachReusedLastRun(), "the first check has nothing to reuse");
    checker.check(intents, null, memory);
    assertEquals(120, memory.reachReusedLastRun(), "nothing changed: every service keeps its edges");

    Path file = firstServiceFile(intents);
    Files.writeString(file, Files.readString(file).replaceFirst("port: (\\d+)", "port: 9191"));
    CheckResult incremental = checker.check(intents, null, memory);

    assertEquals(findings(checker.check(intents)), findings(incremental));
    assertTrue(memory.reachReusedLastRun() > 0 && memory.reachReusedLastRun() < 120,
        "reused " + memory.reachReusedLastRun() + " of 120");
  }

  @Test
  void aNamespaceNewToTheMeshRebuildsEveryViewAndKeepsTheEdgesWhoseReadsAgree() throws Exception {
    // Whether a cluster's model keeps an object in a namespace it lacks depends on whether another
    // cluster has that namespace: a new namespace anywhere can change any cluster's model, so every
    // view is built again and compared with the last one read by read.
    Path intents = temp.resolve("intents");
    SyntheticRepository.write(intents, new SyntheticRepository.Shape(60, 6, 2, 1));
    CheckMemory memory = new CheckMemory();
    checker.check(intents, null, memory);
    Path file = firstServiceFile(intents);
    String text = Files.readString(file);
    java.util.regex.Matcher client = java.util.regex.Pattern.compile("(?m)^  namespace: (\\S+)$").matcher(
        text.substring(text.indexOf("kind: ServiceClient")));
    assertTrue(client.find(), text);
    int at = text.indexOf("kind: ServiceClient") + client.start(1);
    Files.writeString(file, text.substring(0, at) + "brand-new-namespace" + text.substring(at + client.group(1).length()));

    CheckResult incremental = checker.check(intents, null, memory);

    assertEquals(findings(checker.check(intents)), findings(incremental));
    assertTrue(memory.reachReusedLastRun() > 0 && memory.reachReusedLastRun() < 60,
        "reused " + memory.reachReusedLastRun() + " of 60");
  }

  @Test
  void anOverlayThatBreaksAnEdgeIsFoundAlthoughNoIntentChanged() throws Exception {
    // The overlay (a Sidecar turning DNS proxying off) changes cluster01's model, not its rendered objects.
    Path intents = temp.resolve("intents");
    io.meshgate.diff.PullRequestRepo.copy(FIXTURES.resolve("invalid/reach-MG-REACH-01-sidecar/intents"), intents);
    Path overlay = intents.resolve("overlays/cluster01/sidecar.yaml");
    String sidecar = Files.readString(overlay);
    Files.delete(overlay);
    CheckMemory memory = new CheckMemory();

    CheckResult clean = checker.check(intents, null, memory);
    assertTrue(findings(clean).stream().noneMatch(f -> f.startsWith("MG-REACH-01")), findings(clean).toString());

    Files.writeString(overlay, sidecar);
    CheckResult broken = checker.check(intents, null, memory);
    assertTrue(findings(broken).stream().anyMatch(f -> f.startsWith("MG-REACH-01")), findings(broken).toString());
    assertEquals(findings(checker.check(intents)), findings(broken));

    Files.delete(overlay);
    assertEquals(findings(clean), findings(checker.check(intents, null, memory)), "fixed again");
  }

  /** The first service file (in path order) of a synthetic repository. */
  static Path firstServiceFile(Path intents) throws IOException {
    try (Stream<Path> files = Files.walk(intents.resolve("services"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().findFirst().orElseThrow();
    }
  }
}
