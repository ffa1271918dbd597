package io.meshgate.rego;

import static io.meshgate.rego.RegoTestSupport.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.compiler.RuleNode;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Comprehension indexing, rule indexing and memoised function calls: each applies where it should
 * and gives exactly the results evaluation without it gives.
 */
class OptimisationTest {

  private static Rego rego(boolean optimise, String module) {
    return Rego.builder().optimise(optimise).addModule("m.rego", module).build();
  }

  /** The value of {@code query} with and without optimisations, which must agree. */
  private static Value both(String module, String query, Object input) {
    Value in = input == null ? null : v(input);
    Value fast = rego(true, module).prepare(query).evalValue(in);
    Value plain = rego(false, module).prepare(query).evalValue(in);
    assertEquals(plain, fast, query);
    return fast;
  }

  private static final String HOSTS = """
      package p
      import rego.v1
      global_host(s) := sprintf("%s.%s", [s.name, s.ns])
      services_with_host(host) := {name | some name, s in input.services; global_host(s) == host}
      by_host := {h: services_with_host(h) | some h in input.hosts}
      """;

  @Test
  void aComprehensionKeyedByAnOuterVariableIsIndexed() {
    Rego r = rego(true, HOSTS);
    assertEquals(1, r.policy().comprehensionIndexes().size(), "the comprehension in services_with_host is indexed");
    Map<String, Object> input = Map.of(
        "services", Map.of("a", Map.of("name", "x", "ns", "n"), "b", Map.of("name", "x", "ns", "n"),
            "c", Map.of("name", "y", "ns", "n")),
        "hosts", List.of("x.n", "y.n", "z.n"));
    assertEquals(v(Map.of("x.n", List.of("a", "b"), "y.n", List.of("c"), "z.n", List.of())).toString(),
        both(HOSTS, "data.p.by_host", input).toString().replace("{\"a\", \"b\"}", "[\"a\", \"b\"]")
            .replace("{\"c\"}", "[\"c\"]").replace("set()", "[]"));
  }

  @Test
  void aFilterThatDeclaresAVariableTheIndexedPartBindsIsNotIndexed() {
    // `some cn in by_target[name]` reads the outer `name` and would run after the independent part
    // (which binds cn through clients[cn]): re-declared there, it enumerated instead of constraining
    // (MG-AUTHZ-04 named every client of a service, whatever its namespace or access).
    String m = """
        package p
        import rego.v1
        by_target := {"api": {"a", "b"}}
        clients := {"a": {"ns": "default"}, "b": {"ns": "tools", "access": [1]}, "c": {"ns": "tools", "access": [1]}}
        narrowed contains [name, namespace, names] if {
          some name, namespaces in {"api": ["default", "tools"]}
          some namespace in namespaces
          names := {cn |
            some cn in by_target[name]
            client := clients[cn]
            count(object.get(client, "access", [])) > 0
            client.ns == namespace
          }
          count(names) > 0
        }
        """;
    assertEquals("{[\"api\", \"tools\", {\"b\"}]}", both(m, "data.p.narrowed", null).toString());
  }

