package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
  @TempDir Path temp;

  @Test
  void generateWritesAValidRepositoryAndRefusesAFolderThatHoldsFiles() throws IOException {
    Path intents = temp.resolve("intents");
    CliRun run = CliRun.of("bench", "generate", "--out", intents.toString(), "--services", "50", "--clusters", "5",
        "--clients-per-service", "2", "--seed", "3");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("wrote 5 clusters, 50 services, 100 clients in 51 files"), run.out());
    CliRun validate = CliRun.of("validate", "--intents", intents.toString());
    assertEquals(0, validate.exit(), validate.out());
    assertEquals("ok: 155 intents in 51 files, no violations\n", validate.out());

    CliRun again = CliRun.of("bench", "generate", "--out", intents.toString());
    assertEquals(2, again.exit());
    assertTrue(again.err().contains("is not empty; choose a new folder"), again.err());
  }

  @Test
  void cdsTrainingRunsTheEverydayCommandsAndLeavesNothingBehind() throws IOException {
    long before;
    try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      before = entries.filter(p -> p.getFileName().toString().startsWith("meshgate-cds-training")).count();
    }
    CliRun run = CliRun.of("cds-training");
    assertEquals(0, run.exit(), run.err());
    assertFalse(run.leaksStackTrace(), run.err());
    try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertEquals(before, entries.filter(p -> p.getFileName().toString().startsWith("meshgate-cds-training")).count());
    }
  }

  @Test
  void anUnknownPhaseIsRefusedByName() {
    CliRun run = CliRun.of("bench", "--phases", "serve,render", "--work-dir", temp.resolve("bench").toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--phases takes commands, cold-start and serve, not 'render'"), run.err());
  }

  @Test
  void benchAndTrainingAreHiddenFromTheHelp() {
    CliRun help = CliRun.of("--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("validate"), help.out());
    assertFalse(help.out().contains("bench") || help.out().contains("cds-training"), help.out());
  }
}
