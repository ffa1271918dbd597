package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} against a real bare repository holding the seed: publish, refuse, restart. */
class ServeEndToEndTest {
  private static final Path ROOT = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();
  private static final Path SEED = ROOT.resolve("repo-fixtures/seed/intents");

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path tmp;

  private ServeOptions options(DemoRepository repo, Path workDir) throws Exception {
    return ServeOptions.of(repo.url(), "main", "env/main", repo.url(), "intents", Duration.ofMillis(300),
        ServiceHttpTest.freePort(), "embedded", null, ROOT.resolve("policies"), workDir,
        MeshgateService.BUNDLED_ROUTES, "MESHGATE_WEBHOOK_SECRET").withBind("127.0.0.1");
  }

  @Test
  void publishesTheSeedRefusesABrokenCommitAndStaysQuietAfterARestart() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      String seedCommit = repo.commitAndPush("seed intents");

      String envTip;
      try (MeshgateService service = ServiceAssembly.start(options(repo, tmp.resolve("work1")), null, Duration.ZERO)) {
        JsonNode status = awaitState(service, "published", seedCommit);
        envTip = repo.tip("env/main").orElseThrow();
        assertEquals(envTip, status.path("envCommit").asText());
        assertTrue(repo.message(envTip).contains(seedCommit), repo.message(envTip));

        // clusters/* equals what `meshgate render` writes for the same intents.
        Path rendered = tmp.resolve("render-out");
        assertEquals(0, io.meshgate.cli.Main.run("render", "--intents", SEED.toString(), "--policies",
            ROOT.resolve("policies").toString(), "--out", rendered.toString()));
        SortedMap<String, byte[]> expected = new TreeMap<>(TestArchives.filesOf(rendered.resolve("clusters"), "clusters/"));
        assertFalse(expected.isEmpty());
        assertEquals(text(expected), text(repo.files(envTip, "clusters/")));
        String provenance = new String(repo.files(envTip, "meshgate/").get("meshgate/provenance.yaml"), StandardCharsets.UTF_8);
        assertTrue(provenance.contains(seedCommit), provenance);

        // A structurally broken commit: refused, env branch untouched, the violation in the status.
        repo.write("intents/services/httpbin.yaml",
            "apiVersion: meshgate.io/v1alpha1\nkind: InboundService\nmetadata:\n  name: httpbin\nspec:\n"
                + "  service: httpbin\n  cluster: cluster02\n  protocol: HTTP\n  port: 8000\n");
        String broken = repo.commitAndPush("drop mutualTLS from httpbin");
        JsonNode refused = awaitState(service, "refused", broken);
        assertEquals(envTip, repo.tip("env/main").orElseThrow(), "a refused commit must not move the env branch");
        JsonNode violation = refused.path("violations").get(0);
        assertEquals("intents/services/httpbin.yaml", violation.path("file").asText());
        assertTrue(violation.path("line").asInt() > 0);
        assertEquals("error", violation.path("severity").asText());

        // A policy denial (MG-TLS-01): refused as well, env branch untouched.
        repo.copyTree(SEED, "intents");
        repo.write("intents/clients/sleep-to-httpbin.yaml", io.meshgate.cli.DemoCommand.brokenClient(
            java.nio.file.Files.readString(SEED.resolve("clients/sleep-to-httpbin.yaml"))));
        String denied = repo.commitAndPush("sleep uses SIMPLE TLS without a credential");
        JsonNode deniedStatus = awaitState(service, "refused", denied);
        assertEquals(envTip, repo.tip("env/main").orElseThrow());
        assertEquals(envTip, deniedStatus.path("envCommit").asText());
        boolean tls = false;
        for (JsonNode v : deniedStatus.path("violations")) {
          tls |= v.path("rule").asText().equals("MG-TLS-01")
              && v.path("file").asText().equals("intents/clients/sleep-to-httpbin.yaml") && v.path("line").asInt() > 0;
        }
        assertTrue(tls, deniedStatus.toString());

        // Fix it again: the output equals what is published, so no new env commit.
        repo.copyTree(SEED, "intents");
        String fixed = repo.commitAndPush("restore httpbin");
        awaitState(service, "unchanged", fixed);
        assertEquals(envTip, repo.tip("env/main").orElseThrow());

        // A webhook-free service still reports metrics of these runs.
        assertTrue(service.metrics().scrape().contains("meshgate_sync_runs_total{outcome=\"published\"} 1.0"));
      }

