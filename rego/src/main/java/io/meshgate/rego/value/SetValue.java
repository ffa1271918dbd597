package io.meshgate.rego.value;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/** An immutable Rego set, iterated in OPA's term order. */
public final class SetValue implements Value, Iterable<Value> {
  public static final SetValue EMPTY = new SetValue(Collections.emptyNavigableSet());

  private final NavigableSet<Value> elements;
  private int hash;

  private SetValue(NavigableSet<Value> elements) { this.elements = elements; }

  public static SetValue of(Collection<? extends Value> elements) {
    if (elements.isEmpty()) {
      return EMPTY;
    }
    return new SetValue(Collections.unmodifiableNavigableSet(new TreeSet<>(elements)));
  }

  public static SetValue of(Value... elements) { return of(java.util.List.of(elements)); }

  public NavigableSet<Value> elements() { return elements; }
  public int size() { return elements.size(); }
  public boolean contains(Value v) { return elements.contains(v); }
  @Override public Iterator<Value> iterator() { return elements.iterator(); }

  @Override public int typeOrder() { return 6; }
  @Override public String typeName() { return "set"; }

  @Override
  public Object toJava() {
    Set<Object> out = new LinkedHashSet<>();
    elements.forEach(e -> out.add(e.toJava()));
    return out;
  }

  @Override
  public int compareSameType(Value other) {
    Iterator<Value> a = elements.iterator();
    Iterator<Value> b = ((SetValue) other).elements.iterator();
    while (a.hasNext() && b.hasNext()) {
      int c = a.next().compareTo(b.next());
      if (c != 0) {
        return c;
      }
    }
    return Boolean.compare(a.hasNext(), b.hasNext());
  }

  @Override public boolean equals(Object o) { return o instanceof SetValue s && s.elements.equals(elements); }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = elements.hashCode() * 31 + 6;
      hash = h;
    }
    return h;
  }

  @Override public String toString() { return Json.write(this); }
}
