package io.meshgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Built-ins as a policy sees them: through the parser, compiler and evaluator. */
class BuiltinsInPoliciesTest {

  private static final String POLICY = """
      package mesh

      deny contains msg if {
        some svc in input.services
        not regex.match(`^[a-z]([-a-z0-9]*[a-z0-9])?$`, svc.name)
        msg := sprintf("service %q: name must be a DNS label", [svc.name])
      }

      deny contains msg if {
        some svc in input.services
        some cidr in object.get(svc, ["network", "allowed"], [])
        not net.cidr_contains("10.0.0.0/8", cidr)
        msg := sprintf("service %s: %s is outside the mesh network", [svc.name, cidr])
      }

      deny contains msg if {
        some svc in input.services
        not glob.match("*.mesh.local", ["."], svc.host)
        msg := sprintf("service %s: host %s is not *.mesh.local", [svc.name, svc.host])
      }

      ports := sort([p | walk(input, [path, p]); count(path) > 0; path[count(path) - 1] == "port"])

      total := sum(ports) / count(ports)

      # the operand's type is only known at evaluation, so the compiler accepts it
      strict_failure := x if x := input.services[0].name + 1
      """;

  private static Rego rego(boolean strict) {
    return Rego.builder().addModule("mesh.rego", POLICY).strictBuiltinErrors(strict).build();
  }

  private static final Value INPUT = Value.of(Map.of("services", List.of(
      Map.of("name", "httpbin", "host", "httpbin.mesh.local", "port", 8000,
          "network", Map.of("allowed", List.of("10.1.0.0/16"))),
      Map.of("name", "Bad_Name", "host", "x.other.local", "port", 9080,
          "network", Map.of("allowed", List.of("192.168.0.0/24"))))));

  @Test
  void typicalMeshPolicyRunsOnTheBuiltins() {
    Value deny = rego(true).prepare("data.mesh.deny").evalValue(INPUT);
    assertEquals(SetValue.of(
        StringValue.of("service \"Bad_Name\": name must be a DNS label"),
        StringValue.of("service Bad_Name: 192.168.0.0/24 is outside the mesh network"),
        StringValue.of("service Bad_Name: host x.other.local is not *.mesh.local")), deny);
    assertEquals(Value.of(List.of(8000, 9080)), rego(true).prepare("data.mesh.ports").evalValue(INPUT));
    assertEquals(Value.of(8540), rego(true).prepare("data.mesh.total").evalValue(INPUT));
  }

  @Test
  void typeErrorsAreErrorsWhenStrictAndUndefinedOtherwise() {
    RegoException e = assertThrows(RegoException.class,
        () -> rego(true).prepare("data.mesh.strict_failure").evalValue(INPUT));
    assertTrue(e.getMessage().contains("plus: operand 1 must be number but got string"), e.getMessage());
    assertNull(rego(false).prepare("data.mesh.strict_failure").evalValue(INPUT));
  }

  @Test
  void staticallyKnownTypeErrorsAreRejectedAtCompileTimeAsOpaDoes() {
    RegoException e = assertThrows(RegoException.class, () -> Rego.builder()
        .addModule("bad.rego", "package mesh\n\nstrict_failure := x if x := 1 + \"one\"\n").build());
    assertEquals(RegoException.TYPE, e.code());
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("plus: invalid argument(s): operand 2 must be number but got string"), e.getMessage());
  }
}
