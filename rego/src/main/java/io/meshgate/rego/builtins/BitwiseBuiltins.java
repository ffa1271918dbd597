package io.meshgate.rego.builtins;

import io.meshgate.rego.value.NumberValue;
import java.math.BigInteger;
import java.util.function.BinaryOperator;

/** bits.and, bits.or, bits.xor, bits.negate, bits.lsh, bits.rsh over integers of any size. */
public final class BitwiseBuiltins {
  private BitwiseBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(binary("bits.and", BigInteger::and));
    table.register(binary("bits.or", BigInteger::or));
    table.register(binary("bits.xor", BigInteger::xor));
    table.register(Builtin.of("bits.negate", 1, (ctx, a) ->
        NumberValue.of(Args.integer("bits.negate", a, 1).not())));
    table.register(Builtin.of("bits.lsh", 2, (ctx, a) -> {
      BigInteger x = Args.integer("bits.lsh", a, 1);
      int s = shift("bits.lsh", a);
      return NumberValue.of(x.shiftLeft(s));
    }));
    table.register(Builtin.of("bits.rsh", 2, (ctx, a) -> {
      BigInteger x = Args.integer("bits.rsh", a, 1);
      int s = shift("bits.rsh", a);
      return NumberValue.of(x.shiftRight(s));
    }));
  }

  private static int shift(String fn, java.util.List<io.meshgate.rego.value.Value> a) {
    BigInteger s = Args.integer(fn, a, 2);
    if (s.signum() < 0) {
      throw BuiltinException.operand(fn, 2, "unsigned integer number", "negative integer");
    }
    if (s.bitLength() > 20) {
      throw Args.failure(fn, "shift too large");
    }
    return s.intValue();
  }

  private static Builtin binary(String name, BinaryOperator<BigInteger> op) {
    return Builtin.of(name, 2, (ctx, a) ->
        NumberValue.of(op.apply(Args.integer(name, a, 1), Args.integer(name, a, 2))));
  }
}
