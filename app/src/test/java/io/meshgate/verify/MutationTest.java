package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.report.VerifyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Breaks a good contract-v2 tree the way real misconfigurations do; verify must turn red and name the
 * edge (or probe) and the hop. A simulator that never fails proves nothing.
 */
class MutationTest {

  record Mutation(String name, String tree, Consumer<Map<String, List<Map<String, Object>>>> change,
      String check, Hop hop) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> mutations() {
    return Stream.of(
        new Mutation("drop the hosting ServiceEntry", "seed-v2",
            t -> remove(t, "cluster02", "ServiceEntry", "meshgate-httpbin-default-global"), "edge sleep-to-httpbin", Hop.GATEWAY_ROUTE),
        new Mutation("narrow the gateway hosts", "seed-v2",
            t -> server(t, "cluster02").put("hosts", List.of("productpage.default.global")), "edge sleep-to-httpbin", Hop.GATEWAY_SERVER),
        new Mutation("change the gateway port", "seed-v2",
            t -> map(server(t, "cluster02").get("port")).put("number", 15442), "edge sleep-to-httpbin", Hop.GATEWAY_SERVER),
        new Mutation("set a wrong principal", "seed-v2",
            t -> source(t, "cluster02", "meshgate-httpbin", 1).put("principals", List.of("cluster.local/ns/default/sa/sleeper")),
            "edge sleep-to-httpbin", Hop.AUTHORIZATION_POLICY),
        new Mutation("plain text toward a STRICT service (same cluster)", "seed-v2",
            t -> t.get("cluster02").add(object("DestinationRule", "default", "plain",
                Map.of("host", "httpbin.default.svc.cluster.local", "trafficPolicy", Map.of("tls", Map.of("mode", "DISABLE"))))),
            "edge curl-to-httpbin", Hop.PEER_AUTHENTICATION),
        new Mutation("plain text toward the passthrough gateway", "seed-v2",
            t -> map(map(spec(t, "cluster01", "DestinationRule", "meshgate-httpbin-default-global").get("trafficPolicy")).get("tls"))
                .put("mode", "DISABLE"), "edge sleep-to-httpbin", Hop.GATEWAY_SERVER),
        new Mutation("open an AuthorizationPolicy to everyone", "seed-v2",
            t -> spec(t, "cluster02", "AuthorizationPolicy", "meshgate-httpbin").put("rules", List.of(Map.of())),
            "probe sleep-to-httpbin -> httpbin (other-service-account)", Hop.AUTHORIZATION_POLICY),
        new Mutation("the ServiceEntry in a namespace the client cannot see", "seed-v2",
            t -> spec(t, "cluster01", "ServiceEntry", "meshgate-httpbin-default-global").put("exportTo", List.of(".")),
            "edge sleep-to-httpbin", Hop.DNS),
        new Mutation("the client DestinationRule loses its workloadSelector (credentialName ignored)", "mixed-v2",
            t -> spec(t, "east", "DestinationRule", "meshgate-bank-default-global-payer").remove("workloadSelector"),
            "edge payer-to-bank", Hop.TLS),
        new Mutation("SIMPLE sent to the AUTO_PASSTHROUGH port", "mixed-v2",
            t -> map(Fields.maps(spec(t, "east", "ServiceEntry", "meshgate-legacy-default-global").get("endpoints")).get(0).get("ports"))
                .put("http-8080", 15443), "edge web-to-legacy", Hop.GATEWAY_SERVER),
        new Mutation("the VirtualService behind the TLS server is gone", "mixed-v2",
            t -> remove(t, "north", "VirtualService", "meshgate-legacy-default-global"), "edge web-to-legacy", Hop.GATEWAY_ROUTE),
        new Mutation("a TLS-terminating server in front of an application that terminates TLS itself", "mixed-v2",
            t -> {
              map(((List<?>) spec(t, "north", "Gateway", "meshgate-eastwest").get("servers")).get(1))
                  .put("tls", Map.of("mode", "MUTUAL", "credentialName", "bank-tls"));
              Map<String, Object> vs = spec(t, "north", "VirtualService", "meshgate-bank-default-global");
              vs.put("tcp", List.of(Map.of("match", List.of(Map.of("port", 15444)), "route", ((Map<?, ?>) ((List<?>) vs.remove("tls")).get(0)).get("route"))));
            }, "edge payer-to-bank", Hop.HOSTED_ENDPOINT),
        new Mutation("the sync namespace's Namespace object is missing", "mixed-v2",
            t -> remove(t, "east", "Namespace", "mesh-sync"), "edge payer-to-bank", Hop.DNS)
    ).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void mutationTurnsVerifyRed(Mutation m) {
    Map<String, List<Map<String, Object>>> tree = TestMesh.treeObjects(m.tree());
    assertTrue(Verifier.verify(TestMesh.treeIntents(m.tree()), tree, true).ok(), "the unmutated tree must verify");
    m.change().accept(tree);
    Verifier.Result result = Verifier.verify(TestMesh.treeIntents(m.tree()), tree, true);
    String text = VerifyReport.text(result);
    assertFalse(result.ok(), () -> "verify stayed green:\n" + text);
    List<Verifier.Check> failing = new ArrayList<>();
    result.edges().stream().filter(c -> !c.ok()).forEach(failing::add);
    result.probes().stream().filter(c -> !c.ok()).forEach(failing::add);
    Verifier.Check named = failing.stream().filter(c -> VerifyReport.line(c).contains(m.check() + (m.check().startsWith("edge") ? " -> " : "")))
        .findFirst().orElseThrow(() -> new AssertionError("no failure names " + m.check() + ":\n" + text));
    Hop hop = named.trace().failure() != null ? named.trace().failure().hop() : named.trace().last().hop();
    assertEquals(m.hop(), hop, text);
    assertTrue(VerifyReport.line(named).contains(m.hop().id()), text);
  }

  // ---- editing plain objects -------------------------------------------------------------------

  static Map<String, Object> find(Map<String, List<Map<String, Object>>> tree, String cluster, String kind, String name) {
    for (Map<String, Object> o : tree.get(cluster)) {
      if (kind.equals(o.get("kind")) && name.equals(map(o.get("metadata")).get("name"))) {
        return o;
      }
    }
    throw new AssertionError("no " + kind + " " + name + " in " + cluster);
  }

  static Map<String, Object> spec(Map<String, List<Map<String, Object>>> tree, String cluster, String kind, String name) {
    return map(find(tree, cluster, kind, name).get("spec"));
  }

  static void remove(Map<String, List<Map<String, Object>>> tree, String cluster, String kind, String name) {
    tree.get(cluster).remove(find(tree, cluster, kind, name));
  }

  static Map<String, Object> server(Map<String, List<Map<String, Object>>> tree, String cluster) {
    return map(((List<?>) spec(tree, cluster, "Gateway", "meshgate-eastwest").get("servers")).get(0));
  }

  static Map<String, Object> source(Map<String, List<Map<String, Object>>> tree, String cluster, String policy, int rule) {
    Map<String, Object> r = map(((List<?>) spec(tree, cluster, "AuthorizationPolicy", policy).get("rules")).get(rule));
    return map(map(((List<?>) r.get("from")).get(0)).get("source"));
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
