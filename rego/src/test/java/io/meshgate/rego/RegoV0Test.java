package io.meshgate.rego;

import static io.meshgate.rego.RegoTestSupport.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.parser.Parser;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rego v0 as real policy libraries write it (each form below was met in a public library's own
 * test suite, see docs/opa-conformance.md), read as OPA 1.x reads it with --v0-compatible, and per
 * file when no version is forced.
 */
class RegoV0Test {

  private static Value eval(Parser.RegoVersion version, String query, String... modules) {
    Rego.Builder b = Rego.builder().regoVersion(version);
    for (int i = 0; i < modules.length; i++) {
      b.addModule("m" + i + ".rego", modules[i]);
    }
    return b.build().prepare(query).evalValue(null);
  }

  private static Value auto(String query, String... modules) {
    return eval(Parser.RegoVersion.AUTO, query, modules);
  }

  @Test
  void aHeadWithSeveralBodiesIsOneRulePerBody() {
    // gatekeeper-library noupdateserviceaccount: get_service_account(obj) = spec { ... } { ... }
    String m = """
        package p
        kind(obj) = k {
          obj.kind == "Pod"
          k := "pod"
        } {
          obj.kind == "Job"
          k := "job"
        }
        allowed { input.x == 1 } { input.x == 2 }
        """;
    assertEquals(v("pod"), auto("data.p.kind({\"kind\": \"Pod\"})", m));
    assertEquals(v("job"), auto("data.p.kind({\"kind\": \"Job\"})", m));
    assertNull(auto("data.p.kind({\"kind\": \"Other\"})", m));
    assertEquals(v(true), Rego.builder().addModule("m.rego", m).build().prepare("data.p.allowed").evalValue(v(Map.of("x", 2))));
  }

  @Test
  void trailingCommasInCallArguments() {
    assertEquals(v(3), auto("data.p.x", "package p\nx := count([1, 2, 3],)\n"));
    assertEquals(v("a-b"), auto("data.p.y", "package p\ny := concat(\n  \"-\",\n  [\"a\", \"b\"],\n)\n"));
  }

  @Test
  void traceIsTrueAndItsNotesReachTheTraceSink() {
    List<String> notes = new ArrayList<>();
    Rego rego = Rego.builder().trace(notes::add)
        .addModule("m.rego", "package p\nallow { trace(sprintf(\"checking %v\", [input.x])); input.x > 1 }\n").build();
    assertEquals(v(true), rego.prepare("data.p.allow").evalValue(v(Map.of("x", 2))));
    assertEquals(List.of("checking 2"), notes);
  }

  @Test
  void aRuleDeclaredWithEmptyParenthesesIsReferredToWithOrWithoutThem() {
    // gatekeeper-library forbidden-sysctls: allowed_sysctl_string() = out { ... } called as f()
    String m = """
        package p
        settings() = {"a": 1} { true }
        as_value := settings.a
        as_call := settings().a
        """;
    assertEquals(v(1), auto("data.p.as_value", m));
    assertEquals(v(1), auto("data.p.as_call", m));
  }

  @Test
  void futureKeywordsAreNamesInV0UnlessImported() {
    // older libraries define their own `contains` helper
    String m = """
        package p
        contains(arr, elem) { arr[_] = elem }
        found { contains(["a", "b"], "b") }
        """;
    assertEquals(v(true), eval(Parser.RegoVersion.V0, "data.p.found", m));
    assertEquals(v(true), auto("data.p.found", m));
    String imported = """
        package p
        import future.keywords.in
        import future.keywords.if
        found if "b" in ["a", "b"]
        """;
    assertEquals(v(true), eval(Parser.RegoVersion.V0, "data.p.found", imported));
    RegoException e = assertThrows(RegoException.class,
        () -> eval(Parser.RegoVersion.V0, "data.p.found", "package p\nfound { \"b\" in [\"b\"] }\n"));
    assertEquals(RegoException.PARSE, e.code(), "in is not a keyword without the import");
  }

  @Test
  void regoV1AndFutureKeywordsImportsMayBeMixed() {
    String m = """
        package p
        import rego.v1
        import future.keywords.in
        import future.keywords.every
        ok if every x in [1, 2] { x > 0 }
        """;
    assertEquals(v(true), auto("data.p.ok", m));
    assertEquals(v(true), eval(Parser.RegoVersion.V0, "data.p.ok", m));
  }

