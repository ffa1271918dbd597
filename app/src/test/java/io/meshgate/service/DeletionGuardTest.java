package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Checker;
import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.NetworkRetry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An accidental mass deletion (an emptied intents folder, a removed cluster) is refused with a message
 * that says how to confirm it; the source commit confirms with the trailer
 * {@code Meshgate-Allow-Deletion: true}.
 */
class DeletionGuardTest {
  private static final Path ROOT = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();
  private static final Path SEED = ROOT.resolve("repo-fixtures/seed/intents");
  private static final NetworkRetry ONCE = new NetworkRetry(1, Duration.ZERO, Duration.ZERO);

  @TempDir Path tmp;

  private SyncJob job(DemoRepository repo, double maxShare) {
    Checker checker = new Checker(ROOT.resolve("policies"));
    return new SyncJob(new SyncJob.Config(repo.url(), "main", "intents", repo.url(), "env/main", tmp.resolve("work"),
        GitCredentials.none(), ONCE, null), ServicePolicies.fixed(checker, "digest"),
        new SyncJob.Guards(Leadership.single(), maxShare));
  }

  @Test
  void anEmptiedIntentsFolderIsRefusedUntilTheSourceCommitConfirmsIt() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      repo.commitAndPush("seed");
      SyncJob job = job(repo, 0.5);
      assertEquals(RunState.PUBLISHED, job.run().state());
      String published = repo.tip("env/main").orElseThrow();

      // Services and clients deleted by mistake; only the clusters remain.
      for (String file : List.of("services/httpbin.yaml", "services/productpage.yaml", "clients/sleep-to-httpbin.yaml",
          "clients/productpage-clients.yaml")) {
        Files.delete(repo.workTree().resolve("intents").resolve(file));
      }
      String emptied = repo.commitAndPush("clean up");
      SyncOutcome refused = job.run();
      assertEquals(RunState.REFUSED, refused.state(), refused.message());
      assertEquals(emptied, refused.sourceCommit());
      assertTrue(refused.message().contains("every object of clusters cluster01 (8), cluster02 (7)"), refused.message());
      assertTrue(refused.message().contains("15 of 15 objects"), refused.message());
      assertTrue(refused.message().contains("Meshgate-Allow-Deletion: true"), refused.message());
      assertTrue(refused.message().contains("git commit --allow-empty"), refused.message());
      assertEquals(DeletionGuard.RULE, refused.violations().get(0).rule());
      assertEquals(published, repo.tip("env/main").orElseThrow(), "nothing published");
      assertTrue(job.run().isNothingToDo(), "the refusal is remembered, not retried every poll");

      String confirmed = repo.commitAndPush("Remove every service\n\nThe mesh moves to another tool.\n\n"
          + "Meshgate-Allow-Deletion: true\n");
      SyncOutcome published2 = job.run();
      assertEquals(RunState.PUBLISHED, published2.state(), published2.message());
      assertEquals(confirmed, published2.sourceCommit());
      assertTrue(repo.files(repo.tip("env/main").orElseThrow(), "clusters/").keySet().stream()
          .allMatch(p -> p.endsWith("/kustomization.yaml")));
    }
  }

  @Test
  void removingLessThanTheShareIsPublishedAndMoreIsRefused() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      repo.commitAndPush("seed");
      assertEquals(RunState.PUBLISHED, job(repo, 0.5).run().state());
      Files.delete(repo.workTree().resolve("intents/clients/productpage-clients.yaml"));
      repo.commitAndPush("drop the productpage clients");
      // A strict share refuses what the default lets through.
      SyncOutcome strict = job(repo, 0.0).run();
      assertEquals(RunState.REFUSED, strict.state(), strict.message());
      assertTrue(strict.message().contains("more than the 0% allowed by --max-deletion-share"), strict.message());
      SyncOutcome relaxed = job(repo, 0.5).run();
      assertEquals(RunState.PUBLISHED, relaxed.state(), relaxed.message());
    }
  }

  @Test
  void theRulesOnTheirOwn() {
    List<String> before = List.of("clusters/a/kustomization.yaml", "clusters/a/ns/x.yaml", "clusters/a/ns/y.yaml",
        "clusters/b/kustomization.yaml", "clusters/b/ns/z.yaml", "clusters/b/ns/w.yaml");
    assertNull(DeletionGuard.problem(before, Set.copyOf(before), 0.5));
    assertNull(DeletionGuard.problem(before, Set.of("clusters/a/ns/x.yaml", "clusters/b/ns/z.yaml", "clusters/b/ns/w.yaml",
        "clusters/a/kustomization.yaml"), 0.5), "1 of 4 removed");
    String cluster = DeletionGuard.problem(before, Set.of("clusters/a/ns/x.yaml", "clusters/a/ns/y.yaml",
        "clusters/a/kustomization.yaml", "clusters/b/kustomization.yaml"), 0.9);
    assertTrue(cluster.contains("every object of cluster b (2)"), cluster);
    String share = DeletionGuard.problem(before, Set.of("clusters/a/ns/x.yaml", "clusters/b/ns/z.yaml"), 0.25);
    assertTrue(share.contains("2 of 4 objects in all (50%, more than the 25%"), share);
    assertNull(DeletionGuard.problem(List.of(), Set.of(), 0.5), "a first publication removes nothing");

    assertTrue(DeletionGuard.optedIn("Remove b\n\nMeshgate-Allow-Deletion: true"));
    assertTrue(DeletionGuard.optedIn("Remove b\n\nSigned-off-by: x <x@y>\nmeshgate-allow-deletion: yes\n"));
    assertFalse(DeletionGuard.optedIn("Remove b\n\nMeshgate-Allow-Deletion: true\n\nLater paragraph"));
    assertFalse(DeletionGuard.optedIn("Remove b\n\nMeshgate-Allow-Deletion: false"));
    assertFalse(DeletionGuard.optedIn("mentions Meshgate-Allow-Deletion: true in a sentence"));
  }
}
