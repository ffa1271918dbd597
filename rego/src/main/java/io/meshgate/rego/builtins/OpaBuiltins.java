package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ObjectValue;

/**
 * opa.runtime. meshgate has no OPA runtime (no configuration, environment or version to report to
 * policies, which stay pure), so it is the empty object, as OPA answers when run without runtime
 * information.
 */
public final class OpaBuiltins {
  private OpaBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("opa.runtime", 0, (ctx, a) -> ObjectValue.EMPTY));
  }
}
