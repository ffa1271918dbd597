package io.meshgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OPA's compile-time type errors for statically known built-in operands (rego_type_error). */
class TypeCheckTest {

  private static Rego compile(String body) {
    return Rego.builder().addModule("t.rego", "package t\n\np if {\n  " + body + "\n}\n").build();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "count(1)",
      "x := 1 + \"one\"",
      "upper(1)",
      "x := 1\n  x.foo",
      "x := \"abc\"\n  x[0] == \"a\"",
      "x := count([1])\n  upper(x)",
      "x := [y | y := 1]\n  lower(x)",
      "sprintf(\"%d\", 1)",
      "count(\"abc\", \"three\")",
      "concat(\",\", \"a\")",
      "x := {1} | 2",
      "object.get([1], 0, 0)",
      "startswith(\"a\", {\"b\"})",
      "concat(\",\", [1, 2])",
      "x := 1\n  concat(\",\", [\"a\", x])",
      "xs := {\"a\", 1}\n  concat(\",\", xs)",
      "sum([1, \"two\"])",
      "union({1, 2})",
      "time.format(\"yesterday\")",
      "net.cidr_contains(10, \"10.0.0.1\")",
      "glob.match(\"*\", [1], \"a\")",
      "regex.split(\",\", [\"a,b\"])",
      "[a, b] := [1, \"s\"]\n  upper(a)",
  })
  void staticallyWrongOperandsAreTypeErrors(String body) {
    RegoException e = assertThrows(RegoException.class, () -> compile(body));
    assertEquals(RegoException.TYPE, e.code(), e.getMessage());
    assertTrue(e.line() >= 4, e.getMessage());
    assertTrue(e.getMessage().startsWith("t.rego:"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "count(input.xs) > 0",                    // unknown type: decided at evaluation
      "x := input.n\n  x + 1 > 0",
      "x := {1} - {2}\n  count(x) == 1",        // minus also works on sets
      "x := [1]\n  x[0] == 1",
      "x := {\"a\": 1}\n  x.a == 1",
      "x := 1\n  y := [x | x := \"s\"]\n  upper(y[0]) == \"S\"", // the comprehension's x is its own
      "upper(\"a\") == \"A\" with input as 1",
      "count({\"a\": 1}, n)\n  n == 1",
      "concat(\",\", [\"a\", input.b])",       // element of unknown type
      "sum([1, 2.5]) > 0",
      "union({{1}, set()}) == {1}",
      "glob.match(\"*.a\", null, \"x.a\")",
      "time.format([0, \"UTC\"]) != \"\"",
      "[a, b] := [1, \"s\"]\n  upper(b) == \"S\"",
      "x = input.a\n  x = 1\n  upper(x)",     // OPA does not narrow x through `=`
  })
  void acceptedWhereOpaAcceptsThem(String body) {
    compile(body);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x := 1\n  count(x) with count as 2", "count(1) with count as 2"})
  void literalsWithWithAreLeftToEvaluation(String body) {
    // `with` may replace the built-in; OPA checks the replacement instead
    compile(body);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "a := {k: 1 | some k in [\"x\"]} | {k: 2 | some k in [\"y\"]}",   // or on two objects
      "a := upper(1)",
      "a := x if {\n  x := 1\n  true\n} else := lower(2)",
      "a := y if {\n  y := 1\n}\nb := x + \"s\" if {\n  x := 1\n}",        // the body's x is a number
      "f(x) := count(1)",
  })
  void ruleHeadsAreCheckedToo(String rules) {
    RegoException e = assertThrows(RegoException.class,
        () -> Rego.builder().addModule("t.rego", "package t\n\n" + rules + "\n").build());
    assertEquals(RegoException.TYPE, e.code(), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void typeCheckedPolicyStillEvaluates() {
    Rego rego = Rego.builder().addModule("t.rego", """
        package t
        n := count(input.xs) + 1
        s := upper(concat(",", ["a", "b"]))
        """).build();
    assertEquals(Value.of(3), rego.prepare("data.t.n").evalValue(Value.of(Map.of("xs", List.of(1, 2)))));
    assertEquals(Value.of("A,B"), rego.prepare("data.t.s").evalValue(Value.of(Map.of())));
  }
}
