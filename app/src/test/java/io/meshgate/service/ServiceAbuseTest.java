package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.check.Checker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service attacked and overloaded on loopback, as issue 15's red team did: each test reproduces a
 * numbered finding, bounded in count and time. No test asserts how fast something is; the bounds
 * only keep a broken build from hanging.
 */
class ServiceAbuseTest {
  private static final Path ROOT = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();
  private static final Path SEED = ROOT.resolve("repo-fixtures/seed/intents");
  private static final String TOKEN = "0123456789abcdef-test-token";

  @TempDir Path tmp;
  private final List<MeshgateService> services = new ArrayList<>();
  private final AtomicInteger syncRuns = new AtomicInteger();

  @AfterEach
  void stop() {
    services.forEach(MeshgateService::close);
  }

  private MeshgateService start(ServiceLimits limits, ApiTokens tokens, TreeValidator validator) throws Exception {
    MeshgateService.Settings settings = new MeshgateService.Settings("127.0.0.1", ServiceHttpTest.freePort(),
        Duration.ofHours(1), Duration.ofHours(1), MeshgateService.BUNDLED_ROUTES, "main", null,
        "MESHGATE_WEBHOOK_SECRET", tmp.resolve("scratch"), Map.of("envBranch", "env/main"), limits, tokens, null);
    MeshgateService service = MeshgateService.start(settings, () -> {
      syncRuns.incrementAndGet();
      return new SyncOutcome(RunState.UNCHANGED, "c0ffee", "beef", List.of(), "nothing new");
    }, validator);
    services.add(service);
    return service;
  }

  private static TreeValidator realCheck() {
    return ServiceAssembly.treeValidator(new Checker(ROOT.resolve("policies")));
  }

  /** The seed as tar.gz plus a megabyte of incompressible padding: a 1 MB upload. */
  private static byte[] megabyteUpload() {
    Map<String, byte[]> files = new TreeMap<>(TestArchives.filesOf(SEED, "intents/"));
    byte[] padding = new byte[1 << 20];
    new Random(15).nextBytes(padding);
    files.put("intents/padding.bin", padding);
    return TestArchives.tarGz(files);
  }

