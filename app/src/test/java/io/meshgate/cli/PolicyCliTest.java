package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies are data: a copy of {@code policies/} changed on disk changes what {@code validate}
 * reports, without rebuilding. Also {@code policy test} and fail-closed behaviour through the CLI.
 */
class PolicyCliTest {

  @TempDir Path temp;

  private Path copyOfPolicies() throws IOException {
    Path source = TestRepos.root().resolve("policies");
    Path target = temp.resolve("policies");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    return target;
  }

  private static CliRun validate(Path intents, Path policies) {
    return CliRun.of("validate", "--intents", intents.toString(), "--policies", policies.toString(), "--format", "json");
  }

  @Test
  void aNewRuleFileTakesEffectWithoutRebuilding() throws IOException {
    Path policies = copyOfPolicies();
    assertEquals(0, validate(TestRepos.seedIntents(), policies).exit());

    Files.writeString(policies.resolve("naming.rego"), """
        # MG-NAME-01 — test rule: services must say which team owns them.
        package meshgate.naming

        deny contains {"rule": "MG-NAME-01", "msg": msg, "kind": "InboundService", "name": name, "field": "metadata.labels"} if {
        	some name, service in input.services
        	not service.metadata.labels.team
        	msg := sprintf("service %s has no team label", [name])
        }
        """);
    CliRun run = validate(TestRepos.seedIntents(), policies);

    assertEquals(1, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("\"MG-NAME-01\""), run.out());
    assertTrue(run.out().contains("service productpage has no team label"), run.out());
    assertTrue(run.out().matches("(?s).*\"file\"\\s*:\\s*\"intents/services/productpage.yaml\".*"), run.out());
    assertFalse(run.out().contains("service httpbin has no team label"), "httpbin has a team label: " + run.out());
  }

  @Test
  void deletingARuleFileRemovesItsFindings() throws IOException {
    Path fixture = TestRepos.root().resolve("repo-fixtures/invalid/policy-MG-TLS-01/intents");
    Path policies = copyOfPolicies();
    CliRun before = validate(fixture, policies);
    assertEquals(1, before.exit(), before.out() + before.err());
    assertTrue(before.out().contains("MG-TLS-01"), before.out());

    Files.delete(policies.resolve("tls.rego"));
    Files.delete(policies.resolve("tls_test.rego"));
    CliRun after = validate(fixture, policies);

    assertFalse(after.out().contains("MG-TLS-01"), after.out());
    // What remains is MG-REACH-01, which no policy file controls: the SIMPLE client still cannot
    // reach its ISTIO_MUTUAL service in what is rendered.
    assertEquals(1, after.exit(), after.out() + after.err());
    List<String> rules = after.out().lines().filter(l -> l.contains("\"rule\"")).toList();
    assertFalse(rules.isEmpty(), after.out());
    assertTrue(rules.stream().allMatch(l -> l.contains("\"MG-REACH-01\"")), after.out());
  }

