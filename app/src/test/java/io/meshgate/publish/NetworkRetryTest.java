package io.meshgate.publish;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkRetryTest {
  @TempDir Path tmp;

  @Test
  void aPathWithoutARepositoryIsNotRetried() throws Exception {
    Path notARepository = Files.createDirectories(tmp.resolve("plain-folder"));
    NetworkRetry slow = new NetworkRetry(3, Duration.ofSeconds(5), Duration.ofSeconds(5));
    GitOperationException e = assertThrows(GitOperationException.class, () -> SourceFetch.from(notARepository.toString())
        .branch("main").intentsPath("intents").cacheDir(tmp.resolve("cache")).credentials(GitCredentials.none())
        .retry(slow).call().close());
    // a retried failure says "(after N attempts)"; a permanent one is reported at once
    assertFalse(e.getMessage().contains("attempts)"), "retried a permanent failure: " + e.getMessage());
    assertTrue(e.getMessage().contains("no Git repository"), e.getMessage());
    assertTrue(e.getMessage().contains("plain-folder"), e.getMessage());
  }
}
