package io.meshgate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks through a CheckMemory find exactly what checks without one find. */
class CheckMemoryTest {
  private static final Path FIXTURES = Path.of(System.getProperty("meshgate.root", ".."), "repo-fixtures");
  private static final Path POLICIES = Path.of(System.getProperty("meshgate.root", ".."), "policies");

  /** Every finding with its place, sorted: what two checks must agree on. */
  static List<String> findings(CheckResult result) {
    return result.violations().stream().map(v -> v.rule() + " " + v.file() + ":" + v.line() + " " + v.message())
        .sorted().toList();
  }

  @Test
  void aSecondCheckReusesTheCrdAnswersAndFindsTheSame() throws Exception {
    Path intents = FIXTURES.resolve("invalid/crd-MG-CRD-01-intent/intents");
    Checker checker = new Checker(POLICIES);
    CheckMemory memory = new CheckMemory();

    CheckResult fresh = checker.check(intents);
    CheckResult first = checker.check(intents, null, memory);
    assertEquals(0, memory.crdReusedLastRun());
    CheckResult second = checker.check(intents, null, memory);

    assertTrue(findings(fresh).stream().anyMatch(f -> f.startsWith("MG-CRD-01")), findings(fresh).toString());
    assertEquals(findings(fresh), findings(first));
    assertEquals(findings(fresh), findings(second), "a reused answer is the answer");
    assertTrue(memory.crdReusedLastRun() > 0, "objects rendered as last time are not checked again");
    assertEquals(0, memory.parsed().parsedLastLoad(), "no file changed");
  }

  @Test
  void theSeedChecksCleanTwiceThroughOneMemory() throws Exception {
    Path intents = FIXTURES.resolve("seed/intents");
    Checker checker = new Checker(POLICIES);
    CheckMemory memory = new CheckMemory();
    List<String> expected = findings(checker.check(intents));
    assertEquals(expected, findings(checker.check(intents, null, memory)));
    assertEquals(expected, findings(checker.check(intents, null, memory)));
    assertEquals(memory.parsed().size(), memory.parsed().reusedLastLoad());
  }
}
