package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertCall;
import static io.meshgate.rego.builtins.Calls.assertText;
import static io.meshgate.rego.builtins.Calls.assertTypeError;
import static io.meshgate.rego.builtins.Calls.call;
import static io.meshgate.rego.builtins.Calls.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectBuiltinsTest {
  private static final Map<String, Object> DOC = Map.of("a", 5, "b", Map.of("c", Map.of("d", 6), "d", 7), "c", 8);

  @Test
  void get() {
    assertCall(5, "object.get", DOC, "a", "default");
    assertCall(6, "object.get", DOC, List.of("b", "c", "d"), "default");
    assertCall("default", "object.get", DOC, List.of("a", "b"), "default");
    assertCall("default", "object.get", DOC, "zz", "default");
    assertEquals(Value.of(DOC), call("object.get", DOC, List.of(), "default"));
    Map<Value, Value> nonStringKeys = new LinkedHashMap<>();
    nonStringKeys.put(set(1), Value.of(8));
    assertCall(8, "object.get", ObjectValue.of(nonStringKeys), set(1), 0);
    assertCall(2, "object.get", Map.of("x", List.of(1, 2)), List.of("x", 1), 0);
    assertTypeError("object.get: operand 1 must be object but got array", "object.get", List.of(), "a", 1);
  }

  @Test
  void keysRemoveFilter() {
    assertEquals(set("a", "b", "c"), call("object.keys", DOC));
    assertText("{\"c\": 8}", "object.remove", DOC, List.of("a", "b", "zz"));
    assertText("{\"c\": 8}", "object.remove", DOC, set("a", "b"));
    assertText("{\"a\": 5, \"c\": 8}", "object.filter", DOC, Map.of("a", 0, "c", 0));
    assertTypeError("object.remove: operand 2 must be one of {object, set, array} but got string", "object.remove", DOC, "a");
  }

  @Test
  void unionIsRecursive() {
    assertText("{\"a\": {\"b\": 1, \"c\": 3}, \"d\": 4}", "object.union",
        Map.of("a", Map.of("b", 1, "c", 2)), Map.of("a", Map.of("c", 3), "d", 4));
    assertText("{\"a\": 3}", "object.union_n", List.of(Map.of("a", 1), Map.of("a", 2), Map.of("a", 3)));
    assertText("{}", "object.union_n", List.of());
    assertTypeError("object.union_n: operand 1 must be array of objects but got array containing number",
        "object.union_n", List.of(Map.of(), 1));
  }

  @Test
  void subset() {
    assertCall(true, "object.subset", Map.of("a", "b", "c", Map.of("x", set(10, 15, 20, 25), "y", "z")),
        Map.of("c", Map.of("x", set(10, 15, 20))));
    assertCall(false, "object.subset", Map.of("a", 1), Map.of("a", 2));
    assertCall(true, "object.subset", set(1, 2, 3), set(1, 3));
    assertCall(true, "object.subset", List.of(1, 2, 3, 4), List.of(2, 3));
    assertCall(false, "object.subset", List.of(1, 2, 3, 4), List.of(2, 4));
    assertCall(true, "object.subset", List.of(1, 2, 3, 4), set(4, 1));
    // nested arrays and sets are subsets the same way (OPA's "nested object subset 3")
    assertCall(true, "object.subset", Map.of("n", Map.of("arr", List.of(6, 7, 8, 9), "s", set(1, 2, 3))),
        Map.of("n", Map.of("arr", List.of(6, 7), "s", set(3, 1))));
    assertCall(false, "object.subset", Map.of("n", Map.of("arr", List.of(6, 7))),
        Map.of("n", Map.of("arr", List.of(6, 7, 8))));
  }

  @Test
  void jsonFilterAndRemove() {
    assertText("{\"a\": 5, \"b\": {\"c\": {\"d\": 6}}}", "json.filter", DOC, List.of("a", "b/c"));
    assertText("{\"b\": {\"d\": 7}, \"c\": 8}", "json.filter", DOC, set("c", List.of("b", "d")));
    Map<String, Object> nested = Map.of("a", List.of(List.of(1, List.of(7, 8, 9), 2), Map.of("a", 1)));
    assertText("{\"a\": [[[8, 9], 2]]}", "json.filter", nested, List.of("a/0/1/2", List.of("a", "0", "2"), "a/0/1/1"));
    assertText("{\"a\": {1}}", "json.filter", Map.of("a", set(1, 2)), List.of(List.of("a", 1)));
    assertText("{\"b\": {\"c\": {\"d\": 6}}, \"c\": 8}", "json.remove", DOC, List.of("a", "b/d"));
    assertText("{\"a\": [1, 3]}", "json.remove", Map.of("a", List.of(1, 2, 3)), List.of("a/1"));
  }

  @Test
  void jsonPatch() {
    assertText("{\"a\": {\"bar\": 2, \"foo\": 1}}", "json.patch", Map.of("a", Map.of("foo", 1)),
        List.of(Map.of("op", "add", "path", "/a/bar", "value", 2)));
    assertText("{\"arr\": [1, \"x\", 2, 3]}", "json.patch", Map.of("arr", List.of(1, 2, 3)),
        List.of(Map.of("op", "add", "path", "/arr/1", "value", "x")));
    assertText("{\"arr\": [1, 2, 3, 4]}", "json.patch", Map.of("arr", List.of(1, 2, 3)),
        List.of(Map.of("op", "add", "path", "/arr/-", "value", 4)));
    assertText("{\"a\": {}, \"b\": {\"foo\": 1}}", "json.patch", Map.of("a", Map.of("foo", 1), "b", Map.of()),
        List.of(Map.of("op", "move", "from", "/a/foo", "path", "/b/foo")));
    assertText("{\"foo/bar\": {\"baz~\": 1, \"baz~test\": 2}}", "json.patch", Map.of("foo/bar", Map.of("baz~", 1)),
        List.of(Map.of("op", "add", "path", "/foo~1bar/baz~0test", "value", 2)));
    assertText("{\"a\": 42}", "json.patch", Map.of("a", 1),
        List.of(Map.of("op", "test", "path", "/a", "value", 1), Map.of("op", "replace", "path", "/a", "value", 42)));
    assertText("{\"b\": 2}", "json.patch", Map.of("a", 1),
        List.of(Map.of("op", "remove", "path", ""), Map.of("op", "add", "path", "", "value", Map.of("b", 2))));
    assertEquals(set("a", "b", "c", "d"), call("json.patch", set("a", "b", "c"),
        List.of(Map.of("op", "add", "path", List.of("d"), "value", "d"))));
    // failures are undefined, not errors
    assertNull(call("json.patch", Map.of("a", 1), List.of(Map.of("op", "test", "path", "/a", "value", 2))));
    assertNull(call("json.patch", List.of(1, 2), List.of(Map.of("op", "remove", "path", "/01"))));
    assertNull(call("json.patch", List.of(1, 2), List.of(Map.of("op", "remove", "path", "/-"))));
    assertNull(call("json.patch", Map.of(), List.of(Map.of("op", "add", "path", "/a"))));
    assertNull(call("json.patch", Map.of("a", Map.of("b", 1)), List.of(Map.of("op", "move", "from", "/a", "path", "/a/c"))));
    assertNull(call("json.patch", Map.of("a", 1), List.of(Map.of("op", "remove", "path", ""))));
  }
}
