package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rendered object of every scenario against Istio's real CRD schemas. */
class IstioSchemaTest {

  static Stream<Arguments> scenarios() {
    return Scenarios.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void everyRenderedObjectMatchesIstiosCrdSchema(String name, IntentSet intents) throws IOException {
    IstioCrdSchemas schemas = IstioCrdSchemas.load();
    RenderResult result = new Renderer().render(intents, AllocationLedger.empty());
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (List<RenderedObject> objects : result.clusters().values()) {
      for (RenderedObject object : objects) {
        checked++;
        for (String problem : schemas.validate(object.plain())) {
          problems.add(object.cluster() + "/" + object.relativePath() + ": " + problem);
        }
      }
    }
    assertTrue(checked > 0, "scenario " + name + " rendered nothing");
    assertEquals(List.of(), problems);
  }

  @Test
  void theSchemasAreLoaded() throws IOException {
    // networking (9 kinds), security (3), telemetry and extensions.
    assertTrue(IstioCrdSchemas.load().size() >= 10, "schemas: " + IstioCrdSchemas.load().size());
  }

  @Test
  void aDeliberatelyWrongObjectFailsValidation() throws IOException {
    IstioCrdSchemas schemas = IstioCrdSchemas.load();
    RenderResult result = new Renderer().render(TestIntents.seed(), AllocationLedger.empty());
    RenderedObject se = result.objectsOf("cluster01").stream()
        .filter(o -> o.kind().equals("ServiceEntry")).findFirst().orElseThrow();
    assertEquals(List.of(), schemas.validate(se.plain()));

    Map<String, Object> badResolution = deepCopy(se.plain());
    spec(badResolution).put("resolution", "SOMETIMES");
    assertFalse(schemas.validate(badResolution).isEmpty(), "an unknown enum value must fail");

    Map<String, Object> badPort = deepCopy(se.plain());
    spec(badPort).put("ports", List.of(Map.of("number", "eighty", "name", "http")));
    assertFalse(schemas.validate(badPort).isEmpty(), "a string port number must fail");

    RenderedObject dr = result.objectsOf("cluster01").stream()
        .filter(o -> o.relativePath().equals("default/destinationrule-meshgate-productpage.yaml")).findFirst().orElseThrow();
    Map<String, Object> legacyTypo = deepCopy(dr.plain());
    // The seed's own spelling mistake: 'loadbalancer' is not a field of trafficPolicy.
    @SuppressWarnings("unchecked")
    Map<String, Object> policy = (Map<String, Object>) spec(legacyTypo).get("trafficPolicy");
    policy.put("loadbalancer", policy.remove("loadBalancer"));
    assertFalse(schemas.validate(legacyTypo).isEmpty(), "an unknown field must fail");

    Map<String, Object> wrongVersion = deepCopy(dr.plain());
    wrongVersion.put("apiVersion", "networking.istio.io/v2");
    assertFalse(schemas.validate(wrongVersion).isEmpty());

    RenderedObject gateway = result.objectsOf("cluster01").stream()
        .filter(o -> o.kind().equals("Gateway")).findFirst().orElseThrow();
    assertEquals(List.of(), schemas.validate(gateway.plain()));
    Map<String, Object> badMode = deepCopy(gateway.plain());
    @SuppressWarnings("unchecked")
    Map<String, Object> server = ((List<Map<String, Object>>) spec(badMode).get("servers")).get(0);
    server.put("tls", Map.of("mode", "PASSTHRU"));
    assertFalse(schemas.validate(badMode).isEmpty(), "an unknown server TLS mode must fail");

    RenderedObject namespace = new Renderer().render(Scenarios.syncNamespaces(), AllocationLedger.empty())
        .objectsOf("west").stream().filter(o -> o.kind().equals("Namespace")).findFirst().orElseThrow();
    assertEquals(List.of(), schemas.validate(namespace.plain()));
    Map<String, Object> badNamespace = deepCopy(namespace.plain());
    badNamespace.put("spec", Map.of("finalizers", List.of("x")));
    assertFalse(schemas.validate(badNamespace).isEmpty());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> object) {
    return (Map<String, Object>) object.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static <T> T deepCopy(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put((String) k, deepCopy(v)));
      return (T) out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(deepCopy(v)));
      return (T) out;
    }
    return value;
  }
}
