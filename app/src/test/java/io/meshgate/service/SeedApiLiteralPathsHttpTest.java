package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.swagger.v3.oas.models.OpenAPI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's calls written as issue 13 writes them, made as {@code curl} makes them against
 * {@code serve --seed-api} with a real local bare repository: {@code POST .../us-to-us-intents/}
 * (trailing slash), a client posted to {@code .../traffic-group-intent/uservice-to-uservice-intent/clients}
 * (a literal where the nested form names the inbound intent) and its access posted to
 * {@code .../security/security-intent}. They commit what the hand-written files hold; a client whose
 * target cannot be told is refused (422) and nothing is committed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedApiLiteralPathsHttpTest {
  static final Path ROOT = SeedApiTest.ROOT;
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ALICE = "alice-token-0123456789abcdef";
  static final String APP = "/v2/projects/shop/composite-apps/app1/v1/";
  /** The issue's three calls. */
  static final String INBOUNDS = APP + "traffic-intent-set/us-to-us-intents/";
  static final String CLIENTS = APP + "traffic-group-intent/uservice-to-uservice-intent/clients";
  static final String ACCESS = CLIENTS + "/sleep-to-httpbin/security/security-intent";
  static final String NESTED = APP + "traffic-intent-set/us-to-us-intents";

  @TempDir static Path tmp;
  private DemoRepository repo;
  private MeshgateService service;

  @BeforeAll
  void start() throws Exception {
    repo = SeedApiTest.seedRepository(tmp.resolve("git"));
    Path tokens = tmp.resolve("api-tokens");
    Files.writeString(tokens, ALICE + " alice@example.com projects=shop\n");
    service = SeedApiHttpTest.serve(repo, tokens, tmp.resolve("work"));
  }

  @AfterAll
  void stop() {
    SeedApiHttpTest.stop(service, repo);
  }

  HttpResponse<String> curl(String method, String path, byte[] body, String... headers) throws Exception {
    return SeedApiHttpTest.curl(service.port(), method, path, body, ALICE, headers);
  }

  static byte[] body(String relative) throws Exception {
    return SeedApiHttpTest.body(relative);
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  String tip() throws Exception {
    return repo.tip("main").orElseThrow();
  }

  @Test
  @Order(1)
  void theIssuesThreeCallsCreateAnInboundServiceAClientOfItAndItsAccess() throws Exception {
    HttpResponse<String> inbound = curl("POST", INBOUNDS, body("httpbin.json"));
    assertEquals(201, inbound.statusCode(), inbound.body());
    assertEquals("httpbin", json(inbound).path("name").asText());
    assertEquals("inbound service intent httpbin created", json(inbound).path("Message").asText());

    HttpResponse<String> client = curl("POST", CLIENTS, body("httpbin/clients/sleep-to-httpbin.json"));
    assertEquals(201, client.statusCode(), client.body());
    JsonNode answer = json(client);
    assertEquals("sleep-to-httpbin", answer.path("name").asText());
    assertEquals("httpbin", answer.path("target").asText());
    // Not a silent choice: the answer says which inbound intent, and why.
    assertTrue(answer.path("Message").asText().startsWith("client intent sleep-to-httpbin created; it calls httpbin, the only"
        + " inbound service intent of project shop, composite app app1 version v1"), answer.toString());

    HttpResponse<String> access = curl("POST", ACCESS,
        body("httpbin/clients/sleep-to-httpbin/security/sleep-to-httpbin-access.json"));
    assertEquals(201, access.statusCode(), access.body());
    assertEquals("sleep-to-httpbin-access", json(access).path("name").asText());
    assertEquals("security intent sleep-to-httpbin-access created", json(access).path("Message").asText());

    assertEquals(4, SeedApiTest.history(repo).size(), "one commit per call on top of the clusters");
    String clientFile = new String(repo.files(answer.path("commit").asText(), "intents/shop/app1/v1/clients/sleep-to-httpbin.yaml")
        .values().iterator().next(), StandardCharsets.UTF_8);
    assertTrue(clientFile.contains("target: httpbin") && clientFile.contains("the only inbound service intent"), clientFile);

    // The same intents written by hand render the same tree.
    Path api = SeedApiHttpTest.materialise(repo.files(tip(), "intents/"), tmp.resolve("api-tree"));
    Path handWritten = tmp.resolve("hand-written/intents");
    Path seed = ROOT.resolve("repo-fixtures/seed/intents");
    SeedApiHttpTest.copy(seed.resolve("clusters/clusters.yaml"), handWritten.resolve("clusters/clusters.yaml"));
    SeedApiHttpTest.copy(seed.resolve("services/httpbin.yaml"), handWritten.resolve("shop/app1/v1/services/httpbin.yaml"));
    SeedApiHttpTest.copy(seed.resolve("clients/sleep-to-httpbin.yaml"), handWritten.resolve("shop/app1/v1/clients/sleep-to-httpbin.yaml"));
    Checker checker = new Checker(ROOT.resolve("policies"));
    CheckResult fromApi = checker.check(api.resolve("intents"));
    CheckResult fromHand = checker.check(handWritten);
    assertFalse(fromApi.hasErrors(), () -> fromApi.violations().toString());
    assertFalse(fromHand.hasErrors(), () -> fromHand.violations().toString());
    assertEquals(SeedApiHttpTest.tree(fromHand), SeedApiHttpTest.tree(fromApi));
  }

  @Test
  @Order(2)
  void bothPathFormsReadTheSameIntents() throws Exception {
    HttpResponse<String> list = curl("GET", CLIENTS, null);
    assertEquals(200, list.statusCode(), list.body());
    assertEquals(1, json(list).size());
    assertEquals("httpbin", json(list).get(0).path("spec").path("target").asText());
    assertEquals(json(curl("GET", NESTED + "/httpbin/clients/sleep-to-httpbin", null)),
        json(curl("GET", CLIENTS + "/sleep-to-httpbin", null)));
    // {intentSet} is any segment; an inbound segment naming an inbound intent is that one.
    assertEquals(json(list), json(curl("GET", APP + "traffic-intent-set/httpbin/clients", null)));
    // .../traffic-intent-set/us-to-us-intents/clients is both forms: the clients of the literal form.
    HttpResponse<String> overlap = curl("GET", NESTED + "/clients", null);
    assertEquals(200, overlap.statusCode(), overlap.body());
    assertEquals(json(list), json(overlap));

    JsonNode named = json(curl("GET", NESTED + "/httpbin/clients/sleep-to-httpbin/security/sleep-to-httpbin-access", null));
    assertEquals("sleep-to-httpbin-access", named.path("metadata").path("name").asText());
    assertEquals(named, json(curl("GET", ACCESS, null)), "security-intent is the client's one security intent");
    assertEquals(named, json(curl("GET", NESTED + "/httpbin/clients/sleep-to-httpbin/security/security-intent", null)));
  }

  @Test
  @Order(3)
  void everyDocumentedPathAnswersTheSameWithATrailingSlash() throws Exception {
    OpenAPI api = SeedApiOpenApiTest.parse(SeedApiOpenApiTest.document());
    int checked = 0;
    for (String template : api.getPaths().keySet()) {
      boolean literal = template.contains("{intentSet}");
      String path = template.replace("{project}", "shop").replace("{compositeApp}", "app1").replace("{version}", "v1")
          .replace("{intentSet}", "traffic-group-intent")
          .replace("{inboundIntent}", literal ? "uservice-to-uservice-intent" : "httpbin")
          .replace("{clientIntent}", "sleep-to-httpbin").replace("{securityIntent}", "sleep-to-httpbin-access");
      HttpResponse<String> plain = curl("GET", path, null);
      HttpResponse<String> slash = curl("GET", path + "/", null);
      assertEquals(200, plain.statusCode(), path + ": " + plain.body());
      assertEquals(200, slash.statusCode(), path + "/: " + slash.body());
      assertEquals(json(plain), json(slash), path);
      checked++;
    }
    assertEquals(12, checked, "every documented path");
    // A webhook with a trailing slash is still the webhook (disabled here: 403), not a write needing a token (401).
    assertEquals(403, TestHttp.post(service.port(), "/hooks/git/", bytes("{}"), "Content-Type", "application/json")
        .statusCode());
  }

  @Test
  @Order(4)
  void aClientWhoseTargetCannotBeToldIsRefusedAndNothingIsCommitted() throws Exception {
    HttpResponse<String> second = curl("POST", INBOUNDS, body("productpage.json"));
    assertEquals(201, second.statusCode(), second.body());
    String before = tip();
    byte[] untargeted = bytes("{\"metadata\": {\"name\": \"sleep-to-somewhere\"}, \"spec\": {\"clientServiceName\": \"sleep\","
        + " \"mutualTLS\": \"ISTIO_MUTUAL\"}}");

    HttpResponse<String> ambiguous = curl("POST", CLIENTS, untargeted);
    assertEquals(422, ambiguous.statusCode(), ambiguous.body());
    JsonNode refusal = json(ambiguous);
    assertEquals(List.of("httpbin", "productpage"), names(refusal.path("inboundIntents")));
    String error = refusal.path("error").asText();
    assertTrue(error.contains("\"traffic-group-intent/uservice-to-uservice-intent\" in the URL names no inbound service intent")
        && error.contains("holds 2 (httpbin, productpage)") && error.contains("\"target\": \"<name>\""), error);
    assertFalse(refusal.path("requestId").asText().isEmpty());
    assertFalse(refusal.has("violations"));
    assertEquals(before, tip(), "nothing committed");
    // The same through PUT of a new client, and through the overlapping path.
    assertEquals(422, curl("PUT", CLIENTS + "/sleep-to-somewhere", untargeted).statusCode());
    assertEquals(422, curl("POST", NESTED + "/clients", untargeted).statusCode());

    HttpResponse<String> unknown = curl("POST", CLIENTS, bytes("{\"metadata\": {\"name\": \"sleep-to-somewhere\"}, \"spec\":"
        + " {\"clientServiceName\": \"sleep\", \"target\": \"nope\"}}"));
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertEquals(List.of("httpbin", "productpage"), names(json(unknown).path("inboundIntents")));
    HttpResponse<String> twoTargets = curl("POST", CLIENTS, bytes("{\"metadata\": {\"name\": \"sleep-to-somewhere\"}, \"spec\":"
        + " {\"clientServiceName\": \"sleep\", \"target\": \"httpbin\", \"inboundServerIntent\": \"productpage\"}}"));
    assertEquals(400, twoTargets.statusCode(), twoTargets.body());
    assertEquals("$.spec.inboundServerIntent", json(twoTargets).path("problems").get(0).path("path").asText());
    assertEquals(before, tip(), "nothing committed");

    // Named in EMCO's words, the client is created for that inbound intent.
    HttpResponse<String> named = curl("POST", CLIENTS, bytes("{\"metadata\": {\"name\": \"sleep-to-productpage\"}, \"spec\":"
        + " {\"clientServiceName\": \"sleep\", \"inboundServerIntent\": \"productpage\"}}"));
    assertEquals(201, named.statusCode(), named.body());
    assertEquals("productpage", json(named).path("target").asText());
    assertEquals("client intent sleep-to-productpage created", json(named).path("Message").asText());
    JsonNode read = json(curl("GET", NESTED + "/productpage/clients/sleep-to-productpage", null));
    assertEquals("productpage", read.path("spec").path("target").asText());
    assertFalse(read.path("spec").has("inboundServerIntent"), "reads answer target once");
    // A PUT through the literal keeps the client's target when the body names none.
    ObjectNode changed = (ObjectNode) read.deepCopy();
    ((ObjectNode) changed.path("spec")).remove("target");
    ((ObjectNode) changed.path("spec")).put("headless", "false");
    HttpResponse<String> updated = curl("PUT", CLIENTS + "/sleep-to-productpage", bytes(changed.toString()));
    assertEquals(200, updated.statusCode(), updated.body());
    assertEquals("productpage", json(updated).path("target").asText());
  }

  @Test
  @Order(5)
  void securityIntentIsTheClientsOneSecurityIntentForEveryVerb() throws Exception {
    byte[] narrower = bytes("{\"metadata\": {}, \"spec\": {\"serviceAccountAccess\": {\"sleep\": {\"GET\": [\"/status/200\"]}}}}");
    HttpResponse<String> replaced = curl("PUT", ACCESS, narrower);
    assertEquals(200, replaced.statusCode(), replaced.body());
    assertEquals("sleep-to-httpbin-access", json(replaced).path("name").asText(), "its name stays");
    assertEquals(JSON.readTree("{\"sleep\": {\"GET\": [\"/status/200\"]}}"),
        json(curl("GET", ACCESS, null)).path("spec").path("serviceAccountAccess"));
    HttpResponse<String> again = curl("POST", ACCESS, narrower);
    assertEquals(409, again.statusCode(), again.body());
    HttpResponse<String> renamed = curl("PUT", ACCESS, bytes("{\"metadata\": {\"name\": \"other\"}, \"spec\":"
        + " {\"serviceAccountAccess\": {\"sleep\": {\"GET\": [\"/\"]}}}}"));
    assertEquals(409, renamed.statusCode(), renamed.body());

    assertEquals(204, curl("DELETE", ACCESS + "/", null).statusCode());
    HttpResponse<String> gone = curl("GET", ACCESS, null);
    assertEquals(404, gone.statusCode(), gone.body());
    assertEquals("client sleep-to-httpbin has no security intent", json(gone).path("error").asText());
    assertEquals(0, json(curl("GET", CLIENTS + "/sleep-to-httpbin/security", null)).size());

    // Posted without a name of its own, it is named after its URL.
    HttpResponse<String> created = curl("POST", ACCESS, narrower);
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(SeedApi.SECURITY_INTENT, json(created).path("name").asText());
    assertEquals(SeedApi.SECURITY_INTENT, json(curl("GET", ACCESS, null)).path("metadata").path("name").asText());
    assertEquals(200, curl("GET", CLIENTS + "/sleep-to-httpbin/security/" + SeedApi.SECURITY_INTENT, null).statusCode());
    // A plain collection POST still needs the name in the body.
    assertEquals(204, curl("DELETE", ACCESS, null).statusCode());
    HttpResponse<String> nameless = curl("POST", CLIENTS + "/sleep-to-httpbin/security", narrower);
    assertEquals(400, nameless.statusCode(), nameless.body());
  }

  @Test
  @Order(6)
  void pathParametersComeFromThePathOnlyAndClientsIsNoInboundName() throws Exception {
    String before = tip();
    HttpResponse<String> list = curl("GET", NESTED + "/httpbin/clients/sleep-to-httpbin/security", null,
        "securityIntent", "nope");
    assertEquals(200, list.statusCode(), list.body());
    assertTrue(json(list).isArray(), list.body());
    HttpResponse<String> strict = curl("GET", NESTED + "/nope/clients", null, "intentSet", "traffic-group-intent");
    assertEquals(404, strict.statusCode(), strict.body());
    HttpResponse<String> reserved = curl("POST", INBOUNDS, bytes("{\"metadata\": {\"name\": \"clients\"}, \"spec\":"
        + " {\"servicename\": \"clients\", \"protocol\": \"HTTP\", \"port\": \"80\", \"mutualTLS\": \"ISTIO_MUTUAL\","
        + " \"cluster\": \"cluster01\"}}"));
    assertEquals(400, reserved.statusCode(), reserved.body());
    assertEquals(before, tip(), "nothing committed");
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asText()));
    return names;
  }
}