  /** Finding 2: 30 parallel uploads starved the workers that /healthz needs. */
  @Test
  void uploadsBeyondTheValidationPoolAreAnswered429WhileHealthzMetricsAndTheLoopKeepAnswering() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger checking = new AtomicInteger();
    TreeValidator held = root -> {
      checking.incrementAndGet();
      assertTrue(release.await(120, TimeUnit.SECONDS));
      return List.of();
    };
    ServiceLimits limits = ServiceLimits.DEFAULTS.withValidation(2, 2, Duration.ofMinutes(3));
    MeshgateService service = start(limits, ApiTokens.none(), held);
    byte[] upload = megabyteUpload();
    List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      uploads.add(TestHttp.postAsync(service.port(), "/api/v1/validate", upload));
    }
    try {
      TestHttp.await("two checks running", Duration.ofSeconds(60), () -> checking.get() == 2);
      // Two checking, two queued; the other 26 are refused before their body is kept.
      TestHttp.await("26 answers", Duration.ofSeconds(60), () -> uploads.stream().filter(CompletableFuture::isDone).count() == 26);
      for (CompletableFuture<HttpResponse<String>> done : uploads) {
        if (done.isDone()) {
          HttpResponse<String> r = done.get();
          assertEquals(429, r.statusCode(), r.body());
          assertEquals("5", r.headers().firstValue("Retry-After").orElse(""));
          assertTrue(Json.MAPPER.readTree(r.body()).path("requestId").asText().length() >= 8, r.body());
        }
      }
      HttpResponse<String> health = TestHttp.get(service.port(), "/healthz");
      assertEquals(200, health.statusCode(), health.body());
      assertEquals(200, TestHttp.get(service.port(), "/metrics").statusCode());
      int before = syncRuns.get();
      service.trigger().fire("test");
      assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(30)));
      assertTrue(syncRuns.get() > before, "the sync loop must run while uploads wait");
      assertTrue(service.metrics().scrape().contains("meshgate_http_refused_total{reason=\"uploads_busy\"} 26.0"),
          service.metrics().scrape());
    } finally {
      release.countDown();
    }
    for (CompletableFuture<HttpResponse<String>> u : uploads) {
      assertTrue(List.of(200, 429).contains(u.get(60, TimeUnit.SECONDS).statusCode()));
    }
    assertEquals(4, uploads.stream().filter(u -> u.join().statusCode() == 200).count());
  }

  /** Finding 1 over HTTP: a skipped {@code ._*} entry expanding far beyond the limit was answered 200. */
  @Test
  void anArchiveBombInASkippedEntryIsRefused413() throws Exception {
    MeshgateService service = start(ServiceLimits.DEFAULTS, ApiTokens.none(), realCheck());
    byte[] bomb = TestArchives.tarGzWithZeros(TestArchives.filesOf(SEED, "intents/"), "intents/._x.yaml",
        ServiceLimits.DEFAULTS.maxUnpackedBytes() + 1);
    HttpResponse<String> r = TestHttp.post(service.port(), "/api/v1/validate", bomb);
    assertEquals(413, r.statusCode(), r.body());
    assertTrue(r.body().contains("skipped ones too"), r.body());
  }

  /** Finding 4: idle connections were never closed; 20,100 of them exhausted the file descriptors. */
  @Test
  void idleConnectionsAreClosedAndTheServiceAnswersAfterwards() throws Exception {
    MeshgateService service = start(ServiceLimits.DEFAULTS.withConnections(20, Duration.ofSeconds(1),
        Duration.ofSeconds(2)), ApiTokens.none(), realCheck());
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), service.port());
        s.setSoTimeout(30_000);
        idle.add(s);
      }
      for (Socket s : idle) {
        assertClosedByServer(s);
      }
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
    TestHttp.await("connections released", Duration.ofSeconds(30), () -> openConnections(service) == 0);
    assertEquals(200, TestHttp.get(service.port(), "/healthz").statusCode());
  }

  /** Finding 4, slow clients: a request head or body trickled byte by byte is cut off. */
  @Test
  void aTrickledRequestHeadOrBodyIsCutOff() throws Exception {
    MeshgateService service = start(ServiceLimits.DEFAULTS.withConnections(20, Duration.ofSeconds(1),
        Duration.ofSeconds(1)), ApiTokens.none(), realCheck());
    ExecutorService trickle = Executors.newFixedThreadPool(2);
    try (Socket head = new Socket(InetAddress.getLoopbackAddress(), service.port());
        Socket body = new Socket(InetAddress.getLoopbackAddress(), service.port())) {
      head.setSoTimeout(30_000);
      body.setSoTimeout(30_000);
      trickle.submit(() -> trickle(head, "GET /healthz HTTP/1.1\r\nHost: x\r\n", "X-Slow: a"));
      trickle.submit(() -> trickle(body, "POST /hooks/git HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{", "a"));
      assertClosedByServer(head);
      String answer = readAll(body);
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("\"requestId\""), answer);
    } finally {
      trickle.shutdownNow();
    }
    assertEquals(200, TestHttp.get(service.port(), "/healthz").statusCode());
  }

  /** Finding 4: connections beyond the limit are closed at once; those within it are kept. */
  @Test
  void connectionsBeyondTheLimitAreClosed() throws Exception {
    MeshgateService service = start(ServiceLimits.DEFAULTS.withConnections(10, Duration.ofMinutes(5),
        Duration.ofMinutes(5)), ApiTokens.none(), realCheck());
    // The service asks its own /healthz once started; the server counts that connection until its
    // close reaches the event loop, which under load came after the first of the 15 (6 refused).
    TestHttp.await("the start-up check's connection released", Duration.ofSeconds(30),
        () -> openConnections(service) == 0);
    List<Socket> sockets = new ArrayList<>();
    ExecutorService readers = Executors.newFixedThreadPool(15);
    try {
      for (int i = 0; i < 15; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), service.port());
        s.setSoTimeout(5_000);
        sockets.add(s);
      }
      List<Future<Boolean>> closed = new ArrayList<>();
      for (Socket s : sockets) {
        closed.add(readers.submit(() -> {
          try {
            return s.getInputStream().read() == -1;
          } catch (SocketTimeoutException stillOpen) {
            return false;
          } catch (IOException reset) {
            return true;
          }
        }));
      }
      int refused = 0;
      for (Future<Boolean> f : closed) {
        refused += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(5, refused, "15 connections, limit 10");
      assertTrue(service.metrics().scrape().contains("meshgate_http_refused_total{reason=\"connection_limit\"} 5.0"));
    } finally {
      readers.shutdownNow();
      for (Socket s : sockets) {
        s.close();
      }
    }
    TestHttp.await("a connection accepted again", Duration.ofSeconds(30), () -> {
      try {
        return TestHttp.get(service.port(), "/healthz").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
  }

  private static int openConnections(MeshgateService service) {
    // The gauge of refused connections is not enough: ask the server how many are open.
    return service.httpServer().openConnections();
  }

  private static void trickle(Socket socket, String start, String drip) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(start.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < 300; i++) {
        out.write(drip.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(100);
      }
    } catch (IOException | InterruptedException closed) {
      // the server hung up: what the test expects
    }
  }

  private static void assertClosedByServer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // a 408 or other answer may come first
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    } catch (IOException reset) {
      // closed with a reset: closed all the same
    }
  }

  private static String readAll(Socket socket) throws IOException {
    try {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    }
  }

  /** Finding 5 and issue 16: errors are JSON with a request id, never a server path or Vert.x's HTML. */
  @Test
  void everyErrorIsJsonWithARequestIdAndNoServerPath() throws Exception {
    MeshgateService service = start(ServiceLimits.DEFAULTS, ApiTokens.none(), realCheck());
    Map<String, byte[]> clash = new TreeMap<>();
    clash.put("intents/a.yaml", TestArchives.utf8("kind: Cluster\n"));
    clash.put("intents/a.yaml/b.yaml", TestArchives.utf8("kind: Cluster\n"));
    List<HttpResponse<String>> answers = List.of(
        TestHttp.post(service.port(), "/api/v1/validate", TestArchives.tarGz(clash)),
        TestHttp.get(service.port(), "/no/such/path"),
        TestHttp.send(service.port(), "DELETE", "/healthz", null),
        TestHttp.get(service.port(), "/api/v1/validate"),
        TestHttp.send(service.port(), "PUT", "/api/v1/status", TestArchives.utf8("{}")));
    List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
    assertEquals(List.of(400, 404, 405, 405, 405), statuses);
    for (HttpResponse<String> r : answers) {
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
      JsonNode body = Json.MAPPER.readTree(r.body());
      String id = body.path("requestId").asText();
      assertTrue(id.length() >= 8, r.body());
      assertEquals(id, r.headers().firstValue("X-Request-Id").orElse(""), "header and body name one request");
      assertFalse(body.path("error").asText().isBlank(), r.body());
      assertFalse(r.body().contains(tmp.toString()), "server path in " + r.body());
      assertFalse(r.body().toLowerCase(java.util.Locale.ROOT).contains("<html"), r.body());
    }
    assertTrue(answers.get(1).body().contains("GET /healthz"), "404 lists the endpoints: " + answers.get(1).body());
    // A sane id from the client is kept, so a caller can correlate its own logs.
    HttpResponse<String> mine = TestHttp.get(service.port(), "/nope", "X-Request-Id", "ci-run-42-step-7");
    assertEquals("ci-run-42-step-7", Json.MAPPER.readTree(mine.body()).path("requestId").asText());
  }

  /** Finding 9: SIGTERM during a slow validation took 19 s; the docs promise about 5 s. */
  @Test
  void stoppingDoesNotWaitForAValidationInProgress() throws Exception {
    CountDownLatch checking = new CountDownLatch(1);
    AtomicBoolean released = new AtomicBoolean();
    // A check that ignores interrupts, like a long policy evaluation.
    TreeValidator stubborn = root -> {
      checking.countDown();
      while (!released.get()) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException ignored) {
          // keeps going
        }
      }
      return List.of();
    };
    MeshgateService service = start(ServiceLimits.DEFAULTS, ApiTokens.none(), stubborn);
    CompletableFuture<HttpResponse<String>> upload = TestHttp.postAsync(service.port(), "/api/v1/validate",
        TestArchives.tarGz(TestArchives.filesOf(SEED, "intents/")));
    try {
      assertTrue(checking.await(60, TimeUnit.SECONDS));
      Thread closer = new Thread(service::close, "test-sigterm");
      closer.start();
      closer.join(30_000);
      assertFalse(closer.isAlive(), "close() waited for the validation in progress");
      assertFalse(released.get());
      try {
        HttpResponse<String> r = upload.get(30, TimeUnit.SECONDS);
        assertEquals(503, r.statusCode(), r.body());
      } catch (java.util.concurrent.ExecutionException connectionClosed) {
        // the server went away first: the client knows the upload was not checked
      }
    } finally {
      released.set(true);
    }
  }

  /** Finding 13: every endpoint but the webhook was open to anyone who could reach the port. */
  @Test
  void bearerTokensProtectValidationTheDetailedStatusAndWrites() throws Exception {
    Path tokenFile = tmp.resolve("api-tokens");
    Files.writeString(tokenFile, "# rotated monthly\n" + TOKEN + "\n");
    MeshgateService service = start(ServiceLimits.DEFAULTS, ApiTokens.fromFile(tokenFile), realCheck());
    byte[] seed = TestArchives.tarGz(TestArchives.filesOf(SEED, "intents/"));

    HttpResponse<String> anonymous = TestHttp.post(service.port(), "/api/v1/validate", seed);
    assertEquals(401, anonymous.statusCode(), anonymous.body());
    assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    assertTrue(anonymous.body().contains("--api-token-file"), anonymous.body());
    assertEquals(401, TestHttp.post(service.port(), "/api/v1/validate", seed, "Authorization", "Bearer wrong-token-12345678").statusCode());
    HttpResponse<String> granted = TestHttp.post(service.port(), "/api/v1/validate", seed, "Authorization", "Bearer " + TOKEN);
    assertEquals(200, granted.statusCode(), granted.body());
    assertTrue(Json.MAPPER.readTree(granted.body()).path("ok").asBoolean());

    JsonNode summary = Json.MAPPER.readTree(TestHttp.get(service.port(), "/api/v1/status").body());
    assertTrue(summary.has("state") && summary.has("sourceCommit") && summary.has("envCommit") && summary.has("violations"));
    assertFalse(summary.has("config"), "details need a token: " + summary);
    JsonNode details = Json.MAPPER.readTree(TestHttp.get(service.port(), "/api/v1/status", "Authorization", "Bearer " + TOKEN).body());
    assertTrue(details.has("config") && details.has("limits"), details.toString());
    assertEquals(401, TestHttp.get(service.port(), "/api/v1/status", "Authorization", "Bearer not-the-token-123").statusCode());
    // Any write endpoint, even one a custom route adds, needs the token; the signed webhook does not.
    assertEquals(401, TestHttp.send(service.port(), "PUT", "/api/v1/anything", TestArchives.utf8("{}")).statusCode());
    assertEquals(403, TestHttp.post(service.port(), "/hooks/git", TestArchives.utf8("{}")).statusCode(),
        "webhooks are disabled here, but reached without a bearer token");

    // A rotated Secret takes effect without a restart.
    String rotated = "fedcba9876543210-rotated-token";
    Files.writeString(tokenFile, rotated + "\n");
    Files.setLastModifiedTime(tokenFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    TestHttp.await("the rotated token accepted", Duration.ofSeconds(30), () -> {
      try {
        return TestHttp.post(service.port(), "/api/v1/validate", seed, "Authorization", "Bearer " + rotated).statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals(401, TestHttp.post(service.port(), "/api/v1/validate", seed, "Authorization", "Bearer " + TOKEN).statusCode());
  }

  /** Finding 13: the server bound every address with no option. */
  @Test
  void bindListensOnTheGivenAddressOnly() throws Exception {
    MeshgateService service = start(ServiceLimits.DEFAULTS, ApiTokens.none(), realCheck());
    assertEquals(200, TestHttp.get(service.port(), "/healthz").statusCode());
    // 127.0.0.2 is loopback too, but not the address bound.
    assertThrows(ConnectException.class, () -> new Socket(InetAddress.getByName("127.0.0.2"), service.port()).close());
  }

  @Test
  void readyzIsReadyWhileServingAndHealthzIsUp() throws Exception {
    MeshgateService service = start(ServiceLimits.DEFAULTS, ApiTokens.none(), realCheck());
    HttpResponse<String> ready = TestHttp.get(service.port(), "/readyz");
    assertEquals(200, ready.statusCode(), ready.body());
    assertEquals("READY", Json.MAPPER.readTree(ready.body()).path("status").asText());
    assertEquals("UP", Json.MAPPER.readTree(TestHttp.get(service.port(), "/healthz").body()).path("status").asText());
  }
}
