package io.meshgate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overlays in the pipeline: policies see them (at file:line), verify's model holds them. */
class OverlayPipelineTest {

  @TempDir Path repo;

  static final String INTENTS = """
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: c1}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: hello}
      spec: {service: hello, cluster: c1, protocol: HTTP, port: 5000, mutualTLS: ISTIO_MUTUAL}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: ServiceClient
      metadata: {name: web-to-hello}
      spec: {service: web, cluster: c1, target: hello}
      """;

  private Path intents(String overlay) throws IOException {
    Path intents = Files.createDirectories(repo.resolve("intents"));
    Files.writeString(intents.resolve("mesh.yaml"), INTENTS);
    Path dir = Files.createDirectories(intents.resolve("overlays/c1"));
    Files.writeString(dir.resolve("hand.yaml"), overlay);
    return intents;
  }

  @Test
  void anOverlayThatCutsADeclaredClientOffIsMgReach01() throws Exception {
    Path intents = intents("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: lockdown, namespace: default}
        spec: {selector: {matchLabels: {app: hello}}, action: DENY, rules: [{}]}
        """);
    CheckResult result = new Checker((Path) null).check(intents);
    List<Violation> reach = result.violations().stream().filter(v -> v.rule().equals(Violation.REACH_RULE)).toList();
    assertEquals(1, reach.size(), result.violations().toString());
    assertTrue(reach.get(0).message().contains("c1/default/AuthorizationPolicy/lockdown"), reach.get(0).message());
  }

  @Test
  void policiesSeeOverlaysWithTheirSource() throws Exception {
    Path intents = intents("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: default}
        spec:
          outboundTrafficPolicy: {mode: ALLOW_ANY}
        """);
    Path policies = Files.createDirectories(repo.resolve("policies"));
    Files.writeString(policies.resolve("team.rego"), """
        package meshgate.team

        deny contains {"rule": "MG-TEAM-01", "msg": msg, "kind": object.kind, "name": object.metadata.name, "field": "spec.outboundTrafficPolicy"} if {
        	some cluster, objects in input.overlays
        	some object in objects
        	object.kind == "Sidecar"
        	object.spec.outboundTrafficPolicy.mode == "ALLOW_ANY"
        	msg := sprintf("%s: Sidecar %s (%s:%d) lets its workloads call any host", [cluster, object.metadata.name, object.source.file, object.source.line])
        }
        """);
    CheckResult result = new Checker(policies).check(intents);
    Violation finding = result.violations().stream().filter(v -> v.rule().equals("MG-TEAM-01")).findFirst().orElseThrow();
    assertEquals("c1: Sidecar default (intents/overlays/c1/hand.yaml:1) lets its workloads call any host", finding.message());
    assertEquals("intents/overlays/c1/hand.yaml", finding.file());
    assertEquals(5, finding.line(), "the field the policy names, in the overlay file");
  }
}
