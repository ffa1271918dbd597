package io.meshgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.runner.RegoTestRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegoTestRunnerTest {

  @Test
  void runsEachTestAndReportsLikeOpaTest(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.rego"), "package app\nimport rego.v1\nallow if input.user == \"admin\"\n");
    Files.writeString(dir.resolve("policy_test.rego"), """
        package app_test
        import rego.v1
        import data.app

        test_admin_allowed if app.allow with input as {"user": "admin"}
        test_guest_allowed if app.allow with input as {"user": "guest"}
        test_broken if 1 / 0 == 1
        todo_test_later if false
        """);
    RegoTestRunner runner = RegoTestRunner.fromPaths(List.of(dir), Rego.builder().strictBuiltinErrors(true));
    List<RegoTestRunner.TestResult> results = runner.run();
    assertEquals(4, results.size());
    assertEquals(RegoTestRunner.Outcome.PASS, find(results, "test_admin_allowed").outcome());
    assertEquals(RegoTestRunner.Outcome.FAIL, find(results, "test_guest_allowed").outcome());
    assertEquals(RegoTestRunner.Outcome.ERROR, find(results, "test_broken").outcome());
    assertEquals(RegoTestRunner.Outcome.SKIP, find(results, "todo_test_later").outcome());
    assertEquals(6, find(results, "test_guest_allowed").line());
    assertEquals(2, RegoTestRunner.exitStatus(results));

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    RegoTestRunner.format(results, new PrintStream(buf, true, StandardCharsets.UTF_8), false);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("data.app_test.test_guest_allowed: FAIL"), out);
    assertTrue(out.contains("policy_test.rego:6"), out);
    assertTrue(out.contains("data.app_test.test_broken: ERROR"), out);
    assertTrue(out.contains("PASS: 1/4"), out);
    assertTrue(out.contains("FAIL: 1/4"), out);
    assertTrue(!out.contains("test_admin_allowed"), out);
  }

  @Test
  void eachDefinitionIsATestAndTheLayoutIsOpas(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b_test.rego"), """
        package t
        test_same { true }
        test_same { false }
        test_other { trace("looked at other"); false }
        """);
    Files.writeString(dir.resolve("a_test.rego"), "package t\nimport rego.v1\ntest_first if true\n");
    RegoTestRunner runner = RegoTestRunner.fromPaths(List.of(dir), Rego.builder(),
        RegoTestRunner.Options.defaults().withOpaDataFiles(true));
    List<RegoTestRunner.TestResult> results = runner.run();
    // file name order, then written order; the second test_same is test_same#01
    assertEquals(List.of("test_first", "test_same", "test_same#01", "test_other"),
        results.stream().map(RegoTestRunner.TestResult::name).toList());
    assertEquals(RegoTestRunner.Outcome.PASS, results.get(1).outcome());
    assertEquals(RegoTestRunner.Outcome.FAIL, results.get(2).outcome());
    assertEquals(2, RegoTestRunner.opaExitStatus(results, false));

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    RegoTestRunner.format(results, new PrintStream(buf, true, StandardCharsets.UTF_8), true);
    String out = buf.toString(StandardCharsets.UTF_8).replaceAll("\\(\\d+(\\.\\d+)?(ns|µs|ms|s)\\)", "(D)");
    String a = dir.resolve("a_test.rego").toString();
    String b = dir.resolve("b_test.rego").toString();
    assertEquals(a + ":3:\n"
        + "data.t.test_first: PASS (D)\n"
        + "\n"
        + b + ":2:\n"
        + "data.t.test_same: PASS (D)\n"
        + b + ":3:\n"
        + "data.t.test_same#01: FAIL (D)\n"
        + b + ":4:\n"
        + "data.t.test_other: FAIL (D)\n"
        + "-".repeat(80) + "\n"
        + "FAILURES\n"
        + "-".repeat(80) + "\n"
        + "data.t.test_same#01: FAIL (D)\n"
        + "\n"
        + "data.t.test_other: FAIL (D)\n"
        + "\n"
        + "  " + b + ":4     | Note \"looked at other\"\n"
        + "\n"
        + "-".repeat(80) + "\n"
        + "PASS: 2/4\n"
        + "FAIL: 2/4\n", out);
  }

  @Test
  void runSelectsTestsByTheirFullName(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("x_test.rego"), "package a.b\nimport rego.v1\ntest_one if true\ntest_two if false\n");
    List<RegoTestRunner.TestResult> results = RegoTestRunner.fromPaths(List.of(dir), Rego.builder(),
        RegoTestRunner.Options.defaults().withRun("a\\.b\\.test_o")).run();
    assertEquals(List.of("test_one"), results.stream().map(RegoTestRunner.TestResult::name).toList());
    assertEquals(0, RegoTestRunner.opaExitStatus(results, false));
  }

  @Test
  void goDurationsAsOpaPrintsThem() {
    assertEquals("850ns", RegoTestRunner.goDuration(java.time.Duration.ofNanos(850)));
    assertEquals("1.5µs", RegoTestRunner.goDuration(java.time.Duration.ofNanos(1500)));
    assertEquals("12.345678ms", RegoTestRunner.goDuration(java.time.Duration.ofNanos(12_345_678)));
    assertEquals("2s", RegoTestRunner.goDuration(java.time.Duration.ofSeconds(2)));
  }

  private static RegoTestRunner.TestResult find(List<RegoTestRunner.TestResult> rs, String name) {
    return rs.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }
}
