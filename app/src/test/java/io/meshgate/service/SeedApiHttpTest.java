package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.render.OutputTree;
import io.meshgate.render.Provenance;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's calls, made as {@code curl} makes them, against {@code serve --seed-api} on loopback with
 * a real local bare repository: the API creates the seed's intents as commits whose render equals
 * that of the same intents written by hand, refuses a policy-breaking write (422, nothing
 * committed), unauthenticated writes (401) and other projects (403), and serialises concurrent writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedApiHttpTest {
  static final Path ROOT = SeedApiTest.ROOT;
  static final Path BODIES = SeedApiTest.SEED_EMCO.resolve("bodies/us-to-us-intents");
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ALICE = "alice-token-0123456789abcdef";
  static final String BOB = "bob-token-0123456789abcdef";
  static final String SHOP = "/v2/projects/shop/composite-apps/";

  @TempDir static Path tmp;
  private DemoRepository repo;
  private MeshgateService service;

  @BeforeAll
  void start() throws Exception {
    repo = SeedApiTest.seedRepository(tmp.resolve("git"));
    Path tokens = tmp.resolve("api-tokens");
    Files.writeString(tokens, "# token  who  projects\n" + ALICE + " alice@example.com projects=shop\n"
        + BOB + " bob@example.com projects=payments\n");
    service = serve(repo, tokens, tmp.resolve("work"));
  }

  /** {@code serve --seed-api --seed-api-commit direct} on loopback, polling hourly (writes ask for runs). */
  static MeshgateService serve(DemoRepository repo, Path tokens, Path work) throws Exception {
    ServeOptions options = ServeOptions.of(repo.url(), "main", "env/main", repo.url(), "intents", Duration.ofHours(1),
            ServiceHttpTest.freePort(), "embedded", null, ROOT.resolve("policies"), work,
            MeshgateService.BUNDLED_ROUTES, "MESHGATE_WEBHOOK_SECRET")
        .withBind("127.0.0.1")
        .withApiTokenFile(tokens)
        .withSeedApi(new SeedApiOptions(SeedApi.CommitMode.DIRECT, "placement.yaml", null, null, null, false));
    return ServiceAssembly.start(options, null, Duration.ofHours(1));
  }

  /** Stops what {@link #serve} started, and the repository. */
  static void stop(MeshgateService service, DemoRepository repo) {
    if (service != null) {
      service.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  @AfterAll
  void stop() {
    stop(service, repo);
  }

  HttpResponse<String> curl(String method, String path, byte[] body, String token) throws Exception {
    return curl(service.port(), method, path, body, token);
  }

  /** {@code curl --data-binary @FILE -H 'Content-Type: application/json' -H 'Authorization: Bearer TOKEN' URL}. */
  static HttpResponse<String> curl(int port, String method, String path, byte[] body, String token, String... more)
      throws Exception {
    List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
    if (token != null) {
      headers.addAll(List.of("Authorization", "Bearer " + token));
    }
    headers.addAll(List.of(more));
    return TestHttp.send(port, method, path, body, headers.toArray(String[]::new));
  }

  static byte[] body(String relative) throws Exception {
    return Files.readAllBytes(BODIES.resolve(relative));
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  @Order(1)
  void theSeedsCallsCreateTheIntentsAsCommitsThatRenderLikeHandWrittenFiles() throws Exception {
    String httpbin = SHOP + "app1/v1/traffic-intent-set/us-to-us-intents";
    String productpage = SHOP + "bookinfo/v1/traffic-intent-set/us-to-us-intents";
    List<String[]> calls = List.of(
        new String[] {httpbin, "httpbin.json", "httpbin"},
        new String[] {httpbin + "/httpbin/clients", "httpbin/clients/sleep-to-httpbin.json", "sleep-to-httpbin"},
        new String[] {httpbin + "/httpbin/clients/sleep-to-httpbin/security",
            "httpbin/clients/sleep-to-httpbin/security/sleep-to-httpbin-access.json", "sleep-to-httpbin-access"},
        new String[] {productpage, "productpage.json", "productpage"},
        new String[] {productpage + "/productpage/clients", "productpage/clients/sleep-to-productpage.json",
            "sleep-to-productpage"},
        new String[] {productpage + "/productpage/clients/sleep-to-productpage/security",
            "productpage/clients/sleep-to-productpage/security/sleep-to-productpage-access.json",
            "sleep-to-productpage-access"},
        new String[] {productpage + "/productpage/clients", "productpage/clients/bookinfo-user-to-productpage.json",
            "bookinfo-user-to-productpage"},
        new String[] {productpage + "/productpage/clients/bookinfo-user-to-productpage/security",
            "productpage/clients/bookinfo-user-to-productpage/security/bookinfo-user-to-productpage-access.json",
            "bookinfo-user-to-productpage-access"});
    for (String[] call : calls) {
      HttpResponse<String> created = curl("POST", call[0], body(call[1]), ALICE);
      assertEquals(201, created.statusCode(), () -> call[0] + ": " + created.body());
      JsonNode answer = json(created);
      assertEquals(call[2], answer.path("name").asText());
      assertTrue(answer.path("Message").asText().endsWith(call[2] + " created"), answer.toString());
      assertTrue(created.headers().firstValue("X-Request-Id").isPresent());
    }
    String tip = repo.tip("main").orElseThrow();
    PersonIdent author = SeedApiTest.author(repo, tip);
    assertEquals("alice@example.com", author.getName());
    assertTrue(repo.message(tip).startsWith("meshgate seed API: create security intent bookinfo-user-to-productpage-access"
        + " (project shop, composite app bookinfo version v1)\n\nRequested-By: alice@example.com\nRequest-Id: "),
        repo.message(tip));
    assertEquals(9, SeedApiTest.history(repo).size(), "one commit per call on top of the clusters");
    // The security intent rewrote the client's file from the client as stored: its comments say so,
    // rather than claim a second request body or an `import emco` run.
    String client = new String(repo.files(tip, "intents/").get("intents/shop/app1/v1/clients/sleep-to-httpbin.yaml"),
        StandardCharsets.UTF_8);
    assertFalse(client.contains("meshgate import emco"), client);
    assertTrue(client.startsWith("# Converted by meshgate from the seed's (EMCO) client intent\n"
        + "# intents/shop/app1/v1/clients/sleep-to-httpbin.yaml (as stored before this request, read back in the"
        + " seed's shape)\n# and its security intent the request body\n"), client);
    // Each write on the source branch asks for a sync run: published without waiting for a poll (1 h here).
    TestHttp.await("env/main published for " + tip, Duration.ofSeconds(60), () -> {
      try {
        return repo.tip("env/main").map(env -> {
          try {
            return repo.message(env).contains(tip);
          } catch (Exception e) {
            return false;
          }
        }).orElse(false);
      } catch (Exception e) {
        return false;
      }
    });

    // The same intents written by hand, in the same files, render the same tree.
    Path api = materialise(repo.files(tip, "intents/"), tmp.resolve("api-tree"));
    Path handWritten = tmp.resolve("hand-written/intents");
    Path seed = ROOT.resolve("repo-fixtures/seed/intents");
    copy(seed.resolve("clusters/clusters.yaml"), handWritten.resolve("clusters/clusters.yaml"));
    copy(seed.resolve("services/httpbin.yaml"), handWritten.resolve("shop/app1/v1/services/httpbin.yaml"));
    copy(seed.resolve("clients/sleep-to-httpbin.yaml"), handWritten.resolve("shop/app1/v1/clients/sleep-to-httpbin.yaml"));
    copy(seed.resolve("services/productpage.yaml"), handWritten.resolve("shop/bookinfo/v1/services/productpage.yaml"));
    copy(seed.resolve("clients/productpage-clients.yaml"),
        handWritten.resolve("shop/bookinfo/v1/clients/productpage-clients.yaml"));
    Checker checker = new Checker(ROOT.resolve("policies"));
    CheckResult fromApi = checker.check(api.resolve("intents"));
    CheckResult fromHand = checker.check(handWritten);
    assertFalse(fromApi.hasErrors(), () -> fromApi.violations().toString());
    assertEquals(tree(fromHand), tree(fromApi));
  }

  @Test
  @Order(2)
  void getAnswersInTheSeedsShape() throws Exception {
    String base = SHOP + "bookinfo/v1/traffic-intent-set/us-to-us-intents";
    HttpResponse<String> one = curl("GET", base + "/productpage", null, ALICE);
    assertEquals(200, one.statusCode(), one.body());
    JsonNode spec = json(one).path("spec");
    assertEquals("9080", spec.path("port").asText());
    assertTrue(spec.path("port").isTextual());
    assertEquals("yes", spec.path("istio-proxy").asText());
    assertEquals("ConsistenHash", spec.path("loadbalancingType").asText());
    assertEquals(15, spec.path("baseEjectionTime").asInt());
    HttpResponse<String> list = curl("GET", base, null, ALICE);
    assertEquals(1, json(list).size());
    HttpResponse<String> clients = curl("GET", base + "/productpage/clients", null, ALICE);
    assertEquals(List.of("bookinfo-user-to-productpage", "sleep-to-productpage"),
        List.of(json(clients).get(0).path("metadata").path("name").asText(), json(clients).get(1).path("metadata").path("name").asText()));
    HttpResponse<String> security = curl("GET",
        base + "/productpage/clients/sleep-to-productpage/security/sleep-to-productpage-access", null, ALICE);
    assertEquals(JSON.readTree("{\"sleep\": {\"GET\": [\"/static*\", \"/api/v1/products\"]}}"),
        json(security).path("spec").path("serviceAccountAccess"));
    HttpResponse<String> missing = curl("GET", base + "/nope", null, ALICE);
    assertEquals(404, missing.statusCode());
    assertFalse(json(missing).path("requestId").asText().isEmpty());
  }

  @Test
  @Order(3)
  void aPolicyBreakingWriteIs422WithTheViolationsAndCommitsNothing() throws Exception {
    String tip = repo.tip("main").orElseThrow();
    byte[] rogue = ("{\"metadata\": {\"name\": \"rogue-to-httpbin\"}, \"spec\": {\"clientServiceName\": \"rogue\","
        + " \"mutualTLS\": \"SIMPLE\", \"cluster\": \"cluster01\"}}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> denied = curl("POST", SHOP + "app1/v1/traffic-intent-set/us-to-us-intents/httpbin/clients",
        rogue, ALICE);
    assertEquals(422, denied.statusCode(), denied.body());
    JsonNode answer = json(denied);
    boolean tls = false;
    for (JsonNode violation : answer.path("violations")) {
      tls |= violation.path("rule").asText().equals("MG-TLS-01")
          && violation.path("file").asText().equals("intents/shop/app1/v1/clients/rogue-to-httpbin.yaml");
    }
    assertTrue(tls, answer.toString());
    assertEquals(tip, repo.tip("main").orElseThrow(), "nothing committed");
  }

  @Test
  @Order(4)
  void withoutATokenOrForAnotherProjectNothingIsWritten() throws Exception {
    String tip = repo.tip("main").orElseThrow();
    String path = SHOP + "app1/v1/traffic-intent-set/us-to-us-intents";
    byte[] web = ("{\"metadata\": {\"name\": \"web\"}, \"spec\": {\"servicename\": \"web\", \"protocol\": \"HTTP\","
        + " \"port\": \"80\", \"mutualTLS\": \"ISTIO_MUTUAL\", \"cluster\": \"cluster01\"}}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> anonymous = curl("POST", path, web, null);
    assertEquals(401, anonymous.statusCode(), anonymous.body());
    assertTrue(anonymous.headers().firstValue("WWW-Authenticate").isPresent());
    assertFalse(json(anonymous).path("requestId").asText().isEmpty());
    assertEquals(401, curl("POST", path, web, "wrong-token-0123456789abcdef").statusCode());
    assertEquals(401, curl("GET", path, null, null).statusCode(), "reads need a token too");
    HttpResponse<String> otherProject = curl("POST", path, web, BOB);
    assertEquals(403, otherProject.statusCode(), otherProject.body());
    assertTrue(json(otherProject).path("error").asText().contains("bob@example.com may not use project shop"));
    assertEquals(403, curl("GET", path, null, BOB).statusCode());
    assertEquals(tip, repo.tip("main").orElseThrow(), "nothing committed");
  }

  @Test
  @Order(5)
  void badBodiesAreExplainedWithTheirJsonPath() throws Exception {
    String path = SHOP + "app1/v1/traffic-intent-set/us-to-us-intents";
    HttpResponse<String> bad = curl("POST", path, ("{\"metadata\": {\"name\": \"web\"},\n \"spec\": {\"servicename\": \"web\","
        + " \"protocol\": \"HTTP\", \"port\": \"80a\", \"mutualTLS\": \"ISTIO_MUTUAL\", \"cluster\": \"cluster01\"}}")
        .getBytes(StandardCharsets.UTF_8), ALICE);
    assertEquals(400, bad.statusCode(), bad.body());
    JsonNode problem = json(bad).path("problems").get(0);
    assertEquals("$.spec.port", problem.path("path").asText());
    assertEquals(2, problem.path("line").asInt());
    assertEquals("\"80a\" is not a whole number", problem.path("message").asText());
    assertEquals(400, curl("POST", path, "{not json".getBytes(StandardCharsets.UTF_8), ALICE).statusCode());
    HttpResponse<String> huge = curl("POST", path, new byte[SeedApi.MAX_BODY_BYTES + 1], ALICE);
    assertEquals(413, huge.statusCode(), huge.body());
    HttpResponse<String> twice = curl("POST", path, body("httpbin.json"), ALICE);
    assertEquals(409, twice.statusCode(), twice.body());
  }

  @Test
  @Order(6)
  void concurrentWritesAreSerialisedWithoutLosingOne() throws Exception {
    String path = SHOP + "app1/v1/traffic-intent-set/us-to-us-intents";
    int before = SeedApiTest.history(repo).size();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      byte[] burst = ("{\"metadata\": {\"name\": \"burst" + i + "\"}, \"spec\": {\"servicename\": \"burst" + i + "\","
          + " \"protocol\": \"HTTP\", \"port\": \"80\", \"mutualTLS\": \"ISTIO_MUTUAL\", \"cluster\": \"cluster01\"}}")
          .getBytes(StandardCharsets.UTF_8);
      answers.add(TestHttp.postAsync(service.port(), path, burst, "Content-Type", "application/json",
          "Authorization", "Bearer " + ALICE));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.get();
      assertEquals(201, response.statusCode(), response.body());
    }
    SortedMap<String, byte[]> services = repo.files(repo.tip("main").orElseThrow(), "intents/shop/app1/v1/services/burst");
    assertEquals(6, services.size(), services.keySet().toString());
    assertEquals(before + 6, SeedApiTest.history(repo).size(), "one commit per write");
  }

  @Test
  @Order(7)
  void putAndDeleteChangeTheFilesAndAParentWithClientsStays() throws Exception {
    String base = SHOP + "app1/v1/traffic-intent-set/us-to-us-intents";
    String security = base + "/httpbin/clients/sleep-to-httpbin/security/sleep-to-httpbin-access";
    byte[] narrower = "{\"metadata\": {\"name\": \"sleep-to-httpbin-access\"}, \"spec\": {\"serviceAccountAccess\": {\"sleep\": {\"GET\": [\"/status/200\"]}}}}"
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> updated = curl("PUT", security, narrower, ALICE);
    assertEquals(200, updated.statusCode(), updated.body());
    assertEquals(JSON.readTree("{\"sleep\": {\"GET\": [\"/status/200\"]}}"),
        json(curl("GET", security, null, ALICE)).path("spec").path("serviceAccountAccess"));
    assertEquals(409, curl("DELETE", base + "/httpbin", null, ALICE).statusCode(), "httpbin still has a client");
    HttpResponse<String> deleted = curl("DELETE", security, null, ALICE);
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals(0, json(curl("GET", base + "/httpbin/clients/sleep-to-httpbin/security", null, ALICE)).size());
    String client = new String(repo.files(repo.tip("main").orElseThrow(), "intents/shop/app1/v1/clients/sleep-to-httpbin.yaml")
        .values().iterator().next(), StandardCharsets.UTF_8);
    assertFalse(client.contains("access:") || client.contains("securityIntent"), client);
    assertEquals(204, curl("DELETE", base + "/httpbin/clients/sleep-to-httpbin", null, ALICE).statusCode());
    assertEquals(204, curl("DELETE", base + "/httpbin", null, ALICE).statusCode());
    assertTrue(repo.files(repo.tip("main").orElseThrow(), "intents/shop/app1/v1/services/httpbin.yaml").isEmpty());
  }

  @Test
  @Order(8)
  void theOpenApiDocumentIsServedAndValid() throws Exception {
    HttpResponse<String> document = TestHttp.get(service.port(), "/api/v2/openapi.json");
    assertEquals(200, document.statusCode());
    assertEquals("application/json", document.headers().firstValue("Content-Type").orElseThrow());
    assertNotNull(SeedApiOpenApiTest.parse(document.body()));
    assertEquals(SeedApiOpenApiTest.document(), document.body());
  }

  @Test
  @Order(9)
  void curlsPlainDashDIsAcceptedToo() throws Exception {
    // curl -d @file strips the line breaks and sends application/x-www-form-urlencoded.
    String stripped = Files.readString(BODIES.resolve("httpbin.json")).replace("\n", "").replace("\r", "")
        .replace("\"httpbin\"", "\"formbin\"").replace("\"app1\"", "\"app9\"") ;
    String body = stripped.replace("\"istio-proxy\": \"yes\"", "\"istio-proxy\": \"yes\", \"cluster\": \"cluster02\"");
    HttpResponse<String> created = TestHttp.send(service.port(), "POST", SHOP + "app9/v1/traffic-intent-set/us-to-us-intents",
        body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/x-www-form-urlencoded",
        "Authorization", "Bearer " + ALICE);
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("formbin", json(created).path("name").asText());
  }

  static Map<String, String> tree(CheckResult result) {
    OutputTree tree = OutputTree.of(result.rendered(), new Provenance("test", null, null, "test"));
    Map<String, String> files = new TreeMap<>();
    tree.files().keySet().stream().filter(p -> !p.endsWith("provenance.yaml")).forEach(p -> files.put(p, tree.text(p)));
    return files;
  }

  static Path materialise(SortedMap<String, byte[]> files, Path root) throws Exception {
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path target = root.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
    return root;
  }

  static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to.getParent());
    Files.copy(from, to);
  }
}
