package io.meshgate.rego.builtins;

import io.meshgate.rego.value.Value;
import java.util.List;

/**
 * One built-in function as the evaluator sees it.
 *
 * @param name the dotted name used in policies, e.g. {@code strings.replace_n}
 * @param arity number of arguments (the output is not counted)
 * @param function the implementation; returns null for "undefined"
 * @param nondeterministic true for built-ins whose result may change between calls
 *     ({@code time.now_ns}, {@code rand.intn}, {@code uuid.rfc4122}); the evaluator caches their
 *     result per query so that one evaluation sees one answer, as OPA does
 */
public record Builtin(String name, int arity, BuiltinFunction function, boolean nondeterministic) {

  public Builtin {
    if (arity < 0) {
      throw new IllegalArgumentException("arity of " + name);
    }
  }

  public static Builtin of(String name, int arity, BuiltinFunction function) {
    return new Builtin(name, arity, function, false);
  }

  public Value call(BuiltinContext ctx, List<Value> args) {
    return function.apply(ctx, args);
  }
}