  @Test
  void residualFiltersArrayOrderAndUndefinedKeysAgreeWithPlainEvaluation() {
    String m = """
        package p
        import rego.v1
        peers := {o.name: others |
          some o in input.objects
          others := [p.name | some p in input.objects; p.address == o.address; p.name != o.name]
        }
        two_keys := {o.name: [p.name | some p in input.objects; p.address == o.address; p.zone = o.zone] |
          some o in input.objects
        }
        missing := [p.name | some p in input.objects; p.address == input.nothing]
        """;
    List<Object> objects = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      objects.add(Map.of("name", "o" + i, "address", "a" + (i % 7), "zone", "z" + (i % 2)));
    }
    Map<String, Object> input = Map.of("objects", objects);
    // the last comprehension reads no outer variable: it is evaluated once as the rule's value anyway
    assertEquals(2, rego(true, m).policy().comprehensionIndexes().size());
    Value peers = both(m, "data.p.peers", input);
    assertEquals(v(List.of("o7", "o14", "o21", "o28")), ((io.meshgate.rego.value.ObjectValue) peers).get(v("o0")));
    both(m, "data.p.two_keys", input);
    assertEquals(v(List.of()), both(m, "data.p.missing", input));
  }

  @Test
  void anObjectComprehensionConflictIsReportedOnlyForTheGroupThatHasIt() {
    String m = """
        package p
        import rego.v1
        f(k) := {x.id: x.v | some x in input.items; x.k == k}
        ok := f("a")
        bad := f("b")
        """;
    Map<String, Object> input = Map.of("items", List.of(Map.of("k", "a", "id", 1, "v", 1),
        Map.of("k", "b", "id", 2, "v", 1), Map.of("k", "b", "id", 2, "v", 2)));
    assertEquals(v(Map.of("1", 1)).toString().replace("\"1\"", "1"), both(m, "data.p.ok", input).toString());
    for (boolean optimise : new boolean[] {true, false}) {
      RegoException e = assertThrows(RegoException.class,
          () -> rego(optimise, m).prepare("data.p.bad").evalValue(v(input)));
      assertEquals(RegoException.CONFLICT, e.code());
    }
  }

  @Test
  void withInputGetsItsOwnIndex() {
    String m = HOSTS + """
        other := x if { x := services_with_host("q.n") with input as {"services": {"s": {"name": "q", "ns": "n"}}} }
        here := services_with_host("q.n")
        """;
    Map<String, Object> input = Map.of("services", Map.of("t", Map.of("name", "q", "ns", "n")), "hosts", List.of());
    assertEquals(RegoTestSupport.set("s"), both(m, "data.p.other", input));
    assertEquals(RegoTestSupport.set("t"), both(m, "data.p.here", input));
  }

  private static final String KINDS = """
      package p
      import rego.v1
      deny contains "pod" if { some c in input.containers; input.kind == "Pod"; c.privileged }
      deny contains "job" if { some c in input.containers; "Job" == input.kind; c.privileged }
      deny contains "any" if { some c in input.containers; c.name == "bad" }
      level := "pod" if { input.kind == "Pod" } else := "other"
      short := "j" if { input.kind == "Job" }
      short := "p" if { input.kind == "Pod" }
      """;

  @Test
  void rulesTestingAnInputPathAreIndexedByItsValue() {
    Rego r = rego(true, KINDS);
    RuleNode deny = r.policy().root().children.get("p").children.get("deny");
    assertNotNull(deny.index);
    assertEquals(List.of("kind"), deny.index.path());
    assertEquals(2, deny.index.candidates(v("Pod")).size(), "the pod rule and the rule without a kind test");
    List<Map<String, Object>> containers = List.of(Map.of("name", "bad", "privileged", true));
    assertEquals(RegoTestSupport.set("pod", "any"), both(KINDS, "data.p.deny", Map.of("kind", "Pod", "containers", containers)));
    assertEquals(RegoTestSupport.set("job", "any"), both(KINDS, "data.p.deny", Map.of("kind", "Job", "containers", containers)));
    assertEquals(RegoTestSupport.set("any"), both(KINDS, "data.p.deny", Map.of("containers", containers)));
    // a rule with an else chain is never skipped
    assertEquals(v("other"), both(KINDS, "data.p.level", Map.of("kind", "Service")));
    assertEquals(v("j"), both(KINDS, "data.p.short", Map.of("kind", "Job")));
    assertNotNull(r.policy().root().children.get("p").children.get("short").index);
    assertEquals(RegoTestSupport.set("job", "any"), both(KINDS,
        "data.p.deny with input as {\"kind\": \"Job\", \"containers\": [{\"name\": \"bad\", \"privileged\": true}]}", null));
  }

  @Test
  void aFunctionIsEvaluatedOnceForTheSameArguments() {
    String m = """
        package p
        import rego.v1
        f(x) := y if { print("f", x); y := x * 2 }
        r := [f(1), f(1), f(2)]
        """;
    for (boolean optimise : new boolean[] {true, false}) {
      List<String> printed = new ArrayList<>();
      Rego r = Rego.builder().optimise(optimise).print(printed::add).addModule("m.rego", m).build();
      assertEquals(v(List.of(2, 2, 4)), r.prepare("data.p.r").evalValue(null));
      assertEquals(optimise ? List.of("f 1", "f 2") : List.of("f 1", "f 1", "f 2"), printed);
    }
  }

  @Test
  void aOneArgumentCallIsRememberedByTheArgumentsValueAndOnlyForAnEqualValue() {
    // One-argument calls are keyed by the argument itself: equal values built apart share a result;
    // values of other types or shapes (1 and "1", [1] and {1}, {"a": 1} and {"a": 2}) do not.
    String m = """
        package p
        import rego.v1
        f(x) := [type_name(x), x] if print("f", x)
        r := [f({"a": 1}), f({"a": 1}), f({"a": 2}), f(1), f("1"), f([1]), f({1}), f(input.o), f(1)]
        """;
    for (boolean optimise : new boolean[] {true, false}) {
      List<String> printed = new ArrayList<>();
      Rego r = Rego.builder().optimise(optimise).print(printed::add).addModule("m.rego", m).build();
      Value result = r.prepare("data.p.r").evalValue(v(Map.of("o", Map.of("a", 1))));
      assertEquals(List.of("object", "object", "object", "number", "string", "array", "set", "object", "number"),
          ((List<?>) result.toJava()).stream().map(e -> ((List<?>) e).get(0)).toList());
      assertEquals(v(List.of("object", Map.of("a", 2))), v(((List<?>) result.toJava()).get(2)));
      assertEquals(optimise
          ? List.of("f {\"a\": 1}", "f {\"a\": 2}", "f 1", "f 1", "f [1]", "f {1}")
          : List.of("f {\"a\": 1}", "f {\"a\": 1}", "f {\"a\": 2}", "f 1", "f 1", "f [1]", "f {1}", "f {\"a\": 1}", "f 1"),
          printed);
    }
  }

  @Test
  void callsOfSeveralOrNoArgumentsAreRememberedByAllOfThem() {
    String m = """
        package p
        import rego.v1
        g(x, y) := concat("-", [x, y]) if print("g", x, y)
        h := 7 if print("h")
        k() := 8 if print("k")
        r := [g("a", "b"), g("a", "b"), g("b", "a"), g("a", "c"), k(), k(), h]
        """;
    for (boolean optimise : new boolean[] {true, false}) {
      List<String> printed = new ArrayList<>();
      Rego r = Rego.builder().optimise(optimise).print(printed::add).addModule("m.rego", m).build();
      assertEquals(v(List.of("a-b", "a-b", "b-a", "a-c", 8, 8, 7)), r.prepare("data.p.r").evalValue(null));
      assertEquals(optimise ? 1 : 2, printed.stream().filter("g a b"::equals).count(), printed.toString());
      assertEquals(List.of("g b a", "g a c", "k", "h"), printed.stream().filter(p -> !p.equals("g a b")).toList());
    }
  }

  @Test
  void anUndefinedResultIsRememberedAsUndefined() {
    String m = """
        package p
        import rego.v1
        f(x) := x if { print("f", x); x > 1 }
        r := [y | some x in [1, 1, 2, 2]; y := f(x)]
        """;
    for (boolean optimise : new boolean[] {true, false}) {
      List<String> printed = new ArrayList<>();
      Rego r = Rego.builder().optimise(optimise).print(printed::add).addModule("m.rego", m).build();
      assertEquals(v(List.of(2, 2)), r.prepare("data.p.r").evalValue(null));
      assertEquals(optimise ? List.of("f 1", "f 2") : List.of("f 1", "f 1", "f 2", "f 2"), printed);
    }
  }

  @Test
  void callArgumentsMixingConstantsBoundVariablesAndIterationGiveEverySolution() {
    // Constants and bound variables are taken without a continuation; an iterated argument after
    // them still yields each of its values, and each solution sees the constants again.
    String m = """
        package p
        import rego.v1
        f(a, b, c, d) := [a, b, c, d]
        r contains f(1, x, input.xs[_], y) if { some x in ["p", "q"]; y := "z" }
        """;
    Value expected = RegoTestSupport.set(List.of(1, "p", 10, "z"), List.of(1, "p", 20, "z"),
        List.of(1, "q", 10, "z"), List.of(1, "q", 20, "z"));
    assertEquals(expected, both(m, "data.p.r", Map.of("xs", List.of(10, 20))));
  }

  @Test
  void comprehensionsThatPrintOrDependOnOuterVariablesOtherwiseAreNotIndexed() {
    assertTrue(rego(true, "package p\nimport rego.v1\nf(k) := [x | some x in input; x == k; print(x)]\n")
        .policy().comprehensionIndexes().isEmpty());
    assertTrue(rego(true, "package p\nimport rego.v1\nf(k) := [x | some x in input; x > k]\n")
        .policy().comprehensionIndexes().isEmpty(), "no equality to key by");
    assertFalse(rego(true, HOSTS).policy().comprehensionIndexes().isEmpty());
    assertEquals(v(List.of(2, 3)), both("package p\nimport rego.v1\nf(k) := [x | some x in input; x > k]\nr := f(1)\n",
        "data.p.r", List.of(1, 2, 3)));
  }
}
