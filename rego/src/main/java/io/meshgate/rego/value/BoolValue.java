package io.meshgate.rego.value;

/** Rego's {@code true} and {@code false}; false sorts before true. */
public final class BoolValue extends Value {
  public static final BoolValue TRUE = new BoolValue(true);
  public static final BoolValue FALSE = new BoolValue(false);

  private final boolean value;

  private BoolValue(boolean value) { this.value = value; }

  public static BoolValue of(boolean b) { return b ? TRUE : FALSE; }

  /**
   * For a boxed argument: without it, {@code BoolValue.of(aBoolean)} would resolve to the
   * {@link Value#of(Object)} every value class inherits (no unboxing is needed to call that one).
   */
  public static BoolValue of(Boolean b) { return b ? TRUE : FALSE; }

  public boolean value() { return value; }

  @Override public int typeOrder() { return 1; }
  @Override public String typeName() { return "boolean"; }
  @Override public Object toJava() { return value; }
  @Override public int compareSameType(Value other) { return Boolean.compare(value, ((BoolValue) other).value); }
  @Override public boolean equals(Object o) { return o instanceof BoolValue b && b.value == value; }
  @Override public int hashCode() { return value ? 1 : 2; }
  @Override public String toString() { return Boolean.toString(value); }
}
