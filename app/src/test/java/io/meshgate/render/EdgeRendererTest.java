package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the mesh edge renders, rule by rule (docs/rendering.md, "The mesh edge"); every object also
 * passes Istio's CRDs and CEL rules.
 */
class EdgeRendererTest {

  @TempDir Path repo;

  static final String MESH = """
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: a}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: b}
      spec: {logicalCloud: lc1, trustDomain: b.example, meshGateway: {address: 10.0.0.2}, istioApiVersion: v1beta1}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: api}
      spec: {service: api, namespace: shop, cluster: b, protocol: HTTP, port: 8080, mutualTLS: ISTIO_MUTUAL,
             allowedNamespaces: [shop]}
      ---
      """;

  private IntentSet load(String yaml) throws IOException {
    Path intents = Files.createDirectories(repo.resolve("intents"));
    Files.writeString(intents.resolve("all.yaml"), MESH + yaml);
    LoadResult load = IntentLoader.load(intents);
    assertFalse(load.hasErrors(), load.violations().toString());
    return load.intents();
  }

  private static Map<String, Object> object(RenderResult result, String cluster, String path) {
    return result.objectsOf(cluster).stream().filter(o -> o.relativePath().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError(cluster + " has no " + path + ": "
            + result.objectsOf(cluster).stream().map(RenderedObject::relativePath).toList())).plain();
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object root, String... path) {
    Object current = root;
    for (String step : path) {
      current = step.matches("\\d+") ? ((List<Object>) current).get(Integer.parseInt(step)) : ((Map<String, Object>) current).get(step);
    }
    return (T) current;
  }

  private static void allPassTheCrds(RenderResult result) throws IOException {
    IstioCrdSchemas crds = IstioCrdSchemas.load();
    for (List<RenderedObject> objects : result.clusters().values()) {
      for (RenderedObject object : objects) {
        assertEquals(List.of(), crds.validate(object.plain()), object.cluster() + "/" + object.relativePath());
      }
    }
  }

  @Test
  void anIngressToAServiceInAnotherClusterGoesThroughItsGlobalHost() throws IOException {
    RenderResult result = new Renderer().render(load("""
        apiVersion: meshgate.io/v1alpha1
        kind: IngressRoute
        metadata: {name: shop}
        spec:
          cluster: a
          namespace: web
          hosts: [shop.example.com]
          tls: {mode: MUTUAL, credentialName: shop-cert}
          httpsRedirect: false
          allowPlainHttp: true
          routes:
            - {uri: {prefix: /api}, service: api, rewrite: {uri: /}}
        """), AllocationLedger.empty());
    Map<String, Object> gateway = object(result, "a", "web/gateway-meshgate-ingress-shop.yaml");
    assertEquals(Map.of("istio", "ingressgateway"), at(gateway, "spec", "selector"));
    assertEquals("MUTUAL", at(gateway, "spec", "servers", "0", "tls", "mode"));
    assertEquals("shop-cert", at(gateway, "spec", "servers", "0", "tls", "credentialName"));
    assertNull(at(gateway, "spec", "servers", "1", "tls"), "plain HTTP, opted in, no redirect");
    Map<String, Object> vs = object(result, "a", "web/virtualservice-meshgate-ingress-shop.yaml");
    assertEquals(List.of("web/meshgate-ingress-shop"), at(vs, "spec", "gateways"));
    assertEquals(List.of(".", "istio-system"), at(vs, "spec", "exportTo"), "the gateway reads it from its namespace");
    assertEquals("api.shop.global", at(vs, "spec", "http", "0", "route", "0", "destination", "host"));
    assertEquals(8080, (int) at(vs, "spec", "http", "0", "route", "0", "destination", "port", "number"));
    assertEquals("/", at(vs, "spec", "http", "0", "rewrite", "uri"));
    // The gateway is a client of api in b: the .global pair in a, the passthrough gateway in b, and
    // its identity in api's ALLOW policy (which allowedNamespaces turned on).
    object(result, "a", "istio-system/serviceentry-meshgate-api-shop-global.yaml");
    object(result, "a", "istio-system/destinationrule-meshgate-api-shop-global.yaml");
    object(result, "b", "istio-system/gateway-meshgate-global.yaml");
    Map<String, Object> ap = object(result, "b", "shop/authorizationpolicy-meshgate-api.yaml");
    assertEquals("security.istio.io/v1beta1", ap.get("apiVersion"));
    List<Map<String, Object>> rules = at(ap, "spec", "rules");
    Map<String, Object> gatewayRule = rules.stream().filter(r -> List.of("cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account")
        .equals(at(r, "from", "0", "source", "principals"))).findFirst().orElseThrow(() -> new AssertionError(rules.toString()));
    // Only what the routes send: the routed port, and the path as api sees it (/api... rewritten to /...).
    assertEquals(List.of(Map.of("operation", Map.of("ports", List.of("8080"), "paths", List.of("/*")))), gatewayRule.get("to"));
    allPassTheCrds(result);
  }

