package io.meshgate.check;

import static io.meshgate.check.CheckMemoryTest.findings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.bench.SyntheticRepository;
import io.meshgate.policy.EmbeddedPolicyEngine;
import io.meshgate.policy.PolicyBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policies evaluated through a CheckMemory (the embedded engine's kept rule elements) find
 * exactly what a check from scratch finds, whatever the tree changes into.
 */
class PolicyMemoryTest {
  private static final Path ROOT = Path.of(System.getProperty("meshgate.root", ".."));
  private static final Path FIXTURES = ROOT.resolve("repo-fixtures");

  @TempDir Path temp;

  /** One engine, as the service has (policies are read at start-up): its results are what the memory keeps. */
  private final Checker checker;

  PolicyMemoryTest() throws Exception {
    checker = new Checker(EmbeddedPolicyEngine.create(PolicyBundle.load(ROOT.resolve("policies"))));
  }

  @Test
  void oneTreeTurningIntoEveryPolicyFixtureFindsWhatAFreshCheckFinds() throws Exception {
    List<Path> fixtures = new ArrayList<>();
    fixtures.add(FIXTURES.resolve("seed/intents"));
    try (Stream<Path> invalid = Files.list(FIXTURES.resolve("invalid"))) {
      invalid.filter(p -> p.getFileName().toString().startsWith("policy-")).sorted()
          .forEach(p -> fixtures.add(p.resolve("intents")));
    }
    fixtures.add(FIXTURES.resolve("seed/intents"));
    Path intents = temp.resolve("intents");
    CheckMemory memory = new CheckMemory();
    for (Path fixture : fixtures) {
      replaceTree(intents, fixture);
      assertEquals(findings(checker.check(intents)), findings(checker.check(intents, null, memory)),
          "the tree turned into " + FIXTURES.relativize(fixture));
    }
    checker.check(intents, null, memory);
    assertEquals(0, memory.policies().evaluatedLastRun(), "nothing changed: nothing is evaluated again");
    assertTrue(memory.policies().reusedLastRun() > 0);
  }

  @Test
  void aOneFileChangeEvaluatesFewElementsAndFindsWhatAFreshCheckFinds() throws Exception {
    Path intents = temp.resolve("intents");
    SyntheticRepository.write(intents, new SyntheticRepository.Shape(120, 12, 3, 1));
    CheckMemory memory = new CheckMemory();
    checker.check(intents, null, memory);
    long all = memory.policies().evaluatedLastRun();

    Path file = ReachabilityMemoryTest.firstServiceFile(intents);
    // The change the benchmark times: one port of one service.
    String text = Files.readString(file);
    Files.writeString(file, text.replaceFirst("port: (\\d+)", "port: 9191"));
    CheckResult changed = checker.check(intents, null, memory);

    assertEquals(findings(checker.check(intents)), findings(changed));
    long evaluated = memory.policies().evaluatedLastRun();
    assertTrue(evaluated > 0 && evaluated * 20 < all, "evaluated " + evaluated + " of " + all);

    Files.writeString(file, text);
    assertEquals(findings(checker.check(intents)), findings(checker.check(intents, null, memory)), "changed back");
  }

  private static void replaceTree(Path target, Path source) throws IOException {
    io.meshgate.bench.Benchmark.deleteTree(target);
    io.meshgate.diff.PullRequestRepo.copy(source, target);
  }
}
