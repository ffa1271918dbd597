package io.meshgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.cli.RegoMain;
import io.meshgate.rego.conformance.ConformanceRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceRunnerTest {

  private static final String OPA_CASES = """
      cases:
      - note: example/partial set
        modules:
        - |
          package example
          names contains n if some n in input.people
        input: {people: [ann, bob]}
        query: data.example.names = x
        sort_bindings: true
        want_result:
        - x: [ann, bob]
      - note: example/conflict
        modules:
        - |
          package example
          p := 1 if true
          p := 2 if true
        query: data.example.p = x
        want_error_code: eval_conflict_error
      - note: example/input term and strict error
        modules:
        - |
          package example
          p := 1 / input.zero
        input_term: '{"zero": 0}'
        query: data.example.p = x
        strict_error: true
        want_error_code: eval_builtin_error
      - note: example/wrong expectation
        modules:
        - |
          package example
          p := 1
        query: data.example.p = x
        want_result:
        - x: 2
      - note: example/skipped by list
        modules: ["package example\\np := http.send({})\\n"]
        query: data.example.p = x
      """;

  private static final String REGORUS_CASES = """
      cases:
        - note: sets and many inputs
          modules:
            - |
              package test
              s := {x | some x in input.xs}
          input:
            many!:
              - {xs: [1, 2]}
              - {xs: [3]}
          query: data.test.s
          want_result:
            many!:
              - set!: [1, 2]
              - set!: [3]
        - note: error expected
          modules: ["package test\\nx := 1 + \\"a\\"\\n"]
          query: data.test.x
          error: "expects number"
        - note: undefined
          modules: ["package test\\nx if false\\n"]
          query: data.test.x
          want_result: "#undefined"
        - note: prints
          modules: ["package test\\nx if print(\\"hi\\", 1)\\n"]
          query: data.test.x
          want_prints: ["hi 1"]
          want_result: true
      """;

  @Test
  void opaFlavourComparesBindingsAndErrorCodes(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cases.yaml"), OPA_CASES);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ConformanceRunner runner = new ConformanceRunner(ConformanceRunner.Flavour.OPA, false,
        new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of("example/skipped by list", "needs http.send"));
    ConformanceRunner.Summary s = runner.run(List.of(dir));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(new ConformanceRunner.Summary(3, 1, 1), s, out);
    assertTrue(out.contains("example/wrong expectation"), out);
    assertTrue(out.trim().endsWith("conformance: 3 passed, 1 failed, 1 skipped"), out);
  }

  @Test
  void supersededCasesAreCountedApartAndOnlyInTheirFile(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("old"));
    Files.createDirectories(dir.resolve("new"));
    String stale = "cases:\n- note: shared/case\n  modules: [\"package t\\np := 1\\n\"]\n  query: data.t.p = x\n"
        + "  want_result: [{x: 2}]\n";
    Files.writeString(dir.resolve("old/cases.yaml"), stale);
    Files.writeString(dir.resolve("new/cases.yaml"), stale.replace("x: 2", "x: 1"));
    Path skipFile = dir.resolve("skips.yaml");
    Files.writeString(skipFile, "superseded:\n- file: old/cases.yaml\n  note: shared/case\n  by: new/cases.yaml\n"
        + "  reason: older expectation\n");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ConformanceRunner runner = new ConformanceRunner(ConformanceRunner.Flavour.OPA, true,
        new PrintStream(buf, true, StandardCharsets.UTF_8), ConformanceRunner.loadSkips(skipFile));
    ConformanceRunner.Summary s = runner.run(List.of(dir.resolve("new"), dir.resolve("old")));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(new ConformanceRunner.Summary(1, 0, 0, 1), s, out);
    assertTrue(out.contains("SUPERSEDED") && out.contains("older expectation (superseded by new/cases.yaml)"), out);
    assertTrue(out.trim().endsWith("conformance: 1 passed, 0 failed, 0 skipped, 1 superseded"), out);
  }

  private static final String OPA_RESULT_SHAPES = """
      cases:
      - note: solutions are a set, in any order
        modules: ["package t\\nxs := [2, 1, 2]\\n"]
        query: data.t.xs[_] = x
        want_result: [{x: 1}, {x: 2}]
      - note: sort_bindings sorts an array binding of the result
        modules: ["package t\\np := [x | some x in [3, \\"a\\", 1]]\\n"]
        query: data.t.p = x
        sort_bindings: true
        want_result: [{x: [1, 3, a]}]
      - note: without sort_bindings array order counts
        modules: ["package t\\np := [3, 1]\\n"]
        query: data.t.p = x
        want_result: [{x: [1, 3]}]
      - note: timestamps in case files are strings
        modules: ["package t\\np := \\"2024-01-02T03:04:05Z\\"\\n"]
        query: data.t.p = x
        want_result: [{x: 2024-01-02T03:04:05Z}]
      - note: composite keys are compact JSON
        modules: ["package t\\np := {[\\"a\\", 0]: 1}\\n"]
        query: data.t.p = x
        want_result: [{x: {'["a",0]': 1}}]
      """;

  @Test
  void opaFlavourComparesSolutionSetsLikeOpasRunner(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cases.yaml"), OPA_RESULT_SHAPES);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ConformanceRunner runner = new ConformanceRunner(ConformanceRunner.Flavour.OPA, false,
        new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of());
    ConformanceRunner.Summary s = runner.run(List.of(dir));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(new ConformanceRunner.Summary(4, 1, 0), s, out);
    assertTrue(out.contains("without sort_bindings array order counts"), out);
  }

  @Test
  void regorusFlavourHandlesEncodingsManyInputsErrorsAndPrints(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cases.yaml"), REGORUS_CASES);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ConformanceRunner runner = new ConformanceRunner(ConformanceRunner.Flavour.REGORUS, false,
        new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of());
    ConformanceRunner.Summary s = runner.run(List.of(dir));
    assertEquals(new ConformanceRunner.Summary(4, 0, 0), s, buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void commandLineEvalAndTest(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.rego"), "package p\nimport rego.v1\nallow if input.ok\ntest_allow if allow with input as {\"ok\": true}\n");
    Files.writeString(dir.resolve("in.json"), "{\"ok\": true}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RegoMain.run(new String[] {"eval", "-d", dir.toString(), "-i", dir.resolve("in.json").toString(),
        "data.p.allow"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"value\": true,\n"), out.toString(StandardCharsets.UTF_8));

    out.reset();
    code = RegoMain.run(new String[] {"test", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("PASS: 1/1"), out.toString(StandardCharsets.UTF_8));

    Files.writeString(dir.resolve("bad.rego"), "package bad\np if {\n");
    err.reset();
    code = RegoMain.run(new String[] {"test", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, code, "a policy that does not load is exit 1, as opa test");
    String msg = err.toString(StandardCharsets.UTF_8);
    assertTrue(msg.contains("bad.rego:3:1: rego_parse_error"), msg);
  }
}