  @Test
  void theIngressGatewaysRuleNamesTheRoutedPortsAndPathsAndTurnsNoPolicyOn() throws IOException {
    RenderResult result = new Renderer().render(load("""
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: shop}
        spec:
          service: shop
          namespace: shop
          cluster: a
          mutualTLS: ISTIO_MUTUAL
          ports: [{number: 8080, name: http, protocol: HTTP, targetPort: 9080}, {number: 9090, name: grpc, protocol: GRPC}]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: ServiceClient
        metadata: {name: web-to-shop}
        spec: {service: web, namespace: shop, cluster: a, target: shop, access: [{methods: [GET]}]}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: IngressRoute
        metadata: {name: shop}
        spec:
          cluster: a
          hosts: [shop.example.com]
          tls: {credentialName: shop-cert}
          routes:
            - {uri: {exact: /healthz}, service: shop, rewrite: {uri: /ready}}
            - {uri: {prefix: /cart}, service: shop}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: IngressRoute
        metadata: {name: open}
        spec:
          cluster: a
          hosts: [open.example.com]
          tls: {credentialName: open-cert}
          routes: [{service: other}]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: other}
        spec: {service: other, cluster: a, protocol: HTTP, port: 80, mutualTLS: ISTIO_MUTUAL}
        """), AllocationLedger.empty());
    Map<String, Object> ap = object(result, "a", "shop/authorizationpolicy-meshgate-shop.yaml");
    List<Map<String, Object>> rules = at(ap, "spec", "rules");
    assertEquals(List.of(Map.of("operation", Map.of("ports", List.of("9080"), "paths", List.of("/ready"))),
            Map.of("operation", Map.of("ports", List.of("9080"), "paths", List.of("/cart*")))),
        at(rules.get(1), "to"), rules.toString());
    // other has no client with access: the ingress's narrowed rule does not turn an ALLOW policy on.
    assertTrue(result.objectsOf("a").stream().noneMatch(o -> o.relativePath().equals("default/authorizationpolicy-meshgate-other.yaml")),
        result.objectsOf("a").stream().map(RenderedObject::relativePath).toList().toString());
    allPassTheCrds(result);
  }

  @Test
  void egressDirectAndThroughTheGateway() throws IOException {
    RenderResult result = new Renderer().render(load("""
        apiVersion: meshgate.io/v1alpha1
        kind: ExternalService
        metadata: {name: direct}
        spec:
          host: direct.example.com
          ports: [{number: 80, protocol: HTTP}]
          tlsOrigination: {port: 80, targetPort: 8443}
          clusters: [a]
          namespaces: [shop]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: ExternalService
        metadata: {name: via}
        spec:
          host: via.example.com
          ports: [{number: 443, protocol: TLS}]
          egressGateway: true
          clusters: [a]
        """), AllocationLedger.empty());
    Map<String, Object> se = object(result, "a", "istio-system/serviceentry-meshgate-egress-direct.yaml");
    assertEquals("MESH_EXTERNAL", at(se, "spec", "location"));
    assertEquals(8443, (int) at(se, "spec", "ports", "0", "targetPort"), "the sidecar connects to the TLS port");
    assertEquals(List.of("shop"), at(se, "spec", "exportTo"));
    Map<String, Object> dr = object(result, "a", "istio-system/destinationrule-meshgate-egress-direct.yaml");
    assertEquals(80, (int) at(dr, "spec", "trafficPolicy", "portLevelSettings", "0", "port", "number"));
    assertEquals(Map.of("mode", "SIMPLE", "sni", "direct.example.com"), at(dr, "spec", "trafficPolicy", "portLevelSettings", "0", "tls"));

    Map<String, Object> gateway = object(result, "a", "istio-system/gateway-meshgate-egress-via.yaml");
    assertEquals(Map.of("istio", "egressgateway"), at(gateway, "spec", "selector"));
    assertEquals("PASSTHROUGH", at(gateway, "spec", "servers", "0", "tls", "mode"));
    Map<String, Object> vs = object(result, "a", "istio-system/virtualservice-meshgate-egress-via.yaml");
    assertEquals(List.of("mesh", "istio-system/meshgate-egress-via"), at(vs, "spec", "gateways"));
    assertEquals("istio-egressgateway.istio-system.svc.cluster.local", at(vs, "spec", "tls", "0", "route", "0", "destination", "host"));
    assertEquals("via", at(vs, "spec", "tls", "0", "route", "0", "destination", "subset"));
    assertEquals("via.example.com", at(vs, "spec", "tls", "1", "route", "0", "destination", "host"));
    Map<String, Object> subsets = object(result, "a", "istio-system/destinationrule-meshgate-egressgateway.yaml");
    assertEquals(List.of(Map.of("name", "via")), at(subsets, "spec", "subsets"));
    assertEquals(List.of("*"), at(subsets, "spec", "exportTo"));
    allPassTheCrds(result);
  }

