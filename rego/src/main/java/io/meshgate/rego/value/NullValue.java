package io.meshgate.rego.value;

/** Rego's {@code null}. */
public final class NullValue extends Value {
  public static final NullValue INSTANCE = new NullValue();

  private NullValue() {}

  @Override public int typeOrder() { return 0; }
  @Override public String typeName() { return "null"; }
  @Override public Object toJava() { return null; }
  @Override public int compareSameType(Value other) { return 0; }
  @Override public boolean equals(Object o) { return o instanceof NullValue; }
  @Override public int hashCode() { return 0; }
  @Override public String toString() { return "null"; }
}
