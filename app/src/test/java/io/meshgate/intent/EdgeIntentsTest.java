package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mesh edge's kinds through the real loader: schemas, defaults, and the overlays folder. */
class EdgeIntentsTest {

  @TempDir Path repo;

  static final String CLUSTER = """
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: c1}
      spec:
        logicalCloud: lc1
        meshGateway: {address: 10.0.0.1}
        ingressGateway: {namespace: edge, selector: {app: edge-gw}}
      ---
      """;

  private LoadResult load(String yaml) throws IOException {
    Path intents = Files.createDirectories(repo.resolve("intents"));
    Files.writeString(intents.resolve("edge.yaml"), yaml);
    return IntentLoader.load(intents);
  }

  @Test
  void ingressRouteDefaults() throws IOException {
    LoadResult load = load(CLUSTER + """
        apiVersion: meshgate.io/v1alpha1
        kind: IngressRoute
        metadata: {name: web}
        spec:
          cluster: c1
          hosts: [web.example.com]
          tls: {credentialName: web-cert}
          routes: [{service: web}]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: IngressRoute
        metadata: {name: plain}
        spec:
          cluster: c1
          namespace: team
          hosts: [plain.corp.internal]
          routes: [{service: web, uri: {exact: /x}}]
        """);
    assertFalse(load.hasErrors(), load.violations().toString());
    IngressRoute web = load.intents().ingressRoutes().get("web");
    assertEquals("edge", web.spec().namespace(), "the Cluster's ingress gateway namespace");
    assertTrue(web.spec().httpsRedirect(), "https redirect by default with tls");
    assertFalse(web.spec().allowPlainHttp());
    assertEquals("SIMPLE", web.spec().tls().mode());
    assertEquals("/", web.spec().routes().get(0).uri().prefix());
    IngressRoute plain = load.intents().ingressRoutes().get("plain");
    assertEquals("team", plain.spec().namespace());
    assertFalse(plain.spec().httpsRedirect(), "no redirect without tls");
    assertEquals("/x", plain.spec().routes().get(0).uri().exact());
    Cluster c1 = load.intents().clusters().get("c1");
    assertEquals(Map.of("app", "edge-gw"), c1.spec().ingressGateway().selector());
    assertEquals("istio-ingressgateway-service-account", c1.spec().ingressGateway().serviceAccount());
    assertEquals(443, c1.spec().ingressGateway().httpsPort());
    assertEquals("istio-egressgateway.istio-system.svc.cluster.local", c1.spec().egressGateway().host());
    assertFalse(c1.spec().registryOnly());
  }

  @Test
  void externalServiceAndEndUserAuthDefaults() throws IOException {
    LoadResult load = load(CLUSTER + """
        apiVersion: meshgate.io/v1alpha1
        kind: ExternalService
        metadata: {name: api}
        spec:
          host: api.example.com
          ports: [{number: 80, protocol: HTTP}]
          tlsOrigination: {port: 80}
          clusters: [c1]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: EndUserAuth
        metadata: {name: jwt}
        spec:
          target: {service: web}
          jwtRules: [{issuer: "https://auth.example.com", jwksUri: "https://auth.example.com/jwks"}]
        """);
    assertFalse(load.hasErrors(), load.violations().toString());
    ExternalService api = load.intents().externalServices().get("api");
    assertEquals(443, api.spec().tlsOrigination().targetPort());
    assertEquals("api.example.com", api.spec().tlsOrigination().sni());
    assertFalse(api.spec().egressGateway());
    assertNull(api.spec().namespaces(), "every namespace");
    EndUserAuth jwt = load.intents().endUserAuths().get("jwt");
    assertEquals("web", jwt.spec().target().service());
    assertNull(jwt.spec().claims());
  }

  @Test
  void structuralErrorsOfTheEdgeKinds() throws IOException {
    LoadResult load = load(CLUSTER + """
        apiVersion: meshgate.io/v1alpha1
        kind: EndUserAuth
        metadata: {name: jwt}
        spec:
          target: {service: web, ingress: web}
          jwtRules: [{issuer: "https://auth.example.com"}]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: ExternalService
        metadata: {name: api}
        spec:
          host: "*.example.com"
          ports: [{number: 80, protocol: UDP}]
          clusters: [c1]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: IngresRoute
        metadata: {name: typo}
        spec: {}
        """);
    List<String> messages = load.violations().stream().map(Violation::message).toList();
    assertTrue(messages.contains("spec.target must set exactly one of service, ingress"), messages.toString());
    assertTrue(messages.contains("missing required field \"jwksUri\" in spec.jwtRules[0]; add it"), messages.toString());
    assertTrue(messages.contains("\"*.example.com\" is a wildcard, and spec.host takes one exact DNS name: a ServiceEntry with"
        + " resolution DNS cannot resolve a wildcard (https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Resolution);"
        + " write one per host, e.g. api.example.com"), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("bad value \"UDP\" for spec.ports[0].protocol")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("unknown kind \"IngresRoute\"") && m.contains("did you mean \"IngressRoute\"")),
        messages.toString());
  }

  @Test
  void overlaysAreReadBesideTheIntentsNotAsIntents() throws IOException {
    Path overlays = Files.createDirectories(repo.resolve("intents/overlays/c1/team"));
    Files.writeString(overlays.resolve("sidecar.yaml"), """
        # a comment the published copy keeps
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: team}
        spec:
          egress: [{hosts: ["./*"]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: other, namespace: team}
        spec:
          egress: [{hosts: ["./*"]}]
        """);
    LoadResult load = load(CLUSTER.replace("---\n", ""));
    assertFalse(load.hasErrors(), load.violations().toString());
    assertEquals(1, load.files().size(), "overlay files are not intent files");
    List<OverlayObject> objects = load.overlays().objectsOf("c1");
    assertEquals(2, objects.size());
    assertEquals("intents/overlays/c1/team/sidecar.yaml", objects.get(1).source().file());
    assertEquals(8, objects.get(1).source().line());
    assertEquals(12, objects.get(1).locate("spec.egress").line());
    assertEquals("team/sidecar.yaml", load.overlays().filesOf("c1").get(0).relativePath());
    assertTrue(new String(load.overlays().filesOf("c1").get(0).bytes()).startsWith("# a comment"));
  }
}
