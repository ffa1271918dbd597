package io.meshgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.ast.Module;
import io.meshgate.rego.ast.Rule;
import io.meshgate.rego.parser.Parser;
import org.junit.jupiter.api.Test;

class ParserTest {

  @Test
  void parsesV1ModuleWithAllRuleForms() {
    Module m = Parser.parseModule("p.rego", """
        package a.b
        import rego.v1
        import data.lib.util as u

        default allow := false
        allow if input.user == "admin"
        deny contains msg if {
          some x in input.items
          msg := sprintf("bad %v", [x])
        }
        obj[k] := v if { some k, v in input.m }
        f(x) := x + 1
        g(x) := 1 if x > 0 else := 2
        raw := `a\\b`
        """, true);
    assertEquals(java.util.List.of("a", "b"), m.packagePath());
    assertEquals(2, m.imports().size());
    assertEquals(7, m.rules().size());
    Rule deny = m.rules().get(2);
    assertTrue(deny.multi());
    Rule g = m.rules().get(5);
    assertTrue(g.isFunction());
    assertTrue(g.elseRule() != null);
  }

  @Test
  void v0PartialSetAndBodiesWithoutIf() {
    Module m = Parser.parseModule("p.rego", """
        package x
        p[v] { v := input.xs[_] }
        q[k] = v { v := input.m[k] }
        r { true }
        """, false);
    assertTrue(m.rules().get(0).multi());
    assertEquals(2, m.rules().get(1).ref().size());
  }

  @Test
  void errorsCarryFileLineAndColumn() {
    RegoException e = assertThrows(RegoException.class,
        () -> Parser.parseModule("bad.rego", "package x\n\np if {\n  x := [1, 2\n}\n", true));
    assertEquals(RegoException.PARSE, e.code());
    assertEquals("bad.rego", e.file());
    assertEquals(5, e.line());
    assertEquals(1, e.column());
    assertTrue(e.getMessage().startsWith("bad.rego:5:1: rego_parse_error: "), e.getMessage());
  }

  @Test
  void v1RequiresIfBeforeBody() {
    RegoException e = assertThrows(RegoException.class,
        () -> Parser.parseModule("v1.rego", "package x\np { true }\n", true));
    assertEquals(2, e.line());
    assertEquals(3, e.column());
    assertTrue(e.text().contains("`if` keyword is required"), e.text());
  }

  @Test
  void unterminatedStringAndMissingPackage() {
    RegoException s = assertThrows(RegoException.class,
        () -> Parser.parseModule("s.rego", "package x\np := \"abc\n", false));
    assertEquals(2, s.line());
    assertEquals(6, s.column());
    RegoException p = assertThrows(RegoException.class, () -> Parser.parseModule("n.rego", "p := 1\n", false));
    assertTrue(p.text().contains("package"), p.text());
  }

  @Test
  void arrayWithUnionIsNotAComprehension() {
    Rego r = RegoTestSupport.rego("package t\nx := {1}\ny := {2}\nz := [x | y, 5]\nw := [a | some a in [1, 2]]\n");
    assertEquals(RegoTestSupport.v(java.util.List.of(java.util.Set.of(1, 2), 5)), RegoTestSupport.eval(r, "data.t.z", null));
    assertEquals(RegoTestSupport.v(java.util.List.of(1, 2)), RegoTestSupport.eval(r, "data.t.w", null));
    Rego ops = RegoTestSupport.rego("package t\nimport rego.v1\nq := {4}\n"
        + "u := [q & {1} | {true}]\n"          // an operator expression then `|`: an array holding a union
        + "c := [x * 2 | some x in [1, 2]]\n"); // but a comprehension when the rest is a body
    assertEquals(RegoTestSupport.v(java.util.List.of(java.util.Set.of(true))), RegoTestSupport.eval(ops, "data.t.u", null));
    assertEquals(RegoTestSupport.v(java.util.List.of(2, 4)), RegoTestSupport.eval(ops, "data.t.c", null));
  }
}
