package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.TestRepos;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.Renderer;
import io.meshgate.report.VerifyReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Breaks the rendered objects of the traffic-management fixtures the way real misconfigurations do
 * (a subset dropped or mislabelled, weights to a missing version, a DENY rule over a declared edge,
 * DISABLE lost, failover without outlier detection, a gateway no longer kept on its own copy); verify
 * must turn red and name the edge or probe and the hop.
 */
class TrafficMutationTest {

  record Mutation(String name, String fixture, Consumer<Map<String, List<Map<String, Object>>>> change, String check,
      Hop hop) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> mutations() {
    return Stream.of(
        new Mutation("the client cluster's DestinationRule loses subset v2", "routing-by-header",
            t -> subsets(t, "cluster01", "istio-system", "meshgate-reviews-bookinfo-global").removeIf(s -> "v2".equals(s.get("name"))),
            "edge productpage-eu-to-reviews -> reviews (route john)", Hop.ROUTE),
        new Mutation("the hosting cluster's .global DestinationRule loses subset v2", "routing-by-header",
            t -> subsets(t, "cluster02", "bookinfo", "meshgate-reviews-bookinfo-global").removeIf(s -> "v2".equals(s.get("name"))),
            "edge productpage-eu-to-reviews -> reviews (route john)", Hop.GATEWAY_ROUTE),
        new Mutation("a wrong version label on the hosting side", "routing-by-header",
            t -> subsets(t, "cluster02", "bookinfo", "meshgate-reviews-bookinfo-global").get(1).put("labels", Map.of("version", "2")),
            "edge productpage-eu-to-reviews -> reviews (route john)", Hop.HOSTED_ENDPOINT),
        new Mutation("labels on the client cluster's subset (its endpoint is a gateway, without them)", "routing-by-header",
            t -> subsets(t, "cluster01", "istio-system", "meshgate-reviews-bookinfo-global").get(0).put("labels", Map.of("version", "v1")),
            "edge productpage-eu-to-reviews -> reviews", Hop.ENDPOINT),
        new Mutation("the hosting .global ServiceEntry names the Service instead of selecting the pods", "routing-by-header",
            t -> {
              Map<String, Object> se = spec(t, "cluster02", "ServiceEntry", "bookinfo", "meshgate-reviews-bookinfo-global");
              se.remove("workloadSelector");
              se.put("resolution", "DNS");
              se.put("endpoints", List.of(Map.of("address", "reviews.bookinfo.svc.cluster.local", "ports", Map.of("http-9080", 9080))));
            }, "edge productpage-eu-to-reviews -> reviews", Hop.HOSTED_ENDPOINT),
        new Mutation("weights to a version that does not exist", "canary-90-10",
            t -> destination(route(t, "cluster01", "istio-system", "meshgate-reviews-bookinfo-global", 0), 1).put("subset", "v3"),
            "edge productpage-eu-to-reviews -> reviews", Hop.ROUTE),
        new Mutation("the canary's weights in the hosting cluster to a version that does not exist", "canary-90-10",
            t -> destination(route(t, "cluster02", "bookinfo", "meshgate-reviews", 0), 1).put("subset", "v3"),
            "edge productpage-to-reviews -> reviews", Hop.ROUTE),
        new Mutation("a fault that aborts every request", "retries-timeout",
            t -> route(t, "cluster01", "istio-system", "meshgate-ratings-bookinfo-global", 0)
                .put("fault", Map.of("abort", Map.of("httpStatus", 503, "percentage", Map.of("value", 100)))),
            "edge reviews-to-ratings -> ratings", Hop.ROUTE),
        new Mutation("a DENY rule that matches a declared edge", "viewers-get-head",
            t -> rules(t, "cluster02", "docs", "meshgate-documents-deny").add(
                Map.of("from", List.of(Map.of("source", Map.of("namespaces", List.of("viewers")))),
                    "to", List.of(Map.of("operation", Map.of("methods", List.of("GET")))))),
            "edge viewer-to-documents -> documents", Hop.AUTHORIZATION_POLICY),
        new Mutation("the DENY policy is gone and the ALLOW policy admits everyone", "viewers-get-head",
            t -> {
              remove(t, "cluster02", "AuthorizationPolicy", "docs", "meshgate-documents-deny");
              spec(t, "cluster02", "AuthorizationPolicy", "docs", "meshgate-documents").put("rules", List.of(Map.of()));
            }, "probe viewer-to-documents -> documents (deny-rule 1)", Hop.AUTHORIZATION_POLICY),
        new Mutation("DISABLE lost under a mesh-wide ISTIO_MUTUAL DestinationRule", "legacy-no-sidecar",
            t -> {
              remove(t, "cluster01", "DestinationRule", "legacy", "meshgate-httpbin");
              remove(t, "cluster01", "DestinationRule", "legacy", "meshgate-no-sidecar");
              t.get("cluster01").add(object("DestinationRule", "istio-system", "mesh-mtls",
                  Map.of("host", "*.local", "trafficPolicy", Map.of("tls", Map.of("mode", "ISTIO_MUTUAL")))));
            }, "edge sleep-to-legacy-httpbin -> legacy-httpbin", Hop.PEER_AUTHENTICATION),
        new Mutation("failover without outlier detection", "failover-two-clusters",
            t -> trafficPolicy(t, "east", "istio-system", "meshgate-checkout-shop-global").remove("outlierDetection"),
            "edge cart-east-to-checkout -> checkout (east down)", Hop.ENDPOINT),
        new Mutation("locality load balancing switched off: requests leave the caller's cluster", "failover-two-clusters",
            t -> ((Map<String, Object>) map(trafficPolicy(t, "east", "istio-system", "meshgate-checkout-shop-global")
                .get("loadBalancer"))).put("localityLbSetting", Map.of("enabled", false)),
            "edge cart-east-to-checkout -> checkout", Hop.AUTHORIZATION_POLICY),
        new Mutation("the gateway's DestinationRule no longer keeps it on its own copy", "failover-two-clusters",
            t -> spec(t, "west", "DestinationRule", "istio-system", "meshgate-checkout-shop-global-gateway").remove("trafficPolicy"),
            "edge cart-east-to-checkout -> checkout (east down)", Hop.HOSTED_ENDPOINT),
        new Mutation("the other cluster's gateway is missing from a hosting cluster's endpoints", "failover-two-clusters",
            t -> ((List<?>) spec(t, "east", "ServiceEntry", "istio-system", "meshgate-checkout-shop-global").get("endpoints")).remove(1),
            "edge cart-east-to-checkout -> checkout (east down)", Hop.ENDPOINT)
    ).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void mutationTurnsVerifyRed(Mutation m) {
    LoadResult load = IntentLoader.load(TestRepos.root().resolve("repo-fixtures/valid/" + m.fixture() + "/intents"));
    assertFalse(load.hasErrors(), () -> load.violations().toString());
    IntentSet intents = load.intents();
    Map<String, List<Map<String, Object>>> tree = mutableCopy(
        new Renderer().render(intents, AllocationLedger.empty()).asPlainObjects());
    assertTrue(Verifier.verify(intents, tree, true).ok(), "the unmutated tree must verify");
    m.change().accept(tree);
    Verifier.Result result = Verifier.verify(intents, tree, true);
    String text = VerifyReport.text(result);
    assertFalse(result.ok(), () -> "verify stayed green:\n" + text);
    List<Verifier.Check> failing = new ArrayList<>();
    result.edges().stream().filter(c -> !c.ok()).forEach(failing::add);
    result.probes().stream().filter(c -> !c.ok()).forEach(failing::add);
    Verifier.Check named = failing.stream().filter(c -> VerifyReport.line(c).contains(m.check() + ":")).findFirst()
        .orElseThrow(() -> new AssertionError("no failure names " + m.check() + ":\n" + text));
    Hop hop = named.trace().failure() != null ? named.trace().failure().hop() : named.trace().last().hop();
    assertEquals(m.hop(), hop, text);
  }

  // ---- editing plain objects -------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static Map<String, List<Map<String, Object>>> mutableCopy(Map<String, List<Map<String, Object>>> tree) {
    Map<String, List<Map<String, Object>>> out = new TreeMap<>();
    tree.forEach((cluster, objects) -> {
      List<Map<String, Object>> list = new ArrayList<>();
      objects.forEach(o -> list.add((Map<String, Object>) copy(o)));
      out.put(cluster, list);
    });
    return out;
  }

