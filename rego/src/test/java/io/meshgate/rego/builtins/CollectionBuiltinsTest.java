package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertCall;
import static io.meshgate.rego.builtins.Calls.assertText;
import static io.meshgate.rego.builtins.Calls.assertTypeError;
import static io.meshgate.rego.builtins.Calls.call;
import static io.meshgate.rego.builtins.Calls.num;
import static io.meshgate.rego.builtins.Calls.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Aggregates, arrays, sets and types. */
class CollectionBuiltinsTest {

  @Test
  void count() {
    assertCall(3, "count", List.of(1, 2, 3));
    assertCall(2, "count", set("a", "b"));
    assertCall(1, "count", Map.of("a", 1));
    assertCall(2, "count", "μx");
    assertTypeError("count: operand 1 must be one of {array, object, set, string} but got number", "count", 1);
  }

  @Test
  void sumProductMaxMinSort() {
    assertCall(6, "sum", List.of(1, 2, 3));
    assertText("3.5", "sum", set(1, num("2.5")));
    assertCall(0, "sum", List.of());
    assertCall(24, "product", List.of(2, 3, 4));
    assertCall(1, "product", set());
    assertTypeError("sum: operand 1 must be array of numbers but got array containing string", "sum", List.of(1, "a"));
    assertCall("b", "max", List.of(1, "a", "b"));
    assertCall(1, "min", set(1, "a"));
    assertNull(call("max", List.of()));
    assertText("[null, false, 1, \"a\", [1], {\"a\": 1}]", "sort",
        List.of(Map.of("a", 1), List.of(1), "a", 1, false, io.meshgate.rego.value.NullValue.INSTANCE));
    assertTypeError("sort: operand 1 must be one of {set, array} but got object", "sort", Map.of());
  }

  @Test
  void arrays() {
    assertText("[1, 2, 3]", "array.concat", List.of(1), List.of(2, 3));
    assertText("[2, 3]", "array.slice", List.of(1, 2, 3, 4), 1, 3);
    assertText("[1, 2, 3, 4]", "array.slice", List.of(1, 2, 3, 4), -5, 50);
    assertText("[]", "array.slice", List.of(1, 2, 3, 4), 3, 1);
    assertText("[3, 2, 1]", "array.reverse", List.of(1, 2, 3));
    assertText("[1, 2, \"s\", [3], 4]", "array.flatten", List.of(List.of(1, 2), "s", List.of(List.of(3)), List.of(), 4));
    assertTypeError("array.flatten: operand 1 must be array but got number", "array.flatten", 42);
    assertTypeError("array.concat: operand 2 must be array but got set", "array.concat", List.of(), set());
  }

  @Test
  void sets() {
    assertEquals(set(2), call("and", set(1, 2), set(2, 3)));
    assertEquals(set(1, 2, 3), call("or", set(1, 2), set(2, 3)));
    assertEquals(set(2), call("intersection", set(set(1, 2), set(2, 3))));
    assertEquals(set(1, 2, 3), call("union", set(set(1, 2), set(2, 3))));
    assertEquals(set(), call("intersection", set()));
    assertTypeError("and: operand 2 must be set but got array", "and", set(), List.of());
  }

  @Test
  void types() {
    assertCall(true, "is_number", 1);
    assertCall(false, "is_number", "1");
    assertCall(true, "is_set", set());
    assertCall(false, "is_array", set());
    assertCall(true, "is_null", io.meshgate.rego.value.NullValue.INSTANCE);
    assertCall("boolean", "type_name", true);
    assertCall("set", "type_name", set());
    assertCall("object", "type_name", Map.of());
  }
}
