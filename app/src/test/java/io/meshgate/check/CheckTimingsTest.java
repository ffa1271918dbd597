package io.meshgate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each step of a check is timed, and only the steps that ran. */
class CheckTimingsTest {
  private static final Path FIXTURES = Path.of(System.getProperty("meshgate.root", ".."), "repo-fixtures");
  private static final Path POLICIES = Path.of(System.getProperty("meshgate.root", ".."), "policies");

  @Test
  void aCleanCheckTimesEveryStep() throws Exception {
    CheckTimings timings = new Checker(POLICIES).check(FIXTURES.resolve("seed/intents")).timings();
    assertNotNull(timings.policies());
    assertNotNull(timings.crd());
    assertNotNull(timings.reachability());
    assertTrue(timings.describe().matches("load [\\d,]+ ms, render [\\d,]+ ms, CRD [\\d,]+ ms, "
        + "reachability [\\d,]+ ms, policies [\\d,]+ ms"), timings.describe());
  }

  @Test
  void workWhileThePoliciesFinishGetsTheRenderOfTheResultAndNothingWhenLoadingFails() throws Exception {
    java.util.List<io.meshgate.render.RenderResult> handed = new java.util.ArrayList<>();
    CheckResult clean = new Checker(POLICIES).whilePoliciesFinish(handed::add).check(FIXTURES.resolve("seed/intents"));
    assertEquals(1, handed.size());
    assertTrue(handed.get(0) == clean.rendered(), "the very render of the result");
    handed.clear();
    CheckResult broken = new Checker(POLICIES).whilePoliciesFinish(handed::add)
        .check(FIXTURES.resolve("invalid/bad-enum/intents"));
    assertTrue(broken.hasErrors());
    assertTrue(handed.isEmpty(), "no render to hand over");
  }

  @Test
  void withoutPoliciesOrARenderThoseStepsAreNotReported() throws Exception {
    CheckTimings noPolicies = new Checker((io.meshgate.policy.PolicyEngine) null)
        .check(FIXTURES.resolve("seed/intents")).timings();
    assertNull(noPolicies.policies());
    assertNotNull(noPolicies.reachability());

    CheckTimings formatted = new CheckTimings(Duration.ofMillis(569), Duration.ofMillis(1405), Duration.ofMillis(3843),
        null, null);
    assertEquals("load 569 ms, render 1,405 ms, policies 3,843 ms", formatted.describe());
  }
}
