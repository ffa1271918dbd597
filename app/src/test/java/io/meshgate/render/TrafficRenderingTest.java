package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where traffic management lands and what it says (the golden files pin every byte; these name the
 * decisions): labelled subsets where the endpoints are pods, unlabelled where they are a gateway;
 * the hosting cluster's pod-selecting {@code .global} ServiceEntry; DENY policies; DISABLE; locality
 * failover endpoints and the gateway's pinning rule.
 */
class TrafficRenderingTest {

  @TempDir Path work;

  static RenderResult fixture(String name) {
    LoadResult load = IntentLoader.load(TestRepos.root().resolve("repo-fixtures/valid/" + name + "/intents"));
    assertFalse(load.hasErrors(), () -> load.violations().toString());
    return new Renderer().render(load.intents(), AllocationLedger.empty());
  }

  static Map<String, Object> object(RenderResult result, String cluster, String path) {
    return result.objectsOf(cluster).stream().filter(o -> o.relativePath().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + path + " in " + cluster + ": "
            + result.objectsOf(cluster).stream().map(RenderedObject::relativePath).toList()))
        .plain();
  }

  @SuppressWarnings("unchecked")
  static Object at(Object node, String path) {
    Object current = node;
    for (String part : path.split("\\.")) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(part);
      } else if (current instanceof List<?> list) {
        current = list.get(Integer.parseInt(part));
      } else {
        return null;
      }
    }
    return current;
  }

  @Test
  void subsetsAreLabelledWherePodsAreTheEndpointsAndBareWhereAGatewayIs() {
    RenderResult result = fixture("routing-by-header");
    Map<String, Object> client = object(result, "cluster01", "istio-system/destinationrule-meshgate-reviews-bookinfo-global.yaml");
    assertEquals(List.of(Map.of("name", "v1"), Map.of("name", "v2")), at(client, "spec.subsets"));
    Map<String, Object> hosted = object(result, "cluster02", "bookinfo/destinationrule-meshgate-reviews-bookinfo-global.yaml");
    assertEquals(Map.of("version", "v2"), at(hosted, "spec.subsets.1.labels"));
    Map<String, Object> local = object(result, "cluster02", "bookinfo/destinationrule-meshgate-reviews.yaml");
    assertEquals("reviews.bookinfo.svc.cluster.local", at(local, "spec.host"));
    assertEquals(Map.of("version", "v1"), at(local, "spec.subsets.0.labels"));
  }

  @Test
  void oneIdentityCallingFromTwoClustersWithTheSameAccessIsOneAllowRule() {
    // productpage (bookinfo/productpage) calls reviews from cluster01 and from cluster02 with the same
    // access: Istio cannot tell the two apart, and a second identical rule would be noise.
    RenderResult result = fixture("routing-by-header");
    Map<String, Object> policy = object(result, "cluster02", "bookinfo/authorizationpolicy-meshgate-reviews.yaml");
    List<?> rules = (List<?>) at(policy, "spec.rules");
    assertEquals(1, rules.size(), rules.toString());
    assertEquals(List.of("cluster.local/ns/bookinfo/sa/productpage"), at(policy, "spec.rules.0.from.0.source.principals"));
  }

  @Test
  void theHostingClustersGlobalServiceEntrySelectsThePodsInTheServicesNamespace() {
    RenderResult result = fixture("routing-by-header");
    Map<String, Object> se = object(result, "cluster02", "bookinfo/serviceentry-meshgate-reviews-bookinfo-global.yaml");
    assertEquals(Map.of("labels", Map.of("app", "reviews")), at(se, "spec.workloadSelector"));
    assertEquals("STATIC", at(se, "spec.resolution"));
    assertNull(at(se, "spec.endpoints"));
    assertEquals(9080, at(se, "spec.ports.0.targetPort"));
  }

  @Test
  void everyCallerGetsTheSameRoutesForItsHost() {
    RenderResult result = fixture("routing-by-header");
    Map<String, Object> remote = object(result, "cluster01", "istio-system/virtualservice-meshgate-reviews-bookinfo-global.yaml");
    Map<String, Object> local = object(result, "cluster02", "bookinfo/virtualservice-meshgate-reviews.yaml");
    assertEquals(Map.of("end-user", Map.of("exact", "john")), at(remote, "spec.http.0.match.0.headers"));
    assertEquals(Map.of("host", "reviews.bookinfo.global", "subset", "v2"), at(remote, "spec.http.0.route.0.destination"));
    assertEquals(Map.of("host", "reviews.bookinfo.svc.cluster.local", "subset", "v2"), at(local, "spec.http.0.route.0.destination"));
    assertNull(at(remote, "spec.gateways"), "sidecars only");
  }

  @Test
  void weightsRetriesFaultsAndMirrorsAreIstiosFields() {
    Map<String, Object> canary = object(fixture("canary-90-10"), "cluster01", "istio-system/virtualservice-meshgate-reviews-bookinfo-global.yaml");
    assertEquals(90, at(canary, "spec.http.0.route.0.weight"));
    assertEquals(10, at(canary, "spec.http.0.route.1.weight"));
    Map<String, Object> retries = object(fixture("retries-timeout"), "cluster01", "istio-system/virtualservice-meshgate-ratings-bookinfo-global.yaml");
    assertEquals("10s", at(retries, "spec.http.0.timeout"));
    assertEquals(Map.of("attempts", 2, "perTryTimeout", "2s", "retryOn", "5xx,connect-failure,reset"), at(retries, "spec.http.0.retries"));
    Map<String, Object> chaos = object(fixture("fault-mirror-staging"), "stage-a", "istio-system/virtualservice-meshgate-payments-shop-global.yaml");
    assertEquals(Map.of("httpStatus", 503, "percentage", Map.of("value", 50)), at(chaos, "spec.http.0.fault.abort"));
    assertEquals(Map.of("fixedDelay", "5s", "percentage", Map.of("value", 100)), at(chaos, "spec.http.1.fault.delay"));
    assertEquals(Map.of("destination", Map.of("host", "payments.shop.global", "subset", "v2"), "percentage", Map.of("value", 100)),
        at(chaos, "spec.http.2.mirrors.0"));
  }

  @Test
  void aFractionalPercentageStaysAFractionAndARouteWithoutDestinationTakesTheService() throws IOException {
    Path intents = Files.createDirectories(work.resolve("intents"));
    Files.writeString(intents.resolve("mesh.yaml"), """
        apiVersion: meshgate.io/v1alpha1
        kind: Cluster
        metadata: {name: a}
        spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: s}
        spec:
          service: s
          cluster: a
          protocol: HTTP
          port: 80
          mutualTLS: ISTIO_MUTUAL
          routes: [{fault: {abort: {httpStatus: 500, percentage: 0.5}}}]
        """);
    LoadResult load = IntentLoader.load(intents);
    assertFalse(load.hasErrors(), () -> load.violations().toString());
    RenderResult result = new Renderer().render(load.intents(), AllocationLedger.empty());
    Map<String, Object> vs = object(result, "a", "default/virtualservice-meshgate-s.yaml");
    assertEquals(0.5, at(vs, "spec.http.0.fault.abort.percentage.value"));
    // A route without destinations sends to the whole service.
    assertEquals(List.of(Map.of("destination", Map.of("host", "s.default.svc.cluster.local"))), at(vs, "spec.http.0.route"));
    assertTrue(result.objectsOf("a").stream().filter(o -> o.kind().equals("VirtualService")).findFirst().orElseThrow()
        .toYaml().contains("value: 0.5"));
  }

  @Test
  void denyRulesBecomeADenyPolicyBesideTheAllowPolicy() {
    RenderResult result = fixture("viewers-get-head");
    Map<String, Object> deny = object(result, "cluster02", "docs/authorizationpolicy-meshgate-documents-deny.yaml");
    assertEquals("DENY", at(deny, "spec.action"));
    assertEquals(Map.of("matchLabels", Map.of("app", "documents")), at(deny, "spec.selector"));
    assertEquals(List.of("viewers"), at(deny, "spec.rules.0.from.0.source.namespaces"));
    assertEquals(List.of("GET", "HEAD"), at(deny, "spec.rules.0.to.0.operation.notMethods"));
    assertEquals(List.of("docs"), at(deny, "spec.rules.1.from.0.source.notNamespaces"));
    assertEquals("ALLOW", at(object(result, "cluster02", "docs/authorizationpolicy-meshgate-documents.yaml"), "spec.action"));
  }

  @Test
  void workloadsWithoutSidecarAreCalledInPlainText() {
    RenderResult result = fixture("legacy-no-sidecar");
    Map<String, Object> namespace = object(result, "cluster01", "legacy/destinationrule-meshgate-no-sidecar.yaml");
    assertEquals("*.legacy.svc.cluster.local", at(namespace, "spec.host"));
    assertEquals("DISABLE", at(namespace, "spec.trafficPolicy.tls.mode"));
    Map<String, Object> service = object(result, "cluster01", "legacy/destinationrule-meshgate-httpbin.yaml");
    assertEquals("DISABLE", at(service, "spec.trafficPolicy.tls.mode"));
    assertTrue(result.objectsOf("cluster01").stream().noneMatch(o -> o.kind().equals("PeerAuthentication")
        && "legacy".equals(o.namespace())), "nothing enforces a PeerAuthentication without sidecar");
  }

  @Test
  void aServiceInTwoClustersListsItsCopiesWithTheirLocalities() {
    RenderResult result = fixture("failover-two-clusters");
    Map<String, Object> east = object(result, "east", "istio-system/serviceentry-meshgate-checkout-shop-global.yaml");
    assertEquals(Map.of("address", "checkout.shop.svc.cluster.local", "ports", Map.of("http-8080", 8080), "locality", "us-east1"),
        at(east, "spec.endpoints.0"));
    assertEquals(Map.of("address", "10.2.0.10", "ports", Map.of("http-8080", 15443), "locality", "us-west1"),
        at(east, "spec.endpoints.1"));
    Map<String, Object> north = object(result, "north", "istio-system/serviceentry-meshgate-checkout-shop-global.yaml");
    assertEquals(List.of("10.1.0.10", "10.2.0.10"), List.of(at(north, "spec.endpoints.0.address"), at(north, "spec.endpoints.1.address")));
    Map<String, Object> rule = object(result, "north", "istio-system/destinationrule-meshgate-checkout-shop-global.yaml");
    assertEquals(Map.of("enabled", true), at(rule, "spec.trafficPolicy.loadBalancer.localityLbSetting"));
    assertEquals(3, at(rule, "spec.trafficPolicy.outlierDetection.consecutive5xxErrors"));
    Map<String, Object> pin = object(result, "west", "istio-system/destinationrule-meshgate-checkout-shop-global-gateway.yaml");
    assertEquals(Map.of("matchLabels", Map.of("istio", "eastwestgateway")), at(pin, "spec.workloadSelector"));
    assertEquals(List.of(Map.of("from", "us-west1/*", "to", Map.of("us-west1/*", 100))),
        at(pin, "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute"));
    // Both copies are hosts of the .global name, each with its own gateway.
    for (String cluster : List.of("east", "west")) {
      assertTrue(result.objectsOf(cluster).stream().anyMatch(o -> o.relativePath().equals("istio-system/gateway-meshgate-global.yaml")),
          cluster);
    }
  }

  @Test
  void theLocalityPatternCoversTheWrittenLocality() {
    assertEquals("us-east1/*", Failover.localityPattern("us-east1"));
    assertEquals("us-east1/b/*", Failover.localityPattern("us-east1/b"));
    assertEquals("us-east1/b/c", Failover.localityPattern("us-east1/b/c"));
  }

  @Test
  void aServiceWithoutTrafficManagementRendersAsBefore() {
    IntentSet seed = IntentLoader.load(TestRepos.seedIntents()).intents();
    RenderResult result = new Renderer().render(seed, AllocationLedger.empty());
    assertTrue(result.clusters().values().stream().flatMap(List::stream)
        .noneMatch(o -> o.kind().equals("VirtualService") && !o.name().endsWith("-global")));
  }
}
