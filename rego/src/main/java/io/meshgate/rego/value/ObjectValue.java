package io.meshgate.rego.value;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BiConsumer;

/**
 * An immutable Rego object; keys may be any value and iterate in OPA's term order.
 *
 * <p>Held as two arrays sorted by key: a policy input of 100,000 rendered objects makes a million
 * small objects, and a tree map costs some 40 bytes per entry where this costs 8. Lookups search
 * the sorted keys, or, in objects of more than {@link #INDEXED_SIZE} keys (the input's collections,
 * lookup objects), a hash index built on first use. One made by {@link Value#wrap} converts its Java
 * map when it is first read, so the parts of a large input no rule looks at are never converted.
 */
public final class ObjectValue extends Value {
  public static final ObjectValue EMPTY = new ObjectValue(new Value[0], new Value[0]);
  private static final int INDEXED_SIZE = 32;

  /** Sorted, distinct; null until a wrapped Java map is converted. */
  private volatile Value[] keys;
  private Value[] values;
  /** The wrapped Java map, until it is converted. */
  private Map<?, ?> source;
  /**
   * The Java map this object wraps, also after conversion: two objects made from one map (which
   * must not change, see {@link Value#wrap}) are equal without comparing them, which is how an
   * evaluation over a changed input recognises the unchanged parts at the cost of a reference.
   */
  private final Map<?, ?> origin;
  private int hash;
  /** Key to value by hash, for {@link #get} on large objects; built on the first such lookup. */
  private volatile HashMap<Value, Value> index;

  private ObjectValue(Value[] keys, Value[] values) {
    this.values = values;
    this.keys = keys;
    this.origin = null;
  }

  private ObjectValue(Map<?, ?> source) {
    this.source = source;
    this.origin = source;
  }

  public static ObjectValue of(Map<? extends Value, ? extends Value> entries) {
    if (entries.isEmpty()) {
      return EMPTY;
    }
    int n = entries.size();
    Value[] keys = new Value[n];
    Value[] values = new Value[n];
    if (entries instanceof SortedMap<?, ?> sorted && sorted.comparator() == null) {
      // A TreeMap of values is in term order already.
      int i = 0;
      for (Map.Entry<? extends Value, ? extends Value> e : entries.entrySet()) {
        keys[i] = e.getKey();
        values[i++] = e.getValue();
      }
      return new ObjectValue(keys, values);
    }
    List<Map.Entry<? extends Value, ? extends Value>> list = new ArrayList<>(entries.entrySet());
    list.sort((a, b) -> a.getKey().compareTo(b.getKey()));
    return fromSorted(list, keys, values);
  }

  private static ObjectValue fromSorted(List<? extends Map.Entry<? extends Value, ? extends Value>> sorted,
      Value[] keys, Value[] values) {
    int n = 0;
    for (Map.Entry<? extends Value, ? extends Value> e : sorted) {
      if (n > 0 && keys[n - 1].compareTo(e.getKey()) == 0) {
        values[n - 1] = e.getValue(); // a later equal key wins, as a map's put does
      } else {
        keys[n] = e.getKey();
        values[n++] = e.getValue();
      }
    }
    return n == keys.length ? new ObjectValue(keys, values)
        : new ObjectValue(Arrays.copyOf(keys, n), Arrays.copyOf(values, n));
  }

  /** A non-empty Java map converted on first read (see {@link Value#wrap}). */
  static ObjectValue wrapping(Map<?, ?> source) {
    return new ObjectValue(source);
  }

  /**
   * The Java map this object was made from ({@link Value#wrap}), also after conversion; null for an
   * object built from values. Two objects made from one map are equal.
   */
  public Map<?, ?> wrapped() {
    return origin;
  }

  /** The sorted keys, converting a wrapped map first. */
  private Value[] keys() {
    Value[] converted = keys;
    return converted != null ? converted : convert();
  }

