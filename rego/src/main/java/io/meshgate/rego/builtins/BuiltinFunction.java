package io.meshgate.rego.builtins;

import io.meshgate.rego.value.Value;
import java.util.List;

/** Implementation of a built-in: returns the result, or null when the result is undefined. */
@FunctionalInterface
public interface BuiltinFunction {
  /**
   * @throws BuiltinException when the arguments are of the wrong type or the operation fails
   *     (the evaluator turns it into an error in strict mode and into "undefined" otherwise)
   */
  Value apply(BuiltinContext ctx, List<Value> args);
}
