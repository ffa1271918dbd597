package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** count, sum, product, max, min, sort. */
public final class AggregateBuiltins {
  private AggregateBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("count", 1, (ctx, a) -> {
      Value v = a.get(0);
      if (v instanceof ArrayValue arr) {
        return NumberValue.of(arr.size());
      }
      if (v instanceof SetValue s) {
        return NumberValue.of(s.size());
      }
      if (v instanceof ObjectValue o) {
        return NumberValue.of(o.size());
      }
      if (v instanceof StringValue s) {
        return NumberValue.of(s.value().codePointCount(0, s.value().length()));
      }
      throw Args.type("count", 1, v, "array", "object", "set", "string");
    }));
    table.register(Builtin.of("sum", 1, (ctx, a) -> {
      NumberValue acc = NumberValue.of(0);
      for (NumberValue n : numbers("sum", a)) {
        acc = Numbers.plus(acc, n);
      }
      return acc;
    }));
    table.register(Builtin.of("product", 1, (ctx, a) -> {
      NumberValue acc = NumberValue.of(1);
      for (NumberValue n : numbers("product", a)) {
        acc = Numbers.mul(acc, n);
      }
      return acc;
    }));
    table.register(Builtin.of("max", 1, (ctx, a) -> {
      List<Value> elems = Args.collection("max", a, 1);
      return elems.isEmpty() ? null : Collections.max(elems);
    }));
    table.register(Builtin.of("min", 1, (ctx, a) -> {
      List<Value> elems = Args.collection("min", a, 1);
      return elems.isEmpty() ? null : Collections.min(elems);
    }));
    table.register(Builtin.of("sort", 1, (ctx, a) -> {
      List<Value> elems = new ArrayList<>(Args.collection("sort", a, 1));
      Collections.sort(elems);
      return ArrayValue.of(elems);
    }));
  }

  private static List<NumberValue> numbers(String fn, List<Value> a) {
    List<Value> elems = Args.collection(fn, a, 1);
    List<NumberValue> out = new ArrayList<>(elems.size());
    for (Value e : elems) {
      if (!(e instanceof NumberValue n)) {
        throw Args.element(fn, 1, a.get(0), e, "number");
      }
      out.add(n);
    }
    return out;
  }
}
