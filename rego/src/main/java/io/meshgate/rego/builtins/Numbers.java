package io.meshgate.rego.builtins;

import io.meshgate.rego.value.NumberValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Number arithmetic as OPA does it: integers stay exact at any size; anything with a fraction is
 * computed in IEEE-754 double precision and printed in its shortest form (so {@code 1/3} is
 * {@code 0.3333333333333333} and {@code 0.1 + 0.2} is {@code 0.30000000000000004}).
 */
final class Numbers {
  private Numbers() {}

  static NumberValue plus(NumberValue a, NumberValue b) {
    Optional<BigInteger> x = a.asBigInteger();
    Optional<BigInteger> y = b.asBigInteger();
    if (x.isPresent() && y.isPresent()) {
      return NumberValue.of(x.get().add(y.get()));
    }
    return fromDouble(a.doubleValue() + b.doubleValue());
  }

  static NumberValue minus(NumberValue a, NumberValue b) {
    Optional<BigInteger> x = a.asBigInteger();
    Optional<BigInteger> y = b.asBigInteger();
    if (x.isPresent() && y.isPresent()) {
      return NumberValue.of(x.get().subtract(y.get()));
    }
    return fromDouble(a.doubleValue() - b.doubleValue());
  }

  static NumberValue mul(NumberValue a, NumberValue b) {
    Optional<BigInteger> x = a.asBigInteger();
    Optional<BigInteger> y = b.asBigInteger();
    if (x.isPresent() && y.isPresent()) {
      return NumberValue.of(x.get().multiply(y.get()));
    }
    return fromDouble(a.doubleValue() * b.doubleValue());
  }

  /** Division; the caller rules out a zero divisor. */
  static NumberValue div(NumberValue a, NumberValue b) {
    Optional<BigInteger> x = a.asBigInteger();
    Optional<BigInteger> y = b.asBigInteger();
    if (x.isPresent() && y.isPresent()) {
      BigInteger[] qr = x.get().divideAndRemainder(y.get());
      if (qr[1].signum() == 0) {
        return NumberValue.of(qr[0]);
      }
    }
    return fromDouble(a.doubleValue() / b.doubleValue());
  }

  static NumberValue fromDouble(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new BuiltinException(BuiltinException.Kind.BUILTIN, "arithmetic result is not a finite number");
    }
    // the shortest decimal that reads back as d; whole numbers become exact integers, as OPA
    // prints an integral float without a fraction or exponent
    BigDecimal shortest = new BigDecimal(Double.toString(d));
    if (shortest.signum() == 0 || shortest.stripTrailingZeros().scale() <= 0) {
      return NumberValue.of(shortest.toBigIntegerExact());
    }
    return NumberValue.of(shortest);
  }

  static boolean isZero(NumberValue n) { return n.value().signum() == 0; }

  static BigDecimal dec(NumberValue n) { return n.value(); }
}
