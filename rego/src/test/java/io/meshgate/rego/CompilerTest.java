package io.meshgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompilerTest {

  private static RegoException compileError(String module) {
    return assertThrows(RegoException.class, () -> RegoTestSupport.rego(module));
  }

  @Test
  void unsafeVariableIsReportedWithLocation() {
    RegoException e = compileError("package t\nimport rego.v1\n\np if {\n  x > 1\n}\n");
    assertEquals(RegoException.UNSAFE_VAR, e.code());
    assertEquals(5, e.line());
    assertTrue(e.text().contains("var x is unsafe"), e.text());
  }

  @Test
  void unsafeHeadVariable() {
    RegoException e = compileError("package t\nimport rego.v1\np contains x if { input.a == 1 }\n");
    assertEquals(RegoException.UNSAFE_VAR, e.code());
    assertEquals(3, e.line());
  }

  @Test
  void bodiesAreReorderedSoVariablesAreBoundFirst() {
    Rego r = RegoTestSupport.rego("package t\nimport rego.v1\np := y if {\n  y == 2\n  y = x + 1\n  x = 1\n}\n");
    assertEquals(RegoTestSupport.v(2), RegoTestSupport.eval(r, "data.t.p", null));
  }

  @Test
  void unknownFunctionIsACompileErrorNamingIt() {
    RegoException e = compileError("package t\nimport rego.v1\np if no_such.fn(1)\n");
    assertEquals(RegoException.TYPE, e.code());
    assertTrue(e.text().contains("no_such.fn"), e.text());
  }

  @Test
  void recursionIsAnError() {
    RegoException e = compileError("package t\nimport rego.v1\np if q\nq if p\n");
    assertEquals(RegoException.RECURSION, e.code());
    assertTrue(e.text().contains("data.t.p -> data.t.q -> data.t.p"), e.text());
    RegoException f = compileError("package t\nimport rego.v1\nf(x) := y if y := g(x)\ng(x) := f(x - 1) if x > 0\n");
    assertEquals(RegoException.RECURSION, f.code());
  }

  @Test
  void aDynamicDataReferenceDependsOnlyOnTheRulesItsPathCanReach() {
    // data[x].allow.see cannot reach data.t.p, so p is not recursive
    Rego r = RegoTestSupport.rego("package t\np := data[x].allow.see if x := \"primary\"\n",
        "package primary\nallow.see := true\n");
    assertEquals(RegoTestSupport.v(true), RegoTestSupport.eval(r, "data.t.p", null));
    // but data[x].p can
    RegoException e = compileError("package t\np := data[x].p if x := \"t\"\n");
    assertEquals(RegoException.RECURSION, e.code());
  }

  @Test
  void objectUnificationBindsVariablesAcrossBothSides() {
    // x is bound by the "bar" pair and then used by the "foo" pair: safe, as in OPA
    Rego r = RegoTestSupport.rego("package t\nr contains x if {\n  a := 1\n  b := 1\n"
        + "  {\"bar\": [x], \"foo\": a} = {\"bar\": [b], \"foo\": x}\n}\n");
    assertEquals(RegoTestSupport.set(1), RegoTestSupport.eval(r, "data.t.r", null));
  }

  @Test
  void conflictingCompleteRuleValues() {
    Rego r = RegoTestSupport.rego("package t\nimport rego.v1\np := 1 if true\np := 2 if true\n");
    RegoException e = assertThrows(RegoException.class, () -> RegoTestSupport.eval(r, "data.t.p", null));
    assertEquals(RegoException.CONFLICT, e.code());
    assertEquals("m0.rego", e.file());
  }

  @Test
  void conflictingObjectKeysAndFunctionOutputs() {
    Rego r = RegoTestSupport.rego("package t\nimport rego.v1\no[k] := v if { some k, v in {\"a\": 1} }\no[\"a\"] := 2\n"
        + "f(x) := 1 if x > 0\nf(x) := 2 if x > 1\nq := f(5)\n");
    assertEquals(RegoException.CONFLICT,
        assertThrows(RegoException.class, () -> RegoTestSupport.eval(r, "data.t.o", null)).code());
    assertEquals(RegoException.CONFLICT,
        assertThrows(RegoException.class, () -> RegoTestSupport.eval(r, "data.t.q", null)).code());
  }

  @Test
  void assignedTwiceOrUsedBeforeAssignment() {
    RegoException e = compileError("package t\nimport rego.v1\np if {\n  x := 1\n  x := 2\n}\n");
    assertEquals(RegoException.COMPILE, e.code());
    assertEquals(5, e.line());
  }

  @Test
  void defaultValueMustBeConstant() {
    RegoException e = compileError("package t\nimport rego.v1\ndefault p := input.x\n");
    assertEquals(RegoException.COMPILE, e.code());
  }
}
