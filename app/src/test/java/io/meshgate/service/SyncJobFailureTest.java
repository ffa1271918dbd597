package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Checker;
import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.NetworkRetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures fail closed: state error, nothing published, and the next run tries again. */
class SyncJobFailureTest {
  private static final Path SEED =
      Path.of(System.getProperty("meshgate.root", "..")).resolve("repo-fixtures/seed/intents");
  private static final Path POLICIES = Path.of(System.getProperty("meshgate.root", "..")).resolve("policies");
  private static final NetworkRetry ONCE = new NetworkRetry(1, Duration.ZERO, Duration.ZERO);

  @TempDir Path tmp;

  private SyncJob job(String source, String envRemote) {
    return new SyncJob(new SyncJob.Config(source, "main", "intents", envRemote, "env/main", tmp.resolve("work"),
        GitCredentials.none(), ONCE, null), (root, ledger) -> ServiceAssembly.checkAndRender(new Checker(POLICIES), root, ledger));
  }

  @Test
  void anUnreachableSourceIsAnErrorWithoutTheCredentialsOfItsUrl() {
    SyncOutcome outcome = job("http://meshgate-bot:ghp_s3cr3tT0ken@127.0.0.1:9/team/intents.git", "unused").run();
    assertEquals(RunState.ERROR, outcome.state());
    assertNull(outcome.sourceCommit());
    assertFalse(outcome.message().contains("ghp_s3cr3tT0ken"), outcome.message());
    assertTrue(outcome.message().contains("127.0.0.1"), outcome.message());
  }

  @Test
  void anEnvironmentBranchDeletedOrResetIsRepublishedWithoutANewSourceCommit() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      String commit = repo.commitAndPush("seed");
      SyncJob job = job(repo.url(), repo.url());
      assertEquals(RunState.PUBLISHED, job.run().state());
      String published = repo.tip("env/main").orElseThrow();
      assertTrue(job.run().isNothingToDo(), "same source, branch untouched: nothing to do");

      try (org.eclipse.jgit.api.Git bare = org.eclipse.jgit.api.Git.open(tmp.resolve("git/source.git").toFile())) {
        bare.branchDelete().setBranchNames("env/main").setForce(true).call();
      }
      SyncOutcome healed = job.run();
      assertEquals(RunState.PUBLISHED, healed.state(), healed.message());
      assertEquals(commit, healed.sourceCommit());
      String recreated = repo.tip("env/main").orElseThrow();
      assertEquals(asText(repo.files(published, "clusters/")), asText(repo.files(recreated, "clusters/")));
      assertTrue(job.run().isNothingToDo());
    }
  }

  private static java.util.Map<String, String> asText(java.util.SortedMap<String, byte[]> files) {
    java.util.Map<String, String> text = new java.util.TreeMap<>();
    files.forEach((path, bytes) -> text.put(path, new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
    return text;
  }

  @Test
  void aCommitSupersededWhileItWasCheckedIsNotPublished() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      repo.commitAndPush("seed");
      String httpbin = java.nio.file.Files.readString(SEED.resolve("services/httpbin.yaml"));
      Checker checker = new Checker(POLICIES);
      java.util.concurrent.atomic.AtomicReference<String> newer = new java.util.concurrent.atomic.AtomicReference<>();
      // While the old commit is being checked, someone pushes a newer one (another instance may
      // already be publishing it): the old output must not land on top.
      SyncJob job = new SyncJob(new SyncJob.Config(repo.url(), "main", "intents", repo.url(), "env/main",
          tmp.resolve("work"), GitCredentials.none(), ONCE, null), (root, ledger) -> {
            if (newer.get() == null) {
              repo.write("intents/services/httpbin.yaml", httpbin.replace("port: 8000", "port: 8001"));
              newer.set(repo.commitAndPush("httpbin on 8001"));
            }
            return ServiceAssembly.checkAndRender(checker, root, ledger);
          });
      SyncOutcome first = job.run();
      assertTrue(first.isNothingToDo(), first.state() + ": " + first.message());
      assertEquals(Optional.empty(), repo.tip("env/main"), "the superseded commit was published");
      SyncOutcome second = job.run();
      assertEquals(RunState.PUBLISHED, second.state(), second.message());
      assertEquals(newer.get(), second.sourceCommit());
    }
  }

  @Test
  void aSilentRemoteTimesOutIntoStateError() throws Exception {
    // Accepts connections and never answers, like a firewall that drops packets after the handshake.
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        java.util.List<java.net.Socket> open = new java.util.ArrayList<>();
        try {
          while (true) {
            open.add(silent.accept());
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "http://127.0.0.1:" + silent.getLocalPort() + "/team/intents.git";
      SyncJob job = new SyncJob(new SyncJob.Config(url, "main", "intents", url, "env/main", tmp.resolve("work"),
          GitCredentials.none(), ONCE, null, 2), (root, ledger) -> {
            throw new AssertionError("nothing to check");
          });
      long started = System.nanoTime();
      SyncOutcome outcome = job.run();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertEquals(RunState.ERROR, outcome.state(), outcome.message());
      assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
    }
  }

  @Test
  void anUnreachableEnvironmentRemotePublishesNothingAndIsRetried() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      String commit = repo.commitAndPush("seed");
      SyncJob job = job(repo.url(), tmp.resolve("no-such-repo.git").toUri().toString());
      SyncOutcome first = job.run();
      assertEquals(RunState.ERROR, first.state(), first.message());
      assertEquals(commit, first.sourceCommit());
      assertTrue(first.message().startsWith("publishing"), first.message());
      // Not remembered as handled: the same commit is tried again rather than skipped.
      SyncOutcome second = job.run();
      assertEquals(RunState.ERROR, second.state());
      assertEquals(Optional.empty(), repo.tip("env/main"));
    }
  }

  /** Finding 7: after the source was unreachable and came back, status showed error until a new commit. */
  @Test
  void statusReturnsToTheLastOutcomeWhenTheSourceIsReachableAgain() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      String commit = repo.commitAndPush("seed");
      ServiceStatus status = new ServiceStatus(java.time.Clock.systemUTC());
      try (SyncTrigger trigger = new SyncTrigger(job(repo.url(), repo.url()), status, new SyncMetrics(),
          io.meshgate.publish.Redactor.urlsOnly(), java.time.Clock.systemUTC())) {
        runAndWait(trigger);
        assertEquals(RunState.PUBLISHED, status.current().state(), status.current().message());
        Path bare = tmp.resolve("git/source.git");
        Path away = tmp.resolve("git/away.git");
        java.nio.file.Files.move(bare, away);
        runAndWait(trigger);
        assertEquals(RunState.ERROR, status.current().state(), status.current().message());
        java.nio.file.Files.move(away, bare);
        runAndWait(trigger);
        StatusSnapshot back = status.current();
        assertEquals(RunState.PUBLISHED, back.state(), "the fault is over: " + back.message());
        assertEquals(commit, back.sourceCommit());
        assertTrue(back.message().contains("published"), back.message());
      }
    }
  }

  private static void runAndWait(SyncTrigger trigger) throws InterruptedException {
    trigger.fire("test");
    assertTrue(trigger.awaitIdle(Duration.ofSeconds(60)));
  }
}
