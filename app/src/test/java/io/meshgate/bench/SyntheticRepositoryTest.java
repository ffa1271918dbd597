package io.meshgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.TestRepos;
import io.meshgate.intent.ServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticRepositoryTest {
  private static final SyntheticRepository.Shape SMALL = new SyntheticRepository.Shape(120, 12, 3, 1);

  @TempDir Path temp;

  private static Map<String, String> files(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(), Files.readString(file));
      }
    }
    return files;
  }

  @Test
  void oneSeedAlwaysWritesTheSameBytes() throws IOException {
    SyntheticRepository.write(temp.resolve("a"), SMALL);
    SyntheticRepository.write(temp.resolve("b"), SMALL);
    assertEquals(files(temp.resolve("a")), files(temp.resolve("b")));
  }

  @Test
  void theRepositoryHasTheShapeAskedForAndPassesValidationWithTheShippedPolicies() throws Exception {
    Path intents = temp.resolve("intents");
    SyntheticRepository.Summary summary = SyntheticRepository.write(intents, SMALL);
    assertEquals(new SyntheticRepository.Summary(12, 120, 360, 121, summary.bytes()), summary);

    CheckResult result = new Checker(TestRepos.root().resolve("policies")).check(intents);
    assertEquals(Map.of(), result.violations().stream().collect(Collectors.groupingBy(v -> v.rule(), Collectors.counting())),
        () -> result.violations().subList(0, Math.min(5, result.violations().size())).toString());
    LoadResult load = result.load();
    assertEquals(12, load.intents().clusters().size());
    assertEquals(120, load.intents().services().size());
    assertEquals(360, load.intents().clients().size());
    assertEquals(121, load.files().size());
    // Clients run in another cluster than their target, and each service file holds its clients.
    for (ServiceClient client : load.intents().clients().values()) {
      String targetCluster = load.intents().services().get(client.spec().target()).spec().cluster();
      assertNotEquals(targetCluster, client.spec().cluster(), client.name());
    }
  }

  @Test
  void anotherSeedGivesOtherNamesInTheSameShape() throws IOException {
    SyntheticRepository.Summary first = SyntheticRepository.write(temp.resolve("a"), SMALL);
    SyntheticRepository.Summary second = SyntheticRepository.write(temp.resolve("b"),
        new SyntheticRepository.Shape(120, 12, 3, 2));
    assertEquals(first.files(), second.files());
    assertEquals(first.clients(), second.clients());
    LoadResult a = IntentLoader.load(temp.resolve("a"));
    LoadResult b = IntentLoader.load(temp.resolve("b"));
    assertTrue(a.violations().isEmpty() && b.violations().isEmpty());
    assertNotEquals(a.intents().services().keySet(), b.intents().services().keySet());
    assertNotEquals(a.intents().clusters().keySet(), b.intents().clusters().keySet());
  }

  @Test
  void theWordsVocabularyGivesTheSameShapeWithNoNameInCommonAndPassesValidation() throws Exception {
    SyntheticRepository.write(temp.resolve("a"), SMALL);
    SyntheticRepository.Shape words = new SyntheticRepository.Shape(120, 12, 3, 7, SyntheticRepository.Names.WORDS);
    SyntheticRepository.Summary summary = SyntheticRepository.write(temp.resolve("b"), words);
    assertEquals(new SyntheticRepository.Summary(12, 120, 360, 121, summary.bytes()), summary);

    CheckResult result = new Checker(TestRepos.root().resolve("policies")).check(temp.resolve("b"));
    assertEquals(java.util.List.of(), result.violations());
    LoadResult a = IntentLoader.load(temp.resolve("a"));
    LoadResult b = result.load();
    for (var kind : java.util.List.<java.util.function.Function<LoadResult, java.util.Set<String>>>of(
        load -> load.intents().clusters().keySet(), load -> load.intents().services().keySet(),
        load -> load.intents().clients().keySet())) {
      java.util.Set<String> shared = new java.util.TreeSet<>(kind.apply(a));
      shared.retainAll(kind.apply(b));
      assertEquals(java.util.Set.of(), shared);
    }
  }

  @Test
  void aRepositoryTooSmallForItsClientsIsRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SyntheticRepository.write(temp.resolve("x"), new SyntheticRepository.Shape(3, 2, 3, 1)));
    assertTrue(e.getMessage().contains("too few services"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SyntheticRepository.Shape(10, 1, 1, 1));
  }
}
