package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several replicas on one source and environment branch: one leader publishes, the others report
 * {@code follower}; when the leader dies, another takes over, and every source commit ends up on the
 * environment branch exactly once. Issue 15's finding 8 (replicas reporting
 * {@code error: refused: UP_TO_DATE}) cannot recur: followers do not publish.
 */
class HighAvailabilityTest {
  private static final Path ROOT = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();
  private static final Path SEED = ROOT.resolve("repo-fixtures/seed/intents");
  private static final Duration LEASE = Duration.ofSeconds(3);

  @TempDir Path tmp;

  private ServeOptions options(DemoRepository repo, String name) throws Exception {
    return ServeOptions.of(repo.url(), "main", "env/main", repo.url(), "intents", Duration.ofMillis(300),
        ServiceHttpTest.freePort(), "embedded", null, ROOT.resolve("policies"), tmp.resolve("work-" + name),
        MeshgateService.BUNDLED_ROUTES, "MESHGATE_WEBHOOK_SECRET").withBind("127.0.0.1");
  }

  /**
   * On Fabric8's mock API server with a real Lease: the leader is killed in the middle of publishing
   * (its check holds; it is cut off from the API server and stopped, its run abandoned but alive like
   * a frozen process). The follower takes over when the lease runs out and publishes the commit; the
   * old leader's run, let go afterwards, publishes nothing. No env commit is lost or duplicated.
   */
  @Test
  void onAKubernetesLeaseTheFollowerTakesOverAKilledLeaderMidPublishWithNoLostOrDuplicateCommit() throws Exception {
    try (KubeApi api = new KubeApi(); DemoRepository repo = DemoRepository.create(tmp.resolve("git"));
        KubernetesClient clientB = api.client()) {
      repo.copyTree(SEED, "intents");
      String seed = repo.commitAndPush("seed");
      KubernetesClient clientA = api.client();
      KubernetesLeaseLeadership leaseA = KubernetesLeaseLeadership.start(clientA, true, "mesh", "meshgate", "replica-a", LEASE);
      TestHttp.await("replica-a leads", Duration.ofSeconds(30), leaseA::isLeader);
      AtomicBoolean holdA = new AtomicBoolean();
      CountDownLatch aMidPublish = new CountDownLatch(1);
      CountDownLatch releaseA = new CountDownLatch(1);
      UnaryOperator<SyncJob.TreeCheck> heldWhenAsked = check -> (root, ledger) -> {
        if (holdA.get()) {
          aMidPublish.countDown();
          // Frozen: even the stop's interrupt does not wake it, only the test does.
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (releaseA.getCount() > 0 && System.nanoTime() < until) {
            try {
              releaseA.await(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ignored) {
              // keeps sleeping
            }
          }
        }
        return check.check(root, ledger);
      };
      MeshgateService a = ServiceAssembly.start(options(repo, "a"), null, Duration.ZERO, leaseA, heldWhenAsked);
      KubernetesLeaseLeadership leaseB = KubernetesLeaseLeadership.start(clientB, false, "mesh", "meshgate", "replica-b", LEASE);
      java.util.concurrent.atomic.AtomicLong bLeadsAt = new java.util.concurrent.atomic.AtomicLong();
      leaseB.onChange(() -> {
        if (leaseB.isLeader()) {
          bLeadsAt.compareAndSet(0, System.nanoTime());
        }
      });
      try (MeshgateService b = ServiceAssembly.start(options(repo, "b"), null, Duration.ZERO, leaseB, UnaryOperator.identity())) {
        JsonNode published = awaitStatus(a, "published", seed);
        assertEquals("leader", published.path("role").asText());
        JsonNode following = awaitStatus(b, "follower", null);
        assertEquals("follower", following.path("role").asText());
        assertTrue(following.path("message").asText().contains("replica-a"), following.toString());
        assertEquals(1, envCommitsFor(repo, seed), "one publisher");

        // The next commit: the leader holds in the middle of publishing it, then dies.
        holdA.set(true);
        String next = pushHttpbinPort(repo, 8001);
        assertTrue(aMidPublish.await(60, TimeUnit.SECONDS), "the leader started publishing " + next);
        long killed = System.nanoTime();
        clientA.close(); // cut off from the API server: the lease is neither renewed nor released
        a.close();       // stopped; its run is abandoned, still blocked

        TestHttp.await("replica-b takes over", Duration.ofSeconds(60), leaseB::isLeader);
        Duration takeover = Duration.ofNanos(bLeadsAt.get() - killed);
        JsonNode takenOver = awaitStatus(b, "published", next);
        assertEquals("leader", takenOver.path("role").asText());
        System.out.println("HighAvailabilityTest: lease " + IstioDurations.format(LEASE) + ", replica-b led "
            + takeover.toMillis() + " ms after the leader was killed");

        // The killed leader's run goes on late (a frozen process waking up): it must not publish.
        releaseA.countDown();
        TestHttp.await("the abandoned run ended", Duration.ofSeconds(60), () -> !a.status().current().running());
        assertEquals(RunState.FOLLOWER, a.status().current().state(), a.status().current().message());
        assertEquals(1, envCommitsFor(repo, seed), "seed published once");
        assertEquals(1, envCommitsFor(repo, next), "the commit published during the handover: once, not lost");
        assertEquals(2, envHistory(repo).size());
        assertEquals(takenOver.path("envCommit").asText(), repo.tip("env/main").orElseThrow());
        assertTrue(new String(repo.files(repo.tip("env/main").orElseThrow(), "clusters/").values().stream()
            .map(bytes -> new String(bytes, StandardCharsets.UTF_8)).reduce("", String::concat)).contains("8001"));
        Lease lease = clientB.leases().inNamespace("mesh").withName("meshgate").get();
        assertEquals("replica-b", lease.getSpec().getHolderIdentity());
        assertTrue(lease.getSpec().getLeaseTransitions() >= 1);
      } finally {
        releaseA.countDown();
        a.close();
      }
    }
  }

  /** {@code --leader-election file:PATH} on one host: the same, through the flag's own assembly. */
  @Test
  void onAFileLockOneReplicaPublishesTheOtherFollowsAndTakesOverOnStop() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      String seed = repo.commitAndPush("seed");
      String lock = "file:" + tmp.resolve("meshgate.lock");
      MeshgateService first = ServiceAssembly.start(options(repo, "first").withLeaderElection(lock, LEASE), null,
          Duration.ZERO);
      try (MeshgateService second = ServiceAssembly.start(options(repo, "second").withLeaderElection(lock, LEASE), null,
          Duration.ZERO)) {
        awaitStatus(first, "published", seed);
        JsonNode follower = awaitStatus(second, "follower", null);
        assertEquals("follower", follower.path("role").asText());
        first.close();
        TestHttp.await("the second replica leads", Duration.ofSeconds(30), () -> second.leadership().isLeader());
        String next = pushHttpbinPort(repo, 8002);
        awaitStatus(second, "published", next);
        assertEquals(1, envCommitsFor(repo, seed));
        assertEquals(1, envCommitsFor(repo, next));
        assertTrue(second.metrics().scrape().contains("meshgate_leader 1.0"));
      } finally {
        first.close();
      }
    }
  }

  private static String pushHttpbinPort(DemoRepository repo, int port) throws Exception {
    repo.write("intents/services/httpbin.yaml",
        Files.readString(SEED.resolve("services/httpbin.yaml")).replace("port: 8000", "port: " + port));
    return repo.commitAndPush("httpbin on " + port);
  }

  private static JsonNode awaitStatus(MeshgateService service, String state, String sourceCommit) throws Exception {
    JsonNode[] last = new JsonNode[1];
    try {
      TestHttp.await(state + " for " + sourceCommit, Duration.ofSeconds(60), () -> {
        try {
          last[0] = Json.MAPPER.readTree(TestHttp.get(service.port(), "/api/v1/status").body());
          return state.equals(last[0].path("state").asText())
              && (sourceCommit == null || sourceCommit.equals(last[0].path("sourceCommit").asText()));
        } catch (Exception e) {
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last status: " + last[0], e);
    }
    return last[0];
  }

  private List<RevCommit> envHistory(DemoRepository repo) throws Exception {
    try (Git git = Git.open(tmp.resolve("git/source.git").toFile())) {
      List<RevCommit> commits = new java.util.ArrayList<>();
      git.log().add(git.getRepository().resolve("refs/heads/env/main")).call().forEach(commits::add);
      return commits;
    }
  }

  private long envCommitsFor(DemoRepository repo, String sourceCommit) throws Exception {
    return envHistory(repo).stream().filter(c -> c.getFullMessage().contains(sourceCommit)).count();
  }

  @Test
  void theLeaderGaugeAndRoleAreSingleWithoutElection() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      String seed = repo.commitAndPush("seed");
      try (MeshgateService single = ServiceAssembly.start(options(repo, "single"), null, Duration.ZERO)) {
        JsonNode status = awaitStatus(single, "published", seed);
        assertEquals("single", status.path("role").asText());
        assertFalse(status.path("leaderElection").isMissingNode());
        assertTrue(single.metrics().scrape().contains("meshgate_leader 1.0"));
      }
    }
  }
}
