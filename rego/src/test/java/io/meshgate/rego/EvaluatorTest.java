package io.meshgate.rego;

import static io.meshgate.rego.RegoTestSupport.eval;
import static io.meshgate.rego.RegoTestSupport.list;
import static io.meshgate.rego.RegoTestSupport.obj;
import static io.meshgate.rego.RegoTestSupport.rego;
import static io.meshgate.rego.RegoTestSupport.set;
import static io.meshgate.rego.RegoTestSupport.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.value.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {

  private static final String SERVICES = """
      package mesh
      import rego.v1

      default allow := false
      allow if count(deny) == 0

      deny contains msg if {
        some svc in input.services
        not svc.owner
        msg := sprintf("service %s has no owner", [svc.name])
      }

      by_name[svc.name] := svc.port if some svc in input.services

      ports := [p | some svc in input.services; p := svc.port]
      names := {n | n := input.services[_].name}
      """;

  private static final Map<String, Object> INPUT = obj("services", list(
      obj("name", "a", "port", 80, "owner", "x"),
      obj("name", "b", "port", 81)));

  @Test
  void partialSetsObjectsAndComprehensions() {
    Rego r = rego(SERVICES);
    assertEquals(set("service b has no owner"), eval(r, "data.mesh.deny", INPUT));
    assertEquals(v(obj("a", 80, "b", 81)), eval(r, "data.mesh.by_name", INPUT));
    assertEquals(v(list(80, 81)), eval(r, "data.mesh.ports", INPUT));
    assertEquals(set("a", "b"), eval(r, "data.mesh.names", INPUT));
    assertEquals(v(false), eval(r, "data.mesh.allow", INPUT));
  }

  @Test
  void refHeadRulesBuildNestedObjectsAndSets() {
    Rego r = rego("""
        package t
        import rego.v1
        a.b[x] contains y if { some x in ["k", "j"]; some y in [1, 2] }
        c[x][z] := x if { some x in ["k"]; some z in ["q", "r"] }
        d.e := 1
        d.f := 2
        """);
    assertEquals(v(obj("b", obj("j", java.util.Set.of(1, 2), "k", java.util.Set.of(1, 2)))), eval(r, "data.t.a", null));
    assertEquals(v(obj("k", obj("q", "k", "r", "k"))), eval(r, "data.t.c", null));
    assertEquals(v(obj("e", 1, "f", 2)), eval(r, "data.t.d", null));
    assertEquals(set(1, 2), eval(r, "data.t.a.b.k", null));
  }

  @Test
  void undefinedIsNotFalse() {
    Rego r = rego("package t\nimport rego.v1\np if input.x == 1\nq := false\nn if not p\n");
    assertNull(eval(r, "data.t.p", obj("x", 2)));
    assertEquals(v(false), eval(r, "data.t.q", null));
    assertEquals(v(true), eval(r, "data.t.n", obj("x", 2)));
    assertNull(eval(r, "data.t.n", obj("x", 1)));
    // a package is an object of its defined rules
    assertEquals(v(obj("n", true, "q", false)), eval(r, "data.t", obj("x", 2)));
  }

  @Test
  void functionsElseAndDefaults() {
    Rego r = rego("""
        package t
        import rego.v1
        grade(s) := "a" if s >= 90
        else := "b" if s >= 80
        else := "c"
        default half(_) := 0
        half(x) := x / 2 if x > 0
        first([a, _]) := a
        out := [grade(95), grade(85), grade(10), half(4), half(-1), first([7, 8])]
        """);
    assertEquals(v(list(eval(r, "\"a\"", null), "b", "c", 2, 0, 7)).toString(), eval(r, "data.t.out", null).toString());
  }

  @Test
  void unificationDestructuresAndIterates() {
    Rego r = rego("package t\nimport rego.v1\n"
        + "pairs contains [k, x] if { [k, {\"v\": x}] = [\"key\", {\"v\": 3}] }\n"
        + "idx contains i if { input.xs[i] == \"b\" }\n");
    assertEquals(set(list("key", 3)), eval(r, "data.t.pairs", null));
    assertEquals(set(1, 3), eval(r, "data.t.idx", obj("xs", list("a", "b", "c", "b"))));
  }

  @Test
  void someEveryAndMembership() {
    Rego r = rego("""
        package t
        import rego.v1
        all_pos if every x in input.xs { x > 0 }
        has_two if 2 in input.xs
        kv if "a", 1 in {"a": 1}
        idx contains i if { some i, x in input.xs; x > 1 }
        """);
    assertEquals(v(true), eval(r, "data.t.all_pos", obj("xs", list(1, 2))));
    assertNull(eval(r, "data.t.all_pos", obj("xs", list(1, -2))));
    assertEquals(v(true), eval(r, "data.t.all_pos", obj("xs", list())));
    assertEquals(v(true), eval(r, "data.t.has_two", obj("xs", list(1, 2))));
    assertNull(eval(r, "data.t.has_two", obj("xs", list(1))));
    assertEquals(set(1, 2), eval(r, "data.t.idx", obj("xs", list(1, 2, 3))));
  }

  @Test
  void parenthesisedKeyValueMembershipIsATerm() {
    Rego r = rego("""
        package t
        nested if (0, 2 in [2]) in [true]
        in_set := {(1, 1 in [2])}
        in_array := [(0, "a" in ["a"])]
        f(x) := x
        in_call := f((1, "b" in ["a", "b"]))
        non_collection := (1, "foo" in 1)
        """);
    assertEquals(v(true), eval(r, "data.t.nested", null));
    assertEquals(set(false), eval(r, "data.t.in_set", null));
    assertEquals(v(list(true)), eval(r, "data.t.in_array", null));
    assertEquals(v(true), eval(r, "data.t.in_call", null));
    assertEquals(v(false), eval(r, "data.t.non_collection", null));
  }

  @Test
  void notNegatesAWholeBodyUnderRegoV2OrFutureKeywordsNot() {
    Rego r = rego("""
        package t
        import rego.v2
        default none_big := false
        none_big if not { some v in input.xs; v > 2 }
        """, """
        package u
        import future.keywords.not
        p if not { input.a; input.b }
        """);
    assertEquals(v(true), eval(r, "data.t.none_big", obj("xs", list(1, 2))));
    assertEquals(v(false), eval(r, "data.t.none_big", obj("xs", list(1, 3))));
    assertEquals(v(true), eval(r, "data.u.p", obj("a", true, "b", false)));
    assertNull(eval(r, "data.u.p", obj("a", true, "b", true)));
  }

  @Test
  void regoMetadataChainAndRuleReadMetadataComments() {
    Rego r = rego("""
        # METADATA
        # description: all of t
        # scope: subpackages
        package t

        # METADATA
        # scope: document
        # title: the p document
        p := "doc" if false

        # METADATA
        # title: this p
        # authors:
        # - Ann Example <ann@example.com>
        # - Bob
        # related_resources:
        # - https://example.com/p
        # custom:
        #   severity: high
        p := rego.metadata.chain()

        q := rego.metadata.rule()
        """, """
        # METADATA
        # title: u package
        package t.u

        r := rego.metadata.chain()
        """);
    Value chain = eval(r, "data.t.p", null);
    assertEquals(v(list(
        obj("path", list("t", "p"), "annotations", obj("scope", "rule", "title", "this p",
            "authors", list(obj("name", "Ann Example", "email", "ann@example.com"), obj("name", "Bob")),
            "related_resources", list(obj("ref", "https://example.com/p")),
            "custom", obj("severity", "high"))),
        obj("path", list("t", "p"), "annotations", obj("scope", "document", "title", "the p document")),
        obj("path", list("t"), "annotations", obj("scope", "subpackages", "description", "all of t")))), chain);
    assertEquals(v(obj()), eval(r, "data.t.q", null));
    assertEquals(v(list(
        obj("path", list("t", "u", "r")),
        obj("path", list("t", "u"), "annotations", obj("scope", "package", "title", "u package")),
        obj("path", list("t"), "annotations", obj("scope", "subpackages", "description", "all of t")))),
        eval(r, "data.t.u.r", null));
  }

  @Test
  void templateStringsInterpolateValuesAndMarkUndefinedOnes() {
    Rego r = rego("""
        package t
        a := "foo"
        n := 42
        plain := $"{a} {n} {[1, "x"]} {{"k": true}} {set()} {input.missing}"
        escaped := $"\\{a} {a}\\}"
        nested := $"{$"<{a}>"} {$"{data.none}"}"
        multi := $`line {n}
        {a with input as 1}`
        names := [s | some i in [1, 2]; s := $"user_{i}"]
        f($"{x}-{input.y}") := true if x := "a"
        called if f("a-b") with input.y as "b"
        """);
    assertEquals(v("foo 42 [1, \"x\"] {\"k\": true} set() <undefined>"), eval(r, "data.t.plain", obj()));
    assertEquals(v("{a} foo}"), eval(r, "data.t.escaped", null));
    assertEquals(v("<foo> <undefined>"), eval(r, "data.t.nested", null));
    assertEquals(v("line 42\nfoo"), eval(r, "data.t.multi", null));
    assertEquals(v(list("user_1", "user_2")), eval(r, "data.t.names", null));
    assertEquals(v(true), eval(r, "data.t.called", null));
  }

  @Test
  void withReplacesInputDataAndFunctions() {
    Rego r = rego("""
        package t
        import rego.v1
        limit := data.config.limit
        over if input.n > limit
        double(x) := x * 2
        a if over with input as {"n": 5} with data.config.limit as 3
        b := y if y := double(2) with double as 7
        c := y if y := count([1, 2, 3]) with count as 42
        d := y if y := input.n with input.n as 9
        """);
    assertEquals(v(true), eval(r, "data.t.a", null));
    assertEquals(v(7), eval(r, "data.t.b", null));
    assertEquals(v(42), eval(r, "data.t.c", null));
    assertEquals(v(9), eval(r, "data.t.d", obj("n", 1)));
  }

  @Test
  void baseDataMergesWithVirtualDocuments(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("policy/lib"));
    Files.writeString(dir.resolve("policy/lib/lib.rego"), "package lib\nimport rego.v1\nlimit := data.lib.settings.max * 2\n");
    Files.writeString(dir.resolve("policy/lib/data.json"), "{\"settings\": {\"max\": 5}}");
    Files.writeString(dir.resolve("policy/data.yaml"), "top: 1\n");
    Rego r = Rego.builder().addDirectory(dir.resolve("policy")).build();
    assertEquals(1, r.modules().size());
    assertEquals(v(10), eval(r, "data.lib.limit", null));
    assertEquals(v(obj("limit", 10, "settings", obj("max", 5))), eval(r, "data.lib", null));
    assertEquals(v(1), eval(r, "data.top", null));
  }

  @Test
  void printFormatsLikeOpa() {
    List<String> lines = new ArrayList<>();
    Rego r = Rego.builder().print(lines::add)
        .addModule("p.rego", "package t\nimport rego.v1\np if { print(\"hello\", 1, [\"a\"], input.missing) }\n").build();
    assertEquals(v(true), r.prepare("data.t.p").evalValue(Value.of(Map.of())));
    assertEquals(List.of("hello 1 [\"a\"] <undefined>"), lines);
  }

  @Test
  void strictBuiltinErrorsAreErrorsOtherwiseUndefined() {
    // the operand's type is known only at evaluation (1 + "a" written out is a compile-time type error)
    String module = "package t\nimport rego.v1\np := 1 + input.s\n";
    Value input = Value.of(Map.of("s", "a"));
    Rego lax = Rego.builder().addModule("p.rego", module).build();
    assertNull(lax.prepare("data.t.p").evalValue(input));
    Rego strict = Rego.builder().addModule("p.rego", module).strictBuiltinErrors(true).build();
    RegoException e = assertThrows(RegoException.class, () -> strict.prepare("data.t.p").evalValue(input));
    assertEquals(RegoException.EVAL_TYPE, e.code());
    assertEquals(3, e.line());
  }

  @Test
  void queryBindingsAndExpressions() {
    Rego r = rego("package t\nimport rego.v1\nxs := [1, 2, 3]\n");
    QueryResult res = r.prepare("x := data.t.xs[i]; x > 1").eval(null);
    assertEquals(2, res.size());
    assertEquals(Map.of("x", v(2), "i", v(1)), res.bindings().get(0));
    assertEquals(List.of(v(true), v(true)), res.expressions().get(0));
    assertTrue(r.prepare("data.t.xs[_] == 9").eval(null).isEmpty());
    // a single expression reports false rather than failing, as OPA does
    assertEquals(v(false), r.prepare("data.t.xs[0] == 9").evalValue(null));
  }

  @Test
  void v0ModulesStillWork() {
    Rego r = rego("package old\nallowed[x] { x := input.xs[_]; x > 1 }\nm[k] = v { v := input.o[k] }\nok { allowed[2] }\n");
    assertEquals(set(2, 3), eval(r, "data.old.allowed", obj("xs", list(1, 2, 3), "o", Map.of())));
    assertEquals(v(true), eval(r, "data.old.ok", obj("xs", list(2), "o", Map.of())));
    assertEquals(v(obj("a", 1)), eval(r, "data.old.m", obj("xs", list(), "o", obj("a", 1))));
  }

  @Test
  void baseDocumentWinsOverARuleOfTheSameKeyWhenThePackageIsReadWhole() {
    // OPA merges base and virtual documents with mergeObjects: objects merge, otherwise base stays
    Rego rego = Rego.builder()
        .addModule("c.rego", "package topdown.conflicts\n\nk := \"bar\"\nn := {\"b\": 2}\n")
        .data(Value.of(Map.of("topdown", Map.of("conflicts", Map.of("k", "foo", "n", Map.of("a", 1))))))
        .build();
    assertEquals(Value.of(Map.of("k", "foo", "n", Map.of("a", 1, "b", 2))),
        rego.prepare("data.topdown.conflicts").evalValue(null));
  }

  @Test
  void bindingsOfManyVariablesShadowingAndBacktrackingKeepTheirValues() {
    // More variables than a scope first has room for, a comprehension reading and shadowing the
    // enclosing body's, and bindings undone between solutions.
    Rego r = rego("""
        package b
        import rego.v1
        wide := [a, b, c, d, e, f, g, h, i] if {
          a := 1; b := 2; c := 3; d := 4; e := 5; f := 6; g := 7; h := 8; i := a + b + c + d + e + f + g + h
        }
        pairs contains [x, y] if { some x in [1, 2, 3]; some y in [1, 2, 3]; x < y }
        shadow := [a, inner] if { a := 1; inner := [a | some a in [5, 6]] }
        outer := [v | some x in [1, 2]; v := [y | some y in [10, 20]; z := x + y; z > 11]]
        """);
    assertEquals(v(List.of(1, 2, 3, 4, 5, 6, 7, 8, 36)), eval(r, "data.b.wide", null));
    assertEquals(set(List.of(1, 2), List.of(1, 3), List.of(2, 3)), eval(r, "data.b.pairs", null));
    assertEquals(v(List.of(1, List.of(5, 6))), eval(r, "data.b.shadow", null));
    assertEquals(v(List.of(List.of(20), List.of(10, 20))), eval(r, "data.b.outer", null));
  }

  @Test
  void callsWhoseArgumentsIterateGiveEveryResult() {
    // Arguments that are constants or bound variables are taken directly; one that iterates goes
    // through the continuation, whose argument array backtracking overwrites: each result must
    // keep its own arguments (the memo keys and built-ins see a copy).
    Rego r = rego("""
        package c
        import rego.v1
        pair(a, b) := [a, b]
        xs := ["p", "q", "r"]
        ys := [1, 2]
        fixed := pair("k", 9)
        first_iterates := {pair(x, 9) | some x in xs}
        both_iterate := {p | p := pair(xs[_], ys[_])}
        joined := {concat("-", [x, y]) | x := xs[_]; y := sprintf("%d", [ys[_]])}
        literals := [[x, y, "c"] | x := xs[_]; y := ys[_]]
        nested := {pair(pair(x, 1), y) | x := xs[_]; y := ys[_]}
        """);
    assertEquals(v(List.of("k", 9)), eval(r, "data.c.fixed", null));
    assertEquals(set(List.of("p", 9), List.of("q", 9), List.of("r", 9)), eval(r, "data.c.first_iterates", null));
    assertEquals(set(List.of("p", 1), List.of("p", 2), List.of("q", 1), List.of("q", 2), List.of("r", 1), List.of("r", 2)),
        eval(r, "data.c.both_iterate", null));
    assertEquals(set("p-1", "p-2", "q-1", "q-2", "r-1", "r-2"), eval(r, "data.c.joined", null));
    assertEquals(v(List.of(List.of("p", 1, "c"), List.of("p", 2, "c"), List.of("q", 1, "c"), List.of("q", 2, "c"),
        List.of("r", 1, "c"), List.of("r", 2, "c"))), eval(r, "data.c.literals", null));
    assertEquals(set(List.of(List.of("p", 1), 1), List.of(List.of("p", 1), 2), List.of(List.of("q", 1), 1),
        List.of(List.of("q", 1), 2), List.of(List.of("r", 1), 1), List.of(List.of("r", 1), 2)), eval(r, "data.c.nested", null));
  }

  @Test
  void iteratingAnObjectVisitsEveryEntryInKeyOrder() {
    Rego r = rego("""
        package it
        import rego.v1
        pairs := [[k, v] | some k, v in input.m]
        keys := [k | input.m[k]]
        firsts := [k | some k, _ in input.m; k < "c"]
        """);
    Map<String, Object> input = obj("m", new java.util.LinkedHashMap<>(Map.of("d", 4, "b", 2, "a", 1, "c", 3)));
    assertEquals(v(List.of(List.of("a", 1), List.of("b", 2), List.of("c", 3), List.of("d", 4))),
        eval(r, "data.it.pairs", input));
    assertEquals(v(List.of("a", "b", "c", "d")), eval(r, "data.it.keys", input));
    assertEquals(v(List.of("a", "b")), eval(r, "data.it.firsts", input));
  }

  @Test
  void declarationsAreUndoneAfterEachUseAndPatternsDeclareEveryName() {
    // `x := ...` declares one name without a list; `some k, [a, b] in ...` declares the names of
    // its patterns, worked out once per expression: each evaluation (here, of a function called
    // with other arguments) binds them afresh and leaves nothing bound after it.
    Rego r = rego("""
        package d
        import rego.v1
        x := "rule"
        sum_of(pairs) := total if {
          total := sum([s | some k, [a, b] in pairs; s := a * b + k])
        }
        firsts(pairs) := {a | some [a, _] in pairs}
        again := [[a, b] | some i in [1, 2]; a := i * 10; some b in [i]]
        results := [sum_of([[1, 2], [3, 4]]), sum_of([[5, 6]]), sum_of([[1, 2], [3, 4]])]
        first_sets := [firsts([[1, 2], [3, 4]]), firsts([[7, 8]])]
        destructured := [a, b] if [a, b] := ["one", "two"]
        declared_one := [i | some i; [1, 2][i] > 1]
        declared_two := [[i, j] | some i, j; [[1, 2], [2, 3]][i][j] == 2]
        unify_literals := [o | some p in [{"k": 1}, {"k": 2}]; {"k": o} = p]
        """);
    assertEquals(v(List.of(15, 30, 15)), eval(r, "data.d.results", null));
    assertEquals(v(List.of(java.util.Set.of(1, 3), java.util.Set.of(7))), eval(r, "data.d.first_sets", null));
    assertEquals(v(List.of(List.of(10, 1), List.of(20, 2))), eval(r, "data.d.again", null));
    assertEquals(v("rule"), eval(r, "data.d.x", null));
    assertEquals(v(List.of("one", "two")), eval(r, "data.d.destructured", null));
    assertEquals(v(List.of(1)), eval(r, "data.d.declared_one", null));
    assertEquals(v(List.of(List.of(0, 1), List.of(1, 0))), eval(r, "data.d.declared_two", null));
    assertEquals(v(List.of(1, 2)), eval(r, "data.d.unify_literals", null));
  }
}
