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
 * @param relation true for relations such as {@code walk}: the function returns an ArrayValue of
 *     every output, and the evaluator unifies the output operand with each in turn
 */
public record Builtin(String name, int arity, BuiltinFunction function, boolean nondeterministic,
    boolean relation) {

  public Builtin {
    if (arity < 0) {
      throw new IllegalArgumentException("arity of " + name);
    }
  }

  public static Builtin of(String name, int arity, BuiltinFunction function) {
    return new Builtin(name, arity, function, false, false);
  }

  public static Builtin nondeterministic(String name, int arity, BuiltinFunction function) {
    return new Builtin(name, arity, function, true, false);
  }

  public static Builtin relation(String name, int arity, BuiltinFunction function) {
    return new Builtin(name, arity, function, false, true);
  }

  public Value call(BuiltinContext ctx, List<Value> args) {
    return function.apply(ctx, args);
  }
}
