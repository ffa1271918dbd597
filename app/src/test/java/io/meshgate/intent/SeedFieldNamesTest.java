package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The seed's field names in an intent file get their meshgate field from {@link SeedFieldNames}
 * (the table {@code meshgate import emco} converts with), never "allowed fields: ..." or a
 * look-alike; and writing what the message says makes the finding go away.
 */
class SeedFieldNamesTest {
  @TempDir Path work;

  /** A value as the seed writes it, per seed field. */
  private static final Map<String, Object> SEED_VALUES = Map.ofEntries(
      Map.entry("userData1", "owner"), Map.entry("userData2", "cost centre 7"),
      Map.entry("application", "app1"), Map.entry("servicename", "httpbin"), Map.entry("istio-proxy", "yes"),
      Map.entry("loadbalancingType", "Simple"), Map.entry("loadBalancerMode", "ROUND_ROBIN"),
      Map.entry("httpCookie", "user1"), Map.entry("httpHeaderName", "x-user"), Map.entry("minimumRingSize", 1024),
      Map.entry("maxConnections", "10"), Map.entry("concurrenthttp2Requests", 1000),
      Map.entry("httpRequestPerConnection", 100), Map.entry("consecutiveErrors", 8), Map.entry("baseEjectionTime", 15),
      Map.entry("intervalSweep", "5m"), Map.entry("namespaces", List.of("default")),
      Map.entry("clientServiceName", "sleep"), Map.entry("inboundServerIntent", "httpbin"),
      Map.entry("serviceAccountAccess", Map.of("sleep", Map.of("GET", List.of("/status*")))));

