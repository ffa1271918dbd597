package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OPA's deprecated built-ins, which Rego v0 libraries still call: {@code re_match}, {@code all},
 * {@code any}, {@code set_diff}, {@code net.cidr_overlap} and the {@code cast_*} family. As in OPA
 * 1.x they are only available to modules read as v0: the compiler rejects them in a module that
 * imports {@code rego.v1} (see {@link #NAMES}).
 */
public final class DeprecatedBuiltins {
  private DeprecatedBuiltins() {}

  /** The deprecated names, with what replaces each. */
  public static final java.util.Map<String, String> NAMES = java.util.Map.ofEntries(
      java.util.Map.entry("re_match", "regex.match"), java.util.Map.entry("all", "every"),
      java.util.Map.entry("any", "`in` / some"), java.util.Map.entry("set_diff", "the `-` operator"),
      java.util.Map.entry("net.cidr_overlap", "net.cidr_contains"), java.util.Map.entry("cast_array", "array.concat"),
      java.util.Map.entry("cast_set", "a set comprehension"), java.util.Map.entry("cast_string", "is_string"),
      java.util.Map.entry("cast_boolean", "is_boolean"), java.util.Map.entry("cast_null", "is_null"),
      java.util.Map.entry("cast_object", "is_object"));

  public static void register(BuiltinTable table) {
    table.register(alias(table, "re_match", "regex.match"));
    table.register(alias(table, "net.cidr_overlap", "net.cidr_contains"));
    table.register(Builtin.of("set_diff", 2, (ctx, a) -> {
      SetValue x = Args.set("set_diff", a, 1);
      Set<Value> rest = new java.util.TreeSet<>(x.elements());
      rest.removeAll(Args.set("set_diff", a, 2).elements());
      return SetValue.of(new ArrayList<>(rest));
    }));
    table.register(Builtin.of("all", 1, (ctx, a) -> {
      for (Value v : Args.collection("all", a, 1)) {
        if (!v.equals(BoolValue.TRUE)) {
          return BoolValue.FALSE;
        }
      }
      return BoolValue.TRUE;
    }));
    table.register(Builtin.of("any", 1, (ctx, a) -> BoolValue.of(Args.collection("any", a, 1).contains(BoolValue.TRUE))));
    table.register(Builtin.of("cast_array", 1, (ctx, a) -> {
      Value v = a.get(0);
      if (v instanceof ArrayValue) {
        return v;
      }
      if (v instanceof SetValue s) {
        return ArrayValue.of(new ArrayList<>(s.elements()));
      }
      throw Args.type("cast_array", 1, v, "array", "set");
    }));
    table.register(Builtin.of("cast_set", 1, (ctx, a) -> {
      Value v = a.get(0);
      if (v instanceof SetValue) {
        return v;
      }
      if (v instanceof ArrayValue arr) {
        return SetValue.of(arr.elements());
      }
      throw Args.type("cast_set", 1, v, "array", "set");
    }));
    table.register(identity("cast_string", StringValue.class, "string"));
    table.register(identity("cast_boolean", BoolValue.class, "boolean"));
    table.register(identity("cast_null", NullValue.class, "null"));
    table.register(identity("cast_object", ObjectValue.class, "object"));
  }

  private static Builtin alias(BuiltinTable table, String name, String of) {
    Builtin target = table.lookup(of).orElseThrow();
    return Builtin.of(name, target.arity(), (ctx, a) -> target.call(ctx, a));
  }

  private static Builtin identity(String name, Class<? extends Value> type, String typeName) {
    return Builtin.of(name, 1, (ctx, a) -> {
      if (!type.isInstance(a.get(0))) {
        throw Args.type(name, 1, a.get(0), typeName);
      }
      return a.get(0);
    });
  }

  static List<String> names() { return List.copyOf(NAMES.keySet()); }
}