  @Test
  void endUserAuthOnAServiceAndOnAnIngress() throws IOException {
    RenderResult result = new Renderer().render(load("""
        apiVersion: meshgate.io/v1alpha1
        kind: IngressRoute
        metadata: {name: shop}
        spec:
          cluster: a
          hosts: [shop.example.com]
          tls: {credentialName: shop-cert}
          routes: [{service: api}]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: EndUserAuth
        metadata: {name: api}
        spec:
          target: {service: api}
          jwtRules:
            - issuer: https://auth.example.com
              jwksUri: https://auth.example.com/jwks
              fromHeaders: [{name: x-token}]
          claims: [{name: org.role, values: [buyer]}]
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: EndUserAuth
        metadata: {name: edge}
        spec:
          target: {ingress: shop}
          jwtRules: [{issuer: https://auth.example.com, jwksUri: https://auth.example.com/jwks, forwardOriginalToken: true}]
        """), AllocationLedger.empty());
    Map<String, Object> ra = object(result, "b", "shop/requestauthentication-meshgate-jwt-api.yaml");
    assertEquals(Map.of("app", "api"), at(ra, "spec", "selector", "matchLabels"));
    assertEquals("x-token", at(ra, "spec", "jwtRules", "0", "fromHeaders", "0", "name"));
    Map<String, Object> deny = object(result, "b", "shop/authorizationpolicy-meshgate-jwt-api.yaml");
    assertEquals("DENY", at(deny, "spec", "action"));
    assertEquals(List.of("https://auth.example.com/*"), at(deny, "spec", "rules", "0", "from", "0", "source", "notRequestPrincipals"));
    assertEquals("request.auth.claims[org][role]", at(deny, "spec", "rules", "1", "when", "0", "key"));
    Map<String, Object> edge = object(result, "a", "istio-system/authorizationpolicy-meshgate-jwt-edge.yaml");
    assertEquals(Map.of("istio", "ingressgateway"), at(edge, "spec", "selector", "matchLabels"));
    assertEquals(List.of("shop.example.com", "shop.example.com:*"), at(edge, "spec", "rules", "0", "to", "0", "operation", "hosts"));
    Map<String, Object> edgeRa = object(result, "a", "istio-system/requestauthentication-meshgate-jwt-edge.yaml");
    assertEquals(true, at(edgeRa, "spec", "jwtRules", "0", "forwardOriginalToken"));
    allPassTheCrds(result);
  }

  @Test
  void theEdgeRendersDeterministically() throws IOException {
    IntentSet intents = load("""
        apiVersion: meshgate.io/v1alpha1
        kind: ExternalService
        metadata: {name: x}
        spec: {host: x.example.com, ports: [{number: 443, protocol: HTTPS}], egressGateway: true, clusters: [b, a]}
        """);
    OutputTree first = OutputTree.of(new Renderer().render(intents, AllocationLedger.empty()), GoldenSeedTest.PROVENANCE);
    OutputTree second = OutputTree.of(new Renderer().render(intents, AllocationLedger.empty()), GoldenSeedTest.PROVENANCE);
    assertTrue(first.sameOutputAs(second));
    assertTrue(first.files().containsKey("clusters/b/istio-system/serviceentry-meshgate-egress-x.yaml"));
  }
}
