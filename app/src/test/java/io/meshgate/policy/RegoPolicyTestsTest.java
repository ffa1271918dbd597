package io.meshgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.TestRepos;
import io.meshgate.rego.Rego;
import io.meshgate.rego.runner.RegoTestRunner;
import io.meshgate.rego.runner.RegoTestRunner.Outcome;
import io.meshgate.rego.runner.RegoTestRunner.TestResult;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Runs {@code policies/*_test.rego} with the embedded engine, so {@code mvn verify} covers the policies. */
class RegoPolicyTestsTest {

  @Test
  void everyPolicyTestPasses() {
    List<TestResult> results = RegoTestRunner
        .fromPaths(List.of(TestRepos.root().resolve("policies")), Rego.builder().regoV1(true)).run();

    List<String> notPassing = results.stream().filter(r -> r.outcome() != Outcome.PASS)
        .map(r -> r.fullName() + " " + r.outcome() + (r.message() == null ? "" : ": " + r.message())).toList();
    assertEquals(List.of(), notPassing);
    assertTrue(results.size() >= 40, "expected the full policy test suite, ran " + results.size());
  }

  @Test
  void everyShippedRuleHasTestsThatMakeItFire() {
    List<TestResult> results = RegoTestRunner
        .fromPaths(List.of(TestRepos.root().resolve("policies")), Rego.builder().regoV1(true)).run();
    Set<String> tested = new TreeSet<>();
    for (TestResult result : results) {
      // test names say which rule they exercise: test_tls01_..., test_addr01_...
      String name = result.name();
      for (String rule : List.of("tls01", "tls02", "addr01", "authz01", "sidecar01", "secret01", "ref01", "lb01")) {
        if (name.startsWith("test_" + rule + "_")) {
          tested.add(rule);
        }
      }
    }
    assertEquals(Set.of("tls01", "tls02", "addr01", "authz01", "sidecar01", "secret01", "ref01", "lb01"), tested);
  }
}
