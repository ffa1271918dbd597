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

  private static RegoTestRunner.TestResult find(List<RegoTestRunner.TestResult> rs, String name) {
    return rs.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }
}
