package io.meshgate.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The product's CRD check on Istio's real bundle (packed into the build from ../shared/istio-crds):
 * structural schema and CEL rules, each with a case the API server accepts and one it rejects.
 */
class IstioCrdsTest {

  private static final IstioCrds CRDS = IstioCrds.bundled();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String text) {
    return (Map<String, Object>) new Yaml().load(text);
  }

  private static List<String> problems(String text) {
    List<String> out = new ArrayList<>();
    CRDS.validate(yaml(text)).forEach(p -> out.add(p.toString()));
    return out;
  }

  @Test
  void everyCelRuleOfTheBundleCompiles() {
    assertTrue(CRDS.kinds().contains("networking.istio.io/VirtualService"), CRDS.kinds().toString());
    List<String> broken = new ArrayList<>();
    for (String rule : CelRulesOfBundle.all()) {
      KubernetesCel.Compiled compiled = KubernetesCel.get().compile(rule);
      if (compiled.problem() != null) {
        broken.add(rule + ": " + compiled.problem());
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void aValidDestinationRulePasses() {
    assertEquals(List.of(), problems("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews.default.svc.cluster.local
          trafficPolicy:
            outlierDetection: {consecutive5xxErrors: 5, interval: 5m, baseEjectionTime: 15m}
        """));
  }

  @Test
  void celDurationRuleRejectsZero() {
    List<String> found = problems("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            outlierDetection: {interval: 0s}
        """);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("spec.trafficPolicy.outlierDetection.interval: must be a valid duration greater than 1ms"), found.toString());
  }

  @Test
  void structuralProblems() {
    List<String> found = problems("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ext, namespace: default}
        spec:
          hosts: [example.com]
          ports: [{number: 0, name: http, protocol: HTTP, bogus: 1}]
          resolution: DNS_ROUNDROBIN
        """);
    assertTrue(found.stream().anyMatch(p -> p.startsWith("spec.ports[0].bogus: unknown field")), found.toString());
    assertTrue(found.stream().anyMatch(p -> p.startsWith("spec.ports[0].number: port must be between 1-65535")), found.toString());
    assertTrue(found.stream().anyMatch(p -> p.startsWith("spec.resolution: bad value")), found.toString());
  }

  @Test
  void aMapEntryIsNamedInBrackets() {
    List<String> found = problems("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: a, namespace: default}
        spec:
          selector: {matchLabels: {app: [x]}}
        """);
    assertTrue(found.stream().anyMatch(p -> p.startsWith("spec.selector.matchLabels[app]: must be a string")),
        found.toString());
  }

  @Test
  void kubernetesUrlLibraryOnRequestAuthentication() {
    String template = """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: jwt, namespace: default}
        spec:
          jwtRules:
            - issuer: https://issuer.example.com
              jwksUri: %s
        """;
    assertEquals(List.of(), problems(template.formatted("https://issuer.example.com/jwks.json")));
    List<String> found = problems(template.formatted("ftp://issuer.example.com/jwks.json"));
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).contains("url must have scheme http:// or https://"), found.toString());
  }

  @Test
  void unknownKindOrVersion() {
    assertTrue(problems("apiVersion: networking.istio.io/v2\nkind: Gateway\nmetadata: {name: g, namespace: d}\n")
        .get(0).contains("served versions: [v1, v1alpha3, v1beta1]"));
    assertTrue(problems("apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: g, namespace: d}\n")
        .get(0).contains("no CustomResourceDefinition"));
  }
}
