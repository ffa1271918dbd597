package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.TestRepos;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Contract v2, section 2: what is rendered where, and when. */
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

  static String source(Map<String, Object> object) {
    return (String) ((Map<?, ?>) at(object, "metadata.annotations")).get(Renderer.SOURCE_ANNOTATION);
  }

  @Test
  void seedClusterOneHostsProductpageAndCallsHttpbin() {
    RenderResult result = render(TestIntents.seed());
    assertEquals(List.of(
        "default/authorizationpolicy-meshgate-productpage.yaml",
        "default/destinationrule-meshgate-productpage.yaml",
        "default/peerauthentication-meshgate-productpage.yaml",
        "istio-system/destinationrule-meshgate-httpbin-default-global.yaml",
        "istio-system/destinationrule-meshgate-productpage-default-global.yaml",
        "istio-system/gateway-meshgate-global.yaml",
        "istio-system/serviceentry-meshgate-httpbin-default-global.yaml",
        "istio-system/serviceentry-meshgate-productpage-default-global.yaml"), paths(result, "cluster01"));

    // The client side of httpbin: ServiceEntry and DestinationRule in the sync namespace, for all.
    Map<String, Object> se = object(result, "cluster01", "istio-system/serviceentry-meshgate-httpbin-default-global.yaml");
    assertEquals("networking.istio.io/v1", se.get("apiVersion"));
    assertEquals("meshgate-httpbin-default-global", at(se, "metadata.name"));
    assertEquals("istio-system", at(se, "metadata.namespace"));
    assertEquals(Map.of("app.kubernetes.io/managed-by", "meshgate"), at(se, "metadata.labels"));
    assertEquals("intents/services/httpbin.yaml", source(se));
    assertEquals(List.of("httpbin.default.global"), at(se, "spec.hosts"));
    assertEquals(List.of("*"), at(se, "spec.exportTo"));
    assertEquals("MESH_INTERNAL", at(se, "spec.location"));
    assertEquals("DNS", at(se, "spec.resolution"));
    assertEquals(List.of(preferred("httpbin.default.global")), at(se, "spec.addresses"));
    assertEquals(Map.of("number", 8000, "name", "http-8000", "protocol", "HTTP"), at(se, "spec.ports.0"));
    assertEquals(List.of(Map.of("address", "172.25.55.50", "ports", Map.of("http-8000", 15443))), at(se, "spec.endpoints"));
    Map<String, Object> dr = object(result, "cluster01", "istio-system/destinationrule-meshgate-httpbin-default-global.yaml");
    assertEquals("httpbin.default.global", at(dr, "spec.host"));
    assertEquals(List.of("*"), at(dr, "spec.exportTo"));
    assertEquals(Map.of("tls", Map.of("mode", "ISTIO_MUTUAL")), at(dr, "spec.trafficPolicy"));

    // productpage, hosted here: the in-cluster rule keeps its cookie hash (callers in H pick pods).
    Map<String, Object> local = object(result, "cluster01", "default/destinationrule-meshgate-productpage.yaml");
    assertEquals("productpage.default.svc.cluster.local", at(local, "spec.host"));
    assertEquals("ISTIO_MUTUAL", at(local, "spec.trafficPolicy.tls.mode"));
    assertEquals(Map.of("name", "user1", "ttl", "0s"), at(local, "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie"));
    assertEquals(10, at(local, "spec.trafficPolicy.connectionPool.tcp.maxConnections"));
    assertEquals(Map.of("consecutive5xxErrors", 8, "interval", "5m", "baseEjectionTime", "15m"),
        at(local, "spec.trafficPolicy.outlierDetection"));

    // Its `.global` pair in H: endpoint = the Kubernetes Service, for the gateway's SNI route.
    Map<String, Object> hostedSe = object(result, "cluster01", "istio-system/serviceentry-meshgate-productpage-default-global.yaml");
    assertEquals(List.of(Map.of("address", "productpage.default.svc.cluster.local", "ports", Map.of("http-9080", 9080))),
        at(hostedSe, "spec.endpoints"));
    assertEquals(List.of(preferred("productpage.default.global")), at(hostedSe, "spec.addresses"));
    Map<String, Object> hostedDr = object(result, "cluster01", "istio-system/destinationrule-meshgate-productpage-default-global.yaml");
    assertNull(at(hostedDr, "spec.trafficPolicy.loadBalancer"), "a hash cannot reach through the gateway");
    assertEquals(1000, at(hostedDr, "spec.trafficPolicy.connectionPool.http.http2MaxRequests"));
    assertEquals(8, at(hostedDr, "spec.trafficPolicy.outlierDetection.consecutive5xxErrors"));

    Map<String, Object> gateway = object(result, "cluster01", "istio-system/gateway-meshgate-global.yaml");
    assertEquals(Map.of("istio", "eastwestgateway"), at(gateway, "spec.selector"));
    assertEquals(List.of(Map.of("port", Map.of("number", 15443, "name", "tls-meshgate", "protocol", "TLS"),
        "tls", Map.of("mode", "AUTO_PASSTHROUGH"), "hosts", List.of("*.global"))), at(gateway, "spec.servers"));
    assertEquals("intents/clusters/clusters.yaml", source(gateway));

    Map<String, Object> pa = object(result, "cluster01", "default/peerauthentication-meshgate-productpage.yaml");
    assertEquals("security.istio.io/v1", pa.get("apiVersion"));
    assertEquals(Map.of("app", "productpage"), at(pa, "spec.selector.matchLabels"));
    assertEquals("STRICT", at(pa, "spec.mtls.mode"));

    Map<String, Object> ap = object(result, "cluster01", "default/authorizationpolicy-meshgate-productpage.yaml");
    assertEquals("ALLOW", at(ap, "spec.action"));
    assertEquals(2, ((List<?>) at(ap, "spec.rules")).size());
    assertEquals(List.of("cluster.local/ns/default/sa/bookinfo-user"), at(ap, "spec.rules.0.from.0.source.principals"));
    assertEquals(List.of("cluster.local/ns/default/sa/sleep"), at(ap, "spec.rules.1.from.0.source.principals"));
    assertEquals(Map.of("methods", List.of("GET"), "paths", List.of("/static*")), at(ap, "spec.rules.1.to.0.operation"));
  }

  @Test
  void seedClusterTwoIsTheMirrorImageAndHasNothingForTheClientsOwnHost() {
    RenderResult result = render(TestIntents.seed());
    assertEquals(List.of(
        "default/authorizationpolicy-meshgate-httpbin.yaml",
        "default/peerauthentication-meshgate-httpbin.yaml",
        "istio-system/destinationrule-meshgate-httpbin-default-global.yaml",
        "istio-system/destinationrule-meshgate-productpage-default-global.yaml",
        "istio-system/gateway-meshgate-global.yaml",
        "istio-system/serviceentry-meshgate-httpbin-default-global.yaml",
        "istio-system/serviceentry-meshgate-productpage-default-global.yaml"), paths(result, "cluster02"),
        "httpbin configures no traffic settings: no in-cluster DestinationRule; sleep gets none for its own host");
    Map<String, Object> se = object(result, "cluster02", "istio-system/serviceentry-meshgate-productpage-default-global.yaml");
    assertEquals(List.of(Map.of("address", "172.25.55.210", "ports", Map.of("http-9080", 15443))), at(se, "spec.endpoints"));
    Map<String, Object> ap = object(result, "cluster02", "default/authorizationpolicy-meshgate-httpbin.yaml");
    assertEquals(List.of("cluster.local/ns/default/sa/sleep"), at(ap, "spec.rules.0.from.0.source.principals"));
    assertEquals(Map.of("methods", List.of("POST"), "paths", List.of("/headers")), at(ap, "spec.rules.0.to.1.operation"));
  }

  /**
   * billing speaks HTTPS: its application terminates the TLS the client's sidecar originates, so the
   * gateway passes it through by SNI (a terminating server would hand the application plain text).
   */
  @Test
  void simpleIsOriginatedByTheClientsSidecarAndPassedThroughToAnApplicationThatTerminatesTls() {
    RenderResult result = render(Scenarios.simpleTls());
    assertEquals(List.of(
        "default/peerauthentication-meshgate-billing.yaml",
        "istio-system/destinationrule-meshgate-billing-default-global.yaml",
        "istio-system/gateway-meshgate-billing-default-global.yaml",
        "istio-system/gateway-meshgate-global.yaml",
        "istio-system/serviceentry-meshgate-billing-default-global.yaml",
        "istio-system/virtualservice-meshgate-billing-default-global.yaml"), paths(result, "east"));
    assertEquals("PERMISSIVE", at(object(result, "east", "default/peerauthentication-meshgate-billing.yaml"), "spec.mtls.mode"));

    Map<String, Object> gateway = object(result, "east", "istio-system/gateway-meshgate-billing-default-global.yaml");
    assertEquals(List.of(Map.of("port", Map.of("number", 15444, "name", "tls-15444", "protocol", "TLS"),
        "tls", Map.of("mode", "PASSTHROUGH"),
        "hosts", List.of("billing.default.global"))), at(gateway, "spec.servers"));
    Map<String, Object> vs = object(result, "east", "istio-system/virtualservice-meshgate-billing-default-global.yaml");
    assertEquals(List.of("billing.default.global"), at(vs, "spec.hosts"));
    assertEquals(List.of("istio-system/meshgate-billing-default-global"), at(vs, "spec.gateways"));
    assertEquals(List.of("."), at(vs, "spec.exportTo"));
    assertEquals(List.of(Map.of("match", List.of(Map.of("port", 15444, "sniHosts", List.of("billing.default.global"))),
        "route", List.of(Map.of("destination", Map.of("host", "billing.default.svc.cluster.local",
            "port", Map.of("number", 8443)))))), at(vs, "spec.tls"));

    assertEquals(List.of(
        "default/destinationrule-meshgate-billing-default-global-web.yaml",
        "istio-system/serviceentry-meshgate-billing-default-global.yaml"), paths(result, "west"),
        "no ISTIO_MUTUAL rule in the sync namespace: it would be wrong for this host");
    Map<String, Object> se = object(result, "west", "istio-system/serviceentry-meshgate-billing-default-global.yaml");
    assertEquals(Map.of("https-8443", 15444), at(se, "spec.endpoints.0.ports"), "the TLS server's port");
    Map<String, Object> dr = object(result, "west", "default/destinationrule-meshgate-billing-default-global-web.yaml");
    assertEquals("billing.default.global", at(dr, "spec.host"));
    assertEquals(Map.of("matchLabels", Map.of("app", "web")), at(dr, "spec.workloadSelector"));
    assertEquals(List.of("."), at(dr, "spec.exportTo"));
    assertEquals(Map.of("mode", "SIMPLE", "credentialName", "billing-ca", "sni", "billing.default.global"),
        at(dr, "spec.trafficPolicy.tls"));
    assertEquals("intents/clients/web-to-billing.yaml", source(dr));
  }

  @Test
  void mutualAcrossLogicalCloudsAuthorizesTheGatewayForTheCallersItForwards() {
    RenderResult result = render(Scenarios.mutualAcrossClouds());
    Map<String, Object> gateway = object(result, "east", "istio-system/gateway-meshgate-ledger-finance-global.yaml");
    assertEquals(Map.of("mode", "MUTUAL", "credentialName", "ledger-tls"), at(gateway, "spec.servers.0.tls"),
        "ledger speaks HTTP: the gateway terminates the TLS");
    assertEquals(List.of(Map.of("match", List.of(Map.of("port", 15444)), "route", List.of(Map.of("destination",
        Map.of("host", "ledger.finance.svc.cluster.local", "port", Map.of("number", 9443)))))),
        at(object(result, "east", "istio-system/virtualservice-meshgate-ledger-finance-global.yaml"), "spec.tcp"));

    Map<String, Object> dr = object(result, "north", "finance/destinationrule-meshgate-ledger-finance-global-payer.yaml");
    assertEquals(Map.of("mode", "MUTUAL", "credentialName", "payer-client-tls", "sni", "ledger.finance.global"),
        at(dr, "spec.trafficPolicy.tls"));
    assertEquals(Map.of("tcp", Map.of("maxConnections", 20)), at(dr, "spec.trafficPolicy.connectionPool"),
        "circuit breaking travels with the caller's TLS settings");
    assertEquals(Map.of("http-9443", 15444),
        at(object(result, "north", "istio-system/serviceentry-meshgate-ledger-finance-global.yaml"), "spec.endpoints.0.ports"));
    // The Istio mTLS client in west goes through AUTO_PASSTHROUGH as usual.
    assertEquals(Map.of("http-9443", 15443),
        at(object(result, "west", "istio-system/serviceentry-meshgate-ledger-finance-global.yaml"), "spec.endpoints.0.ports"));
    assertEquals("ISTIO_MUTUAL",
        at(object(result, "west", "istio-system/destinationrule-meshgate-ledger-finance-global.yaml"), "spec.trafficPolicy.tls.mode"));

    Map<String, Object> ap = object(result, "east", "finance/authorizationpolicy-meshgate-ledger.yaml");
    assertEquals(List.of("cluster.local/ns/finance/sa/auditor"), at(ap, "spec.rules.0.from.0.source.principals"));
    assertEquals(List.of("finance"), at(ap, "spec.rules.1.from.0.source.namespaces"));
    assertEquals(List.of("istio-system"), at(ap, "spec.rules.2.from.0.source.namespaces"),
        "the TLS-terminating gateway calls the service with its own identity");
    assertEquals(3, ((List<?>) at(ap, "spec.rules")).size(), "the MUTUAL caller has no principal of its own here");
  }

  @Test
  void istioMutualAndMutualClientsOfOneHostInOneClusterRenderTheIstioSide() {
    // MG-TLS-04 denies this; what is rendered keeps the Istio mTLS port and both client settings.
    RenderResult result = render(Scenarios.mixedTlsInOneCluster());
    assertEquals(Map.of("https-9443", 15443),
        at(object(result, "west", "istio-system/serviceentry-meshgate-ledger-finance-global.yaml"), "spec.endpoints.0.ports"));
    assertTrue(paths(result, "west").contains("istio-system/destinationrule-meshgate-ledger-finance-global.yaml"));
    assertTrue(paths(result, "west").contains("finance/destinationrule-meshgate-ledger-finance-global-payer.yaml"));
  }

  @Test
  void tcpServicesAreAuthorizedByIdentityAndPortOnly() {
    RenderResult result = render(Scenarios.tcpAccessByPort());
    Map<String, Object> ap = object(result, "east", "cache/authorizationpolicy-meshgate-redis.yaml");
    List<?> rules = (List<?>) at(ap, "spec.rules");
    assertEquals(3, rules.size());
    assertEquals(List.of("cluster.local/ns/shop/sa/cart"), at(ap, "spec.rules.0.from.0.source.principals"));
    assertEquals(List.of("cluster.local/ns/shop/sa/warmer"), at(ap, "spec.rules.1.from.0.source.principals"));
    assertEquals(List.of("shop"), at(ap, "spec.rules.2.from.0.source.namespaces"));
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of(Map.of("operation", Map.of("ports", List.of("6379")))), at(ap, "spec.rules." + i + ".to"));
    }
  }

  @Test
  void httpFieldsOfAccessAreNeverRenderedOnAnOpaquePort() {
    // MG-AUTHZ-03 denies this intent; were it published, the rule would still admit by port only.
    IntentSet intents = Scenarios.twoClusters()
        .service(new TestIntents.Service("vault").cluster("east").protocol(io.meshgate.intent.Protocol.HTTPS).port(8200))
        .client(new TestIntents.Client("app-to-vault").service("app").cluster("west").target("vault")
            .access(Scenarios.access("GET", "/v1/secret/*")))
        .build();
    Map<String, Object> ap = object(render(intents), "east", "default/authorizationpolicy-meshgate-vault.yaml");
    assertEquals(List.of(Map.of("operation", Map.of("ports", List.of("8200")))), at(ap, "spec.rules.0.to"));
  }

  @Test
  void aSimpleServiceCalledOnlyWithIstioMutualGetsNoTlsServer() {
    IntentSet intents = Scenarios.twoClusters()
        .service(new TestIntents.Service("rates").cluster("east").mutualTLS(io.meshgate.intent.TlsMode.SIMPLE)
            .credentialName("rates-tls"))
        .client(new TestIntents.Client("dash-to-rates").service("dash").cluster("west").target("rates")
            .mutualTLS(io.meshgate.intent.TlsMode.ISTIO_MUTUAL))
        .build();
    RenderResult result = render(intents);
    assertEquals(List.of("istio-system/gateway-meshgate-global.yaml"),
        paths(result, "east").stream().filter(p -> p.contains("gateway-") || p.contains("virtualservice-")).toList());
    assertEquals(Map.of("http-8000", 15443),
        at(object(result, "west", "istio-system/serviceentry-meshgate-rates-default-global.yaml"), "spec.endpoints.0.ports"));
  }

  @Test
  void hashBalancingStaysInTheHostingClusterAndSimpleBalancingTravels() {
    RenderResult result = render(Scenarios.tcp());
    Map<String, Object> pg = object(result, "east", "db/destinationrule-meshgate-postgres.yaml");
    assertEquals(Map.of("useSourceIp", true, "minimumRingSize", 2048), at(pg, "spec.trafficPolicy.loadBalancer.consistentHash"));
    Map<String, Object> pgGlobal = object(result, "west", "istio-system/destinationrule-meshgate-postgres-db-global.yaml");
    assertNull(at(pgGlobal, "spec.trafficPolicy.loadBalancer"));
    assertEquals(Map.of("tcp", Map.of("maxConnections", 50)), at(pgGlobal, "spec.trafficPolicy.connectionPool"));
    Map<String, Object> se = object(result, "west", "istio-system/serviceentry-meshgate-postgres-db-global.yaml");
    assertEquals(Map.of("number", 5432, "name", "tcp-5432", "protocol", "TCP"), at(se, "spec.ports.0"));
    Map<String, Object> grpc = object(result, "west", "istio-system/destinationrule-meshgate-grpc-api-default-global.yaml");
    assertEquals(Map.of("simple", "LEAST_REQUEST"), at(grpc, "spec.trafficPolicy.loadBalancer"));
    assertEquals(Map.of("consecutive5xxErrors", 3, "interval", "30s"), at(grpc, "spec.trafficPolicy.outlierDetection"));
    // Two services in one client cluster get distinct addresses.
    assertNotEquals(at(object(result, "west", "istio-system/serviceentry-meshgate-grpc-api-default-global.yaml"),
        "spec.addresses"), at(se, "spec.addresses"));
  }

  @Test
  void aServiceWithoutSidecarGetsItsTrafficSettingsButNoPeerOrAuthorizationPolicy() {
    RenderResult result = render(Scenarios.noSidecar());
    assertEquals(List.of("default/destinationrule-meshgate-legacy.yaml"), paths(result, "east"));
    Map<String, Object> dr = object(result, "east", "default/destinationrule-meshgate-legacy.yaml");
    assertEquals(Map.of("mode", "DISABLE"), at(dr, "spec.trafficPolicy.tls"), "plain text towards a pod without sidecar");
    assertEquals(5, at(dr, "spec.trafficPolicy.connectionPool.tcp.maxConnections"));
    assertEquals(List.of(), paths(result, "west"));
  }

  @Test
  void syncNamespacesHoldTheGlobalObjectsAndAreCreatedUnlessTheyAreIstiosRoot() {
    RenderResult result = render(Scenarios.syncNamespaces());
    assertEquals(List.of(
        "gateways/gateway-meshgate-global.yaml",
        "mesh-sync/destinationrule-meshgate-orders-shop-global.yaml",
        "mesh-sync/namespace-mesh-sync.yaml",
        "mesh-sync/serviceentry-meshgate-orders-shop-global.yaml",
        "shop/authorizationpolicy-meshgate-orders.yaml",
        "shop/peerauthentication-meshgate-orders.yaml"), paths(result, "east"));
    assertEquals(List.of(
        "meshgate-remote/destinationrule-meshgate-orders-shop-global.yaml",
        "meshgate-remote/namespace-meshgate-remote.yaml",
        "meshgate-remote/serviceentry-meshgate-orders-shop-global.yaml"), paths(result, "west"));
    Map<String, Object> ns = object(result, "west", "meshgate-remote/namespace-meshgate-remote.yaml");
    assertEquals("v1", ns.get("apiVersion"));
    assertEquals(Map.of("name", "meshgate-remote", "labels", Map.of("app.kubernetes.io/managed-by", "meshgate"),
        "annotations", Map.of("meshgate.io/source", "intents/clusters.yaml",
            "kustomize.toolkit.fluxcd.io/prune", "disabled", "argocd.argoproj.io/sync-options", "Prune=false")),
        ns.get("metadata"));
    assertNull(ns.get("spec"));
    Map<String, Object> gateway = object(result, "east", "gateways/gateway-meshgate-global.yaml");
    assertEquals(Map.of("app", "ew-gw"), at(gateway, "spec.selector"));
    Map<String, Object> ap = object(result, "east", "shop/authorizationpolicy-meshgate-orders.yaml");
    assertEquals(Map.of("app.kubernetes.io/name", "orders"), at(ap, "spec.selector.matchLabels"));
  }

  @Test
  void principalsCarryTheClientClustersTrustDomain() {
    RenderResult result = render(Scenarios.trustDomainAliases());
    Map<String, Object> ap = object(result, "east", "default/authorizationpolicy-meshgate-catalog.yaml");
    assertEquals(List.of("west.example.com/ns/default/sa/web"), at(ap, "spec.rules.0.from.0.source.principals"));
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
    for (String cluster : List.of("old", "mid")) {
      for (String kind : List.of("Gateway", "VirtualService", "ServiceEntry", "DestinationRule")) {
        assertTrue(result.objectsOf(cluster).stream().anyMatch(o -> o.kind().equals(kind)), cluster + " " + kind);
      }
    }
    Map<String, Object> ap = object(result, "old", "default/authorizationpolicy-meshgate-api.yaml");
    assertEquals(List.of("mid.example/ns/default/sa/shop"), at(ap, "spec.rules.0.from.0.source.principals"));
    // new-to-api has no access list: it may do anything, but it is named, not locked out.
    assertEquals(List.of("cluster.local/ns/default/sa/shop"), at(ap, "spec.rules.1.from.0.source.principals"));
    assertNull(at(ap, "spec.rules.1.to"));
    assertEquals(List.of("default"), at(ap, "spec.rules.2.from.0.source.namespaces"));
  }

  @Test
  void allowedNamespacesGiveANamespaceRuleAndNoRulesMeanNoPolicy() {
    RenderResult result = render(Scenarios.allowedNamespaces());
    Map<String, Object> ap = object(result, "east", "default/authorizationpolicy-meshgate-reports.yaml");
    assertEquals(2, ((List<?>) at(ap, "spec.rules")).size());
    assertEquals(List.of("cluster.local/ns/analytics/sa/bi"), at(ap, "spec.rules.0.from.0.source.principals"));
    assertEquals(List.of("default", "analytics"), at(ap, "spec.rules.1.from.0.source.namespaces"));
    assertFalse(paths(result, "east").contains("default/authorizationpolicy-meshgate-open.yaml"),
        "an ALLOW policy without rules would deny everything");
  }

  @Test
  void everyObjectIsNamedWithThePrefixAndCarriesLabelAndSource() {
    for (var scenario : Scenarios.all().entrySet()) {
      for (List<RenderedObject> objects : render(scenario.getValue()).clusters().values()) {
        for (RenderedObject o : objects) {
          String where = scenario.getKey() + ": " + o.cluster() + "/" + o.relativePath();
          if (!o.kind().equals("Namespace")) {
            assertTrue(o.name().startsWith(Renderer.NAME_PREFIX), where);
          }
          assertEquals("meshgate", ((Map<?, ?>) at(o.plain(), "metadata.labels")).get(Renderer.MANAGED_BY_LABEL), where);
          assertTrue(source(o.plain()).startsWith("intents/"), where);
        }
      }
    }
  }

  @Test
  void plainObjectsAreWhatTheFilesSay() {
    RenderResult result = render(TestIntents.seed());
    Map<String, List<Map<String, Object>>> plain = result.asPlainObjects();
    assertEquals(List.of("cluster01", "cluster02"), new ArrayList<>(plain.keySet()));
    assertEquals(8, plain.get("cluster01").size());
    Map<String, Object> first = plain.get("cluster01").get(0);
    assertEquals(List.of("apiVersion", "kind", "metadata", "spec"), new ArrayList<>(first.keySet()));
    assertEquals("AuthorizationPolicy", first.get("kind"));
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
        .service(new TestIntents.Service("here").cluster("east")
            .loadBalancing(new InboundService.LoadBalancing("RANDOM", null)))
        .client(new TestIntents.Client("c").cluster("east").target("ghost"))
        .client(new TestIntents.Client("d").cluster("elsewhere").target("here"))
        .build();
    RenderResult result = render(intents);
    assertEquals(List.of("default/destinationrule-meshgate-here.yaml", "default/peerauthentication-meshgate-here.yaml"),
        paths(result, "east"));
  }

  // ---- multi-port services, headless services, mTLS defaults, allowedNamespaces: [] ------------

  static IntentSet fixture(String name) {
    LoadResult load = IntentLoader.load(TestRepos.root().resolve("repo-fixtures/valid/" + name + "/intents"));
    assertEquals(List.of(), load.violations(), name);
    return load.intents();
  }

  @Test
  void everyPortIsCarriedByTheServiceEntriesAndNamedByItsPodPortInTheAuthorizationPolicy() {
    RenderResult result = render(fixture("multi-port"));
    List<Map<String, Object>> ports = List.of(
        Map.of("number", 8080, "name", "http-api", "protocol", "HTTP"),
        Map.of("number", 9090, "name", "grpc", "protocol", "GRPC"),
        Map.of("number", 5432, "name", "tcp-ledger", "protocol", "TCP"));
    Map<String, Object> client = object(result, "west", "istio-system/serviceentry-meshgate-orders-shop-global.yaml");
    assertEquals(ports, at(client, "spec.ports"));
    assertEquals(Map.of("http-api", 15443, "grpc", 15443, "tcp-ledger", 15443), at(client, "spec.endpoints.0.ports"));
    Map<String, Object> hosted = object(result, "east", "istio-system/serviceentry-meshgate-orders-shop-global.yaml");
    assertEquals(ports, at(hosted, "spec.ports"));
    assertEquals(Map.of("http-api", 8080, "grpc", 9090, "tcp-ledger", 5432), at(hosted, "spec.endpoints.0.ports"),
        "the Kubernetes Service's own ports (it maps 5432 to the pods' 15432)");

    Map<String, Object> ap = object(result, "east", "shop/authorizationpolicy-meshgate-orders.yaml");
    assertEquals(List.of(Map.of("operation", Map.of("ports", List.of("8080", "9090", "15432")))), at(ap, "spec.rules.0.to"),
        "billing has no access list: every port of a service with a TCP port, by the pods' ports");
    assertEquals(List.of(Map.of("operation", Map.of("ports", List.of("15432")))), at(ap, "spec.rules.1.to"),
        "reporter: the TCP port only, by its targetPort");
    assertEquals(List.of(
        Map.of("operation", Map.of("ports", List.of("8080"), "methods", List.of("GET"), "paths", List.of("/orders*"))),
        Map.of("operation", Map.of("ports", List.of("9090"), "methods", List.of("POST"),
            "paths", List.of("/orders.v1.Orders/Get", "/orders.v1.Orders/List")))), at(ap, "spec.rules.2.to"));
  }

  /** Istio drops a whole ALLOW rule with HTTP-only fields on TCP traffic: ports-only operations get their own rule. */
  @Test
  void aClientsOperationsOnTcpPortsAreARuleApartFromItsHttpOperations() {
    IntentSet intents = new TestIntents()
        .cluster(new TestIntents.ClusterBuilder("c1"))
        .service(new TestIntents.Service("orders").cluster("c1").ports(
            new InboundService.Port(8080, "http", io.meshgate.intent.Protocol.HTTP, null),
            new InboundService.Port(5432, "db", io.meshgate.intent.Protocol.TCP, null)))
        .client(new TestIntents.Client("web-to-orders").cluster("c1").target("orders").access(
            new io.meshgate.intent.ServiceClient.AccessRule(List.of("GET"), null, List.of("http")),
            new io.meshgate.intent.ServiceClient.AccessRule(null, null, List.of("5432"))))
        .build();
    Map<String, Object> ap = object(render(intents), "c1", "default/authorizationpolicy-meshgate-orders.yaml");
    assertEquals(List.of(Map.of("operation", Map.of("ports", List.of("8080"), "methods", List.of("GET")))),
        at(ap, "spec.rules.0.to"));
    assertEquals(List.of(Map.of("operation", Map.of("ports", List.of("5432")))), at(ap, "spec.rules.1.to"));
    assertEquals(at(ap, "spec.rules.0.from"), at(ap, "spec.rules.1.from"));
  }

  @Test
  void aHeadlessServiceIsResolvedToEveryPodByTheHostedServiceEntry() {
    RenderResult result = render(fixture("headless"));
    Map<String, Object> hosted = object(result, "data", "istio-system/serviceentry-meshgate-search-data-global.yaml");
    assertEquals("DNS", at(hosted, "spec.resolution"), "DNS keeps every address the name resolves to");
    assertEquals(List.of(Map.of("address", "search.data.svc.cluster.local", "ports", Map.of("http", 9200, "tcp-transport", 9300))),
        at(hosted, "spec.endpoints"));
    assertFalse(paths(result, "apps").stream().anyMatch(p -> p.contains("zookeeper")),
        "zookeeper is used in its own cluster only");
  }

  @Test
  void aClustersMtlsDefaultsArePeerAuthenticationsWithoutSelectorAndKeepASimpleServiceStrict() {
    RenderResult result = render(fixture("namespace-mtls-defaults"));
    Map<String, Object> mesh = object(result, "east", "istio-system/peerauthentication-meshgate-mtls-defaults.yaml");
    assertEquals(Map.of("mtls", Map.of("mode", "STRICT")), at(mesh, "spec"), "no selector: the whole mesh");
    assertEquals("PERMISSIVE", at(object(result, "east", "legacy/peerauthentication-meshgate-mtls-defaults.yaml"), "spec.mtls.mode"));
    assertEquals("STRICT", at(object(result, "west", "payments/peerauthentication-meshgate-mtls-defaults.yaml"), "spec.mtls.mode"));
    assertEquals("intents/intents.yaml", source(mesh));
    assertEquals("STRICT", at(object(result, "east", "payments/peerauthentication-meshgate-reports.yaml"), "spec.mtls.mode"),
        "a SIMPLE service is not made PERMISSIVE below its namespace's STRICT default when no declared caller lacks a sidecar");
  }

  @Test
  void aSidecarlessCallerKeepsASimpleServicePermissiveUnderAStrictDefault() {
    IntentSet intents = new TestIntents()
        .cluster(new TestIntents.ClusterBuilder("c1"))
        .service(new TestIntents.Service("reports").cluster("c1").mutualTLS(io.meshgate.intent.TlsMode.SIMPLE)
            .credentialName("reports-tls"))
        .client(new TestIntents.Client("job-to-reports").cluster("c1").target("reports").sidecar(false)
            .mutualTLS(io.meshgate.intent.TlsMode.SIMPLE))
        .build();
    Map<String, Object> pa = object(render(intents), "c1", "default/peerauthentication-meshgate-reports.yaml");
    assertEquals("PERMISSIVE", at(pa, "spec.mtls.mode"), "without defaults");
  }

  @Test
  void anEmptyAllowedNamespacesListAdmitsOnlyTheDeclaredClients() {
    RenderResult result = render(fixture("allowed-namespaces-empty"));
    Map<String, Object> ap = object(result, "cluster02", "default/authorizationpolicy-meshgate-httpbin.yaml");
    assertEquals(List.of(Map.of("from", List.of(Map.of("source", Map.of("principals", List.of("cluster.local/ns/tools/sa/sleep")))))),
        at(ap, "spec.rules"), "one rule naming sleep, no namespaces rule");
  }
}