  @TestFactory
  List<DynamicTest> everySeedNameGetsItsMeshgateFieldAndTheAdviceWorks() {
    List<DynamicTest> tests = new ArrayList<>();
    for (SeedFieldNames.Mapping mapping : SeedFieldNames.all()) {
      if (mapping.meshgateExtension() || mapping.target() == null || !SEED_VALUES.containsKey(mapping.seedName())) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(mapping.kind() + "." + mapping.seedName(), () -> check(mapping)));
    }
    assertEquals(24, tests.size(), "every seed-only name of both kinds is covered");
    return tests;
  }

  private void check(SeedFieldNames.Mapping mapping) throws IOException {
    String section = mapping.body() == SeedFieldNames.Body.METADATA ? "metadata" : "spec";
    Object seedValue = SEED_VALUES.get(mapping.seedName());
    Map<String, Object> document = base(mapping.kind());
    section(document, section).put(mapping.seedName(), seedValue);
    List<Violation> findings = schemaFindings(document);
    assertEquals(1, findings.size(), () -> findings.toString());
    String message = findings.get(0).message();
    assertTrue(message.startsWith("unknown field \"" + mapping.seedName() + "\" in " + section + "; \""
        + mapping.seedName() + "\" is the seed's (EMCO) name of " + mapping.target() + ": write "), message);
    assertFalse(message.contains("allowed fields") || message.contains("did you mean"), message);

    // Follow the advice: drop the seed field, write the example.
    section(document, section).remove(mapping.seedName());
    Map<String, Object> advice = new Yaml().load(SeedFieldNames.example(mapping, seedValue));
    merge(section(document, section), advice);
    assertEquals(List.of(), schemaFindings(document), () -> "after writing " + advice);
  }

  @Test
  void theSeedsEmptyNamespacesListMeansLeaveTheFieldOut() throws IOException {
    // In the seed [] admits every namespace; meshgate's allowedNamespaces: [] admits none.
    Map<String, Object> document = base(Kind.InboundService);
    section(document, "spec").put("namespaces", List.of());
    String message = schemaFindings(document).get(0).message();
    assertEquals("unknown field \"namespaces\" in spec; \"namespaces\" is the seed's (EMCO) name of spec.allowedNamespaces,"
        + " and its [] means every namespace may call: in meshgate leave allowedNamespaces out (remove this field)", message);
  }

  @Test
  void namespacesIsAllowedNamespacesNotNamespace() throws IOException {
    Map<String, Object> document = base(Kind.InboundService);
    section(document, "spec").put("namespaces", List.of("default", "batch"));
    String message = schemaFindings(document).get(0).message();
    assertEquals("unknown field \"namespaces\" in spec; \"namespaces\" is the seed's (EMCO) name of spec.allowedNamespaces:"
        + " write allowedNamespaces: [default, batch] (the namespaces whose workloads may call the service)", message);
  }

  @Test
  void seedValuesAreConvertedInTheAdviceAndUnknownLookAlikesStillGetDidYouMean() throws IOException {
    Map<String, Object> document = base(Kind.InboundService);
    section(document, "spec").put("istio-proxy", "no");
    section(document, "spec").put("baseEjectionTime", "15");
    section(document, "spec").put("serviceMesh", "istio");
    section(document, "spec").put("mutualTSL", "ISTIO_MUTUAL");
    List<String> messages = schemaFindings(document).stream().map(Violation::message).toList();
    assertTrue(messages.contains("unknown field \"istio-proxy\" in spec; \"istio-proxy\" is the seed's (EMCO) name of"
        + " spec.sidecar: write sidecar: false"), messages.toString());
    assertTrue(messages.contains("unknown field \"baseEjectionTime\" in spec; \"baseEjectionTime\" is the seed's (EMCO) name"
        + " of spec.outlierDetection.baseEjectionTime: write outlierDetection: {baseEjectionTime: 15m} (a duration with its"
        + " unit; the seed's number is minutes)"), messages.toString());
    assertTrue(messages.contains("unknown field \"serviceMesh\" in spec; \"serviceMesh\" is the seed's (EMCO) choice of"
        + " service mesh; meshgate always means Istio: remove it"), messages.toString());
    assertTrue(messages.contains("unknown field \"mutualTSL\" in spec; did you mean \"mutualTLS\"?"), messages.toString());
  }

  @Test
  void aHashLoadBalancingTypeOrModeIsAnsweredWithAConsistentHash() throws IOException {
    Map<String, Object> document = base(Kind.InboundService);
    section(document, "spec").put("loadbalancingType", "ConsistenHash");
    assertEquals(List.of("unknown field \"loadbalancingType\" in spec; \"loadbalancingType\" is the seed's (EMCO) name of"
        + " spec.loadBalancing: write loadBalancing: {consistentHash: {httpCookie: {name: user1, ttl: 0s}}} (or"
        + " loadBalancing: {simple: ROUND_ROBIN})"), schemaFindings(document).stream().map(Violation::message).toList());
    section(document, "spec").remove("loadbalancingType");
    section(document, "spec").put("loadBalancerMode", "httpHeaderName");
    assertEquals(List.of("unknown field \"loadBalancerMode\" in spec; \"loadBalancerMode\" is the seed's (EMCO) name of"
        + " spec.loadBalancing: write loadBalancing: {consistentHash: {httpHeaderName: x-user}} (or"
        + " loadBalancing: {simple: ROUND_ROBIN})"), schemaFindings(document).stream().map(Violation::message).toList());
  }

  @Test
  void meshgateFieldsWrittenAtTheWrongLevelGetTheirPlace() throws IOException {
    Map<String, Object> client = base(Kind.ServiceClient);
    section(client, "spec").put("credentialName", "sleep-tls");
    assertEquals(List.of("unknown field \"credentialName\" in spec; \"credentialName\" belongs in spec.tls.credentialName:"
        + " write tls: {credentialName: sleep-tls}"), schemaFindings(client).stream().map(Violation::message).toList());
  }

  private static Map<String, Object> base(Kind kind) {
    Map<String, Object> spec = new LinkedHashMap<>();
    if (kind == Kind.InboundService) {
      spec.putAll(Map.of("service", "httpbin", "cluster", "c1", "protocol", "HTTP", "port", 8000, "mutualTLS", "ISTIO_MUTUAL"));
    } else {
      spec.putAll(Map.of("service", "sleep", "cluster", "c1", "target", "httpbin"));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("apiVersion", Kind.API_VERSION);
    document.put("kind", kind.name());
    document.put("metadata", new LinkedHashMap<>(Map.of("name", "x")));
    document.put("spec", spec);
    return document;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> document, String name) {
    return (Map<String, Object>) document.get(name);
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> into, Map<String, Object> from) {
    from.forEach((key, value) -> {
      if (value instanceof Map<?, ?> child && into.get(key) instanceof Map<?, ?> existing) {
        merge((Map<String, Object>) existing, (Map<String, Object>) child);
      } else {
        into.put(key, value);
      }
    });
  }

  private List<Violation> schemaFindings(Map<String, Object> document) throws IOException {
    Path root = Files.createTempDirectory(work, "intents");
    Files.writeString(root.resolve("x.yaml"), new Yaml().dump(document));
    return IntentLoader.load(root).violations();
  }
}
