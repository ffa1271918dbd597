package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** array.concat, array.slice, array.reverse, array.flatten. */
public final class ArrayBuiltins {
  private ArrayBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("array.concat", 2, (ctx, a) -> {
      List<Value> out = new ArrayList<>(Args.array("array.concat", a, 1).elements());
      out.addAll(Args.array("array.concat", a, 2).elements());
      return ArrayValue.of(out);
    }));
    table.register(Builtin.of("array.slice", 3, (ctx, a) -> {
      ArrayValue arr = Args.array("array.slice", a, 1);
      long start = clamp(Args.integer("array.slice", a, 2));
      long stop = clamp(Args.integer("array.slice", a, 3));
      // out-of-range bounds are clamped, an inverted range is empty (as OPA)
      start = Math.max(0, start);
      stop = Math.min(arr.size(), stop);
      if (start >= stop) {
        return ArrayValue.EMPTY;
      }
      return ArrayValue.of(arr.elements().subList((int) start, (int) stop));
    }));
    table.register(Builtin.of("array.reverse", 1, (ctx, a) -> {
      List<Value> out = new ArrayList<>(Args.array("array.reverse", a, 1).elements());
      java.util.Collections.reverse(out);
      return ArrayValue.of(out);
    }));
    table.register(Builtin.of("array.flatten", 1, (ctx, a) -> {
      // one level only, as OPA: nested arrays are spliced in, everything else kept as is
      List<Value> out = new ArrayList<>();
      for (Value element : Args.array("array.flatten", a, 1).elements()) {
        if (element instanceof ArrayValue inner) {
          out.addAll(inner.elements());
        } else {
          out.add(element);
        }
      }
      return ArrayValue.of(out);
    }));
  }

  private static long clamp(BigInteger b) {
    if (b.bitLength() >= 32) {
      return b.signum() < 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    }
    return b.longValue();
  }
}
