package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.check.Checker;
import io.meshgate.publish.Forge;
import io.meshgate.publish.ForgeStub;
import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.NetworkRetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SeedApi} on a real bare repository, without HTTP: review branches with a pull request
 * through the forge seam, a forge that refuses, and writes of two replicas racing on one branch.
 * The seed's calls over HTTP are {@code SeedApiHttpTest}'s.
 */
class SeedApiTest {
  static final Path ROOT = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();
  static final Path SEED_EMCO = ROOT.resolve("repo-fixtures/seed-emco");
  static final ObjectMapper JSON = new ObjectMapper();
  static final SeedApi.Caller ALICE = new SeedApi.Caller("alice@example.com", null, List.of("shop"));
  static final SeedApi.Address SHOP = new SeedApi.Address("shop", "app1", "v1", null, null);

  @TempDir Path tmp;

  /** The seed's clusters and placement file in a new repository. */
  static DemoRepository seedRepository(Path dir) throws Exception {
    DemoRepository repo = DemoRepository.create(dir);
    repo.copyTree(ROOT.resolve("repo-fixtures/seed/intents/clusters"), "intents/clusters");
    repo.write("placement.yaml", Files.readString(SEED_EMCO.resolve("placement.yaml")));
    repo.commitAndPush("clusters and placement");
    return repo;
  }

  static SeedApi api(DemoRepository repo, Path work, SeedApi.CommitMode mode, Forge forge) {
    Checker checker = new Checker(ROOT.resolve("policies"));
    SeedApi.Settings settings = new SeedApi.Settings(repo.url(), "main", "intents", "placement.yaml", mode, forge,
        work.resolve("cache"), work.resolve("scratch"), GitCredentials.none(),
        new NetworkRetry(1, Duration.ZERO, Duration.ZERO), new PersonIdent("meshgate", "meshgate@example.com"));
    return new SeedApi(settings, (root, ledger) -> ServiceAssembly.checkAndRender(checker, root, ledger));
  }

  static byte[] body(String relative) throws Exception {
    return Files.readAllBytes(SEED_EMCO.resolve("bodies/us-to-us-intents").resolve(relative));
  }

  @Test
  void inReviewModeAWriteIsABranchWithAPullRequestAndTheSourceBranchStaysPut() throws Exception {
    try (DemoRepository repo = seedRepository(tmp.resolve("git")); ForgeStub github = ForgeStub.github()) {
      String main = repo.tip("main").orElseThrow();
      SeedApi api = api(repo, tmp.resolve("work"), SeedApi.CommitMode.REVIEW,
          Forge.of("github", github.url(), "acme/mesh", "ghp_0123456789abcdef"));
      SeedApi.Response created = api.write(ALICE, SHOP, SeedApi.Resource.INBOUND, null, false, body("httpbin.json"), "req-0001-abcdef");
      assertEquals(201, created.status(), () -> String.valueOf(created.body()));
      JsonNode answer = JSON.valueToTree(created.body());
      assertEquals("httpbin", answer.path("name").asText());
      String branch = "meshgate/api/shop/create-inbound-httpbin-01abcdef";
      assertEquals(branch, answer.path("branch").asText());
      assertEquals("https://github.example/acme/mesh/pull/42", answer.path("pullRequest").asText());
      assertTrue(answer.path("Message").asText().startsWith("inbound service intent httpbin created; proposed on branch "
          + branch + ": GitHub pull request https://github.example/acme/mesh/pull/42"), answer.toString());
      assertEquals(main, repo.tip("main").orElseThrow(), "the source branch is untouched until the review merges");
      String commit = repo.tip(branch).orElseThrow();
      assertEquals(answer.path("commit").asText(), commit);
      assertTrue(repo.files(commit, "intents/shop/app1/v1/services/httpbin.yaml").size() == 1);
      ForgeStub.Received pull = github.received().get(0);
      JsonNode request = JSON.readTree(pull.body());
      assertEquals(branch, request.path("head").asText());
      assertEquals("main", request.path("base").asText());
      assertTrue(request.path("body").asText().contains("Requested by alice@example.com"), request.toString());
      PersonIdent author = author(repo, commit);
      assertEquals("alice@example.com", author.getName());
      assertEquals("alice@example.com", author.getEmailAddress());
      assertTrue(repo.message(commit).contains("Requested-By: alice@example.com\nRequest-Id: req-0001-abcdef"));
    }
  }

