package io.meshgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Severity;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPolicyEngineTest {

  @TempDir Path dir;

  private PolicyBundle bundle(String... fileAndText) throws Exception {
    for (int i = 0; i < fileAndText.length; i += 2) {
      Path file = dir.resolve(fileAndText[i]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, fileAndText[i + 1]);
    }
    return PolicyBundle.load(dir);
  }

  private static final Map<String, Object> INPUT = Map.of("services", Map.of("httpbin",
      Map.of("name", "httpbin", "spec", Map.of("port", 80))));

  @Test
  void collectsDenyAndWarnFromEveryPackageAndReadsData() throws Exception {
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle(
        "ports.rego", """
            package meshgate.ports

            deny contains {"rule": "MG-PORT-01", "msg": msg, "kind": "InboundService", "name": name, "field": "spec.port"} if {
            	some name, service in input.services
            	service.spec.port < data.limits.lowest_port
            	msg := sprintf("port %v is privileged", [service.spec.port])
            }
            """,
        "deep/nested.rego", """
            package meshgate.team.deep

            warn contains {"rule": "MG-TEAM-01", "msg": "consider a description", "kind": "InboundService", "name": "httpbin"} if true
            """,
        "data.yaml", "limits: {lowest_port: 1024}\n"));

    PolicyDecision decision = engine.evaluate(INPUT);

    assertEquals(List.of(new PolicyFinding("MG-PORT-01", Severity.ERROR, "port 80 is privileged", "InboundService",
        "httpbin", "spec.port")), decision.denies());
    assertEquals(List.of(new PolicyFinding("MG-TEAM-01", Severity.WARNING, "consider a description", "InboundService",
        "httpbin", null)), decision.warnings());
  }

  @Test
  void aRegoV0ModuleRunsBesideV1Modules() throws Exception {
    // Security teams bring libraries written in Rego v0 (conftest style); `policy test` reads them,
    // so validate must too.
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle(
        "legacy.rego", """
            package meshgate.legacy

            deny[finding] {
            	service := input.services[name]
            	service.spec.port < 1024
            	finding := {"rule": "MG-LEGACY-01", "msg": "privileged port", "kind": "InboundService", "name": name}
            }
            """,
        "modern.rego", """
            package meshgate.modern

            warn contains {"rule": "MG-MODERN-01", "msg": "modern", "kind": "InboundService", "name": name} if {
            	some name, _ in input.services
            }
            """));

    PolicyDecision decision = engine.evaluate(INPUT);

    assertEquals(List.of("MG-LEGACY-01"), decision.denies().stream().map(PolicyFinding::rule).toList());
    assertEquals(List.of("MG-MODERN-01"), decision.warnings().stream().map(PolicyFinding::rule).toList());
  }

  @Test
  void aDenyThatIsNotASetIsRefused() throws Exception {
    // Each deny and warn is queried on its own (on several threads); a deny of the wrong shape still
    // fails closed, as it does when data.meshgate is read whole.
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle(
        "ok.rego", "package meshgate.ok\n\nwarn contains \"fine\" if true\n",
        "bad.rego", "package meshgate.bad\n\ndeny := \"not a set\"\n"));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine.evaluate(INPUT));
    assertTrue(error.getMessage().contains("data.meshgate.bad.deny must be a set"), error.getMessage());
  }

  @Test
  void aDenyMadeOfRefHeadRulesIsRefusedNotSkipped() throws Exception {
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle(
        "ok.rego", "package meshgate.ok\n\nwarn contains \"fine\" if true\n",
        "tls.rego", "package meshgate.tls\n\ndeny.weak contains \"weak cipher\" if true\n"));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine.evaluate(INPUT));
    assertTrue(error.getMessage().contains("data.meshgate.tls.deny must be a set"), error.getMessage());
  }

  @Test
  void aLookupObjectKeyedByAnIntentNamedDenyIsNotAFinding() throws Exception {
    // Findings are the deny and warn rules; a key "deny" in another rule's value is data.
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle("lookup.rego", """
        package meshgate.lookup

        port_by_name := {name: s.spec.port | some name, s in input.services}

        warn contains {"rule": "MG-LOOKUP", "msg": "looked up", "kind": "InboundService", "name": "deny"} if {
        	port_by_name.deny == 80
        }
        """));
    PolicyDecision decision = engine.evaluate(Map.of("services", Map.of("deny",
        Map.of("name", "deny", "spec", Map.of("port", 80)))));
    assertEquals(List.of(), decision.denies());
    assertEquals(List.of("MG-LOOKUP"), decision.warnings().stream().map(PolicyFinding::rule).toList());
  }

  @Test
  void findingsInTheBundlesDataUnderMeshgateCountToo() throws Exception {
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle(
        "ok.rego", "package meshgate.ok\n\ndeny contains \"from a rule\" if true\n",
        "data.yaml", "meshgate: {fixed: {deny: [\"from data\"]}}\n"));
    assertEquals(List.of("from a rule", "from data"),
        engine.evaluate(INPUT).denies().stream().map(PolicyFinding::message).sorted().toList());
  }

  @Test
  void compileErrorNamesFileAndLine() throws Exception {
    PolicyBundle broken = bundle("tls.rego", "package meshgate.tls\n\ndeny contains x if {\n\tx := undefined_var_y\n}\n");
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> EmbeddedPolicyEngine.create(broken));
    assertTrue(error.getMessage().contains(dir.getFileName() + "/tls.rego:"), error.getMessage());
  }

  @Test
  void malformedFindingIsAnEngineError() throws Exception {
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle("bad.rego",
        "package meshgate.bad\n\ndeny contains {\"msg\": \"no rule id\"} if true\n"));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine.evaluate(INPUT));
    assertTrue(error.getMessage().contains("\"rule\""), error.getMessage());
  }

  @Test
  void aBareMessageDeniesUnderItsPackageName() throws Exception {
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle("ports.rego", """
        package meshgate.ports

        deny contains msg if {
        	some name, service in input.services
        	service.spec.port < 1024
        	msg := sprintf("%s: port %d is privileged", [name, service.spec.port])
        }
        """));
    assertEquals(List.of(new PolicyFinding("meshgate.ports", Severity.ERROR, "httpbin: port 80 is privileged",
        null, null, null)), engine.evaluate(INPUT).denies());
  }

  @Test
  void noMeshgatePackageIsUndefinedAndFailsClosed() throws Exception {
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle("other.rego", "package other\n\nallow := true\n"));
    assertThrows(PolicyEngineException.class, () -> engine.evaluate(INPUT));
  }

  @Test
  void runawayPolicyHitsTheTimeLimit() throws Exception {
    PolicyEngine engine = EmbeddedPolicyEngine.create(bundle("slow.rego", """
        package meshgate.slow

        deny contains {"rule": "MG-SLOW", "msg": sprintf("%v", [n])} if {
        	some a in numbers.range(1, 2000)
        	some b in numbers.range(1, 2000)
        	n := a * b
        	n < 0
        }
        """), Duration.ofMillis(300));
    PolicyEngineException error = assertThrows(PolicyEngineException.class, () -> engine.evaluate(INPUT));
    assertTrue(error.getMessage().contains("limit"), error.getMessage());
  }

  @Test
  void theShippedPoliciesFindOnlyTheCrossClusterHashWarningOnTheSeed() throws Exception {
    PolicyEngine engine = EmbeddedPolicyEngine.create(PolicyBundle.load(TestRepos.root().resolve("policies")));
    var loaded = IntentLoader.load(TestRepos.seedIntents());
    var rendered = new io.meshgate.render.Renderer().render(loaded.intents(), io.meshgate.render.AllocationLedger.empty());
    PolicyDecision decision = engine.evaluate(PolicyInput.build(loaded, rendered.asPlainObjects()));
    assertEquals(List.of(), decision.denies());
    assertEquals(List.of("MG-LB-02 InboundService/productpage spec.loadBalancing.consistentHash"),
        decision.all().stream().map(f -> f.rule() + " " + f.kind() + "/" + f.name() + " " + f.field()).toList());
  }
}
