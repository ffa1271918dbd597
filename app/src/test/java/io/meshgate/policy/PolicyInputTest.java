package io.meshgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyInputTest {

  @TempDir Path repo;

  private static Path seed() {
    return Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize()
        .resolve("repo-fixtures/seed/intents");
  }

  @Test
  @SuppressWarnings("unchecked")
  void seedInputHasTheContractShapeWithDefaults() {
    LoadResult loaded = IntentLoader.load(seed());
    Map<String, Object> input = PolicyInput.build(loaded, Map.of("cluster01", List.of(Map.of("kind", "ServiceEntry"))));

    assertEquals(List.of("clusters", "services", "clients", "ingressRoutes", "externalServices", "endUserAuths",
        "rendered", "overlays"), List.copyOf(input.keySet()));
    assertEquals(Map.of(), input.get("ingressRoutes"));
    assertEquals(Map.of(), input.get("overlays"));
    Map<String, Object> cluster01 = (Map<String, Object>) ((Map<String, Object>) input.get("clusters")).get("cluster01");
    // The mesh edge's Cluster defaults: istioctl's ingress gateway, Istio's ALLOW_ANY.
    assertEquals(Map.of("selector", Map.of("istio", "ingressgateway"), "namespace", "istio-system",
        "serviceAccount", "istio-ingressgateway-service-account", "httpPort", 80L, "httpsPort", 443L),
        ((Map<String, Object>) cluster01.get("spec")).get("ingressGateway"));
    assertEquals("ALLOW_ANY", ((Map<String, Object>) cluster01.get("spec")).get("outboundTrafficPolicy"));
    Map<String, Object> clients = (Map<String, Object>) input.get("clients");
    assertEquals(List.of("bookinfo-user-to-productpage", "sleep-to-httpbin", "sleep-to-productpage"), List.copyOf(clients.keySet()));
    Map<String, Object> sleep = (Map<String, Object>) clients.get("sleep-to-httpbin");
    assertEquals("sleep-to-httpbin", sleep.get("name"));
    assertEquals("ServiceClient", sleep.get("kind"));
    assertEquals("meshgate.io/v1alpha1", sleep.get("apiVersion"));
    assertEquals(Map.of("file", "intents/clients/sleep-to-httpbin.yaml", "line", 1), sleep.get("source"));
    Map<String, Object> spec = (Map<String, Object>) sleep.get("spec");
    // Defaults filled in: serviceAccount = service, sidecar true, mutualTLS = the target's.
    assertEquals("sleep", spec.get("serviceAccount"));
    assertEquals(Boolean.TRUE, spec.get("sidecar"));
    assertEquals("ISTIO_MUTUAL", spec.get("mutualTLS"));
    assertEquals(Map.of("cluster01", List.of(Map.of("kind", "ServiceEntry"))), input.get("rendered"));
    assertEquals(input, PolicyInput.build(IntentLoader.load(seed()), Map.of("cluster01", List.of(Map.of("kind", "ServiceEntry")))));
  }

  /**
   * A document's entry is its name, its fields in the order written (a "name" or "source" field of
   * its own replaced), apiVersion (null when absent), its kind and its source, and is immutable.
   */
  @Test
  @SuppressWarnings("unchecked")
  void entryKeepsTheDocumentsOrderAndCannotBeChanged() throws Exception {
    Path intents = Files.createDirectories(repo.resolve("intents"));
    Files.writeString(intents.resolve("c.yaml"), "kind: Cluster\nsource: mine\nmetadata:\n  name: c1\n"
        + "name: mine\nspec:\n  network: n1\n  logicalCloud: lc\n  zeta: [1, 2]\n");
    LoadResult loaded = IntentLoader.load(intents);
    Map<String, Object> entry = (Map<String, Object>) ((Map<String, Object>) PolicyInput.build(loaded, null)
        .get("clusters")).get("c1");
    assertEquals(List.of("name", "kind", "metadata", "spec", "apiVersion", "source"), List.copyOf(entry.keySet()));
    assertEquals("c1", entry.get("name"));
    assertTrue(entry.containsKey("apiVersion"));
    assertEquals(null, entry.get("apiVersion"));
    assertEquals(Map.of("file", "intents/c.yaml", "line", 1), entry.get("source"));
    assertEquals(List.of(1L, 2L), ((Map<String, Object>) entry.get("spec")).get("zeta"));
    assertThrows(UnsupportedOperationException.class, () -> entry.put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> ((Map<String, Object>) entry.get("spec")).put("x", 1));
  }

  /**
   * Through a memory, a document whose content and place did not change keeps the last input's
   * entry (the same map, which the embedded engine recognises by reference); any other gets a new one.
   */
  @Test
  @SuppressWarnings("unchecked")
  void unchangedDocumentsKeepTheirEntriesThroughAMemory() throws Exception {
    io.meshgate.diff.PullRequestRepo.copy(seed(), repo);
    PolicyInput.Memory memory = new PolicyInput.Memory();
    Map<String, Object> first = PolicyInput.build(IntentLoader.load(repo), Map.of(), memory);
    Path client = repo.resolve("clients/sleep-to-httpbin.yaml");
    Files.writeString(client, "# a comment moves the document one line down\n" + Files.readString(client));
    // The first of two documents in one file changes; the second stays where it was.
    Path both = repo.resolve("clients/productpage-clients.yaml");
    Files.writeString(both, Files.readString(both).replace("  service: sleep\n", "  service: sleepy\n"));

    Map<String, Object> second = PolicyInput.build(IntentLoader.load(repo), Map.of(), memory);

    Map<String, Object> before = (Map<String, Object>) first.get("clients");
    Map<String, Object> after = (Map<String, Object>) second.get("clients");
    assertTrue(before.get("bookinfo-user-to-productpage") == after.get("bookinfo-user-to-productpage"), "unchanged: the same entry");
    assertFalse(before.get("sleep-to-httpbin") == after.get("sleep-to-httpbin"), "moved: a new entry");
    assertEquals(2, ((Map<String, Object>) ((Map<String, Object>) after.get("sleep-to-httpbin")).get("source")).get("line"));
    assertFalse(before.get("sleep-to-productpage") == after.get("sleep-to-productpage"), "changed: a new entry");
    assertEquals(PolicyInput.build(IntentLoader.load(repo), Map.of()), second, "the same input as without a memory");
    // A collection none of whose documents changed is the last input's map itself.
    assertTrue(first.get("services") == second.get("services"), "no service changed: the same map");
    assertFalse(first.get("clients") == second.get("clients"), "clients changed: a new map");

    Map<String, Object> third = PolicyInput.build(IntentLoader.load(repo), Map.of(), memory);
    assertTrue(second.get("clients") == third.get("clients"), "nothing changed: the same map");
    // A document gone (and none changed): a new map without it.
    Files.delete(client);
    Map<String, Object> fourth = PolicyInput.build(IntentLoader.load(repo), Map.of(), memory);
    assertFalse(third.get("clients") == fourth.get("clients"), "a client gone: a new map");
    assertFalse(((Map<String, Object>) fourth.get("clients")).containsKey("sleep-to-httpbin"));
    assertEquals(PolicyInput.build(IntentLoader.load(repo), Map.of()), fourth, "the same input as without a memory");
  }

  /** The shorthand stays as written beside the normalised list; a ports list is normalised in place. */
  @Test
  @SuppressWarnings("unchecked")
  void servicesShowTheGivenPortFieldsAndTheNormalisedList() throws Exception {
    Path intents = Files.createDirectories(repo.resolve("intents"));
    Files.writeString(intents.resolve("s.yaml"), """
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: short}
        spec: {service: short, cluster: c, protocol: GRPC, port: 9090, mutualTLS: ISTIO_MUTUAL}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: listed}
        spec:
          service: listed
          cluster: c
          mutualTLS: ISTIO_MUTUAL
          ports: [{number: 8080, protocol: HTTP}, {number: 5432, name: db, protocol: TCP, targetPort: 15432}]
        """);
    Map<String, Object> services = (Map<String, Object>) PolicyInput.build(IntentLoader.load(intents), null).get("services");
    Map<String, Object> shortSpec = (Map<String, Object>) ((Map<String, Object>) services.get("short")).get("spec");
    assertEquals("GRPC", shortSpec.get("protocol"));
    assertEquals(9090L, shortSpec.get("port"));
    assertEquals(List.of(Map.of("number", 9090L, "name", "grpc-9090", "protocol", "GRPC", "targetPort", 9090L)),
        shortSpec.get("ports"));
    Map<String, Object> listedSpec = (Map<String, Object>) ((Map<String, Object>) services.get("listed")).get("spec");
    assertFalse(listedSpec.containsKey("port"));
    assertFalse(listedSpec.containsKey("protocol"));
    assertEquals(List.of(Map.of("number", 8080L, "name", "http-8080", "protocol", "HTTP", "targetPort", 8080L),
        Map.of("number", 5432L, "name", "db", "protocol", "TCP", "targetPort", 15432L)), listedSpec.get("ports"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void invalidDocumentsAndUnknownFieldsReachThePolicies() throws Exception {
    Path intents = Files.createDirectories(repo.resolve("intents"));
    Files.writeString(intents.resolve("bad.yaml"), """
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata:
          name: leaky
        spec:
          service: leaky
          cluster: cluster01
          protocol: HTTP
          port: not-a-number
          mutualTLS: SIMPLE
          privateKey: |
            -----BEGIN PRIVATE KEY-----
            MIIB
            -----END PRIVATE KEY-----
        """);
    LoadResult loaded = IntentLoader.load(intents);
    assertTrue(loaded.hasErrors(), "the fixture must have a schema error");

    Map<String, Object> input = PolicyInput.build(loaded, null);

    Map<String, Object> leaky = (Map<String, Object>) ((Map<String, Object>) input.get("services")).get("leaky");
    assertTrue(((Map<String, Object>) leaky.get("spec")).get("privateKey").toString().contains("-----BEGIN "));
    assertEquals(Map.of(), input.get("rendered"));
  }

  @Test
  void findingsArePlacedAtTheirFieldOrDocument() {
    LoadResult loaded = IntentLoader.load(seed());
    PolicyDecision decision = new PolicyDecision(
        List.of(new PolicyFinding("MG-REF-01", Severity.ERROR, "unknown target", "ServiceClient", "sleep-to-httpbin", "spec.target"),
            new PolicyFinding("MG-ADDR-01", Severity.ERROR, "on a rendered entry", "ServiceEntry", "x-default-global", "spec.addresses")),
        List.of(new PolicyFinding("MG-CB-01", Severity.WARNING, "no pool", "InboundService", "httpbin", "spec.outlierDetection")));

    List<Violation> violations = PolicyViolations.toViolations(decision, loaded);

    Violation target = violations.stream().filter(v -> v.rule().equals("MG-REF-01")).findFirst().orElseThrow();
    assertEquals("intents/clients/sleep-to-httpbin.yaml", target.file());
    assertEquals(10, target.line());
    assertEquals(Severity.ERROR, target.severity());
    Violation unplaced = violations.stream().filter(v -> v.rule().equals("MG-ADDR-01")).findFirst().orElseThrow();
    assertEquals(null, unplaced.file());
    Violation warning = violations.stream().filter(v -> v.rule().equals("MG-CB-01")).findFirst().orElseThrow();
    assertEquals(Severity.WARNING, warning.severity());
    assertEquals("intents/services/httpbin.yaml", warning.file());
    assertEquals(7, warning.line(), "an absent field falls back to its nearest enclosing mapping (spec:)");
    assertFalse(warning.isError());
  }
}
