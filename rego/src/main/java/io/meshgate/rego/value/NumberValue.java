package io.meshgate.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;

/**
 * A Rego number of any size. Held as a BigDecimal; {@code 1} and {@code 1.0} are the same value
 * (equality and hashing ignore scale), as in OPA.
 */
public final class NumberValue extends Value {
  private final BigDecimal value;

  private NumberValue(BigDecimal value) { this.value = value; }

  /** Array indexes and ports: the small integers an evaluation makes over and over, made once. */
  private static final NumberValue[] SMALL = new NumberValue[1024];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = new NumberValue(BigDecimal.valueOf(i));
    }
  }

  public static NumberValue of(long n) {
    return n >= 0 && n < SMALL.length ? SMALL[(int) n] : new NumberValue(BigDecimal.valueOf(n));
  }

  public static NumberValue of(BigInteger n) { return new NumberValue(new BigDecimal(n)); }

  public static NumberValue of(BigDecimal n) { return new NumberValue(n); }

  /** Doubles must be finite: Rego has no NaN or infinity. */
  public static NumberValue of(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new ArithmeticException("number is not finite: " + d);
    }
    return new NumberValue(new BigDecimal(Double.toString(d)));
  }

  /** Parses Rego/JSON number text such as {@code 12}, {@code -1.5e3}. */
  public static NumberValue parse(String text) { return new NumberValue(new BigDecimal(text)); }

  public BigDecimal value() { return value; }

  public boolean isInteger() {
    return value.signum() == 0 || value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0;
  }

  /** The exact integer value, when this number is an integer. */
  public Optional<BigInteger> asBigInteger() {
    if (!isInteger()) {
      return Optional.empty();
    }
    return Optional.of(value.toBigIntegerExact());
  }

  /** The exact value as an int, when it is an integer that fits. */
  public Optional<Integer> asInt() {
    return asBigInteger().filter(b -> b.bitLength() < 32).map(BigInteger::intValue);
  }

  /** The exact value as a long, when it is an integer that fits. */
  public Optional<Long> asLong() {
    return asBigInteger().filter(b -> b.bitLength() < 64).map(BigInteger::longValue);
  }

  public double doubleValue() { return value.doubleValue(); }

  @Override public int typeOrder() { return 2; }
  @Override public String typeName() { return "number"; }

  @Override
  public Object toJava() {
    return isInteger() ? value.toBigIntegerExact() : value;
  }

  @Override public int compareSameType(Value other) { return value.compareTo(((NumberValue) other).value); }

  @Override
  public boolean equals(Object o) { return o instanceof NumberValue n && n.value.compareTo(value) == 0; }

  @Override
  public int hashCode() { return value.signum() == 0 ? 0 : value.stripTrailingZeros().hashCode(); }

  /** Integers print without a fraction or exponent; other numbers in plain decimal notation. */
  @Override
  public String toString() {
    if (isInteger()) {
      return value.toBigIntegerExact().toString();
    }
    return value.stripTrailingZeros().toPlainString();
  }
}