  @Test
  void brokenPoliciesFailClosedWithOneLine() throws IOException {
    Path policies = copyOfPolicies();
    Files.writeString(policies.resolve("broken.rego"), "package meshgate.broken\n\ndeny contains x if {\n");
    CliRun run = validate(TestRepos.seedIntents(), policies);

    assertEquals(2, run.exit());
    assertEquals("", run.out(), "nothing that could pass for a report");
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains("broken.rego:"), run.err());
    assertFalse(run.leaksStackTrace(), run.err());
  }

  @Test
  void brokenPoliciesAreReportedBeforeAMissingIntentsFolder() throws IOException {
    // The policies compile while the intents are read: the order of the messages stays as it was.
    Path policies = copyOfPolicies();
    Files.writeString(policies.resolve("broken.rego"), "package meshgate.broken\n\ndeny contains x if {\n");
    for (String command : new String[] {"validate", "render"}) {
      CliRun run = command.equals("validate") ? validate(temp.resolve("no-such-intents"), policies)
          : CliRun.of("render", "--intents", temp.resolve("no-such-intents").toString(), "--policies",
              policies.toString(), "--out", temp.resolve("out").toString());
      assertEquals(2, run.exit(), run.err());
      assertTrue(run.err().contains("policy evaluation failed: policies do not compile") && run.err().contains("broken.rego:"),
          run.err());
    }
    CliRun sound = validate(temp.resolve("no-such-intents"), TestRepos.root().resolve("policies"));
    assertEquals(2, sound.exit());
    assertTrue(sound.err().contains("does not exist"), sound.err());
  }

  @Test
  void opaDownFailsClosed() {
    CliRun run = CliRun.of("validate", "--intents", TestRepos.seedIntents().toString(),
        "--policies", TestRepos.root().resolve("policies").toString(),
        "--policy-engine", "opa", "--opa-url", "http://127.0.0.1:9");
    assertEquals(2, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("failing closed"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void opaEngineNeedsAnUrl() {
    CliRun run = CliRun.of("validate", "--intents", TestRepos.seedIntents().toString(),
        "--policies", TestRepos.root().resolve("policies").toString(), "--policy-engine", "opa");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--opa-url"), run.err());
  }

  @Test
  void policyTestPassesOnTheShippedPolicies() {
    CliRun run = CliRun.of("policy", "test", TestRepos.root().resolve("policies").toString());
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("PASS: "), run.out());
  }

  @Test
  void policyTestReportsFailuresAndLoadErrors() throws IOException {
    Path policies = copyOfPolicies();
    Files.writeString(policies.resolve("wrong_test.rego"), """
        package meshgate.wrong_test

        import data.meshgate.tls
        import data.meshgate.testdata

        test_expects_a_finding_on_valid_input if {
        	count(tls.deny) > 0 with input as testdata.base_input
        }
        """);
    CliRun failing = CliRun.of("policy", "test", policies.toString(), "-v");
    assertEquals(1, failing.exit(), failing.out() + failing.err());
    assertTrue(failing.out().contains("test_expects_a_finding_on_valid_input: FAIL"), failing.out());
    assertTrue(failing.out().contains("FAIL: 1/"), failing.out());

    Files.writeString(policies.resolve("wrong_test.rego"), "package meshgate.wrong_test\n\ntest_x if {\n");
    CliRun broken = CliRun.of("policy", "test", policies.toString());
    assertEquals(2, broken.exit(), broken.out() + broken.err());
    assertTrue(broken.err().contains("wrong_test.rego"), broken.err());
    assertFalse(broken.leaksStackTrace(), broken.err());
  }

  @Test
  void policyTestReadsV0LibrariesAndRunsOnlyTheSelectedTests() throws IOException {
    Path lib = temp.resolve("v0lib");
    Files.createDirectories(lib);
    // Rego v0 as libraries write it: a body without `if`, a partial set, several bodies per head
    Files.writeString(lib.resolve("src.rego"), """
        package k8s.required
        kind(obj) = k { obj.kind == "Pod"; k := "pod" } { obj.kind == "Job"; k := "job" }
        violation[msg] { not input.labels.team; msg := "missing team label" }
        """);
    Files.writeString(lib.resolve("src_test.rego"), """
        package k8s.required
        test_pod { kind({"kind": "Pod"}) == "pod" }
        test_job { kind({"kind": "Job"}) == "job" }
        test_violation { count(violation) == 1 with input as {"labels": {}} }
        test_wrong { count(violation) == 0 with input as {"labels": {}} }
        """);
    for (String[] flags : new String[][] {{}, {"--v0-compatible"}}) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("policy", "test", lib.toString(), "-v"));
      args.addAll(java.util.List.of(flags));
      CliRun all = CliRun.of(args.toArray(String[]::new));
      assertEquals(1, all.exit(), all.out() + all.err());
      assertTrue(all.out().contains("data.k8s.required.test_pod: PASS ("), all.out());
      assertTrue(all.out().contains("data.k8s.required.test_wrong: FAIL ("), all.out());
      assertTrue(all.out().contains("src_test.rego:5:"), all.out());
      assertTrue(all.out().contains("PASS: 3/4") && all.out().contains("FAIL: 1/4"), all.out());
    }
    CliRun selected = CliRun.of("policy", "test", lib.toString(), "--run", "test_(pod|job)$");
    assertEquals(0, selected.exit(), selected.out() + selected.err());
    assertTrue(selected.out().contains("PASS: 2/2"), selected.out());
    assertFalse(selected.out().contains("test_pod"), "passing tests are listed only with -v: " + selected.out());
    CliRun badRegex = CliRun.of("policy", "test", lib.toString(), "-r", "(");
    assertEquals(2, badRegex.exit(), badRegex.out() + badRegex.err());
    assertTrue(badRegex.err().contains("--run"), badRegex.err());
  }

  @Test
  void everyShippedRuleHasAnInvalidFixtureExpectingIt() throws IOException {
    for (String rule : java.util.List.of("MG-TLS-01", "MG-TLS-02", "MG-ADDR-01", "MG-AUTHZ-01", "MG-SIDECAR-01",
        "MG-SECRET-01", "MG-REF-01", "MG-LB-01")) {
      Path expected = TestRepos.root().resolve("repo-fixtures/invalid/policy-" + rule + "/expected.json");
      assertTrue(Files.isRegularFile(expected), "missing fixture for " + rule);
      assertTrue(Files.readString(expected).contains("\"rule\": \"" + rule + "\""), expected.toString());
    }
  }

  @Test
  void renderRefusesToWriteOnADeny() {
    Path out = temp.resolve("out");
    CliRun run = CliRun.of("render", "--intents",
        TestRepos.root().resolve("repo-fixtures/invalid/policy-MG-LB-01/intents").toString(),
        "--policies", TestRepos.root().resolve("policies").toString(), "--out", out.toString());
    assertEquals(1, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("intents/redis.yaml:13:7: MG-LB-01"), run.out());
    assertFalse(Files.exists(out), "nothing may be written");
  }

  @Test
  void renderWritesNothingWhenPoliciesCannotBeEvaluated() throws IOException {
    Path policies = copyOfPolicies();
    Files.writeString(policies.resolve("tls.rego"), "package meshgate.tls\n\ndeny contains x if {\n");
    Path out = temp.resolve("out");
    CliRun run = CliRun.of("render", "--intents", TestRepos.seedIntents().toString(),
        "--policies", policies.toString(), "--out", out.toString());
    assertEquals(2, run.exit(), run.out() + run.err());
    assertFalse(Files.exists(out), "nothing may be written");
    assertFalse(run.leaksStackTrace(), run.err());
  }

  @Test
  void keyMaterialIsFoundEvenInADocumentWithASchemaError() throws IOException {
    Path intents = Files.createDirectories(temp.resolve("repo/intents"));
    Files.writeString(intents.resolve("leaky.yaml"), """
        apiVersion: meshgate.io/v1alpha1
        kind: Cluster
        metadata:
          name: cluster01
        spec:
          logicalCloud: lc1
          meshGateway:
            address: 172.25.55.210
          rootCert: |
            -----BEGIN CERTIFICATE-----
            MIIBszCCAVmgAwIBAgIUY
            -----END CERTIFICATE-----
        """);
    CliRun run = CliRun.of("validate", "--intents", intents.toString(),
        "--policies", TestRepos.root().resolve("policies").toString(), "--format", "text");
    assertEquals(1, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("intents/leaky.yaml:9:13: MG-SCHEMA"), run.out());
    assertTrue(run.out().contains("intents/leaky.yaml:9:13: MG-SECRET-01"), run.out());
    assertFalse(run.out().contains("MIIB"), "the key material is never echoed: " + run.out());
  }

  @Test
  void aRuleWrittenAgainstRenderedObjectsIsPlacedAtTheIntentTheObjectCameFrom() throws IOException {
    // Written as a Rego-only author would: v1 keywords, a helper, every, object.get, the rendered
    // list of one cluster, findings named after the rendered object.
    Path policies = copyOfPolicies();
    Files.writeString(policies.resolve("entries.rego"), """
        package meshgate.entries

        import rego.v1

        is_entry(o) if o.kind == "ServiceEntry"

        deny contains {"rule": "ORG-SE-01", "msg": msg, "kind": o.kind, "name": o.metadata.name, "field": "spec.ports"} if {
        	some cluster, objects in input.rendered
        	some o in objects
        	is_entry(o)
        	every port in o.spec.ports { port.number < 9000 }
        	object.get(o.spec, "location", "") == "MESH_INTERNAL"
        	msg := sprintf("%s in %s: ports below 9000 are reserved", [o.metadata.name, cluster])
        }
        """);
    CliRun run = CliRun.of("validate", "--intents", TestRepos.seedIntents().toString(), "--policies",
        policies.toString());
    assertEquals(1, run.exit(), run.out() + run.err());
    // httpbin (port 8000) is rendered as meshgate-httpbin-default-global into cluster01, from httpbin.yaml.
    assertTrue(run.out().contains(
        "intents/services/httpbin.yaml:9:12: ORG-SE-01: meshgate-httpbin-default-global in cluster01"), run.out());
    assertFalse(run.out().contains("productpage-default-global"), "productpage listens on 9080: " + run.out());
  }

  @Test
  void aDenyOutsidePackageMeshgateFailsClosedInsteadOfBeingIgnored() throws IOException {
    // conftest's default package: its deny would never be read, and the run would pass.
    Path policies = copyOfPolicies();
    Files.writeString(policies.resolve("conftest.rego"), """
        package main

        import rego.v1

        # deny contains "in a comment" if true
        deny contains msg if {
        	some name, _ in input.services
        	msg := sprintf("no services allowed: %s", [name])
        }
        """);
    CliRun run = validate(TestRepos.seedIntents(), policies);
    assertEquals(2, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("policies/conftest.rego:6: package main defines deny, but meshgate only reads deny "
        + "and warn below data.meshgate"), run.err());

    // A helper package outside meshgate without findings is fine.
    Files.writeString(policies.resolve("conftest.rego"), """
        package helpers.naming

        import rego.v1

        denylist := {"admin"}
        warning_text(name) := sprintf("%s is reserved", [name])
        """);
    assertEquals(0, validate(TestRepos.seedIntents(), policies).exit());
  }
}
