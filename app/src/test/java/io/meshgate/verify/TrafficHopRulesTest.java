package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.report.VerifyReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The traffic-management rules of the hops as tables of small cases: a sidecar's VirtualService
 * (matches on headers, uri, method and port; weights; faults), DestinationRule subsets against the
 * endpoints' labels on both sides of the gateway, DISABLE toward pods without sidecar, and locality
 * priorities. Client c (cluster a) calls service s (cluster b, versions v1 and v2) through b's gateway;
 * c2 calls it inside b.
 */
class TrafficHopRulesTest {

  static final String INTENTS = """
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: a}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: b}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.2}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: s}
      spec:
        service: s
        cluster: b
        protocol: HTTP
        port: 80
        mutualTLS: ISTIO_MUTUAL
        versions: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: legacy}
      spec: {service: legacy, namespace: old, cluster: b, protocol: HTTP, port: 80, sidecar: false, mutualTLS: DISABLE}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: ServiceClient
      metadata: {name: c-to-s}
      spec: {service: c, cluster: a, target: s}
      """;

  static final String CLIENT_SE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: se, namespace: istio-system}
      spec:
        hosts: [s.default.global]
        addresses: [240.0.0.10]
        exportTo: ["*"]
        location: MESH_INTERNAL
        resolution: DNS
        ports: [{number: 80, name: http-80, protocol: HTTP}]
        endpoints: [{address: 10.0.0.2, ports: {http-80: 15443}}]
      """;
  static final String CLIENT_DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: dr, namespace: istio-system}
      spec:
        host: s.default.global
        exportTo: ["*"]
        trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        subsets: [{name: v1}, {name: v2}]
      """;
  static final String CLIENT_VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: vs, namespace: istio-system}
      spec:
        hosts: [s.default.global]
        exportTo: ["*"]
        http:
        - name: john
          match: [{headers: {end-user: {exact: john}}}]
          route: [{destination: {host: s.default.global, subset: v2}}]
        - name: default
          route: [{destination: {host: s.default.global, subset: v1}}]
      """;
  static final String GATEWAY = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: istio-system}
      spec:
        selector: {istio: eastwestgateway}
        servers: [{port: {number: 15443, name: tls, protocol: TLS}, tls: {mode: AUTO_PASSTHROUGH}, hosts: ["*.global"]}]
      """;
  static final String HOSTED_SE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: hosted, namespace: default}
      spec:
        hosts: [s.default.global]
        addresses: [240.0.0.10]
        exportTo: ["*"]
        location: MESH_INTERNAL
        resolution: STATIC
        ports: [{number: 80, name: http-80, protocol: HTTP, targetPort: 80}]
        workloadSelector: {labels: {app: s}}
      """;
  static final String HOSTED_DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: hosted, namespace: default}
      spec:
        host: s.default.global
        exportTo: ["*"]
        trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
        subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
      """;
  static final String LOCAL_DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: local, namespace: default}
      spec:
        host: s.default.svc.cluster.local
        subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
      """;
  static final String LOCAL_VS = CLIENT_VS.replace("s.default.global", "s.default.svc.cluster.local")
      .replace("name: vs, namespace: istio-system", "name: local, namespace: default");

  static TestMesh base() {
    return new TestMesh(INTENTS)
        .put("a", "se", CLIENT_SE).put("a", "dr", CLIENT_DR).put("a", "vs", CLIENT_VS)
        .put("b", "gw", GATEWAY).put("b", "hosted", HOSTED_SE).put("b", "hosted-dr", HOSTED_DR)
        .put("b", "local-dr", LOCAL_DR).put("b", "local-vs", LOCAL_VS);
  }

  static Request remote(String method, String path, Map<String, String> headers) {
    return TestMesh.request("a/default/c", "s.default.global", 80, method, path, true).withHeaders(headers);
  }

  static final Request PLAIN = remote("GET", "/", Map.of());
  static final Request JOHN = remote("GET", "/", Map.of("end-user", "john"));

  /** @param spread the workloads (and versions) the request is shared by when allowed; @param failsAt the hop that stops it */
  record Case(String name, Consumer<TestMesh> change, Request request, List<String> spread, Hop failsAt, String decidedBy) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case reaches(String name, Consumer<TestMesh> change, Request request, String... spread) {
    return new Case(name, change, request, List.of(spread), null, null);
  }

  static Case fails(String name, Consumer<TestMesh> change, Request request, Hop hop, String decidedBy) {
    return new Case(name, change, request, null, hop, decidedBy);
  }

  static Consumer<TestMesh> none() {
    return m -> { };
  }

  static Consumer<TestMesh> vs(String http) {
    return m -> m.put("a", "vs", CLIENT_VS.substring(0, CLIENT_VS.indexOf("  http:")) + "  http:\n"
        + http.indent(2));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // Route matching (HTTPMatchRequest): every condition of a match, any match of a route, the first route.
        reaches("route: no header, the default route", none(), PLAIN, "b/default/s@v1"),
        reaches("route: an exact header value", none(), JOHN, "b/default/s@v2"),
        reaches("route: header names match in lower case", none(), remote("GET", "/", Map.of("end-user", "john")), "b/default/s@v2"),
        reaches("route: another value falls through", none(), remote("GET", "/", Map.of("end-user", "johnny")), "b/default/s@v1"),
        reaches("route: a header prefix", vs("""
            - match: [{headers: {end-user: {prefix: jo}}}]
              route: [{destination: {host: s.default.global, subset: v2}}]
            - route: [{destination: {host: s.default.global, subset: v1}}]
            """), remote("GET", "/", Map.of("end-user", "joe")), "b/default/s@v2"),
        reaches("route: a header regex matches the whole value", vs("""
            - match: [{headers: {end-user: {regex: "j.n"}}}]
              route: [{destination: {host: s.default.global, subset: v2}}]
            - route: [{destination: {host: s.default.global, subset: v1}}]
            """), remote("GET", "/", Map.of("end-user", "jane")), "b/default/s@v1"),
        reaches("route: a uri prefix and a method, both needed", vs("""
            - match: [{uri: {prefix: /api}, method: {exact: POST}}]
              route: [{destination: {host: s.default.global, subset: v2}}]
            - route: [{destination: {host: s.default.global, subset: v1}}]
            """), remote("POST", "/api/x", Map.of()), "b/default/s@v2"),
        reaches("route: the uri alone is not enough", vs("""
            - match: [{uri: {prefix: /api}, method: {exact: POST}}]
              route: [{destination: {host: s.default.global, subset: v2}}]
            - route: [{destination: {host: s.default.global, subset: v1}}]
            """), remote("GET", "/api/x", Map.of()), "b/default/s@v1"),
        reaches("route: either of two matches", vs("""
            - match: [{uri: {exact: /a}}, {uri: {exact: /b}}]
              route: [{destination: {host: s.default.global, subset: v2}}]
            - route: [{destination: {host: s.default.global, subset: v1}}]
            """), remote("GET", "/b", Map.of()), "b/default/s@v2"),
        reaches("route: a match for another port does not apply", vs("""
            - match: [{port: 81}]
              route: [{destination: {host: s.default.global, subset: v2}}]
            - route: [{destination: {host: s.default.global, subset: v1}}]
            """), PLAIN, "b/default/s@v1"),
        fails("route: no route fits and none is a default: 404", vs("""
            - match: [{headers: {end-user: {exact: john}}}]
              route: [{destination: {host: s.default.global, subset: v2}}]
            """), PLAIN, Hop.ROUTE, "a/istio-system/VirtualService/vs"),
        // Weights: every destination with a weight above 0 takes its share and must be reachable.
        reaches("weights: 90/10, both versions", vs("""
            - route: [{destination: {host: s.default.global, subset: v1}, weight: 90}, {destination: {host: s.default.global, subset: v2}, weight: 10}]
            """), PLAIN, "b/default/s@v1", "b/default/s@v2"),
        reaches("weights: a destination with weight 0 takes nothing", vs("""
            - route: [{destination: {host: s.default.global, subset: v1}, weight: 100}, {destination: {host: s.default.global, subset: v3}, weight: 0}]
            """), PLAIN, "b/default/s@v1"),
        fails("weights: a share to a subset the client's DestinationRule lacks (503)", vs("""
            - route: [{destination: {host: s.default.global, subset: v1}, weight: 90}, {destination: {host: s.default.global, subset: v3}, weight: 10}]
            """), PLAIN, Hop.ROUTE, "a/istio-system/DestinationRule/dr"),
        // Faults: an abort of every request stops it; partial aborts and delays are reported.
        fails("fault: abort 100%", vs("""
            - route: [{destination: {host: s.default.global, subset: v1}}]
              fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
            """), PLAIN, Hop.ROUTE, "a/istio-system/VirtualService/vs"),
        reaches("fault: abort 10% lets the rest through", vs("""
            - route: [{destination: {host: s.default.global, subset: v1}}]
              fault: {abort: {httpStatus: 503, percentage: {value: 10}}, delay: {fixedDelay: 1s, percentage: {value: 50}}}
            """), PLAIN, "b/default/s@v1"),
        // Subsets against endpoints' labels, on each side.
        fails("subset: labels on the client's side filter the gateway endpoint away",
            m -> m.put("a", "dr", CLIENT_DR.replace("{name: v2}", "{name: v2, labels: {version: v2}}")), JOHN,
            Hop.ENDPOINT, "a/istio-system/DestinationRule/dr"),
        fails("subset: the gateway's cluster for the SNI needs the subset", m -> m.put("b", "hosted-dr",
            HOSTED_DR.replace(", {name: v2, labels: {version: v2}}", "")), JOHN, Hop.GATEWAY_ROUTE, "b/default/DestinationRule/hosted"),
        fails("subset: labels no pod carries", m -> m.put("b", "hosted-dr", HOSTED_DR.replace("{version: v2}", "{version: two}")), JOHN,
            Hop.HOSTED_ENDPOINT, "b/default/DestinationRule/hosted"),
        fails("subset: a ServiceEntry naming the Service cannot tell versions apart",
            m -> m.put("b", "hosted", HOSTED_SE.replace("resolution: STATIC", "resolution: DNS")
                .replace("workloadSelector: {labels: {app: s}}", "endpoints: [{address: s.default.svc.cluster.local, ports: {http-80: 80}}]")),
            JOHN, Hop.HOSTED_ENDPOINT, "b/default/DestinationRule/hosted"),
        reaches("subset: without a subset every version takes requests", m -> m.drop("a", "vs"), PLAIN, "b/default/s@v1", "b/default/s@v2"),
        reaches("subset: inside the hosting cluster, by the Service's name",
            none(), TestMesh.request("b/default/c2", "s.default.svc.cluster.local", 80, "GET", "/", true)
                .withHeaders(Map.of("end-user", "john")), "b/default/s@v2"),
        fails("subset: inside the hosting cluster, a subset the Service's DestinationRule lacks",
            m -> m.put("b", "local-dr", LOCAL_DR.replace(", {name: v2, labels: {version: v2}}", "")),
            TestMesh.request("b/default/c2", "s.default.svc.cluster.local", 80, "GET", "/", true).withHeaders(Map.of("end-user", "john")),
            Hop.ROUTE, "b/default/DestinationRule/local"),
        // DISABLE toward pods without sidecar; a namespace's rule is found before the root namespace's.
        fails("disable: a mesh-wide ISTIO_MUTUAL rule reaches pods without sidecar",
            m -> m.put("b", "mesh", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: mesh, namespace: istio-system}\n"
                + "spec: {host: \"*.local\", trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}\n"),
            TestMesh.request("b/default/c2", "legacy.old.svc.cluster.local", 80, "GET", "/", true), Hop.PEER_AUTHENTICATION,
            "b/old/Service/legacy"),
        new Case("disable: the namespace's DISABLE rule wins over the mesh-wide one",
            m -> m.put("b", "mesh", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: mesh, namespace: istio-system}\n"
                + "spec: {host: \"*.local\", trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}\n")
                .put("b", "old", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: old, namespace: old}\n"
                    + "spec: {host: \"*.old.svc.cluster.local\", trafficPolicy: {tls: {mode: DISABLE}}}\n"),
            TestMesh.request("b/default/c2", "legacy.old.svc.cluster.local", 80, "GET", "/", true), List.of("b/old/legacy"), null, null)
    ).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void trafficRule(Case c) {
    TestMesh mesh = base();
    c.change().accept(mesh);
    Trace trace = mesh.simulator().explain(c.request());
    String shown = VerifyReport.explainText(trace);
    if (c.failsAt() == null) {
      assertTrue(trace.allowed(), () -> "expected allowed:\n" + shown);
      assertEquals(c.spread(), trace.spread(), shown);
      return;
    }
    HopResult failure = trace.failure();
    assertNotNull(failure, () -> "expected a failure at " + c.failsAt().id() + ":\n" + shown);
    assertEquals(c.failsAt(), failure.hop(), shown);
    assertNotNull(failure.object(), shown);
    assertEquals(c.decidedBy(), failure.object().toString(), shown);
  }

  @Test
  void theWeightsAreReportedAsShares() {
    TestMesh mesh = base();
    vs("""
        - route: [{destination: {host: s.default.global, subset: v1}, weight: 75}, {destination: {host: s.default.global, subset: v2}, weight: 25}]
        """).accept(mesh);
    Trace trace = mesh.simulator().explain(PLAIN);
    HopResult route = trace.hops().stream().filter(h -> h.hop() == Hop.ROUTE).findFirst().orElseThrow();
    assertTrue(route.detail().contains("subset v1 75%, subset v2 25%"), route.detail());
  }

  @Test
  void withoutVirtualServiceTheRouteHopIsLeftOut() {
    TestMesh mesh = base().drop("a", "vs");
    Trace trace = mesh.simulator().explain(PLAIN);
    assertFalse(trace.hops().stream().anyMatch(h -> h.hop() == Hop.ROUTE), VerifyReport.explainText(trace));
  }

  @Test
  void localityPrioritiesFollowIstio() {
    assertEquals(0, TrafficHops.priority("us-east1/b/x", "us-east1/b/x"));
    assertEquals(1, TrafficHops.priority("us-east1/b/x", "us-east1/b/y"));
    assertEquals(2, TrafficHops.priority("us-east1/b", "us-east1/c"));
    assertEquals(3, TrafficHops.priority("us-east1", "us-west1"));
    assertEquals(0, TrafficHops.priority("us-east1", "us-east1"));
    assertEquals(3, TrafficHops.priority("us-east1", null));
    assertTrue(TrafficHops.localityMatches("us-east1/*", "us-east1/b"));
    assertTrue(TrafficHops.localityMatches("us-east1/*", "us-east1"));
    assertTrue(TrafficHops.localityMatches("us-east1", "us-east1/b/x"));
    assertFalse(TrafficHops.localityMatches("us-east1/b/*", "us-east1/c"));
    assertFalse(TrafficHops.localityMatches("us-west1/*", "us-east1"));
  }

  @Test
  void aClusterDownWithoutOutlierDetectionFailsAShare() {
    TestMesh mesh = base();
    Simulator down = new Simulator(MeshModel.build(mesh.loadIntents(), mesh.plainObjects()), Set.of("b"));
    Trace trace = down.explain(PLAIN);
    assertNotNull(trace.failure(), VerifyReport.explainText(trace));
    assertEquals(Hop.ENDPOINT, trace.failure().hop(), VerifyReport.explainText(trace));
    assertTrue(trace.failure().detail().contains("without outlierDetection"), trace.failure().detail());
  }
}
