package io.meshgate.rego.value;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** An immutable Rego object; keys may be any value and iterate in OPA's term order. */
public final class ObjectValue implements Value {
  public static final ObjectValue EMPTY = new ObjectValue(Collections.emptyNavigableMap());

  private final NavigableMap<Value, Value> entries;
  private int hash;

  private ObjectValue(NavigableMap<Value, Value> entries) { this.entries = entries; }

  public static ObjectValue of(Map<? extends Value, ? extends Value> entries) {
    if (entries.isEmpty()) {
      return EMPTY;
    }
    return new ObjectValue(Collections.unmodifiableNavigableMap(new TreeMap<>(entries)));
  }

  public NavigableMap<Value, Value> entries() { return entries; }
  public int size() { return entries.size(); }

  /** The value at {@code key}, or null (undefined) when absent. */
  public Value get(Value key) { return entries.get(key); }

  public Value get(String key) { return entries.get(new StringValue(key)); }

  @Override public int typeOrder() { return 5; }
  @Override public String typeName() { return "object"; }

  /** Keys that are not strings are written as their Rego text, as OPA's JSON output does. */
  @Override
  public Object toJava() {
    Map<Object, Object> out = new LinkedHashMap<>();
    entries.forEach((k, v) -> out.put(k instanceof StringValue s ? s.value() : k.toString(), v.toJava()));
    return out;
  }

  @Override
  public int compareSameType(Value other) {
    Iterator<Map.Entry<Value, Value>> a = entries.entrySet().iterator();
    Iterator<Map.Entry<Value, Value>> b = ((ObjectValue) other).entries.entrySet().iterator();
    while (a.hasNext() && b.hasNext()) {
      Map.Entry<Value, Value> ea = a.next();
      Map.Entry<Value, Value> eb = b.next();
      int c = ea.getKey().compareTo(eb.getKey());
      if (c != 0) {
        return c;
      }
      c = ea.getValue().compareTo(eb.getValue());
      if (c != 0) {
        return c;
      }
    }
    return Boolean.compare(a.hasNext(), b.hasNext());
  }

  @Override public boolean equals(Object o) { return o instanceof ObjectValue m && m.entries.equals(entries); }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = entries.hashCode() * 31 + 5;
      hash = h;
    }
    return h;
  }

  @Override public String toString() { return Json.write(this); }
}
