package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.TestRepos;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.Renderer;
import io.meshgate.report.VerifyReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Breaks what meshgate renders for the mesh-edge fixtures (ingress-hello, egress-external,
 * jwt-hello) the way real misconfigurations do: verify must turn red on the named edge or probe, at
 * the named hop.
 */
class EdgeMutationTest {

  record Mutation(String name, String fixture, Consumer<Map<String, List<Map<String, Object>>>> change, String check,
      Hop hop) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Mutation> mutations() {
    return Stream.of(
        new Mutation("drop the host from the ingress Gateway", "ingress-hello",
            t -> servers(t, "cluster01", "meshgate-ingress-hello").forEach(s -> s.put("hosts", List.of("other.example.com"))),
            "edge IngressRoute hello -> hello", Hop.INGRESS_SERVER),
        new Mutation("MUTUAL instead of SIMPLE on the ingress server", "ingress-hello",
            t -> map(servers(t, "cluster01", "meshgate-ingress-hello").get(0).get("tls")).put("mode", "MUTUAL"),
            "edge IngressRoute hello -> hello", Hop.INGRESS_SERVER),
        new Mutation("the https redirect removed (plain http reaches the service)", "ingress-hello",
            t -> servers(t, "cluster01", "meshgate-ingress-hello").get(1).remove("tls"),
            "probe IngressRoute hello -> hello (plain-http)", Hop.AUTHORIZATION_POLICY),
        new Mutation("the route's destination misspelt", "ingress-hello",
            t -> map(map(Fields.maps(Fields.maps(spec(t, "cluster01", "VirtualService", "meshgate-ingress-hello").get("http"))
                .get(0).get("route")).get(0).get("destination"))).put("host", "helo.default.svc.cluster.local"),
            "edge IngressRoute hello -> hello", Hop.OUTBOUND_CLUSTER),
        new Mutation("the gateway's identity dropped from world-2's AuthorizationPolicy", "ingress-hello",
            t -> {
              List<Object> rules = new ArrayList<>(Fields.list(spec(t, "cluster02", "AuthorizationPolicy", "meshgate-world-2").get("rules")));
              rules.remove(rules.size() - 1);
              spec(t, "cluster02", "AuthorizationPolicy", "meshgate-world-2").put("rules", rules);
            }, "edge IngressRoute hello -> world-2", Hop.AUTHORIZATION_POLICY),
        new Mutation("the gateway's rule on world-2 opened to every path and port", "ingress-hello",
            t -> {
              List<Object> rules = new ArrayList<>(Fields.list(spec(t, "cluster02", "AuthorizationPolicy", "meshgate-world-2").get("rules")));
              map(rules.get(rules.size() - 1)).remove("to");
              spec(t, "cluster02", "AuthorizationPolicy", "meshgate-world-2").put("rules", rules);
            }, "probe IngressRoute hello -> world-2 (gateway-unrouted-path)", Hop.AUTHORIZATION_POLICY),
        new Mutation("the .global ServiceEntry removed from the ingress cluster", "ingress-hello",
            t -> remove(t, "cluster01", "ServiceEntry", "meshgate-world-2-default-global"), "edge IngressRoute hello -> world-2",
            Hop.OUTBOUND_CLUSTER),
        new Mutation("RequestAuthentication removed: a valid token gives no request principal", "jwt-hello",
            t -> remove(t, "cluster01", "RequestAuthentication", "meshgate-jwt-hello-users"), "edge web-to-hello -> hello",
            Hop.AUTHORIZATION_POLICY),
        new Mutation("the DENY policy removed: a request without token gets through", "jwt-hello",
            t -> remove(t, "cluster01", "AuthorizationPolicy", "meshgate-jwt-hello-users"),
            "probe EndUserAuth hello-users -> hello (no-token)", Hop.AUTHORIZATION_POLICY),
        new Mutation("the claim rule removed: a token without the claim gets through", "jwt-hello",
            t -> {
              List<Object> rules = new ArrayList<>(Fields.list(spec(t, "cluster01", "AuthorizationPolicy", "meshgate-jwt-hello-users").get("rules")));
              rules.remove(1);
              spec(t, "cluster01", "AuthorizationPolicy", "meshgate-jwt-hello-users").put("rules", rules);
            }, "probe EndUserAuth hello-users -> hello (missing-claim groups)", Hop.AUTHORIZATION_POLICY),
        new Mutation("the ingress gateway's RequestAuthentication removed: the edge's tokens are refused", "jwt-hello",
            t -> remove(t, "cluster01", "RequestAuthentication", "meshgate-jwt-hello-edge"), "edge IngressRoute hello -> hello",
            Hop.INGRESS_POLICY),
        new Mutation("the external ServiceEntry removed (REGISTRY_ONLY)", "egress-external",
            t -> remove(t, "cluster01", "ServiceEntry", "meshgate-egress-httpbin-org"), "edge ExternalService httpbin-org -> httpbin.example.org",
            Hop.OUTBOUND_CLUSTER),
        new Mutation("the ServiceEntry exported to every namespace: the other-namespace probe gets out", "egress-external",
            t -> spec(t, "cluster01", "ServiceEntry", "meshgate-egress-httpbin-org").put("exportTo", List.of("*")),
            "probe ExternalService httpbin-org -> httpbin.example.org (other-namespace)", Hop.EGRESS),
        new Mutation("the origination DestinationRule removed: plain text instead of TLS", "egress-external",
            t -> remove(t, "cluster01", "DestinationRule", "meshgate-egress-example-api"), "edge ExternalService example-api -> api.example.com",
            Hop.EGRESS),
        new Mutation("the egress Gateway removed", "egress-external",
            t -> remove(t, "cluster01", "Gateway", "meshgate-egress-example-api"), "edge ExternalService example-api -> api.example.com",
            Hop.GATEWAY_SERVER),
        new Mutation("the egress gateway's subsets removed", "egress-external",
            t -> spec(t, "cluster01", "DestinationRule", "meshgate-egressgateway").remove("subsets"),
            "edge ExternalService example-api -> api.example.com", Hop.ROUTE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void verifyCatchesTheBrokenObject(Mutation m) {
    LoadResult load = IntentLoader.load(TestRepos.root().resolve("repo-fixtures/valid/" + m.fixture() + "/intents"));
    assertFalse(load.hasErrors(), () -> load.violations().toString());
    Map<String, List<Map<String, Object>>> tree = mutable(
        new Renderer().render(load.intents(), AllocationLedger.empty()).withOverlays(load.overlays()).withOverlayObjects());
    assertTrue(Verifier.verify(load.intents(), tree, true).ok(), "the fixture must verify before the mutation");
    m.change().accept(tree);
    Verifier.Result result = Verifier.verify(load.intents(), tree, true);
    assertFalse(result.ok(), m.name() + " went unnoticed");
    List<Verifier.Check> all = new ArrayList<>(result.edges());
    all.addAll(result.probes());
    Verifier.Check failed = all.stream().filter(c -> !c.ok() && VerifyReport.line(c).contains(m.check() + ":"))
        .findFirst().orElse(null);
    assertNotNull(failed, () -> "no failure of " + m.check() + " in:\n" + VerifyReport.text(result));
    HopResult decided = failed.trace().failure() != null ? failed.trace().failure() : failed.trace().last();
    assertEquals(m.hop(), decided.hop(), VerifyReport.line(failed));
  }

  // ---- helpers over plain objects ----------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static Map<String, List<Map<String, Object>>> mutable(Map<String, ? extends List<? extends Map<String, ?>>> tree) {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    tree.forEach((cluster, objects) -> {
      List<Map<String, Object>> copy = new ArrayList<>();
      objects.forEach(o -> copy.add((Map<String, Object>) deepCopy(o)));
      out.put(cluster, copy);
    });
    return out;
  }

  private static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(deepCopy(v)));
      return out;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  static Map<String, Object> object(Map<String, List<Map<String, Object>>> tree, String cluster, String kind, String name) {
    return tree.get(cluster).stream().filter(o -> kind.equals(o.get("kind")) && name.equals(map(o.get("metadata")).get("name")))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(cluster + " has no " + kind + " " + name));
  }

  static Map<String, Object> spec(Map<String, List<Map<String, Object>>> tree, String cluster, String kind, String name) {
    return map(object(tree, cluster, kind, name).get("spec"));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> servers(Map<String, List<Map<String, Object>>> tree, String cluster, String gateway) {
    return (List<Map<String, Object>>) spec(tree, cluster, "Gateway", gateway).get("servers");
  }

  static void remove(Map<String, List<Map<String, Object>>> tree, String cluster, String kind, String name) {
    assertTrue(tree.get(cluster).remove(object(tree, cluster, kind, name)));
  }
}
