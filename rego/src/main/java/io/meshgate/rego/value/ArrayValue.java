package io.meshgate.rego.value;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** An immutable Rego array. */
public final class ArrayValue extends Value implements Iterable<Value> {
  public static final ArrayValue EMPTY = new ArrayValue(List.of());

  private final List<Value> elements;
  private int hash;

  private ArrayValue(List<Value> elements) { this.elements = elements; }

  public static ArrayValue of(List<? extends Value> elements) {
    return elements.isEmpty() ? EMPTY : new ArrayValue(List.copyOf(elements));
  }

  public static ArrayValue of(Value... elements) { return of(List.of(elements)); }

  public List<Value> elements() { return elements; }
  public int size() { return elements.size(); }
  public Value get(int i) { return elements.get(i); }
  @Override public Iterator<Value> iterator() { return elements.iterator(); }

  @Override public int typeOrder() { return 4; }
  @Override public String typeName() { return "array"; }

  @Override
  public Object toJava() {
    List<Object> out = new ArrayList<>(elements.size());
    elements.forEach(e -> out.add(e.toJava()));
    return out;
  }

  @Override
  public int compareSameType(Value other) {
    List<Value> b = ((ArrayValue) other).elements;
    int n = Math.min(elements.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = elements.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(elements.size(), b.size());
  }

  @Override public boolean equals(Object o) { return o instanceof ArrayValue a && a.elements.equals(elements); }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = elements.hashCode() * 31 + 4;
      hash = h;
    }
    return h;
  }

  @Override public String toString() { return Json.write(this); }
}