  @Test
  void whenTheForgeRefusesTheAnswerSaysWhereTheBranchIs() throws Exception {
    try (DemoRepository repo = seedRepository(tmp.resolve("git")); ForgeStub gitlab = ForgeStub.gitlab()) {
      gitlab.answer(401, "{\"message\": \"401 Unauthorized\"}");
      SeedApi api = api(repo, tmp.resolve("work"), SeedApi.CommitMode.REVIEW,
          Forge.of("gitlab", URI(gitlab.url() + "/api/v4"), "acme/mesh", "glpat-0123456789abcdef"));
      SeedApi.Response response = api.write(ALICE, SHOP, SeedApi.Resource.INBOUND, null, false, body("httpbin.json"), "req-0002-bbbbbb");
      assertEquals(502, response.status());
      JsonNode answer = JSON.valueToTree(response.body());
      assertTrue(answer.path("error").asText().contains("GitLab merge request not opened"), answer.toString());
      assertTrue(repo.tip(answer.path("branch").asText()).isPresent(), "the branch was pushed");
    }
  }

  @Test
  void twoReplicasWritingAtOnceLoseNothing() throws Exception {
    try (DemoRepository repo = seedRepository(tmp.resolve("git"))) {
      // Two instances with their own caches, as two pods would be: each push that loses the race
      // is decided again on the new tip.
      List<SeedApi> replicas = List.of(api(repo, tmp.resolve("a"), SeedApi.CommitMode.DIRECT, null),
          api(repo, tmp.resolve("b"), SeedApi.CommitMode.DIRECT, null));
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<SeedApi.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        SeedApi replica = replicas.get(i % 2);
        byte[] service = ("{\"metadata\": {\"name\": \"svc" + i + "\"}, \"spec\": {\"servicename\": \"svc" + i + "\","
            + " \"protocol\": \"HTTP\", \"port\": \"80\", \"mutualTLS\": \"ISTIO_MUTUAL\", \"cluster\": \"cluster01\"}}")
            .getBytes(StandardCharsets.UTF_8);
        String request = "req-race-" + i + "00000";
        answers.add(pool.submit((Callable<SeedApi.Response>) () ->
            replica.write(ALICE, SHOP, SeedApi.Resource.INBOUND, null, false, service, request)));
      }
      for (Future<SeedApi.Response> answer : answers) {
        assertEquals(201, answer.get().status(), () -> String.valueOf(answer));
      }
      pool.shutdown();
      Map<String, byte[]> files = repo.files(repo.tip("main").orElseThrow(), "intents/shop/app1/v1/services/");
      assertEquals(6, files.size(), files.keySet().toString());
      assertEquals(7, history(repo).size(), "one commit per write on top of the first");
    }
  }

  static java.net.URI URI(String text) {
    return java.net.URI.create(text);
  }

  static PersonIdent author(DemoRepository repo, String commit) throws Exception {
    try (Git git = Git.open(Path.of(java.net.URI.create(repo.url())).toFile()); RevWalk walk = new RevWalk(git.getRepository())) {
      return walk.parseCommit(ObjectId.fromString(commit)).getAuthorIdent();
    }
  }

  static List<String> history(DemoRepository repo) throws Exception {
    List<String> messages = new ArrayList<>();
    try (Git git = Git.open(Path.of(java.net.URI.create(repo.url())).toFile())) {
      Repository repository = git.getRepository();
      for (RevCommit commit : git.log().add(repository.resolve("refs/heads/main")).call()) {
        messages.add(commit.getShortMessage());
      }
    }
    assertFalse(messages.isEmpty());
    return messages;
  }
}
