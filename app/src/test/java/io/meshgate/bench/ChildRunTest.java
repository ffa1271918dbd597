package io.meshgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildRunTest {
  @TempDir Path temp;

  @Test
  void reportsTheExitCodeTheOutputAndThePeakMemoryOfAChild() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ChildRun run = ChildRun.of(List.of(java.toString(), "-version"), temp, temp.resolve("out.log"), Duration.ofMinutes(5));
    assertEquals(0, run.exit());
    assertFalse(run.timedOut());
    assertTrue(String.join("\n", run.tail(5)).contains("version"), run.tail(5).toString());
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      assertTrue(run.peakRssKib() > 1024, "a JVM holds more than 1 MiB: " + run.peakRssKib());
      assertTrue(run.cpuSeconds() >= 0, "children's CPU time from /proc/self/stat: " + run.cpuSeconds());
    }
  }

  @Test
  void aFailingChildKeepsItsExitCode() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ChildRun run = ChildRun.of(List.of(java.toString(), "-XX:+NoSuchOption"), temp, temp.resolve("bad.log"),
        Duration.ofMinutes(5));
    assertTrue(run.exit() != 0 && !run.timedOut(), "exit " + run.exit());
  }
}
