package io.meshgate.publish;

import static io.meshgate.publish.GitFixtures.output;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EnvironmentPublish against real bare repositories, over file:// and smart HTTP on loopback. */
class EnvironmentPublishTest {
  private static final String SOURCE_1 = "1111111111111111111111111111111111111111";
  private static final String SOURCE_2 = "2222222222222222222222222222222222222222";
  private static final String SOURCE_3 = "3333333333333333333333333333333333333333";
  private static final NetworkRetry FAST_RETRY =
      new NetworkRetry(3, Duration.ofMillis(10), Duration.ofMillis(40));

  @TempDir Path temp;
  private TestRemote remote;
  private Path envRepo;

  @BeforeEach
  void setUp() throws Exception {
    remote = new TestRemote(temp, "env.git");
    envRepo = remote.repository();
  }

  @AfterEach
  void tearDown() {
    remote.close();
  }

  private EnvironmentPublish publish(String url, Path cache, String sourceCommit,
      Map<String, String> files) {
    return EnvironmentPublish.to(url)
        .cacheDir(cache)
        .sourceCommit(sourceCommit)
        .networkRetry(FAST_RETRY)
        .render(previous -> output(files));
  }

  private static Map<String, String> rendered(String ledger, String provenanceSource,
      String... clusterFiles) {
    java.util.TreeMap<String, String> files = new java.util.TreeMap<>();
    for (int i = 0; i < clusterFiles.length; i += 2) {
      files.put(clusterFiles[i], clusterFiles[i + 1]);
    }
    files.put("meshgate/allocations.yaml", ledger);
    files.put("meshgate/provenance.yaml", "sourceCommit: " + provenanceSource + "\n");
    return files;
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "http"})
  void firstPublishCreatesTheBranchAsAnOrphanCommit(String transport) throws Exception {
    Map<String, String> files = rendered("hosts: {}\n", SOURCE_1,
        "clusters/cluster01/kustomization.yaml", "resources: []\n");
    List<Optional<PreviousState>> seen = new ArrayList<>();

    PublishResult result = EnvironmentPublish.to(remote.url(transport))
        .cacheDir(temp.resolve("cache"))
        .sourceCommit(SOURCE_1)
        .render(previous -> {
          seen.add(previous);
          return output(files);
        })
        .call();

    assertEquals(PublishResult.Status.CREATED, result.status());
    assertEquals(1, result.attempts());
    assertEquals(List.of(Optional.empty()), seen);
    assertEquals(Optional.of(result.envCommitId()), GitFixtures.tip(envRepo, "env/main"));
    assertEquals(files, GitFixtures.files(envRepo, "env/main"));
    List<RevCommit> history = GitFixtures.history(envRepo, "env/main");
    assertEquals(1, history.size());
    assertEquals(0, history.get(0).getParentCount());
    assertTrue(history.get(0).getFullMessage().contains(SOURCE_1), history.get(0).getFullMessage());
    // The default branch of the repository is untouched.
    assertEquals(Optional.empty(), GitFixtures.tip(envRepo, "main"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "http"})
  void sameOutputMakesNoCommitEvenAfterARestartOrANewProvenance(String transport)
      throws Exception {
    String url = remote.url(transport);
    String[] cluster = {"clusters/cluster01/ns/serviceentry-a.yaml", "kind: ServiceEntry\n"};
    PublishResult first =
        publish(url, temp.resolve("cache"), SOURCE_1, rendered("a: 240.0.0.2\n", SOURCE_1, cluster))
            .call();

    PublishResult again =
        publish(url, temp.resolve("cache"), SOURCE_1, rendered("a: 240.0.0.2\n", SOURCE_1, cluster))
            .call();
    // A fresh cache directory is what a restarted pod sees.
    PublishResult afterRestart =
        publish(url, temp.resolve("fresh-cache"), SOURCE_2,
            rendered("a: 240.0.0.2\n", SOURCE_2, cluster)).call();

    assertEquals(PublishResult.Status.UNCHANGED, again.status());
    assertEquals(PublishResult.Status.UNCHANGED, afterRestart.status());
    assertEquals(first.envCommitId(), again.envCommitId());
    assertEquals(first.envCommitId(), afterRestart.envCommitId());
    assertEquals(1, GitFixtures.history(envRepo, "env/main").size());
    // Provenance keeps naming the source commit that last changed the output.
    assertEquals("sourceCommit: " + SOURCE_1 + "\n",
        GitFixtures.files(envRepo, "env/main").get("meshgate/provenance.yaml"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "http"})
  void changedOutputMakesOneCommitOnTopAndKeepsUnmanagedFiles(String transport) throws Exception {
    String url = remote.url(transport);
    PublishResult first = publish(url, temp.resolve("cache"), SOURCE_1,
        rendered("a: 240.0.0.2\n", SOURCE_1,
            "clusters/cluster01/ns/serviceentry-a.yaml", "a\n",
            "clusters/cluster02/ns/destinationrule-b.yaml", "b\n")).call();
    // Somebody keeps a README on the environment branch: meshgate must not drop it.
    GitFixtures.commit(envRepo, "env/main", Map.of("README.md", "ops notes\n"), true, "docs");
    String tipBefore = GitFixtures.tip(envRepo, "env/main").orElseThrow();
    List<PreviousState> seen = new ArrayList<>();

    PublishResult second = EnvironmentPublish.to(url)
        .cacheDir(temp.resolve("cache"))
        .sourceCommit(SOURCE_2)
        .message("meshgate: render " + SOURCE_2)
        .render(previous -> {
          seen.add(previous.orElseThrow());
          return output(rendered("a: 240.0.0.2\nc: 240.0.0.3\n", SOURCE_2,
              "clusters/cluster01/ns/serviceentry-a.yaml", "a\n",
              "clusters/cluster01/ns/serviceentry-c.yaml", "c\n"));
        })
        .call();

    assertEquals(PublishResult.Status.UPDATED, second.status());
    assertEquals(1, seen.size());
    assertEquals(tipBefore, seen.get(0).commitId());
    assertArrayEquals("a: 240.0.0.2\n".getBytes(StandardCharsets.UTF_8),
        seen.get(0).allocationsYaml().orElseThrow());
    assertEquals("sourceCommit: " + SOURCE_1 + "\n",
        new String(seen.get(0).provenanceYaml().orElseThrow(), StandardCharsets.UTF_8));

    SortedMap<String, String> files = GitFixtures.files(envRepo, "env/main");
    assertEquals(List.of("README.md", "clusters/cluster01/ns/serviceentry-a.yaml",
        "clusters/cluster01/ns/serviceentry-c.yaml", "meshgate/allocations.yaml",
        "meshgate/provenance.yaml"), List.copyOf(files.keySet()));
    assertEquals("ops notes\n", files.get("README.md"));
    List<RevCommit> history = GitFixtures.history(envRepo, "env/main");
    assertEquals(3, history.size());
    assertEquals(second.envCommitId(), history.get(0).name());
    assertEquals(tipBefore, history.get(0).getParent(0).name());
    assertEquals("meshgate: render " + SOURCE_2 + "\n", history.get(0).getFullMessage());
    assertFalse(first.envCommitId().equals(second.envCommitId()));
  }

  @Test
  void unchangedContentKeepsItsBlobIdUnlessTheTipHoldsOtherBytesThere() throws Exception {
    String url = remote.url("file");
    KnownBlobs known = new KnownBlobs();
    SortedMap<String, byte[]> firstFiles = output(rendered("a: 240.0.0.2\n", SOURCE_1,
        "clusters/cluster01/ns/serviceentry-a.yaml", "a\n",
        "clusters/cluster01/ns/serviceentry-b.yaml", "b\n"));
    EnvironmentPublish.to(url).cacheDir(temp.resolve("cache")).sourceCommit(SOURCE_1).networkRetry(FAST_RETRY)
        .knownBlobs(known).render(previous -> firstFiles).call();
    assertEquals(0, known.reusedLastRun());

    // The same byte arrays for a and b (the service keeps unchanged objects' YAML), a new c.
    SortedMap<String, byte[]> secondFiles = new java.util.TreeMap<>(firstFiles);
    secondFiles.put("clusters/cluster01/ns/serviceentry-c.yaml", "c\n".getBytes(StandardCharsets.UTF_8));
    secondFiles.put("meshgate/provenance.yaml", ("sourceCommit: " + SOURCE_2 + "\n").getBytes(StandardCharsets.UTF_8));
    EnvironmentPublish.to(url).cacheDir(temp.resolve("cache")).sourceCommit(SOURCE_2).networkRetry(FAST_RETRY)
        .knownBlobs(known).render(previous -> secondFiles).call();
    assertEquals(3, known.reusedLastRun(), "a, b and the ledger are not hashed again");
    assertEquals("b\n", GitFixtures.files(envRepo, "env/main").get("clusters/cluster01/ns/serviceentry-b.yaml"));

    // Somebody rewrites b on the branch; the array meshgate still holds says "b", so it must be written again.
    GitFixtures.commit(envRepo, "env/main", Map.of("clusters/cluster01/ns/serviceentry-b.yaml", "tampered\n"), true,
        "hand edit");
    SortedMap<String, byte[]> thirdFiles = new java.util.TreeMap<>(secondFiles);
    thirdFiles.put("meshgate/provenance.yaml", ("sourceCommit: " + SOURCE_3 + "\n").getBytes(StandardCharsets.UTF_8));
    PublishResult third = EnvironmentPublish.to(url).cacheDir(temp.resolve("cache")).sourceCommit(SOURCE_3)
        .networkRetry(FAST_RETRY).knownBlobs(known).render(previous -> thirdFiles).call();

    assertEquals(PublishResult.Status.UPDATED, third.status());
    assertEquals("b\n", GitFixtures.files(envRepo, "env/main").get("clusters/cluster01/ns/serviceentry-b.yaml"));
    assertEquals(3, known.reusedLastRun(), "a, c and the ledger; not b");
  }

  @Test
  void theTipsListingIsKeptOnlyWhileTheTipIsTheCommitPushedLast() throws Exception {
    String url = remote.url("file");
    KnownBlobs known = new KnownBlobs();
    SortedMap<String, byte[]> firstFiles = output(rendered("a: 240.0.0.2\n", SOURCE_1,
        "clusters/cluster01/ns/serviceentry-a.yaml", "a\n",
        "clusters/cluster01/ns/serviceentry-b.yaml", "b\n"));
    EnvironmentPublish.to(url).cacheDir(temp.resolve("cache")).sourceCommit(SOURCE_1).networkRetry(FAST_RETRY)
        .knownBlobs(known).render(previous -> firstFiles).call();

    // The tip is the commit pushed last: its listing is not walked again, and is what a walk gives.
    SortedMap<String, byte[]> secondFiles = new java.util.TreeMap<>(firstFiles);
    secondFiles.put("clusters/cluster01/ns/serviceentry-c.yaml", "c\n".getBytes(StandardCharsets.UTF_8));
    secondFiles.put("meshgate/provenance.yaml", ("sourceCommit: " + SOURCE_2 + "\n").getBytes(StandardCharsets.UTF_8));
    List<PreviousState> seen = new java.util.ArrayList<>();
    EnvironmentPublish.to(url).cacheDir(temp.resolve("cache")).sourceCommit(SOURCE_2).networkRetry(FAST_RETRY)
        .knownBlobs(known).render(previous -> {
          seen.add(previous.orElseThrow());
          return secondFiles;
        }).call();
    assertTrue(known.tipListingReusedLastRun());
    assertEquals(java.util.Set.of("clusters/cluster01/ns/serviceentry-a.yaml", "clusters/cluster01/ns/serviceentry-b.yaml"),
        java.util.Set.copyOf(seen.get(0).clusterFiles()));

    // Somebody commits on the branch: a file of their own, one in clusters/, one of ours removed.
    GitFixtures.commit(envRepo, "env/main", Map.of("README.md", "ops notes\n",
        "clusters/cluster01/ns/by-hand.yaml", "x\n"), true, "hand edit");
    String handEdited = GitFixtures.history(envRepo, "env/main").get(0).name();
    seen.clear();
    SortedMap<String, byte[]> thirdFiles = new java.util.TreeMap<>(secondFiles);
    thirdFiles.put("meshgate/provenance.yaml", ("sourceCommit: " + SOURCE_3 + "\n").getBytes(StandardCharsets.UTF_8));
    PublishResult third = EnvironmentPublish.to(url).cacheDir(temp.resolve("cache")).sourceCommit(SOURCE_3)
        .networkRetry(FAST_RETRY).knownBlobs(known).render(previous -> {
          seen.add(previous.orElseThrow());
          return thirdFiles;
        }).call();

    assertFalse(known.tipListingReusedLastRun());
    assertEquals(handEdited, seen.get(0).commitId());
    assertEquals(java.util.Set.of("clusters/cluster01/ns/serviceentry-a.yaml", "clusters/cluster01/ns/serviceentry-b.yaml",
        "clusters/cluster01/ns/serviceentry-c.yaml", "clusters/cluster01/ns/by-hand.yaml"),
        java.util.Set.copyOf(seen.get(0).clusterFiles()), "the deletion guard sees the hand-edited tip");
    assertEquals(PublishResult.Status.UPDATED, third.status());
    SortedMap<String, String> published = GitFixtures.files(envRepo, "env/main");
    assertEquals("ops notes\n", published.get("README.md"), "their file outside clusters/ is kept");
    assertFalse(published.containsKey("clusters/cluster01/ns/by-hand.yaml"));

    // Published on top of the hand edit, the next run takes the listing of its own commit again.
    SortedMap<String, byte[]> fourthFiles = new java.util.TreeMap<>(thirdFiles);
    fourthFiles.remove("clusters/cluster01/ns/serviceentry-a.yaml");
    EnvironmentPublish.to(url).cacheDir(temp.resolve("cache")).sourceCommit(SOURCE_1).networkRetry(FAST_RETRY)
        .knownBlobs(known).render(previous -> fourthFiles).call();
    assertTrue(known.tipListingReusedLastRun());
    assertEquals(List.of("README.md", "clusters/cluster01/ns/serviceentry-b.yaml",
        "clusters/cluster01/ns/serviceentry-c.yaml", "meshgate/allocations.yaml", "meshgate/provenance.yaml"),
        List.copyOf(GitFixtures.files(envRepo, "env/main").keySet()));
  }

  @Test
  void aMessageWithoutTheSourceIdGetsItAsATrailer() throws Exception {
    PublishResult result = publish(remote.url("file"), temp.resolve("cache"), SOURCE_1,
        rendered("{}\n", SOURCE_1)).message("render intents").call();

    String message = GitFixtures.history(envRepo, "env/main").get(0).getFullMessage();
    assertEquals("render intents\n\nMeshgate-Source-Commit: " + SOURCE_1 + "\n", message);
    assertEquals(PublishResult.Status.CREATED, result.status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "http"})
  void concurrentWriterBetweenFetchAndPushMakesUsRetryOnTopOfIt(String transport)
      throws Exception {
    String url = remote.url(transport);
    publish(url, temp.resolve("cache"), SOURCE_1,
        rendered("a: 240.0.0.2\n", SOURCE_1, "clusters/c1/ns/a.yaml", "a\n")).call();
    AtomicInteger renders = new AtomicInteger();
    List<String> tipsSeen = new ArrayList<>();

    PublishResult result = EnvironmentPublish.to(url)
        .cacheDir(temp.resolve("cache"))
        .sourceCommit(SOURCE_2)
        .networkRetry(FAST_RETRY)
        .render(previous -> {
          tipsSeen.add(previous.orElseThrow().commitId());
          if (renders.incrementAndGet() == 1) {
            // Another writer pushes after our fetch, before our push.
            try {
              GitFixtures.pushFromOtherWriter(temp, url, "env/main", "ops/alerts.yaml", "x\n");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          return output(rendered("a: 240.0.0.2\nb: 240.0.0.3\n", SOURCE_2,
              "clusters/c1/ns/a.yaml", "a\n", "clusters/c1/ns/b.yaml", "b\n"));
        })
        .call();

    assertEquals(PublishResult.Status.UPDATED, result.status());
    assertEquals(2, result.attempts());
    assertEquals(2, renders.get());
    assertFalse(tipsSeen.get(0).equals(tipsSeen.get(1)), "second render sees the other commit");
    SortedMap<String, String> files = GitFixtures.files(envRepo, "env/main");
    assertEquals("x\n", files.get("ops/alerts.yaml"));
    assertEquals("b\n", files.get("clusters/c1/ns/b.yaml"));
    List<RevCommit> history = GitFixtures.history(envRepo, "env/main");
    assertEquals(3, history.size());
    assertEquals(result.envCommitId(), history.get(0).name());
    assertEquals(tipsSeen.get(1), history.get(0).getParent(0).name());
  }

  /**
   * Finding 8: two replicas that render the same output on the same tip within one second build the
   * very same commit; the second push then finds it already there (UP_TO_DATE), which was reported as
   * a refusal ("error: refused: UP_TO_DATE").
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "http"})
  void aSecondInstancePushingTheSameCommitIsUnchangedNotAnError(String transport) throws Exception {
    String url = remote.url(transport);
    publish(url, temp.resolve("cache-a"), SOURCE_1,
        rendered("a: 240.0.0.2\n", SOURCE_1, "clusters/c1/ns/a.yaml", "a\n")).call();
    org.eclipse.jgit.lib.PersonIdent sameSecond = new org.eclipse.jgit.lib.PersonIdent("meshgate", "meshgate@localhost",
        java.time.Instant.parse("2026-06-01T10:00:00Z"), java.time.ZoneOffset.UTC);
    Map<String, String> next = rendered("a: 240.0.0.2\nb: 240.0.0.3\n", SOURCE_2,
        "clusters/c1/ns/a.yaml", "a\n", "clusters/c1/ns/b.yaml", "b\n");
    PublishResult[] first = new PublishResult[1];
    // Replica B fetches the tip, then replica A publishes the same output before B pushes.
    PublishResult second = EnvironmentPublish.to(url)
        .cacheDir(temp.resolve("cache-b"))
        .sourceCommit(SOURCE_2)
        .identity(sameSecond)
        .networkRetry(FAST_RETRY)
        .render(previous -> {
          if (first[0] == null) {
            first[0] = EnvironmentPublish.to(url).cacheDir(temp.resolve("cache-a")).sourceCommit(SOURCE_2)
                .identity(sameSecond).networkRetry(FAST_RETRY).render(p -> output(next)).call();
          }
          return output(next);
        })
        .call();
    assertEquals(PublishResult.Status.UPDATED, first[0].status());
    assertEquals(PublishResult.Status.UNCHANGED, second.status());
    assertEquals(first[0].envCommitId(), second.envCommitId());
    assertEquals(1, second.attempts(), "the push found its own commit there (UP_TO_DATE), no second round");
    assertEquals(2, GitFixtures.history(envRepo, "env/main").size(), "one commit per output, no duplicate");
  }

  @Test
  void branchThatKeepsMovingGivesUpAfterTheBoundedAttempts() throws Exception {
    String url = remote.url("file");
    publish(url, temp.resolve("cache"), SOURCE_1, rendered("{}\n", SOURCE_1)).call();
    AtomicInteger renders = new AtomicInteger();

    GitOperationException failure = assertThrows(GitOperationException.class,
        () -> EnvironmentPublish.to(url)
            .cacheDir(temp.resolve("cache"))
            .sourceCommit(SOURCE_2)
            .maxPushAttempts(3)
            .render(previous -> {
              try {
                GitFixtures.commit(envRepo, "env/main",
                    Map.of("ops/n.txt", "" + renders.incrementAndGet()), true, "busy");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              return output(rendered("changed\n", SOURCE_2));
            })
            .call());

    assertEquals(3, renders.get());
    assertTrue(failure.getMessage().contains("kept moving"), failure.getMessage());
    assertEquals("3", GitFixtures.files(envRepo, "env/main").get("ops/n.txt"));
    assertEquals("{}\n", GitFixtures.files(envRepo, "env/main").get("meshgate/allocations.yaml"));
  }

  @Test
  void unreachableRemoteIsRetriedWithBackoffThenFailsAndTheBranchIsUntouched() throws Exception {
    String url = remote.url("http");
    GitHttpServer http = remote.http();
    PublishResult first =
        publish(url, temp.resolve("cache"), SOURCE_1, rendered("{}\n", SOURCE_1)).call();
    http.setDown(true);
    int requestsBefore = http.requestCount();
    AtomicInteger renders = new AtomicInteger();

    GitOperationException failure = assertThrows(GitOperationException.class,
        () -> EnvironmentPublish.to(url)
            .cacheDir(temp.resolve("cache"))
            .sourceCommit(SOURCE_2)
            .networkRetry(3, Duration.ofMillis(10), Duration.ofMillis(20))
            .render(previous -> {
              renders.incrementAndGet();
              return output(rendered("changed\n", SOURCE_2));
            })
            .call());

    assertEquals(3, http.requestCount() - requestsBefore, "one request per attempt");
    assertEquals(0, renders.get(), "nothing is rendered or committed without the tip");
    assertTrue(failure.getMessage().contains("after 3 attempts"), failure.getMessage());
    assertEquals(Optional.of(first.envCommitId()), GitFixtures.tip(envRepo, "env/main"));
  }

  @Test
  void remoteLostBetweenFetchAndPushFailsAfterRetriesWithoutAnyWrite() throws Exception {
    String url = remote.url("http");
    GitHttpServer http = remote.http();
    PublishResult first =
        publish(url, temp.resolve("cache"), SOURCE_1, rendered("{}\n", SOURCE_1)).call();
    AtomicInteger requestsWhileDown = new AtomicInteger();

    GitOperationException failure = assertThrows(GitOperationException.class,
        () -> EnvironmentPublish.to(url)
            .cacheDir(temp.resolve("cache"))
            .sourceCommit(SOURCE_2)
            .networkRetry(3, Duration.ofMillis(10), Duration.ofMillis(20))
            .render(previous -> {
              http.setDown(true);
              requestsWhileDown.set(http.requestCount());
              return output(rendered("changed\n", SOURCE_2));
            })
            .call());

    assertTrue(failure.getMessage().startsWith("cannot push to branch 'env/main' of "),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("after 3 attempts"), failure.getMessage());
    assertEquals(3, http.requestCount() - requestsWhileDown.get(), "one request per attempt");
    assertEquals(Optional.of(first.envCommitId()), GitFixtures.tip(envRepo, "env/main"));
    assertEquals(1, GitFixtures.history(envRepo, "env/main").size());
  }

  @Test
  void closedPortAndMissingRepositoryFailClosed() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    for (String url : List.of("http://127.0.0.1:" + closedPort + "/git/env.git",
        GitFixtures.fileUrl(temp.resolve("no-such-repo.git")))) {
      GitOperationException failure = assertThrows(GitOperationException.class,
          () -> publish(url, temp.resolve("cache"), SOURCE_1, rendered("{}\n", SOURCE_1)).call(),
          url);
      assertTrue(failure.getMessage().startsWith("cannot fetch branch 'env/main' of "),
          failure.getMessage());
    }
  }

  @Test
  void tokenIsSentAsBasicAuthAndNeverShownInMessages() throws Exception {
    String token = "s3cr3t-token-value-42";
    GitHttpServer http = remote.serveWithToken(token);
    String url = http.url("env.git");

    PublishResult ok = publish(url, temp.resolve("cache"), SOURCE_1, rendered("{}\n", SOURCE_1))
        .credentials(GitCredentials.token(null, token)).call();
    assertEquals(PublishResult.Status.CREATED, ok.status());

    GitOperationException anonymous = assertThrows(GitOperationException.class,
        () -> publish(url, temp.resolve("cache"), SOURCE_2, rendered("x\n", SOURCE_2)).call());
    int unauthorizedBefore = http.unauthorizedCount();
    GitOperationException wrongToken = assertThrows(GitOperationException.class,
        () -> publish(url, temp.resolve("cache"), SOURCE_2, rendered("x\n", SOURCE_2))
            .credentials(GitCredentials.token("meshgate", "wrong-" + token)).call());
    int unauthorizedForWrongToken = http.unauthorizedCount() - unauthorizedBefore;
    // The token in the URL's userinfo must be masked too.
    String urlWithToken = url.replace("http://", "http://meshgate:wrong-" + token + "@");
    GitOperationException tokenInUrl = assertThrows(GitOperationException.class,
        () -> publish(urlWithToken, temp.resolve("cache"), SOURCE_2, rendered("x\n", SOURCE_2))
            .call());

    for (GitOperationException failure : List.of(anonymous, wrongToken, tokenInUrl)) {
      assertFalse(failure.getMessage().contains(token), failure.getMessage());
      assertTrue(failure.getMessage().toLowerCase().contains("auth"), failure.getMessage());
    }
    assertTrue(tokenInUrl.getMessage().contains("http://***@127.0.0.1"), tokenInUrl.getMessage());
    // Authentication failures are not retried. One JGit attempt costs at most 4 refused requests
    // (anonymous probe, then with credentials, for smart and dumb HTTP); 3 attempts would be 12.
    assertFalse(wrongToken.getMessage().contains("attempts"), wrongToken.getMessage());
    assertTrue(unauthorizedForWrongToken >= 1 && unauthorizedForWrongToken <= 4,
        "401s: " + unauthorizedForWrongToken);
    assertEquals(Optional.of(ok.envCommitId()), GitFixtures.tip(envRepo, "env/main"));
  }

  @Test
  void outputOutsideTheManagedDirectoriesIsRefused() throws Exception {
    for (String path : List.of("README.md", "clusters/../etc/passwd", "/clusters/a.yaml",
        "meshgate", "clusters//a.yaml", "clusters/./a.yaml", "clusters/a/..", "clusters/.", "meshgate/../x")) {
      IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
          () -> publish(remote.url("file"), temp.resolve("cache"), SOURCE_1, Map.of(path, "x")).call(),
          path);
      assertTrue(failure.getMessage().contains(path), failure.getMessage());
    }
    assertEquals(Optional.empty(), GitFixtures.tip(envRepo, "env/main"));
  }

  @Test
  void environmentBranchCanLiveInTheSourceRepository() throws Exception {
    String sourceId = GitFixtures.commit(envRepo, "main",
        Map.of("intents/sleep.yaml", "kind: ServiceClient\n"), false, "intents");
    String url = remote.url("file");
    Path cache = temp.resolve("cache");
    try (SourceSnapshot snapshot = SourceFetch.from(url).cacheDir(cache).call()) {
      PublishResult result = publish(url, cache, snapshot.commitId(),
          rendered("{}\n", snapshot.commitId(), "clusters/c1/kustomization.yaml", "k\n")).call();
      assertEquals(PublishResult.Status.CREATED, result.status());
    }
    PublishResult third = publish(url, cache, SOURCE_3,
        rendered("{}\n", SOURCE_3, "clusters/c1/kustomization.yaml", "k\n")).call();

    assertEquals(PublishResult.Status.UNCHANGED, third.status());
    assertEquals(Optional.of(sourceId), GitFixtures.tip(envRepo, "main"));
    assertEquals(List.of("intents/sleep.yaml"),
        List.copyOf(GitFixtures.files(envRepo, "main").keySet()));
    assertTrue(GitFixtures.history(envRepo, "env/main").get(0).getFullMessage().contains(sourceId));
  }
}
