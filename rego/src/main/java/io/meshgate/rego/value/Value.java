package io.meshgate.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Rego value. Undefined is not a value: code that can produce "undefined" returns Java {@code null}.
 *
 * <p>Values are immutable and totally ordered the way OPA orders terms
 * (null &lt; boolean &lt; number &lt; string &lt; array &lt; object &lt; set), so sets and objects iterate
 * in OPA's order and printed output is deterministic.
 *
 * <p>An abstract class rather than an interface: a cast or type test against a class is one
 * compare in compiled code, one against an interface searches the class's interfaces through a
 * one-entry cache that threads evaluating in parallel keep overwriting (with the C1 compiler the
 * command-line runs use, such searches were 4% of a 10,000-service render's CPU, a third of them
 * for Value). Subclasses inherit
 * the static {@link #of} and {@link #wrap}, so a factory of their own taking a primitive also needs
 * a boxed overload, or a boxed argument would reach {@code Value.of(Object)}.
 */
public abstract sealed class Value implements Comparable<Value>
    permits NullValue, BoolValue, NumberValue, StringValue, ArrayValue, ObjectValue, SetValue {

  /** Position of this value's type in OPA's term order. */
  public abstract int typeOrder();

  /** OPA's type name, as {@code type_name} returns it. */
  public abstract String typeName();

  /** The value as plain Java: null, Boolean, BigInteger/BigDecimal, String, List, Map, Set. */
  public abstract Object toJava();

  /** Compact JSON-like Rego text (sets printed as {@code {1, 2}} like OPA does). */
  @Override
  public abstract String toString();

  @Override
  public final int compareTo(Value other) {
    int byType = Integer.compare(typeOrder(), other.typeOrder());
    return byType != 0 ? byType : compareSameType(other);
  }

  /** Compares with a value of the same type. */
  public abstract int compareSameType(Value other);

  /**
   * Converts plain Java (what Jackson or SnakeYAML produce, records excluded) into a Value.
   * Maps become objects, Sets become sets, Lists and arrays become arrays.
   */
  public static Value of(Object java) {
    if (java == null) {
      return NullValue.INSTANCE;
    }
    if (java instanceof Value v) {
      return v;
    }
    if (java instanceof Boolean b) {
      return BoolValue.of(b);
    }
    if (java instanceof String s) {
      return new StringValue(s);
    }
    if (java instanceof BigDecimal d) {
      return NumberValue.of(d);
    }
    if (java instanceof BigInteger i) {
      return NumberValue.of(new BigDecimal(i));
    }
    if (java instanceof Integer || java instanceof Long || java instanceof Short || java instanceof Byte) {
      return NumberValue.of(((Number) java).longValue());
    }
    if (java instanceof Number n) {
      return NumberValue.of(n.doubleValue());
    }
    if (java instanceof Map<?, ?> m) {
      Map<Value, Value> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(of(k), of(v)));
      return ObjectValue.of(out);
    }
    if (java instanceof Set<?> s) {
      List<Value> out = new ArrayList<>(s.size());
      s.forEach(e -> out.add(of(e)));
      return SetValue.of(out);
    }
    if (java instanceof Collection<?> c) {
      List<Value> out = new ArrayList<>(c.size());
      c.forEach(e -> out.add(of(e)));
      return ArrayValue.of(out);
    }
    if (java instanceof Object[] arr) {
      List<Value> out = new ArrayList<>(arr.length);
      for (Object e : arr) {
        out.add(of(e));
      }
      return ArrayValue.of(out);
    }
    throw new IllegalArgumentException("cannot convert " + java.getClass().getName() + " to a Rego value");
  }

  /**
   * As {@link #of}, but a map is converted only when the evaluation first reads it: for a large
   * input (a policy input of 100,000 rendered objects) most of which no rule looks into. The Java
   * maps and lists must not change afterwards.
   */
  public static Value wrap(Object java) {
    if (java instanceof String s) { // most values: no failing type test against Map and Collection
      return new StringValue(s);
    }
    if (java instanceof Map<?, ?> m) {
      return m.isEmpty() ? ObjectValue.EMPTY : ObjectValue.wrapping(m);
    }
    if (java instanceof Collection<?> c && !(java instanceof Set<?>)) {
      List<Value> out = new ArrayList<>(c.size());
      for (Object e : c) { // a loop: a lambda per list is a native call in C1 code
        out.add(wrap(e));
      }
      return ArrayValue.of(out);
    }
    return of(java);
  }
}
