package io.meshgate.rego.builtins;

import io.meshgate.rego.value.BoolValue;

/** trace: records a note (shown by {@code test -v}, as OPA's Note events) and is always true. */
public final class TraceBuiltins {
  private TraceBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("trace", 1, (ctx, a) -> {
      ctx.trace(Args.string("trace", a, 1));
      return BoolValue.TRUE;
    }));
  }
}