  private static Object copy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(copy(v)));
      return out;
    }
    return value;
  }

  static Map<String, Object> find(Map<String, List<Map<String, Object>>> tree, String cluster, String kind,
      String namespace, String name) {
    for (Map<String, Object> o : tree.get(cluster)) {
      Map<String, Object> meta = map(o.get("metadata"));
      if (kind.equals(o.get("kind")) && name.equals(meta.get("name")) && namespace.equals(meta.get("namespace"))) {
        return o;
      }
    }
    throw new AssertionError("no " + kind + " " + namespace + "/" + name + " in " + cluster);
  }

  static Map<String, Object> spec(Map<String, List<Map<String, Object>>> tree, String cluster, String kind,
      String namespace, String name) {
    return map(find(tree, cluster, kind, namespace, name).get("spec"));
  }

  static void remove(Map<String, List<Map<String, Object>>> tree, String cluster, String kind, String namespace, String name) {
    tree.get(cluster).remove(find(tree, cluster, kind, namespace, name));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> subsets(Map<String, List<Map<String, Object>>> tree, String cluster, String namespace,
      String name) {
    return (List<Map<String, Object>>) spec(tree, cluster, "DestinationRule", namespace, name).get("subsets");
  }

  static Map<String, Object> trafficPolicy(Map<String, List<Map<String, Object>>> tree, String cluster, String namespace,
      String name) {
    return map(spec(tree, cluster, "DestinationRule", namespace, name).get("trafficPolicy"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> route(Map<String, List<Map<String, Object>>> tree, String cluster, String namespace,
      String name, int index) {
    return ((List<Map<String, Object>>) spec(tree, cluster, "VirtualService", namespace, name).get("http")).get(index);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> destination(Map<String, Object> route, int index) {
    return map(((List<Map<String, Object>>) route.get("route")).get(index).get("destination"));
  }

  @SuppressWarnings("unchecked")
  static List<Object> rules(Map<String, List<Map<String, Object>>> tree, String cluster, String namespace, String name) {
    return (List<Object>) spec(tree, cluster, "AuthorizationPolicy", namespace, name).get("rules");
  }

  static Map<String, Object> object(String kind, String namespace, String name, Map<String, Object> spec) {
    return Map.of("apiVersion", "networking.istio.io/v1", "kind", kind,
        "metadata", Map.of("name", name, "namespace", namespace), "spec", spec);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }
}
