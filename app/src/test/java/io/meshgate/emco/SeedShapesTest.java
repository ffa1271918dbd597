package io.meshgate.emco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.intent.IntentDocument;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.Kind;
import io.meshgate.intent.LoadResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Intents read back in the seed's shape, and that shape converted again gives the same intents. */
class SeedShapesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void theSeedsIntentsReadBackInTheSeedsShapeWithItsQuirks() throws Exception {
    LoadResult load = IntentLoader.load(ImportEmcoTest.importSeed(work));
    Map<String, Object> productpage = SeedShapes.inbound(content(load, Kind.InboundService, "productpage"));
    Map<String, Object> spec = section(productpage, "spec");
    assertEquals("9080", spec.get("port"));
    assertEquals("false", spec.get("headless"));
    assertEquals("yes", spec.get("istio-proxy"));
    assertEquals("istio", spec.get("serviceMesh"));
    assertEquals("ConsistenHash", spec.get("loadbalancingType"));
    assertEquals("httpCookie", spec.get("loadBalancerMode"));
    assertEquals("user1", spec.get("httpCookie"));
    assertEquals(15L, spec.get("baseEjectionTime"));
    assertEquals("5m", spec.get("intervalSweep"));
    assertEquals(1000L, spec.get("concurrenthttp2Requests"));
    assertEquals("cluster01", spec.get("cluster"));
    assertEquals(Map.of("name", "productpage", "description", "bookinfo's front page, served to cluster02"),
        productpage.get("metadata"));

    Map<String, Object> client = content(load, Kind.ServiceClient, "sleep-to-httpbin");
    assertEquals(Map.of("clientServiceName", "sleep", "application", "app1", "headless", "false",
        "mutualTLS", "ISTIO_MUTUAL", "istio-proxy", "yes", "cluster", "cluster01", "namespace", "default",
        "target", "httpbin"), section(SeedShapes.client(client), "spec"));
    Map<String, Object> security = SeedShapes.security(client);
    assertEquals(JSON.readTree("{\"metadata\": {\"name\": \"sleep-to-httpbin-access\", \"description\": \"what sleep"
        + " may ask httpbin\"}, \"spec\": {\"serviceAccountAccess\": {\"sleep\": {\"GET\": [\"/status*\"],"
        + " \"POST\": [\"/headers\"]}}}}"), JSON.valueToTree(security));
  }

  @Test
  void whatAGetAnswersConvertsBackToTheSameIntents() throws Exception {
    LoadResult load = IntentLoader.load(ImportEmcoTest.importSeed(work));
    Path bodies = work.resolve("again/us-to-us-intents");
    for (IntentDocument document : load.documents()) {
      if (document.kind() == Kind.InboundService) {
        write(bodies.resolve(document.name() + ".json"), SeedShapes.inbound(document.content()));
      } else if (document.kind() == Kind.ServiceClient) {
        Path clients = bodies.resolve(spec(document.content()).get("target") + "/clients");
        write(clients.resolve(document.name() + ".json"), SeedShapes.client(document.content()));
        if (SeedShapes.hasSecurity(document.content())) {
          write(clients.resolve(document.name() + "/security/s.json"), SeedShapes.security(document.content()));
        }
      }
    }
    SeedImport.Result again = SeedImport.run(List.of(work.resolve("again")), Placement.none());
    assertEquals(List.of(), again.problems());
    Path intents = work.resolve("again-intents");
    for (SeedImport.IntentFile file : again.files()) {
      ImportEmcoTest.write(intents.resolve(file.path()), file.model().toYaml());
    }
    LoadResult reloaded = IntentLoader.load(intents);
    assertEquals(5, reloaded.documents().size());
    for (IntentDocument document : reloaded.documents()) {
      assertEquals(content(load, document.kind(), document.name()), document.content(), document.name());
    }
  }

  private static void write(Path file, Object body) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(body), StandardCharsets.UTF_8);
  }

  private static Map<String, Object> content(LoadResult load, Kind kind, String name) {
    Map<String, Object> found = load.documents().stream().filter(d -> d.kind() == kind && d.name().equals(name))
        .findFirst().orElseThrow().content();
    assertTrue(found.containsKey("spec"));
    return new LinkedHashMap<>(found);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> body, String name) {
    return (Map<String, Object>) body.get(name);
  }

  private static Map<String, Object> spec(Map<String, Object> content) {
    return section(content, "spec");
  }
}
