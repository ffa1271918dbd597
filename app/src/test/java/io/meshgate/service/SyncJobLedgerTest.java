package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.NetworkRetry;
import io.meshgate.publish.PreviousState;
import io.meshgate.render.AllocationLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger read from the environment tip: parsed again whenever its bytes differ from the last. */
class SyncJobLedgerTest {
  @TempDir Path tmp;

  private static AllocationLedger ledger(String host, String address) {
    SortedMap<String, SortedMap<String, String>> clusters = new TreeMap<>();
    clusters.put("east", new TreeMap<>(java.util.Map.of(host, address)));
    return new AllocationLedger(clusters);
  }

  private static Optional<PreviousState> tipHolding(String yaml) {
    return Optional.of(new PreviousState("0".repeat(40), Optional.of(yaml.getBytes(StandardCharsets.UTF_8)),
        Optional.empty()));
  }

  @Test
  void theSameBytesGiveTheLedgerReadLastTimeOtherBytesAreRead() {
    SyncJob job = new SyncJob(new SyncJob.Config("file:///unused", "main", "intents", "file:///unused", "env/main",
        tmp.resolve("work"), GitCredentials.none(), new NetworkRetry(1, Duration.ZERO, Duration.ZERO), null),
        (root, previous) -> {
          throw new AssertionError("not checked here");
        });
    AllocationLedger a = ledger("a.team.global", "240.0.0.2");
    AllocationLedger b = ledger("a.team.global", "240.0.0.3");

    AllocationLedger first = job.ledgerOf(tipHolding(a.toYaml()));
    assertEquals(a, first);
    assertSame(first, job.ledgerOf(tipHolding(a.toYaml())), "equal bytes (another array): not parsed again");
    assertEquals(b, job.ledgerOf(tipHolding(b.toYaml())));
    assertEquals(a, job.ledgerOf(tipHolding(a.toYaml())));
    assertEquals(AllocationLedger.empty(), job.ledgerOf(Optional.empty()));
    // A broken file is reported, not answered with the ledger read before it.
    assertThrows(IllegalStateException.class, () -> job.ledgerOf(tipHolding("kind: [")));
    assertEquals(a, job.ledgerOf(tipHolding(a.toYaml())));
  }
}
