package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.check.Checker;
import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The service over real HTTP on loopback: Camel Main, the bundled YAML routes, the JDK client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceHttpTest {
  private static final String SECRET = "s3cr3t-webhook-value";
  private static final Violation DENIAL = new Violation("MG-TLS-01", Severity.ERROR,
      "client sleep uses SIMPLE without tls.credentialName", "intents/sleep.yaml", 12, 3,
      "ServiceClient", "sleep-to-httpbin", "spec.mutualTLS");

  private static final Path ROOT = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();
  private static final Path SEED = ROOT.resolve("repo-fixtures/seed/intents");

  private final AtomicInteger syncRuns = new AtomicInteger();
  private MeshgateService service;
  private MeshgateService disabledWebhooks;

  @TempDir static Path tmp;

  @BeforeAll
  void start() throws Exception {
    SyncAction refusing = () -> {
      syncRuns.incrementAndGet();
      return new SyncOutcome(RunState.REFUSED, "0123abcd", "feedbeef", List.of(DENIAL), "refused: 1 denial");
    };
    // The real check: structure, render, the repository's Rego policies on the embedded engine.
    TreeValidator check = ServiceAssembly.treeValidator(new Checker(ROOT.resolve("policies")));
    service = MeshgateService.start(settings(freePort(), SECRET, Duration.ofHours(1), MeshgateService.BUNDLED_ROUTES),
        refusing, check);
    // The second instance reads the routes from the repository folder, as `serve --routes DIR` does.
    disabledWebhooks = MeshgateService.start(settings(freePort(), null, Duration.ofMillis(200),
        "file:" + ROOT.resolve("routes").toString().replace('\\', '/') + "/*.yaml"),
        () -> SyncOutcome.nothingToDo("x"), check);
  }

  private MeshgateService.Settings settings(int port, String secret, Duration firstPoll, String routes) {
    return new MeshgateService.Settings(port, Duration.ofHours(1), firstPoll, routes,
        "main", secret, "MESHGATE_WEBHOOK_SECRET", tmp.resolve("scratch-" + port),
        Map.of("sourceBranch", "main", "envBranch", "env/main"));
  }

  @AfterAll
  void stop() {
    if (service != null) {
      service.close();
    }
    if (disabledWebhooks != null) {
      disabledWebhooks.close();
    }
  }

  @Test
  void aPortInUseFailsTheStartWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> MeshgateService.start(settings(taken.getLocalPort(), null, Duration.ofHours(1), MeshgateService.BUNDLED_ROUTES),
              () -> SyncOutcome.nothingToDo("x"), root -> List.of()));
      assertTrue(e.getMessage().contains("--http-port " + taken.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void aBrokenRoutesFileFailsTheStartNamingFileAndLine() throws Exception {
    Path routes = Files.createDirectories(tmp.resolve("broken-routes"));
    Files.writeString(routes.resolve("meshgate.yaml"), "- route:\n    id: x\n    from: [broken\n");
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> MeshgateService.start(settings(freePort(), null, Duration.ofHours(1),
            "file:" + routes.toString().replace('\\', '/') + "/*.yaml"), () -> SyncOutcome.nothingToDo("x"), root -> List.of()));
    assertTrue(e.getMessage().contains("meshgate.yaml") && e.getMessage().contains("line "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void healthzAnswersUp() throws Exception {
    HttpResponse<String> r = get(service, "/healthz");
    assertEquals(200, r.statusCode());
    assertEquals("UP", Json.MAPPER.readTree(r.body()).path("status").asText());
  }

  @Test
  void githubPushWithAValidSignatureTriggersASync() throws Exception {
    byte[] body = TestArchives.utf8("{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}");
    int before = syncRuns.get();
    HttpResponse<String> r = post(service, "/hooks/git", body, "X-GitHub-Event", "push",
        "X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(WebhookHandler.hmacSha256(TestArchives.utf8(SECRET), body)));
    assertEquals(202, r.statusCode(), r.body());
    assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(10)));
    assertTrue(syncRuns.get() > before);
    assertFalse(r.headers().firstValue("X-Hub-Signature-256").isPresent(), "request headers must not be echoed");
  }

  @Test
  void githubSignatureOverADifferentBodyIsRejected() throws Exception {
    byte[] signed = TestArchives.utf8("{\"ref\":\"refs/heads/main\"}");
    byte[] sent = TestArchives.utf8("{\"ref\":\"refs/heads/main\" }");
    String sig = "sha256=" + HexFormat.of().formatHex(WebhookHandler.hmacSha256(TestArchives.utf8(SECRET), signed));
    assertEquals(401, post(service, "/hooks/git", sent, "X-GitHub-Event", "push", "X-Hub-Signature-256", sig).statusCode());
    String wrongKey = "sha256=" + HexFormat.of().formatHex(WebhookHandler.hmacSha256(TestArchives.utf8("other"), sent));
    assertEquals(401, post(service, "/hooks/git", sent, "X-GitHub-Event", "push", "X-Hub-Signature-256", wrongKey).statusCode());
    assertEquals(401, post(service, "/hooks/git", sent, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=zz").statusCode());
    assertEquals(401, post(service, "/hooks/git", sent, "X-GitHub-Event", "push").statusCode(), "missing signature");
  }

  @Test
  void gitlabTokenIsCheckedAndOnlyTheSourceBranchTriggers() throws Exception {
    byte[] push = TestArchives.utf8("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\"}");
    assertEquals(202, post(service, "/hooks/git", push, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET).statusCode());
    assertEquals(401, post(service, "/hooks/git", push, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET + "x").statusCode());
    byte[] otherBranch = TestArchives.utf8("{\"object_kind\":\"push\",\"ref\":\"refs/heads/feature\"}");
    HttpResponse<String> ignored = post(service, "/hooks/git", otherBranch, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET);
    assertEquals(200, ignored.statusCode());
    assertTrue(ignored.body().contains("ignored"), ignored.body());
  }

  @Test
  void githubFormEncodedDeliveriesAreRefusedWithAHint() throws Exception {
    byte[] body = TestArchives.utf8("payload=" + java.net.URLEncoder.encode("{\"ref\":\"refs/heads/main\"}", StandardCharsets.UTF_8));
    String sig = "sha256=" + HexFormat.of().formatHex(WebhookHandler.hmacSha256(TestArchives.utf8(SECRET), body));
    HttpResponse<String> r = post(service, "/hooks/git", body, "X-GitHub-Event", "push", "X-Hub-Signature-256", sig,
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(415, r.statusCode(), r.body());
    assertTrue(r.body().contains("application/json"), r.body());
  }

  @Test
  void aBinaryFormEncodedWebhookBodyGetsTheJsonHintNotADecoderFailure() throws Exception {
    byte[] body = new byte[512];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 37 + 11); // '%' followed by non-hex bytes: Vert.x's form decoder throws
    }
    body[0] = '%';
    HttpResponse<String> r = post(service, "/hooks/git", body, "X-GitHub-Event", "push",
        "X-Hub-Signature-256", "sha256=00", "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(415, r.statusCode(), r.body());
    assertTrue(r.body().contains("application/json"), r.body());
  }

  /** Finding 6: 50 replays of one signed delivery used to start 46 runs. */
  @Test
  void aReplayedDeliveryIsIgnored() throws Exception {
    assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(10)));
    byte[] body = TestArchives.utf8("{\"ref\":\"refs/heads/main\",\"after\":\"replay-" + System.nanoTime() + "\"}");
    String sig = "sha256=" + HexFormat.of().formatHex(WebhookHandler.hmacSha256(TestArchives.utf8(SECRET), body));
    int before = syncRuns.get();
    HttpResponse<String> first = post(service, "/hooks/git", body, "X-GitHub-Event", "push", "X-Hub-Signature-256", sig,
        "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assertEquals(202, first.statusCode(), first.body());
    assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(10)));
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> replay = post(service, "/hooks/git", body, "X-GitHub-Event", "push",
          "X-Hub-Signature-256", sig, "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
      assertEquals(200, replay.statusCode(), replay.body());
      assertTrue(replay.body().contains("already received"), replay.body());
    }
    // GitHub signs the body only: the same body under a fresh delivery id is a replay too.
    assertEquals(200, post(service, "/hooks/git", body, "X-GitHub-Event", "push", "X-Hub-Signature-256", sig,
        "X-GitHub-Delivery", "a-new-id-the-attacker-made-up").statusCode());
    byte[] gitlab = TestArchives.utf8("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"checkout_sha\":\""
        + System.nanoTime() + "\"}");
    assertEquals(202, post(service, "/hooks/git", gitlab, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET,
        "X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e").statusCode());
    assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(10)));
    assertEquals(200, post(service, "/hooks/git", gitlab, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET,
        "X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e").statusCode());
    assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(10)));
    assertEquals(2, syncRuns.get() - before, "one run per genuine delivery");
    assertTrue(service.metrics().scrape().contains("meshgate_webhook_requests_total{result=\"replayed\"} 12.0"),
        service.metrics().scrape());
  }

  @Test
  void githubPingAnswers200() throws Exception {
    byte[] ping = TestArchives.utf8("{\"zen\":\"Design for failure.\",\"hook_id\":1}");
    String sig = "sha256=" + HexFormat.of().formatHex(WebhookHandler.hmacSha256(TestArchives.utf8(SECRET), ping));
    HttpResponse<String> r = post(service, "/hooks/git", ping, "X-GitHub-Event", "ping", "X-Hub-Signature-256", sig);
    assertEquals(200, r.statusCode());
  }

  @Test
  void withoutASecretWebhooksAreDisabled() throws Exception {
    byte[] push = TestArchives.utf8("{\"ref\":\"refs/heads/main\"}");
    HttpResponse<String> r = post(disabledWebhooks, "/hooks/git", push, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "anything");
    assertEquals(403, r.statusCode());
    assertTrue(r.body().contains("MESHGATE_WEBHOOK_SECRET"), r.body());
  }

  @Test
  void theTimerTriggersSyncRuns() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (disabledWebhooks.status().current().runs() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(disabledWebhooks.status().current().runs() > 0, "the poll timer never fired");
  }

  @Test
  void statusShowsTheLastRunWithViolationsAndNoSecret() throws Exception {
    service.trigger().fire("test");
    assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(10)));
    HttpResponse<String> r = get(service, "/api/v1/status");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode s = Json.MAPPER.readTree(r.body());
    assertEquals("refused", s.path("state").asText());
    assertEquals("0123abcd", s.path("sourceCommit").asText());
    assertEquals("feedbeef", s.path("envCommit").asText());
    assertTrue(s.has("lastRunAt") && !s.path("lastRunAt").isNull());
    assertTrue(s.has("lastSuccessAt") && s.has("message"));
    JsonNode v = s.path("violations").get(0);
    assertEquals("MG-TLS-01", v.path("rule").asText());
    assertEquals("error", v.path("severity").asText());
    assertEquals("intents/sleep.yaml", v.path("file").asText());
    assertEquals(12, v.path("line").asInt());
    assertEquals(3, v.path("column").asInt());
    assertEquals("ServiceClient", v.path("kind").asText());
    assertEquals("sleep-to-httpbin", v.path("name").asText());
    assertFalse(r.body().contains(SECRET));
  }

  @Test
  void metricsExposeTheMeterNamesInPrometheusText() throws Exception {
    service.trigger().fire("test");
    assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(10)));
    HttpResponse<String> r = get(service, "/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = r.body();
    for (String name : List.of("meshgate_sync_runs_total{outcome=\"refused\"}", "meshgate_sync_runs_total{outcome=\"published\"}",
        "meshgate_sync_duration_seconds_count", "meshgate_violations{severity=\"error\"} 1.0",
        "meshgate_last_success_timestamp_seconds")) {
      assertTrue(text.contains(name), name + " missing in:\n" + text);
    }
  }

  @Test
  void validateAnswersTheReportForTarGzAndZipInBothLayouts() throws Exception {
    Map<String, byte[]> withFolder = TestArchives.filesOf(SEED, "intents/");
    Map<String, byte[]> bare = TestArchives.filesOf(SEED, "");
    for (byte[] archive : List.of(TestArchives.tarGz(withFolder), TestArchives.zip(bare))) {
      HttpResponse<String> r = post(service, "/api/v1/validate", archive);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode report = Json.MAPPER.readTree(r.body());
      assertTrue(report.path("ok").asBoolean(), r.body());
      // The seed's one warning (MG-LB-02: productpage's cookie hash across clusters).
      assertEquals(1, report.path("violations").size(), r.body());
      assertEquals("warning", report.path("violations").get(0).path("severity").asText(), r.body());
    }

    // httpbin without its required mutualTLS: a schema error placed in intents/services/httpbin.yaml.
    String broken = new String(withFolder.get("intents/services/httpbin.yaml"), StandardCharsets.UTF_8)
        .replace("  mutualTLS: ISTIO_MUTUAL\n", "");
    Map<String, byte[]> brokenWithFolder = new TreeMap<>(withFolder);
    brokenWithFolder.put("intents/services/httpbin.yaml", TestArchives.utf8(broken));
    Map<String, byte[]> brokenBare = new TreeMap<>(bare);
    brokenBare.put("services/httpbin.yaml", TestArchives.utf8(broken));
    for (byte[] archive : List.of(TestArchives.zip(brokenWithFolder), TestArchives.tarGz(brokenBare))) {
      HttpResponse<String> r = post(service, "/api/v1/validate", archive);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode report = Json.MAPPER.readTree(r.body());
      assertFalse(report.path("ok").asBoolean(), r.body());
      JsonNode v = report.path("violations").get(0);
      assertEquals("MG-SCHEMA", v.path("rule").asText());
      assertEquals("error", v.path("severity").asText());
      assertEquals("intents/services/httpbin.yaml", v.path("file").asText(), "both layouts name files intents/...");
      assertTrue(v.path("line").asInt() > 0);
      assertEquals("InboundService", v.path("kind").asText());
    }
    // A policy denial: sleep-to-httpbin with SIMPLE TLS and no credentialName (MG-TLS-01).
    Map<String, byte[]> policyBroken = new TreeMap<>(withFolder);
    policyBroken.put("intents/clients/sleep-to-httpbin.yaml", TestArchives.utf8(
        io.meshgate.cli.DemoCommand.brokenClient(new String(withFolder.get("intents/clients/sleep-to-httpbin.yaml"),
            StandardCharsets.UTF_8))));
    HttpResponse<String> denied = post(service, "/api/v1/validate", TestArchives.tarGz(policyBroken));
    assertEquals(200, denied.statusCode(), denied.body());
    JsonNode deniedReport = Json.MAPPER.readTree(denied.body());
    assertFalse(deniedReport.path("ok").asBoolean(), denied.body());
    boolean tls = false;
    for (JsonNode v : deniedReport.path("violations")) {
      tls |= v.path("rule").asText().equals("MG-TLS-01")
          && v.path("file").asText().equals("intents/clients/sleep-to-httpbin.yaml") && v.path("line").asInt() > 0;
    }
    assertTrue(tls, denied.body());

    // Scratch trees are removed after each request.
    try (Stream<Path> left = Files.list(tmp.resolve("scratch-" + service.port()))) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void validateReadsJsonIntentFilesLikeTheCli() throws Exception {
    // .json (and .JSON) intents are intents for `meshgate validate`; the endpoint must not call them none.
    Path json = ROOT.resolve("repo-fixtures/valid/json-intents/intents");
    for (byte[] archive : List.of(TestArchives.tarGz(TestArchives.filesOf(json, "intents/")),
        TestArchives.zip(TestArchives.filesOf(json, "")))) {
      HttpResponse<String> r = post(service, "/api/v1/validate", archive);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode report = Json.MAPPER.readTree(r.body());
      assertTrue(report.path("ok").asBoolean(), r.body());
      assertEquals(0, report.path("violations").size(), r.body());
    }
  }

  @Test
  void validateAcceptsArchivesSentWithCurlsDefaultFormContentType() throws Exception {
    // `curl --data-binary @intents.zip URL` labels the body application/x-www-form-urlencoded.
    Map<String, byte[]> bare = TestArchives.filesOf(SEED, "");
    for (byte[] archive : List.of(TestArchives.zip(bare), TestArchives.tarGz(bare))) {
      HttpResponse<String> r = post(service, "/api/v1/validate", archive,
          "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(Json.MAPPER.readTree(r.body()).path("ok").asBoolean(), r.body());
    }
    HttpResponse<String> garbage = post(service, "/api/v1/validate", TestArchives.utf8("a=%zz&b"),
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(400, garbage.statusCode(), garbage.body());
    assertTrue(garbage.body().contains("not a tar.gz"), garbage.body());
  }

  @Test
  void validateIgnoresTheMetadataFilesMacArchiversAdd() throws Exception {
    Map<String, byte[]> files = new TreeMap<>(TestArchives.filesOf(SEED, "intents/"));
    byte[] resourceFork = {0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00, (byte) 0xff, '%', ':', '\t'};
    files.put("intents/services/._httpbin.yaml", resourceFork);
    files.put("__MACOSX/intents/clusters/._clusters.yaml", resourceFork);
    for (byte[] archive : List.of(TestArchives.tarGz(files), TestArchives.zip(files))) {
      HttpResponse<String> r = post(service, "/api/v1/validate", archive);
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(Json.MAPPER.readTree(r.body()).path("ok").asBoolean(), r.body());
    }
  }

  @Test
  void validateRefusesTraversalAndGarbage() throws Exception {
    byte[] traversal = TestArchives.tarGz(Map.of("intents/../../../evil.yaml", TestArchives.utf8("kind: Cluster")));
    HttpResponse<String> r = post(service, "/api/v1/validate", traversal);
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains(".."), r.body());
    assertEquals(400, post(service, "/api/v1/validate", TestArchives.utf8("hello")).statusCode());
    assertEquals(400, post(service, "/api/v1/validate", new byte[0]).statusCode());
    HttpResponse<String> noIntents = post(service, "/api/v1/validate", TestArchives.zip(Map.of("README.md", TestArchives.utf8("hi"))));
    assertEquals(400, noIntents.statusCode());
    assertTrue(noIntents.body().contains("no *.yaml"), noIntents.body());
  }

  @Test
  void validateRefusesAnArchiveOverTheSizeLimit() throws Exception {
    // Refused from its Content-Length, before the body is read. Over a raw connection, so that the
    // answer is read rather than raced: a client still writing 8 MiB to a connection the server has
    // answered and closed sees a broken pipe, not the 413 (the JDK client did, now and then).
    long size = ServiceLimits.DEFAULTS.maxArchiveBytes() + 1;
    try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), service.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("POST /api/v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/gzip\r\n"
          + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(new byte[] {0x1f, (byte) 0x8b});
      socket.getOutputStream().flush();
      String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertTrue(statusLine != null && statusLine.startsWith("HTTP/1.1 413 "), statusLine);
    }
  }

  private HttpResponse<String> get(MeshgateService s, String path) throws Exception {
    return TestHttp.get(s.port(), path);
  }

  private HttpResponse<String> post(MeshgateService s, String path, byte[] body, String... headers) throws Exception {
    return TestHttp.post(s.port(), path, body, headers);
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