  /**
   * For the key sequences of small objects (field names, in the order their Java map holds them):
   * the order that sorts them. Thousands of input objects share a few such sequences (every
   * ServiceEntry's spec), so each is sorted once, not once per object.
   */
  private static final Map<List<String>, int[]> FIELD_ORDERS = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_FIELD_ORDERS = 10_000;

  /** The sorting order of {@code names} (distinct field names), or null when not worth remembering. */
  private static int[] fieldOrder(String[] names) {
    List<String> sequence = Arrays.asList(names);
    int[] order = FIELD_ORDERS.get(sequence);
    if (order != null) {
      return order;
    }
    Integer[] positions = new Integer[names.length];
    for (int i = 0; i < names.length; i++) {
      positions[i] = i;
    }
    Value[] keyValues = new Value[names.length];
    for (int i = 0; i < names.length; i++) {
      keyValues[i] = StringValue.ofKey(names[i]);
    }
    Arrays.sort(positions, (a, b) -> keyValues[a].compareTo(keyValues[b]));
    order = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      order[i] = positions[i];
    }
    if (FIELD_ORDERS.size() < MAX_FIELD_ORDERS) {
      FIELD_ORDERS.putIfAbsent(List.copyOf(sequence), order);
    }
    return order;
  }

  /** A small map whose keys are all strings (field names), converted in the remembered order; else null. */
  private static ObjectValue convertFields(Map<?, ?> source) {
    String[] names = new String[source.size()];
    Object[] raw = new Object[source.size()];
    // forEach rather than entrySet(): a map that stores its entries in arrays (the app's frozen
    // intents) then makes no entry object per field.
    int[] count = {0};
    source.forEach((key, value) -> {
      int i = count[0]++;
      if (i < names.length) {
        names[i] = key instanceof String name ? name : null;
        raw[i] = value;
      }
    });
    if (count[0] != names.length) {
      return null;
    }
    for (String name : names) {
      if (name == null) {
        return null;
      }
    }
    int[] order = fieldOrder(names);
    Value[] keys = new Value[names.length];
    Value[] values = new Value[names.length];
    for (int at = 0; at < order.length; at++) {
      keys[at] = StringValue.ofKey(names[order[at]]);
      values[at] = Value.wrap(raw[order[at]]);
    }
    return new ObjectValue(keys, values);
  }

  private synchronized Value[] convert() {
    if (keys == null && source.size() <= INDEXED_SIZE) {
      ObjectValue converted = convertFields(source);
      if (converted != null) {
        values = converted.values;
        keys = converted.keys; // volatile write last: publishes values too
        source = null;
      }
    }
    if (keys == null) {
      List<Map.Entry<Value, Value>> list = new ArrayList<>(source.size());
      // Small objects are records whose keys are field names, the same in every one; a large one
      // is a collection keyed by data (names of services), not worth remembering.
      boolean fieldNames = source.size() <= INDEXED_SIZE;
      source.forEach((k, v) -> list.add(new AbstractMap.SimpleImmutableEntry<>(
          fieldNames && k instanceof String name ? StringValue.ofKey(name) : Value.wrap(k), Value.wrap(v))));
      // Equal keys (1 and 1L) keep the later value, as Value.of's map does.
      // A sorted Java map (the policy input's collections) is nearly always in term order already:
      // checking that is linear, sorting is not.
      if (!inOrder(list)) {
        list.sort((a, b) -> a.getKey().compareTo(b.getKey()));
      }
      ObjectValue converted = fromSorted(list, new Value[list.size()], new Value[list.size()]);
      values = converted.values;
      keys = converted.keys; // volatile write last: publishes values too
      source = null;
    }
    return keys;
  }

  private static boolean inOrder(List<Map.Entry<Value, Value>> entries) {
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i - 1).getKey().compareTo(entries.get(i).getKey()) > 0) {
        return false;
      }
    }
    return true;
  }

  /** The entries in term order of their keys, as an unmodifiable map. */
  public Map<Value, Value> entries() {
    Value[] k = keys();
    return new Entries(k, values);
  }

  public int size() { return keys().length; }

  /** The key at {@code i} in term order ({@code 0 <= i < size()}): iteration without an entry per element. */
  public Value keyAt(int i) { return keys()[i]; }

  /** The value of {@link #keyAt(int) keyAt(i)}. */
  public Value valueAt(int i) {
    keys(); // converts a wrapped map; its volatile read publishes the values
    return values[i];
  }

  /**
   * This object without the keys of {@code removed} and with the entries of {@code put} (added, or
   * replacing the value of a key it has): one merge of sorted keys, linear in the size.
   */
  public ObjectValue patched(java.util.SortedMap<Value, Value> put, java.util.SortedSet<Value> removed) {
    if (put.isEmpty() && removed.isEmpty()) {
      return this;
    }
    Value[] k = keys();
    List<Value> outKeys = new ArrayList<>(k.length + put.size());
    List<Value> outValues = new ArrayList<>(k.length + put.size());
    java.util.Iterator<Map.Entry<Value, Value>> puts = put.entrySet().iterator();
    Map.Entry<Value, Value> nextPut = puts.hasNext() ? puts.next() : null;
    java.util.Iterator<Value> removals = removed.iterator();
    Value nextRemoval = removals.hasNext() ? removals.next() : null;
    for (int i = 0; i < k.length; i++) {
      while (nextPut != null && nextPut.getKey().compareTo(k[i]) < 0) {
        outKeys.add(nextPut.getKey());
        outValues.add(nextPut.getValue());
        nextPut = puts.hasNext() ? puts.next() : null;
      }
      while (nextRemoval != null && nextRemoval.compareTo(k[i]) < 0) {
        nextRemoval = removals.hasNext() ? removals.next() : null;
      }
      if (nextPut != null && nextPut.getKey().compareTo(k[i]) == 0) {
        outKeys.add(nextPut.getKey());
        outValues.add(nextPut.getValue());
        nextPut = puts.hasNext() ? puts.next() : null;
      } else if (nextRemoval == null || nextRemoval.compareTo(k[i]) != 0) {
        outKeys.add(k[i]);
        outValues.add(values[i]);
      }
    }
    while (nextPut != null) {
      outKeys.add(nextPut.getKey());
      outValues.add(nextPut.getValue());
      nextPut = puts.hasNext() ? puts.next() : null;
    }
    return outKeys.isEmpty() ? EMPTY
        : new ObjectValue(outKeys.toArray(new Value[0]), outValues.toArray(new Value[0]));
  }

  /**
   * This object with each value replaced by {@code f(key, value)}; this object itself when every
   * replacement is the value it replaces. Linear: the keys stay sorted as they are.
   */
  public ObjectValue mapValues(java.util.function.BinaryOperator<Value> f) {
    Value[] k = keys();
    Value[] replaced = null;
    for (int i = 0; i < k.length; i++) {
      Value v = f.apply(k[i], values[i]);
      if (v != values[i] && replaced == null) {
        replaced = values.clone();
      }
      if (replaced != null) {
        replaced[i] = v;
      }
    }
    return replaced == null ? this : new ObjectValue(k, replaced);
  }

  /** The value at {@code key}, or null (undefined) when absent. */
  public Value get(Value key) {
    Value[] k = keys();
    if (k.length > INDEXED_SIZE) {
      HashMap<Value, Value> byHash = index;
      if (byHash == null) {
        byHash = new HashMap<>(k.length * 2);
        for (int i = 0; i < k.length; i++) {
          byHash.put(k[i], values[i]);
        }
        index = byHash;
      }
      return byHash.get(key);
    }
    int at = Arrays.binarySearch(k, key);
    return at < 0 ? null : values[at];
  }

  public Value get(String key) { return get(new StringValue(key)); }

  @Override public int typeOrder() { return 5; }
  @Override public String typeName() { return "object"; }

  /** Keys that are not strings are written as their Rego text, as OPA's JSON output does. */
  @Override
  public Object toJava() {
    Value[] k = keys();
    Map<Object, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < k.length; i++) {
      out.put(k[i] instanceof StringValue s ? s.value() : k[i].toString(), values[i].toJava());
    }
    return out;
  }

  @Override
  public int compareSameType(Value other) {
    ObjectValue that = (ObjectValue) other;
    Value[] ak = keys();
    Value[] bk = that.keys();
    int n = Math.min(ak.length, bk.length);
    for (int i = 0; i < n; i++) {
      int c = ak[i].compareTo(bk[i]);
      if (c != 0) {
        return c;
      }
      c = values[i].compareTo(that.values[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(ak.length, bk.length);
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof ObjectValue that)) {
      return false;
    }
    if (origin != null && that.origin != null && (origin == that.origin
        // Not converted yet: comparing the Java maps is cheaper than converting one.
        || (keys == null || that.keys == null) && sameJava(origin, that.origin))) {
      return true;
    }
    Value[] ak = keys();
    Value[] bk = that.keys();
    if (ak.length != bk.length || (hash != 0 && that.hash != 0 && hash != that.hash)) {
      return false;
    }
    // Keys are sorted and distinct: equal objects hold equal entries at the same positions.
    for (int i = 0; i < ak.length; i++) {
      if (!ak[i].equals(bk[i]) || !values[i].equals(that.values[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when two Java values certainly convert to equal Rego values: equal texts, booleans and
   * numbers of one Java type, lists of such, and maps whose keys are all texts (two keys of a map
   * that differ in Java, 1 and 1L, may be one key in Rego, and then which value wins depends on
   * the order). False means "compare the converted values".
   */
  private static boolean sameJava(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size() || !plainKeys(x) || !plainKeys(y)) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!(e.getKey() instanceof String) || !y.containsKey(e.getKey()) || !sameJava(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameJava(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return (a instanceof String || a instanceof Boolean || a instanceof Integer || a instanceof Long)
        && a.equals(b);
  }

  /**
   * A map that finds keys by {@code equals} (a case-insensitive TreeMap would find "K" for "k"):
   * the JDK's hash maps, its immutable maps and a TreeMap in natural order.
   */
  private static boolean plainKeys(Map<?, ?> m) {
    return m instanceof HashMap || m instanceof java.util.concurrent.ConcurrentHashMap
        || m instanceof java.util.TreeMap<?, ?> t && t.comparator() == null
        || m.getClass().getName().startsWith("java.util.ImmutableCollections$Map");
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      Value[] k = keys();
      int sum = 0;
      for (int i = 0; i < k.length; i++) {
        sum += k[i].hashCode() ^ values[i].hashCode(); // as Map.hashCode
      }
      h = sum * 31 + 5;
      hash = h;
    }
    return h;
  }

  @Override public String toString() { return Json.write(this); }

  /** The read-only map view of {@link #entries()}. */
  private final class Entries extends AbstractMap<Value, Value> {
    private final Value[] k;
    private final Value[] v;

    Entries(Value[] k, Value[] v) {
      this.k = k;
      this.v = v;
    }

    @Override
    public int size() {
      return k.length;
    }

    @Override
    public Value get(Object key) {
      return key instanceof Value value ? ObjectValue.this.get(value) : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public void forEach(BiConsumer<? super Value, ? super Value> action) {
      for (int i = 0; i < k.length; i++) {
        action.accept(k[i], v[i]);
      }
    }

    @Override
    public Set<Map.Entry<Value, Value>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return k.length;
        }

        @Override
        public Iterator<Map.Entry<Value, Value>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < k.length;
            }

            @Override
            public Map.Entry<Value, Value> next() {
              if (next >= k.length) {
                throw new NoSuchElementException();
              }
              int at = next++;
              return new SimpleImmutableEntry<>(k[at], v[at]);
            }
          };
        }
      };
    }
  }
}