  @Test
  void partialSetsObjectsDefaultsAndElseInV0Form() {
    String m = """
        package p
        default level = "low"
        level = "high" { input.n > 10 } else = "mid" { input.n > 5 }
        names[n] { n := input.items[_].name }
        by_name[n] = i { i := input.items[_]; n := i.name }
        """;
    Rego rego = Rego.builder().regoVersion(Parser.RegoVersion.V0).addModule("m.rego", m).build();
    Value in = v(Map.of("n", 7, "items", List.of(Map.of("name", "a"), Map.of("name", "b"))));
    assertEquals(v("mid"), rego.prepare("data.p.level").evalValue(in));
    assertEquals(RegoTestSupport.set("a", "b"), rego.prepare("data.p.names").evalValue(in));
    assertEquals(v(Map.of("name", "a")), rego.prepare("data.p.by_name.a").evalValue(in));
    assertEquals(v("low"), rego.prepare("data.p.level").evalValue(v(Map.of("n", 1, "items", List.of()))));
  }

  @Test
  void perFileDetectionReadsV1FilesAsV1AndV0FilesAsV0() {
    String v1 = "package a\nimport rego.v1\nxs contains x if some x in [1, 2]\n";
    String v0 = "package b\nys[y] { y := data.a.xs[_] * 10 }\n";
    assertEquals(RegoTestSupport.set(10, 20), auto("data.b.ys", v1, v0));
    RegoException strict = assertThrows(RegoException.class, () -> eval(Parser.RegoVersion.V1, "data.b.ys", v1, v0));
    assertEquals(RegoException.PARSE, strict.code());
  }

  @Test
  void deprecatedBuiltinsWorkInV0ModulesAndAreRefusedInV1Ones() {
    assertEquals(v(true), auto("data.p.ok", "package p\nok { re_match(\"^a\", \"abc\"); all([true, true]); any([false, true]) }\n"));
    assertEquals(RegoTestSupport.set(1), auto("data.p.d", "package p\nd = set_diff({1, 2}, {2})\n"));
    RegoException e = assertThrows(RegoException.class,
        () -> auto("data.p.ok", "package p\nimport rego.v1\nok if re_match(\"^a\", \"abc\")\n"));
    assertEquals(RegoException.TYPE, e.code());
    assertTrue(e.getMessage().contains("deprecated built-in function calls in expression: re_match"), e.getMessage());
  }

  @Test
  void aRefHeadWithIfIsASingleValueRuleAsInOpa1() {
    // OPA 1.x: `p[x] if ...` is `p[x] := true`, also in v0 modules importing `if`
    String m = "package p\nimport future.keywords.if\nq[x] if x := \"a\"\n";
    assertEquals(v(Map.of("a", true)), eval(Parser.RegoVersion.V0, "data.p.q", m));
  }

  @Test
  void negatedCallsBindTheirReferenceArgumentsOutsideTheNegationAsOpaDoes() {
    // gatekeeper-library psp users: `not accept_value(rule, value, params.ranges)` with no ranges
    // given is undefined under opa test, because OPA's compiler binds `params.ranges` before `not`
    String m = """
        package p
        import rego.v1
        obj := {}
        f(x) if x == 1
        call if not f(input.missing)
        nested if not f(count(input.missing))
        arith if not input.x + input.y == input.z
        key if not obj[input.missing]
        plain if not input.missing
        eq if not input.missing == 1
        inner if not input.a[input.missing]
        """;
    Rego rego = Rego.builder().addModule("m.rego", m).build();
    Value in = v(Map.of("a", Map.of("k", 1)));
    for (String undefined : List.of("call", "nested", "arith", "key", "inner")) {
      assertNull(rego.prepare("data.p." + undefined).evalValue(in), undefined);
    }
    assertEquals(v(true), rego.prepare("data.p.plain").evalValue(in));
    assertEquals(v(true), rego.prepare("data.p.eq").evalValue(in));
    assertEquals(v(true), rego.prepare("data.p.call").evalValue(v(Map.of("missing", 2))));
  }

  @Test
  void futureKeywordsNotMakesTheNegationCaptureItsArguments() {
    String m = """
        package p
        import future.keywords.not
        import rego.v1
        f(x) if x == 1
        call if not f(input.missing)
        arith if not input.x + input.y == input.z
        """;
    Rego rego = Rego.builder().addModule("m.rego", m).build();
    assertEquals(v(true), rego.prepare("data.p.call").evalValue(v(Map.of())));
    assertEquals(v(true), rego.prepare("data.p.arith").evalValue(v(Map.of())));
  }
}
