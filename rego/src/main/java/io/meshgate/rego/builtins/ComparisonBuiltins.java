package io.meshgate.rego.builtins;

import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.Value;
import java.util.function.IntPredicate;

/** The comparison operators ({@code == != < <= > >=}) over any two values, in OPA's term order. */
public final class ComparisonBuiltins {
  private ComparisonBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(compare("equal", c -> c == 0));
    table.register(compare("neq", c -> c != 0));
    table.register(compare("lt", c -> c < 0));
    table.register(compare("lte", c -> c <= 0));
    table.register(compare("gt", c -> c > 0));
    table.register(compare("gte", c -> c >= 0));
  }

  private static Builtin compare(String name, IntPredicate test) {
    return Builtin.of(name, 2, (ctx, args) -> {
      Value a = args.get(0);
      Value b = args.get(1);
      // equals() ignores number scale, compareTo agrees with it
      int c = a.equals(b) ? 0 : a.compareTo(b);
      return BoolValue.of(test.test(c));
    });
  }
}