      // A restart (fresh work dir, no memory) finds nothing to publish.
      try (MeshgateService restarted = ServiceAssembly.start(options(repo, tmp.resolve("work2")), null, Duration.ZERO)) {
        awaitState(restarted, "unchanged", repo.tip("main").orElseThrow());
        assertEquals(envTip, repo.tip("env/main").orElseThrow(), "a restart must not commit");
      }
    }
  }

  @Test
  void withoutAWorkDirTheTemporaryFolderIsRemovedOnStop() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      String first = repo.commitAndPush("seed");
      Path workDir;
      try (MeshgateService service = ServiceAssembly.start(options(repo, null), null, Duration.ZERO)) {
        awaitState(service, "published", first);
        workDir = service.temporaryWorkDir();
        assertTrue(workDir != null && java.nio.file.Files.isDirectory(workDir.resolve("source-cache")), "" + workDir);
      }
      assertFalse(java.nio.file.Files.exists(workDir), "left behind: " + workDir);
    }
  }

  @Test
  void aGitHubWebhookTriggersTheSyncAtOnce() throws Exception {
    String secret = "webhook-" + HexFormat.of().formatHex(new byte[] {1, 2, 3, 4});
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      String first = repo.commitAndPush("seed");
      ServeOptions slowPoll = options(repo, tmp.resolve("work")).withPollInterval(Duration.ofHours(1));
      try (MeshgateService service = ServiceAssembly.start(slowPoll, secret, Duration.ZERO)) {
        awaitState(service, "published", first);
        repo.write("intents/services/httpbin.yaml",
            new String(java.nio.file.Files.readAllBytes(SEED.resolve("services/httpbin.yaml")), StandardCharsets.UTF_8)
                .replace("port: 8000", "port: 8001"));
        String second = repo.commitAndPush("httpbin on 8001");
        byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + second + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/hooks/git"))
            .header("X-GitHub-Event", "push")
            .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(
                WebhookHandler.hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body)))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        awaitState(service, "published", second);
        String env = repo.tip("env/main").orElseThrow();
        assertTrue(text(repo.files(env, "clusters/")).values().stream().anyMatch(t -> t.contains("8001")));
      }
    }
  }

  /**
   * Finding 10: a password with a raw '@', '/' or a space was shown in the status. serve's flags refuse
   * such URLs; a service built another way still masks them, in the configuration and in messages.
   */
  @Test
  void aPasswordWithAnyCharacterNeverReachesTheStatus() throws Exception {
    String url = "http://bot:p@ss w/rd@127.0.0.1:9/team/intents.git";
    ServeOptions options = ServeOptions.of(url, "main", "env/main", url, "intents", Duration.ofHours(1),
        ServiceHttpTest.freePort(), "embedded", null, ROOT.resolve("policies"), tmp.resolve("work"),
        MeshgateService.BUNDLED_ROUTES, "MESHGATE_WEBHOOK_SECRET").withBind("127.0.0.1");
    try (MeshgateService service = ServiceAssembly.start(options, null, Duration.ZERO)) {
      assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(60)));
      TestHttp.await("the failed run", Duration.ofSeconds(60), () -> service.status().current().state() == RunState.ERROR);
      String status = TestHttp.get(service.port(), "/api/v1/status").body();
      assertTrue(status.contains("127.0.0.1:9/team/intents.git"), status);
      for (String part : new String[] {"p@ss", "w/rd", "ss w", "bot:"}) {
        assertFalse(status.contains(part), part + " in " + status);
      }
    }
  }

  private JsonNode awaitState(MeshgateService service, String state, String sourceCommit) throws Exception {
    JsonNode[] last = new JsonNode[1];
    BooleanSupplier reached = () -> {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.port() + "/api/v1/status")).build(), HttpResponse.BodyHandlers.ofString());
        last[0] = Json.MAPPER.readTree(r.body());
        return state.equals(last[0].path("state").asText()) && sourceCommit.equals(last[0].path("sourceCommit").asText());
      } catch (Exception e) {
        return false;
      }
    };
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!reached.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("state " + state + " for " + sourceCommit + " not reached; last status: " + last[0]);
      }
      Thread.sleep(100);
    }
    return last[0];
  }

  private static Map<String, String> text(Map<String, byte[]> files) {
    Map<String, String> m = new TreeMap<>();
    files.forEach((k, v) -> m.put(k, new String(v, StandardCharsets.UTF_8)));
    return m;
  }
}
