package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.failure;
import static io.meshgate.rego.builtins.Args.type;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Arithmetic: {@code + - * / %} (as plus, minus, mul, div, rem; minus is also set difference),
 * abs, ceil, floor, round, numbers.range, numbers.range_step, rand.intn.
 */
public final class ArithmeticBuiltins {
  private ArithmeticBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("plus", 2, (ctx, a) ->
        Numbers.plus(Args.number("plus", a, 1), Args.number("plus", a, 2))));
    table.register(Builtin.of("mul", 2, (ctx, a) ->
        Numbers.mul(Args.number("mul", a, 1), Args.number("mul", a, 2))));
    table.register(Builtin.of("minus", 2, ArithmeticBuiltins::minus));
    table.register(Builtin.of("div", 2, (ctx, a) -> {
      NumberValue x = Args.number("div", a, 1);
      NumberValue y = Args.number("div", a, 2);
      if (Numbers.isZero(y)) {
        throw failure("div", "divide by zero");
      }
      return Numbers.div(x, y);
    }));
    table.register(Builtin.of("rem", 2, (ctx, a) -> {
      NumberValue x = Args.number("rem", a, 1);
      NumberValue y = Args.number("rem", a, 2);
      if (x.asBigInteger().isEmpty() || y.asBigInteger().isEmpty()) {
        throw failure("rem", "modulo on floating-point number");
      }
      if (Numbers.isZero(y)) {
        throw failure("rem", "modulo by zero");
      }
      // Go's % truncates towards zero, as BigInteger.remainder does
      return NumberValue.of(x.asBigInteger().get().remainder(y.asBigInteger().get()));
    }));
    table.register(Builtin.of("abs", 1, (ctx, a) -> NumberValue.of(Args.number("abs", a, 1).value().abs())));
    table.register(Builtin.of("ceil", 1, (ctx, a) -> rounded(Args.number("ceil", a, 1), RoundingMode.CEILING)));
    table.register(Builtin.of("floor", 1, (ctx, a) -> rounded(Args.number("floor", a, 1), RoundingMode.FLOOR)));
    // OPA rounds halves away from zero (round(-9.5) == -10)
    table.register(Builtin.of("round", 1, (ctx, a) -> rounded(Args.number("round", a, 1), RoundingMode.HALF_UP)));
    table.register(Builtin.of("numbers.range", 2, (ctx, a) -> {
      BigInteger from = Args.integer("numbers.range", a, 1);
      BigInteger to = Args.integer("numbers.range", a, 2);
      return range("numbers.range", from, to, BigInteger.ONE);
    }));
    table.register(Builtin.of("numbers.range_step", 3, (ctx, a) -> {
      BigInteger from = Args.integer("numbers.range_step", a, 1);
      BigInteger to = Args.integer("numbers.range_step", a, 2);
      BigInteger step = Args.integer("numbers.range_step", a, 3);
      if (step.signum() <= 0) {
        throw failure("numbers.range_step", "step must be a positive number above zero");
      }
      return range("numbers.range_step", from, to, step);
    }));
    table.register(Builtin.nondeterministic("rand.intn", 2, (ctx, a) -> {
      String key = Args.string("rand.intn", a, 1);
      BigInteger n = Args.integer("rand.intn", a, 2).abs();
      if (n.signum() == 0) {
        return NumberValue.of(0);
      }
      if (n.bitLength() >= 63) {
        throw failure("rand.intn", "operand 2 is too large");
      }
      long bound = n.longValue();
      // one answer per (key, n) within an evaluation, as OPA caches it
      return ctx.cached("rand.intn/" + key + "/" + bound,
          () -> NumberValue.of(ThreadLocalRandom.current().nextLong(bound)));
    }));
  }

  private static Value minus(BuiltinContext ctx, List<Value> a) {
    Value x = a.get(0);
    Value y = a.get(1);
    if (x instanceof NumberValue nx && y instanceof NumberValue ny) {
      return Numbers.minus(nx, ny);
    }
    if (x instanceof SetValue sx && y instanceof SetValue sy) {
      TreeSet<Value> out = new TreeSet<>(sx.elements());
      out.removeAll(sy.elements());
      return SetValue.of(out);
    }
    if (!(x instanceof NumberValue) && !(x instanceof SetValue)) {
      throw type("minus", 1, x, "number", "set");
    }
    if (!(y instanceof NumberValue) && !(y instanceof SetValue)) {
      throw type("minus", 2, y, "number", "set");
    }
    throw type("minus", 2, y, x.typeName());
  }

  private static NumberValue rounded(NumberValue n, RoundingMode mode) {
    BigDecimal r = n.value().setScale(0, mode);
    return NumberValue.of(r.toBigIntegerExact());
  }

  private static final int MAX_RANGE = 10_000_000;

  private static ArrayValue range(String fn, BigInteger from, BigInteger to, BigInteger step) {
    BigInteger span = to.subtract(from).abs().divide(step);
    if (span.compareTo(BigInteger.valueOf(MAX_RANGE)) > 0) {
      throw failure(fn, "range too large");
    }
    List<Value> out = new ArrayList<>(span.intValue() + 1);
    boolean up = to.compareTo(from) >= 0;
    BigInteger i = from;
    while (up ? i.compareTo(to) <= 0 : i.compareTo(to) >= 0) {
      out.add(NumberValue.of(i));
      i = up ? i.add(step) : i.subtract(step);
    }
    return ArrayValue.of(out);
  }
}
