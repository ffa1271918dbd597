package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.function.Predicate;

/** is_number, is_string, is_boolean, is_array, is_set, is_object, is_null, type_name. */
public final class TypeBuiltins {
  private TypeBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(is("is_number", v -> v instanceof NumberValue));
    table.register(is("is_string", v -> v instanceof StringValue));
    table.register(is("is_boolean", v -> v instanceof BoolValue));
    table.register(is("is_array", v -> v instanceof ArrayValue));
    table.register(is("is_set", v -> v instanceof SetValue));
    table.register(is("is_object", v -> v instanceof ObjectValue));
    table.register(is("is_null", v -> v instanceof NullValue));
    table.register(Builtin.of("type_name", 1, (ctx, a) -> new StringValue(a.get(0).typeName())));
  }

  // OPA 1.x answers false (not undefined) for a value of another type
  private static Builtin is(String name, Predicate<Value> test) {
    return Builtin.of(name, 1, (ctx, a) -> BoolValue.of(test.test(a.get(0))));
  }
}
