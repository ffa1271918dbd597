package io.meshgate.rego.value;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/** An immutable Rego set, iterated in OPA's term order. */
public final class SetValue extends Value implements Iterable<Value> {
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

  /**
   * A set filled one member at a time. Members usually come in order (a rule iterating a sorted
   * collection), so they are appended, each compared with the last one only, and the set is built
   * from them in one pass; members out of order are sorted once at the end. Either way the set is
   * what adding each to a sorted set gives, without the ten or fifteen comparisons per member a
   * sorted set's insertion costs.
   */
  public static final class Builder {
    private final java.util.ArrayList<Value> members = new java.util.ArrayList<>();
    private boolean ascending = true;

    public void add(Value member) {
      int last = members.size() - 1;
      if (last >= 0 && ascending) {
        int order = members.get(last).compareTo(member);
        if (order == 0) {
          return; // the member just added
        }
        ascending = order < 0;
      }
      members.add(member);
    }

    public SetValue build() {
      if (members.isEmpty()) {
        return EMPTY;
      }
      if (!ascending) {
        return of(members);
      }
      // A sorted set copied into a TreeSet is linked up in one pass, without comparisons.
      return new SetValue(Collections.unmodifiableNavigableSet(new TreeSet<>(new Ascending(members))));
    }
  }

  /** Distinct members in ascending order, seen as the sorted set they are (read once, by TreeSet). */
  private static final class Ascending extends java.util.AbstractSet<Value> implements java.util.SortedSet<Value> {
    private final java.util.List<Value> members;

    Ascending(java.util.List<Value> members) {
      this.members = members;
    }

    @Override public Iterator<Value> iterator() { return members.iterator(); }
    @Override public int size() { return members.size(); }
    @Override public java.util.Comparator<? super Value> comparator() { return null; }
    @Override public Value first() { return members.get(0); }
    @Override public Value last() { return members.get(members.size() - 1); }
    @Override public java.util.SortedSet<Value> subSet(Value from, Value to) { throw new UnsupportedOperationException(); }
    @Override public java.util.SortedSet<Value> headSet(Value to) { throw new UnsupportedOperationException(); }
    @Override public java.util.SortedSet<Value> tailSet(Value from) { throw new UnsupportedOperationException(); }
  }

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
