package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mesh edge's hops as tables of small cases: a client outside the mesh through the ingress
 * gateway of cluster a to service s (ingress-server, ingress-policy, ingress-route), a sidecar's
 * VirtualService (route), hosts outside the mesh (egress, PassthroughCluster, BlackHoleCluster, the
 * egress gateway) and end-user tokens (request-authentication, requestPrincipals and claims). Each
 * case changes one object of a good mesh and names the hop that must fail (or none) and the object
 * that decides.
 */
class EdgeHopRulesTest {

  static final String INTENTS = """
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: a}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: r}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.2}, outboundTrafficPolicy: REGISTRY_ONLY}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: s}
      spec: {service: s, cluster: a, protocol: HTTP, port: 80, mutualTLS: ISTIO_MUTUAL}
      """;

  static final String INGRESS_GW = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: web, namespace: istio-system}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [web.example.com]
          tls: {mode: SIMPLE, credentialName: web-cert}
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [web.example.com]
          tls: {httpsRedirect: true}
      """;
  static final String INGRESS_VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: web, namespace: istio-system}
      spec:
        hosts: [web.example.com]
        gateways: [istio-system/web]
        exportTo: ["."]
        http:
        - match: [{uri: {prefix: /api}}]
          rewrite: {uri: /}
          route: [{destination: {host: s.default.svc.cluster.local, port: {number: 80}}}]
      """;
  static final String RA = """
      apiVersion: security.istio.io/v1
      kind: RequestAuthentication
      metadata: {name: jwt, namespace: default}
      spec:
        selector: {matchLabels: {app: s}}
        jwtRules: [{issuer: "https://auth.example.com", jwksUri: "https://auth.example.com/jwks", audiences: [s]}]
      """;
  static final String DENY_WITHOUT_TOKEN = """
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: jwt, namespace: default}
      spec:
        selector: {matchLabels: {app: s}}
        action: DENY
        rules:
        - from: [{source: {notRequestPrincipals: ["https://auth.example.com/*"]}}]
        - when: [{key: "request.auth.claims[groups]", notValues: [users]}]
      """;
  static final String EXTERNAL_SE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: api, namespace: istio-system}
      spec:
        hosts: [api.example.com]
        location: MESH_EXTERNAL
        resolution: DNS
        ports:
        - {number: 80, name: http-80, protocol: HTTP, targetPort: 443}
        - {number: 443, name: tls-443, protocol: TLS}
        exportTo: [default]
      """;
  static final String ORIGINATE = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: api, namespace: istio-system}
      spec:
        host: api.example.com
        exportTo: [default]
        trafficPolicy: {portLevelSettings: [{port: {number: 80}, tls: {mode: SIMPLE, sni: api.example.com}}]}
      """;

  static TestMesh base() {
    return new TestMesh(INTENTS).put("a", "gw", INGRESS_GW).put("a", "vs", INGRESS_VS)
        .put("a", "se", EXTERNAL_SE).put("a", "dr", ORIGINATE).put("r", "se", EXTERNAL_SE);
  }

  static final Jwt TOKEN = new Jwt("https://auth.example.com", "alice", List.of("s"), Map.of("groups", List.of("users")));

  static Request external(boolean https, boolean cert, String path) {
    return new Request(Caller.external("a", https, cert), "web.example.com", null, "GET", path);
  }

  static Request workload(String cluster, String namespace, String host, Integer port) {
    return new Request(new Caller(cluster, namespace, "app", Map.of("app", "app"), true), host, port, "GET", "/");
  }

  record Case(String name, Consumer<TestMesh> change, Request request, Hop failsAt, String decidedBy, String reached) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case reaches(String name, Consumer<TestMesh> change, Request request, String reached) {
    return new Case(name, change, request, null, null, reached);
  }

  static Case fails(String name, Consumer<TestMesh> change, Request request, Hop hop, String decidedBy) {
    return new Case(name, change, request, hop, decidedBy, null);
  }

  static Consumer<TestMesh> none() {
    return m -> { };
  }

  static final String S = "a/default/s";

  static Stream<Case> cases() {
    Request https = external(true, false, "/api/x");
    return Stream.of(
        // ingress-server: https://istio.io/latest/docs/reference/config/networking/gateway/
        reaches("ingress: https to the host reaches the service", none(), https, S),
        fails("ingress-server: plain http is redirected (tls.httpsRedirect)", none(), external(false, false, "/api/x"),
            Hop.INGRESS_SERVER, "a/istio-system/Gateway/web"),
        fails("ingress-server: another host has no server", none(),
            new Request(Caller.external("a", true, false), "other.example.com", null, "GET", "/api"), Hop.INGRESS_SERVER,
            "a/istio-system/Gateway/web"),
        fails("ingress-server: the Gateway selects other pods",
            m -> m.put("a", "gw", INGRESS_GW.replace("istio: ingressgateway", "istio: other")), https, Hop.INGRESS_SERVER,
            "a//Cluster/a"),
        fails("ingress-server: MUTUAL needs a client certificate",
            m -> m.put("a", "gw", INGRESS_GW.replace("mode: SIMPLE", "mode: MUTUAL")), https, Hop.INGRESS_SERVER,
            "a/istio-system/Gateway/web"),
        reaches("ingress-server: MUTUAL with a client certificate",
            m -> m.put("a", "gw", INGRESS_GW.replace("mode: SIMPLE", "mode: MUTUAL")), external(true, true, "/api"), S),
        fails("ingress-server: a TLS server without credentialName",
            m -> m.put("a", "gw", INGRESS_GW.replace(", credentialName: web-cert", "")), https, Hop.INGRESS_SERVER,
            "a/istio-system/Gateway/web"),
        // ingress-route: https://istio.io/latest/docs/reference/config/networking/virtual-service/
        fails("ingress-route: no route for the path (404)", none(), external(true, false, "/other"), Hop.INGRESS_ROUTE,
            "a/istio-system/VirtualService/web"),
        fails("ingress-route: the VirtualService is bound to another Gateway",
            m -> m.put("a", "vs", INGRESS_VS.replace("istio-system/web", "istio-system/other")), https, Hop.INGRESS_ROUTE,
            "a/istio-system/Gateway/web"),
        fails("ingress-route: the VirtualService is not exported to the gateway's namespace",
            m -> m.put("a", "vs", INGRESS_VS.replace("namespace: istio-system", "namespace: default")), https,
            Hop.INGRESS_ROUTE, "a/istio-system/Gateway/web"),
        fails("ingress-route: a destination the gateway cannot see",
            m -> m.put("a", "vs", INGRESS_VS.replace("s.default.svc.cluster.local", "x.default.svc.cluster.local")), https,
            Hop.OUTBOUND_CLUSTER, null),
        // ingress-policy: an AuthorizationPolicy on the gateway's pods
        fails("ingress-policy: a DENY policy on the gateway",
            m -> m.put("a", "deny", DENY_WITHOUT_TOKEN.replace("namespace: default", "namespace: istio-system")
                .replace("app: s", "istio: ingressgateway")), https, Hop.INGRESS_POLICY,
            "a/istio-system/AuthorizationPolicy/jwt"),
        reaches("ingress-policy: a token satisfies the gateway's DENY policy",
            m -> m.put("a", "deny", DENY_WITHOUT_TOKEN.replace("namespace: default", "namespace: istio-system")
                .replace("app: s", "istio: ingressgateway"))
                .put("a", "ra", RA.replace("namespace: default", "namespace: istio-system").replace("app: s", "istio: ingressgateway")),
            https.withJwt(TOKEN), S),
        // request-authentication at the workload
        reaches("request-authentication: a valid token", m -> m.put("a", "ra", RA).put("a", "deny", DENY_WITHOUT_TOKEN),
            https.withJwt(TOKEN), S),
        fails("authorization-policy: no token, notRequestPrincipals denies",
            m -> m.put("a", "ra", RA).put("a", "deny", DENY_WITHOUT_TOKEN), https, Hop.AUTHORIZATION_POLICY,
            "a/default/AuthorizationPolicy/jwt"),
        fails("request-authentication: an issuer it does not accept (401)",
            m -> m.put("a", "ra", RA).put("a", "deny", DENY_WITHOUT_TOKEN),
            https.withJwt(new Jwt("https://evil.example.com", "alice", List.of("s"), Map.of())),
            Hop.REQUEST_AUTHENTICATION, "a/default/RequestAuthentication/jwt"),
        fails("request-authentication: an audience it does not accept (401)",
            m -> m.put("a", "ra", RA), https.withJwt(new Jwt("https://auth.example.com", "alice", List.of("x"), Map.of())),
            Hop.REQUEST_AUTHENTICATION, "a/default/RequestAuthentication/jwt"),
        fails("authorization-policy: a token without the claim",
            m -> m.put("a", "ra", RA).put("a", "deny", DENY_WITHOUT_TOKEN),
            https.withJwt(new Jwt("https://auth.example.com", "alice", List.of("s"), Map.of("groups", List.of("admins")))),
            Hop.AUTHORIZATION_POLICY, "a/default/AuthorizationPolicy/jwt"),
        fails("authorization-policy: without RequestAuthentication a token gives no request principal",
            m -> m.put("a", "deny", DENY_WITHOUT_TOKEN), https.withJwt(TOKEN), Hop.AUTHORIZATION_POLICY,
            "a/default/AuthorizationPolicy/jwt"),
        fails("ingress-policy: the gateway removes a validated token unless forwardOriginalToken",
            m -> m.put("a", "ra", RA).put("a", "deny", DENY_WITHOUT_TOKEN)
                .put("a", "gwra", RA.replace("name: jwt", "name: edge").replace("namespace: default", "namespace: istio-system")
                    .replace("app: s", "istio: ingressgateway")),
            https.withJwt(TOKEN), Hop.AUTHORIZATION_POLICY, "a/default/AuthorizationPolicy/jwt"),
        reaches("ingress-policy: forwardOriginalToken keeps the token for the service",
            m -> m.put("a", "ra", RA).put("a", "deny", DENY_WITHOUT_TOKEN)
                .put("a", "gwra", RA.replace("name: jwt", "name: edge").replace("namespace: default", "namespace: istio-system")
                    .replace("app: s", "istio: ingressgateway").replace("audiences: [s]", "audiences: [s], forwardOriginalToken: true")),
            https.withJwt(TOKEN), S),
        // egress: https://istio.io/latest/docs/tasks/traffic-management/egress/
        reaches("egress: TLS originated by the sidecar on port 80, to 443", none(),
            workload("a", "default", "api.example.com", 80), "external/api.example.com:443 (SIMPLE TLS)"),
        reaches("egress: the application's own TLS on port 443", none(),
            workload("a", "default", "api.example.com", 443), "external/api.example.com:443 (the application's own TLS)"),
        reaches("egress: without the origination rule the sidecar sends plain text to 443", m -> m.drop("a", "dr"),
            workload("a", "default", "api.example.com", 80), "external/api.example.com:443 (plain text)"),
        reaches("egress: ALLOW_ANY passes an unlisted namespace through the PassthroughCluster", none(),
            workload("a", "shop", "api.example.com", 80), "external/api.example.com:80 (plain text)"),
        fails("egress: REGISTRY_ONLY sends an unlisted namespace to the BlackHoleCluster", none(),
            workload("r", "shop", "api.example.com", 80), Hop.OUTBOUND_CLUSTER, "r/istio-system/ServiceEntry/api"),
        fails("egress: REGISTRY_ONLY, and the client's Sidecar does not import the ServiceEntry",
            m -> m.put("r", "sidecar", HopRulesTest.sidecar("default", null, "[\"./*\"]")),
            workload("r", "default", "api.example.com", 80), Hop.OUTBOUND_CLUSTER, "r/default/Sidecar/scope"),
        reaches("egress: ALLOW_ANY, a Sidecar that does not import the ServiceEntry: PassthroughCluster, no origination",
            m -> m.put("a", "sidecar", HopRulesTest.sidecar("default", null, "[\"./*\"]")),
            workload("a", "default", "api.example.com", 80), "external/api.example.com:80 (plain text)"),
        fails("egress: REGISTRY_ONLY refuses a host without ServiceEntry", none(),
            workload("r", "default", "unknown.example.com", 80), Hop.OUTBOUND_CLUSTER, "r//Cluster/r"),
        // route: a sidecar's VirtualService sends the host elsewhere
        fails("route: a mesh VirtualService without a matching route (404)",
            m -> m.put("a", "mesh", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: mesh, namespace: istio-system}
                spec:
                  hosts: [api.example.com]
                  exportTo: ["*"]
                  http: [{match: [{uri: {prefix: /v2}}], route: [{destination: {host: api.example.com}}]}]
                """), workload("a", "default", "api.example.com", 80), Hop.ROUTE, "a/istio-system/VirtualService/mesh"),
        fails("route: a subset no DestinationRule defines (503)",
            m -> m.put("a", "mesh", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: mesh, namespace: istio-system}
                spec:
                  hosts: [api.example.com]
                  http: [{route: [{destination: {host: api.example.com, subset: v2}}]}]
                """), workload("a", "default", "api.example.com", 80), Hop.ROUTE, "a/istio-system/DestinationRule/api"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachEdgeHopFollowsItsIstioRule(Case c) {
    TestMesh mesh = base();
    c.change().accept(mesh);
    Trace trace = mesh.simulator().explain(c.request());
    HopResult failure = trace.failure();
    String explained = trace.hops().toString();
    if (c.failsAt() == null) {
      assertNull(failure, () -> "expected allowed: " + explained);
      assertEquals(c.reached(), trace.reached(), explained);
    } else {
      assertNotNull(failure, () -> "expected a failure at " + c.failsAt() + ": " + explained);
      assertEquals(c.failsAt(), failure.hop(), explained);
      assertEquals(c.decidedBy(), failure.object() == null ? null : failure.object().toString(), explained);
    }
  }

  @Test
  void meshRequestsMeetNoneOfTheEdgeHops() {
    // A mesh workload calling a Service of its cluster: no ingress, route, egress or token hops in its trace.
    Trace trace = base().simulator().explain(workload("a", "default", "s.default.svc.cluster.local", 80));
    assertTrue(trace.allowed(), trace.hops().toString());
    List<Hop> edge = List.of(Hop.INGRESS_SERVER, Hop.INGRESS_POLICY, Hop.INGRESS_ROUTE, Hop.ROUTE, Hop.EGRESS,
        Hop.REQUEST_AUTHENTICATION);
    assertTrue(trace.hops().stream().noneMatch(h -> edge.contains(h.hop())), trace.hops().toString());
  }

  @Test
  void theIngressRewritesThePathTheServiceSees() {
    TestMesh mesh = base().put("a", "ap", """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ap, namespace: default}
        spec:
          selector: {matchLabels: {app: s}}
          rules: [{to: [{operation: {paths: ["/x"]}}]}]
        """);
    // /api/x is rewritten to /x, which the service's policy admits; /api/y becomes /y, which it does not.
    assertTrue(mesh.simulator().explain(external(true, false, "/api/x")).allowed());
    Trace denied = mesh.simulator().explain(external(true, false, "/api/y"));
    assertEquals(Hop.AUTHORIZATION_POLICY, denied.failure().hop());
  }
}
