package io.meshgate.rego.builtins;

import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.Value;
import java.util.TreeSet;

/**
 * Set operators {@code &} (and) and {@code |} (or), and intersection/union over a set of sets.
 * Set difference ({@code -}) is {@code minus}, registered with arithmetic.
 */
public final class SetBuiltins {
  private SetBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("and", 2, (ctx, a) -> {
      TreeSet<Value> out = new TreeSet<>(Args.set("and", a, 1).elements());
      out.retainAll(Args.set("and", a, 2).elements());
      return SetValue.of(out);
    }));
    table.register(Builtin.of("or", 2, (ctx, a) -> {
      TreeSet<Value> out = new TreeSet<>(Args.set("or", a, 1).elements());
      out.addAll(Args.set("or", a, 2).elements());
      return SetValue.of(out);
    }));
    table.register(Builtin.of("intersection", 1, (ctx, a) -> {
      SetValue sets = Args.set("intersection", a, 1);
      TreeSet<Value> out = null;
      for (Value s : sets) {
        if (!(s instanceof SetValue inner)) {
          throw BuiltinException.operand("intersection", 1, "set of sets", "set containing " + s.typeName());
        }
        if (out == null) {
          out = new TreeSet<>(inner.elements());
        } else {
          out.retainAll(inner.elements());
        }
      }
      return out == null ? SetValue.EMPTY : SetValue.of(out);
    }));
    table.register(Builtin.of("union", 1, (ctx, a) -> {
      SetValue sets = Args.set("union", a, 1);
      TreeSet<Value> out = new TreeSet<>();
      for (Value s : sets) {
        if (!(s instanceof SetValue inner)) {
          throw BuiltinException.operand("union", 1, "set of sets", "set containing " + s.typeName());
        }
        out.addAll(inner.elements());
      }
      return SetValue.of(out);
    }));
  }
}
