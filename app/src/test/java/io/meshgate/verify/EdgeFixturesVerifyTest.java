package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.TestRepos;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.Renderer;
import io.meshgate.report.VerifyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What verify checks of each mesh-edge fixture, request by request: the declared requests it makes
 * and where each probe must be stopped. (RepoFixturesVerifyTest checks that every fixture verifies;
 * this pins down that the right requests were made.)
 */
class EdgeFixturesVerifyTest {

  private static Verifier.Result verify(String fixture) {
    LoadResult load = IntentLoader.load(TestRepos.root().resolve("repo-fixtures/valid/" + fixture + "/intents"));
    return Verifier.verify(load.intents(), new Renderer().render(load.intents(), AllocationLedger.empty())
        .withOverlays(load.overlays()).withOverlayObjects(), true);
  }

  /** {@code edge|probe NAME -> TARGET [(probe)] => reached | hop}, sorted. */
  private static List<String> lines(Verifier.Result result) {
    TreeSet<String> out = new TreeSet<>();
    List<Verifier.Check> all = new ArrayList<>(result.edges());
    all.addAll(result.probes());
    for (Verifier.Check c : all) {
      HopResult failure = c.trace().failure();
      out.add((c.isEdge() ? "edge " : "probe ") + c.kind() + " " + c.client() + " -> " + c.service()
          + (c.isEdge() ? "" : " (" + c.probe() + ")") + " => " + (failure == null ? c.trace().reached() : failure.hop().id())
          + (c.ok() ? "" : " NOT OK"));
    }
    return new ArrayList<>(out);
  }

  @Test
  void ingressHello() {
    Verifier.Result result = verify("ingress-hello");
    assertTrue(result.ok(), VerifyReport.text(result));
    List<String> lines = lines(result);
    assertTrue(lines.contains("edge IngressRoute hello -> hello => cluster01/default/hello"), lines.toString());
    assertTrue(lines.contains("edge IngressRoute hello -> world-2 => cluster02/default/world-2"), lines.toString());
    assertTrue(lines.contains("probe IngressRoute hello -> hello (plain-http) => ingress-server"), lines.toString());
    assertTrue(lines.contains("probe IngressRoute hello -> hello (unrouted-path) => ingress-route"), lines.toString());
  }

  @Test
  void egressExternal() {
    Verifier.Result result = verify("egress-external");
    assertTrue(result.ok(), VerifyReport.text(result));
    List<String> lines = lines(result);
    assertTrue(lines.contains("edge ExternalService httpbin-org -> httpbin.example.org => external/httpbin.example.org:80 (plain text)"),
        lines.toString());
    assertTrue(lines.contains("edge ExternalService example-api -> api.example.com => external/api.example.com:443 (SIMPLE TLS)"),
        lines.toString());
    assertTrue(lines.contains("edge ExternalService example-api -> api.example.com => external/api.example.com:443 (the application's own TLS)"),
        lines.toString());
    assertTrue(lines.contains("probe ExternalService httpbin-org -> httpbin.example.org (other-namespace) => outbound-cluster"),
        lines.toString());
    assertTrue(lines.contains("probe ExternalService httpbin-org -> httpbin.example.org (other-cluster cluster02) => outbound-cluster"),
        lines.toString());
    // 2 namespaces x 2 ports x 2 clusters for example-api, 1 for httpbin-org.
    assertEquals(9, result.edges().size());
    assertEquals(List.of(), result.warnings());
  }

  @Test
  void jwtHello() {
    Verifier.Result result = verify("jwt-hello");
    assertTrue(result.ok(), VerifyReport.text(result));
    List<String> lines = lines(result);
    for (String expected : List.of(
        "edge ServiceClient web-to-hello -> hello => cluster01/default/hello",
        "edge IngressRoute hello -> hello => cluster01/default/hello",
        "edge EndUserAuth hello-users -> hello => cluster01/default/hello",
        "probe EndUserAuth hello-edge -> hello (no-token) => ingress-policy",
        "probe EndUserAuth hello-edge -> hello (wrong-issuer) => ingress-policy",
        "probe EndUserAuth hello-users -> hello (no-token) => authorization-policy",
        "probe EndUserAuth hello-users -> hello (wrong-issuer) => request-authentication",
        "probe EndUserAuth hello-users -> hello (missing-claim groups) => authorization-policy")) {
      assertTrue(lines.contains(expected), expected + " in " + lines);
    }
  }

