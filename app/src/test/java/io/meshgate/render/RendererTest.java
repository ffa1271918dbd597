package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendererTest {

  /** The address a host is given when its preference is free (see AddressAllocator). */
  private static String preferred(String host) {
    return AddressAllocator.format(AddressAllocator.FIRST + AddressAllocator.preferredSlot(host));
  }


  static RenderResult render(IntentSet intents) {
    return new Renderer().render(intents, AllocationLedger.empty());
  }

  static List<String> paths(RenderResult result, String cluster) {
    return result.objectsOf(cluster).stream().map(RenderedObject::relativePath).toList();
  }

  static Map<String, Object> object(RenderResult result, String cluster, String path) {
    return result.objectsOf(cluster).stream().filter(o -> o.relativePath().equals(path)).findFirst()
        .map(RenderedObject::plain)
        .orElseThrow(() -> new AssertionError(cluster + " has no " + path + "; it has " + paths(result, cluster)));
  }

  /** Value at a dotted path; numeric segments index lists. Null when absent. */
  static Object at(Object node, String path) {
    for (String part : path.split("\\.")) {
      if (node instanceof Map<?, ?> map) {
        node = map.get(part);
      } else if (node instanceof List<?> list && part.matches("\\d+")) {
        int i = Integer.parseInt(part);
        node = i < list.size() ? list.get(i) : null;
      } else {
        return null;
      }
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  @Test
  void seedClusterOneGetsHttpbinEntryAndProductpagePolicies() {
    RenderResult result = render(TestIntents.seed());
    assertEquals(List.of(
        "default/authorizationpolicy-productpage.yaml",
        "default/destinationrule-httpbin-default-global.yaml",
        "default/destinationrule-productpage.yaml",
        "default/destinationrule-sleep.yaml",
        "default/peerauthentication-productpage.yaml",
        "default/serviceentry-httpbin-default-global.yaml"), paths(result, "cluster01"));

    Map<String, Object> se = object(result, "cluster01", "default/serviceentry-httpbin-default-global.yaml");
    assertEquals("networking.istio.io/v1", se.get("apiVersion"));
    assertEquals("ServiceEntry", se.get("kind"));
    assertEquals("httpbin-default-global", at(se, "metadata.name"));
    assertEquals("default", at(se, "metadata.namespace"));
    assertEquals(Map.of("app.kubernetes.io/managed-by", "meshgate"), at(se, "metadata.labels"));
    assertEquals("intents/services/httpbin.yaml",
        ((Map<?, ?>) at(se, "metadata.annotations")).get("meshgate.io/source"));
    assertEquals(List.of("httpbin.default.global"), at(se, "spec.hosts"));
    assertEquals("MESH_INTERNAL", at(se, "spec.location"));
    assertEquals("DNS", at(se, "spec.resolution"));
    assertEquals(List.of(preferred("httpbin.default.global")), at(se, "spec.addresses"));
    assertEquals(Map.of("number", 8000, "name", "http-8000", "protocol", "HTTP"), at(se, "spec.ports.0"));
    assertEquals("172.25.55.50", at(se, "spec.endpoints.0.address"));
    assertEquals(Map.of("http-8000", 15443), at(se, "spec.endpoints.0.ports"));

    Map<String, Object> globalDr = object(result, "cluster01", "default/destinationrule-httpbin-default-global.yaml");
    assertEquals("httpbin.default.global", at(globalDr, "spec.host"));
    assertEquals(Map.of("mode", "ISTIO_MUTUAL"), at(globalDr, "spec.trafficPolicy.tls"));

    Map<String, Object> dr = object(result, "cluster01", "default/destinationrule-productpage.yaml");
    assertEquals("productpage.default.svc.cluster.local", at(dr, "spec.host"));
    assertEquals("ISTIO_MUTUAL", at(dr, "spec.trafficPolicy.tls.mode"));
    assertEquals(Map.of("name", "user1", "ttl", "0s"),
        at(dr, "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie"));
    assertEquals(10, at(dr, "spec.trafficPolicy.connectionPool.tcp.maxConnections"));
    assertEquals(1000, at(dr, "spec.trafficPolicy.connectionPool.http.http2MaxRequests"));
    assertEquals(100, at(dr, "spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection"));
    assertEquals(Map.of("consecutive5xxErrors", 8, "interval", "5m", "baseEjectionTime", "15m"),
        at(dr, "spec.trafficPolicy.outlierDetection"));

    Map<String, Object> pa = object(result, "cluster01", "default/peerauthentication-productpage.yaml");
    assertEquals("security.istio.io/v1", pa.get("apiVersion"));
    assertEquals(Map.of("app", "productpage"), at(pa, "spec.selector.matchLabels"));
    assertEquals("STRICT", at(pa, "spec.mtls.mode"));

    Map<String, Object> ap = object(result, "cluster01", "default/authorizationpolicy-productpage.yaml");
    assertEquals("ALLOW", at(ap, "spec.action"));
    assertEquals(Map.of("app", "productpage"), at(ap, "spec.selector.matchLabels"));
    assertEquals(2, ((List<?>) at(ap, "spec.rules")).size());
    // Rules follow client names: bookinfo-user-to-productpage, then sleep-to-productpage.
    assertEquals(List.of("cluster.local/ns/default/sa/bookinfo-user"), at(ap, "spec.rules.0.from.0.source.principals"));
    assertEquals(List.of("cluster.local/ns/default/sa/sleep"), at(ap, "spec.rules.1.from.0.source.principals"));
    assertEquals(Map.of("methods", List.of("GET"), "paths", List.of("/static*")), at(ap, "spec.rules.1.to.0.operation"));
    assertEquals(Map.of("methods", List.of("GET"), "paths", List.of("/api/v1/products")),
        at(ap, "spec.rules.1.to.1.operation"));

    Map<String, Object> clientDr = object(result, "cluster01", "default/destinationrule-sleep.yaml");
    assertEquals("sleep.default.svc.cluster.local", at(clientDr, "spec.host"));
    assertEquals(Map.of("mode", "ISTIO_MUTUAL"), at(clientDr, "spec.trafficPolicy.tls"));
    assertEquals("intents/clients/sleep-to-httpbin.yaml",
        ((Map<?, ?>) at(clientDr, "metadata.annotations")).get("meshgate.io/source"));
  }

  @Test
  void seedClusterTwoIsTheMirrorImage() {
    RenderResult result = render(TestIntents.seed());
    assertEquals(List.of(
        "default/authorizationpolicy-httpbin.yaml",
        "default/destinationrule-bookinfo-user.yaml",
        "default/destinationrule-httpbin.yaml",
        "default/destinationrule-productpage-default-global.yaml",
        "default/destinationrule-sleep.yaml",
        "default/peerauthentication-httpbin.yaml",
        "default/serviceentry-productpage-default-global.yaml"), paths(result, "cluster02"));
    Map<String, Object> se = object(result, "cluster02", "default/serviceentry-productpage-default-global.yaml");
    assertEquals(List.of("productpage.default.global"), at(se, "spec.hosts"));
    assertEquals("172.25.55.210", at(se, "spec.endpoints.0.address"));
    assertEquals(Map.of("http-9080", 15443), at(se, "spec.endpoints.0.ports"));
    assertEquals(List.of(preferred("productpage.default.global")), at(se, "spec.addresses"));
    Map<String, Object> ap = object(result, "cluster02", "default/authorizationpolicy-httpbin.yaml");
    assertEquals(List.of("cluster.local/ns/default/sa/sleep"), at(ap, "spec.rules.0.from.0.source.principals"));
    assertEquals(Map.of("methods", List.of("POST"), "paths", List.of("/headers")), at(ap, "spec.rules.0.to.1.operation"));
    // httpbin asks for no traffic settings: the DestinationRule carries only the TLS mode.
    Map<String, Object> dr = object(result, "cluster02", "default/destinationrule-httpbin.yaml");
    assertEquals(Map.of("tls", Map.of("mode", "ISTIO_MUTUAL")), at(dr, "spec.trafficPolicy"));
  }

  @Test
  void simpleTlsIsPermissiveAndCarriesCredentials() {
    RenderResult result = render(Scenarios.simpleTls());
    Map<String, Object> dr = object(result, "east", "default/destinationrule-billing.yaml");
    assertEquals(Map.of("mode", "SIMPLE", "credentialName", "billing-tls"), at(dr, "spec.trafficPolicy.tls"));
    assertEquals("PERMISSIVE", at(object(result, "east", "default/peerauthentication-billing.yaml"), "spec.mtls.mode"));
    Map<String, Object> se = object(result, "west", "default/serviceentry-billing-default-global.yaml");
    assertEquals(Map.of("number", 8443, "name", "https-8443", "protocol", "HTTPS"), at(se, "spec.ports.0"));
    assertEquals("172.30.0.1", at(se, "spec.endpoints.0.address"));
    Map<String, Object> global = object(result, "west", "default/destinationrule-billing-default-global.yaml");
    assertEquals(Map.of("mode", "SIMPLE", "credentialName", "billing-ca"), at(global, "spec.trafficPolicy.tls"));
    // No ISTIO_MUTUAL client, so no client-side DestinationRule; no access, so no AuthorizationPolicy.
    assertEquals(List.of("default/destinationrule-billing-default-global.yaml",
        "default/serviceentry-billing-default-global.yaml"), paths(result, "west"));
    assertFalse(paths(result, "east").contains("default/authorizationpolicy-billing.yaml"));
  }

  @Test
  void mutualTargetWithDisagreeingClientsFollowsTheClientUsingTheTargetsMode() {
    RenderResult result = render(Scenarios.mutualTls());
    assertEquals("PERMISSIVE", at(object(result, "east", "finance/peerauthentication-ledger.yaml"), "spec.mtls.mode"));
    Map<String, Object> global = object(result, "west", "finance/destinationrule-ledger-finance-global.yaml");
    assertEquals("ledger.finance.global", at(global, "spec.host"));
    assertEquals(Map.of("mode", "MUTUAL", "credentialName", "payer-client-tls"), at(global, "spec.trafficPolicy.tls"));
    // The ISTIO_MUTUAL client still gets its own client-side rule; the MUTUAL one does not.
    assertTrue(paths(result, "west").contains("finance/destinationrule-auditor.yaml"));
    assertFalse(paths(result, "west").contains("finance/destinationrule-payer.yaml"));
  }

  @Test
  void tcpAndGrpcServicesRenderTheirPortsAndTrafficSettings() {
    RenderResult result = render(Scenarios.tcp());
    Map<String, Object> pg = object(result, "east", "db/destinationrule-postgres.yaml");
    assertEquals(Map.of("useSourceIp", true, "minimumRingSize", 2048),
        at(pg, "spec.trafficPolicy.loadBalancer.consistentHash"));
    assertEquals(Map.of("tcp", Map.of("maxConnections", 50)), at(pg, "spec.trafficPolicy.connectionPool"));
    Map<String, Object> se = object(result, "west", "db/serviceentry-postgres-db-global.yaml");
    assertEquals(Map.of("number", 5432, "name", "tcp-5432", "protocol", "TCP"), at(se, "spec.ports.0"));
    assertEquals(Map.of("tcp-5432", 15443), at(se, "spec.endpoints.0.ports"));
    Map<String, Object> grpc = object(result, "east", "default/destinationrule-grpc-api.yaml");
    assertEquals(Map.of("simple", "LEAST_REQUEST"), at(grpc, "spec.trafficPolicy.loadBalancer"));
    assertEquals(Map.of("consecutive5xxErrors", 3, "interval", "30s"), at(grpc, "spec.trafficPolicy.outlierDetection"));
    // Two services in one client cluster get distinct addresses.
    assertNotEquals(at(object(result, "west", "default/serviceentry-grpc-api-default-global.yaml"),
        "spec.addresses"), at(se, "spec.addresses"));
  }

  @Test
  void withoutSidecarTheHostingClusterGetsNothingButClientsStillReachIt() {
    RenderResult result = render(Scenarios.noSidecar());
    assertEquals(List.of(), paths(result, "east"));
    assertEquals(List.of("default/destinationrule-legacy-default-global.yaml",
        "default/serviceentry-legacy-default-global.yaml"), paths(result, "west"));
  }

  @Test
  void clustersGetTheIstioApiVersionTheyAskFor() {
    RenderResult result = render(Scenarios.apiVersions());
    for (RenderedObject o : result.objectsOf("old")) {
      String expected = o.kind().endsWith("Policy") || o.kind().equals("PeerAuthentication")
          ? "security.istio.io/v1beta1" : "networking.istio.io/v1alpha3";
      assertEquals(expected, o.plain().get("apiVersion"), o.relativePath());
    }
    for (RenderedObject o : result.objectsOf("mid")) {
      String expected = o.kind().endsWith("Policy") || o.kind().equals("PeerAuthentication")
          ? "security.istio.io/v1beta1" : "networking.istio.io/v1beta1";
      assertEquals(expected, o.plain().get("apiVersion"), o.relativePath());
    }
    for (RenderedObject o : result.objectsOf("new")) {
      assertTrue(((String) o.plain().get("apiVersion")).endsWith("/v1"), o.relativePath());
    }
    assertTrue(result.objectsOf("old").stream().anyMatch(o -> o.kind().equals("AuthorizationPolicy")));
    assertTrue(result.objectsOf("old").stream().anyMatch(o -> o.kind().equals("ServiceEntry")));
    // The principal uses the trust domain of the client's cluster.
    Map<String, Object> ap = object(result, "old", "default/authorizationpolicy-api.yaml");
    assertEquals(List.of("mid.example/ns/default/sa/shop"), at(ap, "spec.rules.0.from.0.source.principals"));
    // new-to-api has no access list: it may do anything, but it is named, not locked out.
    assertEquals(List.of("cluster.local/ns/default/sa/shop"), at(ap, "spec.rules.1.from.0.source.principals"));
    assertNull(at(ap, "spec.rules.1.to"));
    assertEquals(List.of("default"), at(ap, "spec.rules.2.from.0.source.namespaces"));
  }

  @Test
  void allowedNamespacesGiveANamespaceRuleAndNoRulesMeanNoPolicy() {
    RenderResult result = render(Scenarios.allowedNamespaces());
    Map<String, Object> ap = object(result, "east", "default/authorizationpolicy-reports.yaml");
    List<?> rules = (List<?>) at(ap, "spec.rules");
    assertEquals(2, rules.size());
    assertEquals(List.of("cluster.local/ns/analytics/sa/bi"), at(ap, "spec.rules.0.from.0.source.principals"));
    assertEquals(List.of("default", "analytics"), at(ap, "spec.rules.1.from.0.source.namespaces"));
    assertFalse(paths(result, "east").contains("default/authorizationpolicy-open.yaml"),
        "an ALLOW policy without rules would deny everything");
  }

  @Test
  void plainObjectsAreWhatTheFilesSay() {
    RenderResult result = render(TestIntents.seed());
    Map<String, List<Map<String, Object>>> plain = result.asPlainObjects();
    assertEquals(List.of("cluster01", "cluster02"), new ArrayList<>(plain.keySet()));
    assertEquals(6, plain.get("cluster01").size());
    Map<String, Object> first = plain.get("cluster01").get(0);
    assertEquals(List.of("apiVersion", "kind", "metadata", "spec"), new ArrayList<>(first.keySet()));
    assertEquals("AuthorizationPolicy", first.get("kind"));
    assertNotNull(new LinkedHashMap<>(first));
  }

  @Test
  void everyDeclaredClusterIsPresentEvenWithoutObjects() {
    IntentSet intents = new TestIntents().cluster("lonely", "lc1", "10.1.1.1").build();
    RenderResult result = render(intents);
    assertEquals(List.of("lonely"), new ArrayList<>(result.clusters().keySet()));
    assertTrue(result.objectsOf("lonely").isEmpty());
  }

  @Test
  void referencesToUnknownClustersAreSkippedNotFatal() {
    IntentSet intents = new TestIntents().cluster("east", "lc1", "10.1.1.1")
        .service(new TestIntents.Service("ghost").cluster("nowhere"))
        .client(new TestIntents.Client("c").cluster("east").target("ghost"))
        .client(new TestIntents.Client("d").cluster("elsewhere").target("missing"))
        .build();
    RenderResult result = render(intents);
    // Only the ISTIO_MUTUAL client's own DestinationRule can be rendered.
    assertEquals(List.of("default/destinationrule-sleep.yaml"), paths(result, "east"));
  }

  @Test
  void aHostedDestinationRuleWinsOverTheClientSideOneOfTheSameName() {
    IntentSet intents = Scenarios.twoClusters()
        .service(new TestIntents.Service("sleep").cluster("east")
            .loadBalancing(new io.meshgate.intent.InboundService.LoadBalancing("RANDOM", null)))
        .service(new TestIntents.Service("remote").cluster("west"))
        .client(new TestIntents.Client("sleep-to-remote").service("sleep").cluster("east").target("remote"))
        .build();
    RenderResult result = render(intents);
    Map<String, Object> dr = object(result, "east", "default/destinationrule-sleep.yaml");
    assertEquals(Map.of("simple", "RANDOM"), at(dr, "spec.trafficPolicy.loadBalancer"));
    assertEquals("intents/services/sleep.yaml",
        ((Map<?, ?>) at(dr, "metadata.annotations")).get("meshgate.io/source"));
    assertEquals(1, paths(result, "east").stream().filter(p -> p.equals("default/destinationrule-sleep.yaml")).count());
  }
}
