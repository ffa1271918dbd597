package io.meshgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Calls built-ins through the standard table, as the evaluator does. */
final class Calls {
  static final BuiltinTable TABLE = BuiltinTable.standard();

  private Calls() {}

  /** Arguments are plain Java (converted by Value.of) or Values. */
  static Value call(String name, Object... args) {
    return call(BuiltinContext.standalone(), name, args);
  }

  static Value call(BuiltinContext ctx, String name, Object... args) {
    Builtin b = TABLE.lookup(name).orElseThrow(() -> new AssertionError("no built-in " + name));
    List<Value> values = new ArrayList<>();
    Arrays.stream(args).forEach(a -> values.add(Value.of(a)));
    assertEquals(b.arity(), values.size(), "arity of " + name);
    return b.call(ctx, values);
  }

  static Value num(String text) { return NumberValue.parse(text); }

  static Value set(Object... elems) {
    return SetValue.of(Arrays.stream(elems).map(Value::of).toList());
  }

  static void assertCall(Object expected, String name, Object... args) {
    assertEquals(Value.of(expected), call(name, args), name + Arrays.toString(args));
  }

  /** The call's result printed as Rego text. */
  static void assertText(String expected, String name, Object... args) {
    Value v = call(name, args);
    assertEquals(expected, v == null ? "undefined" : v.toString(), name + Arrays.toString(args));
  }

  static BuiltinException assertError(BuiltinException.Kind kind, String messagePart, String name, Object... args) {
    BuiltinException e = assertThrows(BuiltinException.class, () -> call(name, args));
    assertEquals(kind, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(messagePart), "message was: " + e.getMessage());
    return e;
  }

  static void assertTypeError(String message, String name, Object... args) {
    BuiltinException e = assertError(BuiltinException.Kind.TYPE, message, name, args);
    assertEquals(message, e.getMessage());
  }
}