  @Test
  void jwtAdminPath() {
    // A token only on spec.paths: the declared requests to other paths pass without one, and the
    // probes ask for a protected path (through the ingress, of the service its route reaches).
    Verifier.Result result = verify("jwt-admin-path");
    assertTrue(result.ok(), VerifyReport.text(result));
    List<String> lines = lines(result);
    for (String expected : List.of(
        "edge EndUserAuth portal-admin -> portal => cluster01/web/portal",
        "edge EndUserAuth reports-export -> reports => cluster01/web/reports",
        "probe EndUserAuth portal-admin -> portal (no-token) => ingress-policy",
        "probe EndUserAuth portal-admin -> portal (wrong-issuer) => ingress-policy",
        "probe EndUserAuth reports-export -> reports (no-token) => authorization-policy",
        "probe EndUserAuth reports-export -> reports (wrong-issuer) => request-authentication")) {
      assertTrue(lines.contains(expected), expected + " in " + lines);
    }
    List<String> probedPaths = result.probes().stream().filter(c -> c.kind() == io.meshgate.intent.Kind.EndUserAuth)
        .map(c -> c.trace().request().path()).distinct().sorted().toList();
    assertEquals(List.of("/admin/", "/reports/export"), probedPaths);
    List<String> openWithoutToken = result.edges().stream()
        .filter(c -> c.kind() == io.meshgate.intent.Kind.EndUserAuth && c.trace().request().jwt() == null)
        .map(c -> c.trace().request().path()).sorted().toList();
    assertEquals(List.of("/", "/admin/login", "/reports/"), openWithoutToken);
  }

  @Test
  void jwtBehindRewrite() {
    // api's paths are what it sees after the ingress's rewrite (/api -> /v1); the requests verify
    // sends from outside carry the paths the ingress receives.
    Verifier.Result result = verify("jwt-behind-rewrite");
    assertTrue(result.ok(), VerifyReport.text(result));
    List<String> sent = new ArrayList<>();
    for (Verifier.Check c : result.edges()) {
      if (c.kind() == io.meshgate.intent.Kind.EndUserAuth) {
        sent.add("edge " + c.trace().request().path() + " " + (c.trace().request().jwt() == null ? "no token" : "token")
            + " => " + c.trace().reached());
      }
    }
    for (Verifier.Check c : result.probes()) {
      if (c.kind() == io.meshgate.intent.Kind.EndUserAuth) {
        sent.add("probe " + c.probe() + " " + c.trace().request().path() + " => " + c.trace().failure().hop().id());
      }
    }
    assertEquals(List.of("edge /api no token => cluster01/api/api", "edge /api/orders/catalog no token => cluster01/api/api",
        "probe no-token /api/orders => authorization-policy", "probe wrong-issuer /api/orders => request-authentication"),
        sent.stream().sorted().toList());
  }

  @Test
  void aTokenProbeOnSomePathsUsesADeclaredRequestToThemSoTheTokenRuleDecides() {
    // The client may only call /reports/v2/*; paths' own example (/reports/) would be refused by the
    // ALLOW policy whatever the token rule says, so the probes take the declared request.
    TestMesh mesh = new TestMesh("""
        apiVersion: meshgate.io/v1alpha1
        kind: Cluster
        metadata: {name: c1}
        spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: reports}
        spec: {service: reports, cluster: c1, protocol: HTTP, port: 9000, mutualTLS: ISTIO_MUTUAL}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: ServiceClient
        metadata: {name: portal-to-reports}
        spec: {service: portal, cluster: c1, target: reports, access: [{methods: [GET], paths: ["/reports/v2/*"]}]}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: EndUserAuth
        metadata: {name: reports-jwt}
        spec:
          target: {service: reports}
          jwtRules: [{issuer: "https://sso.example.com", jwksUri: "https://sso.example.com/jwks.json"}]
          paths: ["/reports/*"]
        """);
    io.meshgate.intent.IntentSet intents = mesh.loadIntents();
    Verifier.Result result = Verifier.verify(intents, new Renderer().render(intents, AllocationLedger.empty()).asPlainObjects(), true);
    assertTrue(result.ok(), VerifyReport.text(result));
    Verifier.Check noToken = result.probes().stream().filter(c -> "no-token".equals(c.probe())).findFirst().orElseThrow();
    assertEquals("/reports/v2/", noToken.trace().request().path());
    assertEquals("c1/default/AuthorizationPolicy/meshgate-jwt-reports-jwt", noToken.trace().failure().object().toString(),
        VerifyReport.explainText(noToken.trace()));
  }

  @Test
  void overlaySidecarScope() {
    Verifier.Result result = verify("overlay-sidecar-scope");
    assertTrue(result.ok(), VerifyReport.text(result));
    assertTrue(lines(result).contains("edge ServiceClient cart-to-orders -> orders => cluster02/default/orders"),
        lines(result).toString());
  }

  @Test
  void overlaysHello() {
    Verifier.Result result = verify("overlays-hello");
    assertTrue(result.ok(), VerifyReport.text(result));
    assertEquals(List.of("edge ServiceClient web-to-hello -> hello => cluster01/default/hello"), lines(result));
  }
}
