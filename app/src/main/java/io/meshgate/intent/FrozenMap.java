package io.meshgate.intent;

import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * An immutable map from strings that keeps the order it was given, held in two arrays. A large
 * repository's documents (40,000 of some fifteen maps each, kept for the whole run) and the plain
 * form of its rendered objects (a ServiceEntry has some twenty maps) are made of many small maps,
 * kept by the loader, the policy input, the writer and {@code verify}: a LinkedHashMap costs some
 * 300 bytes for four keys, this about 60, and maps of one shape share one key array. Lookups scan
 * the keys, which is as fast for maps this small. Values may be null (YAML {@code key: null}).
 * Equal to (and hashed as) any {@link Map} with the same entries. Its hash is worked out once: the
 * service looks up every rendered object of a push by its plain form (the CRD check's answers), and
 * the map and everything in it (strings, numbers, booleans, frozen maps, immutable lists) never change.
 */
public final class FrozenMap implements Map<String, Object> {
  private static final FrozenMap EMPTY = new FrozenMap(new String[0], new Object[0]);

  /**
   * One array per set of keys: objects of one kind repeat the same keys (every metadata has name,
   * namespace, labels, annotations), so a large run shares a few hundred arrays instead of holding
   * a million. Bounded, in case keys come from users (labels) in endless variety.
   */
  private static final Map<KeySet, String[]> KEY_SETS = new ConcurrentHashMap<>();
  private static final int MAX_KEY_SETS = 10_000;

  private final String[] keys;
  private final Object[] values;
  /** {@link Map#hashCode()} of these entries, 0 until worked out (racy but idempotent, like String's). */
  private int hash;

  private FrozenMap(String[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /**
   * A map of these entries in this order. Takes ownership of the arrays: the caller must not change
   * them; keys are distinct and not null; values are null or immutable (strings, numbers, booleans,
   * frozen maps, immutable lists).
   */
  public static FrozenMap of(String[] keys, Object[] values) {
    if (keys.length != values.length) {
      throw new IllegalArgumentException(keys.length + " keys but " + values.length + " values");
    }
    return keys.length == 0 ? EMPTY : new FrozenMap(sharedKeys(keys), values);
  }

  /**
   * The value with every map (whose keys are all strings) a frozen map in the same order and every
   * list an immutable one, recursively; strings, numbers, booleans and null as they are. A frozen
   * map is taken as it is. A map with another kind of key becomes an unmodifiable copy.
   */
  public static Object freeze(Object value) {
    // Strings first: a type test against an interface (Map, List) that fails is a search through
    // the class's interfaces in C1 code, and most values are strings.
    if (value instanceof String || value instanceof FrozenMap) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      int size = map.size();
      String[] keys = new String[size];
      Object[] values = new Object[size];
      int at = 0;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          return frozenOtherKeys(map);
        }
        keys[at] = key;
        values[at++] = freeze(entry.getValue());
      }
      return of(keys, values);
    }
    if (value instanceof List<?> list) {
      if (value instanceof FrozenList) {
        return value;
      }
      Object[] items = new Object[list.size()];
      int at = 0;
      for (Object item : list) {
        items[at++] = freeze(item);
      }
      return new FrozenList(items);
    }
    return value;
  }

  /**
   * An immutable list over an array. Unlike {@link List#of} it holds nulls (a YAML item "- " with
   * nothing after it) and answers {@code contains(null)}, as the lists a document was read into did.
   */
  private static final class FrozenList extends AbstractList<Object> implements RandomAccess {
    private final Object[] items;

    FrozenList(Object[] items) {
      this.items = items;
    }

    @Override
    public Object get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }
  }

  /** An immutable list of these items (nulls allowed), taking ownership of the array. */
  public static List<Object> listOf(Object[] items) {
    return new FrozenList(items);
  }

  private static Map<Object, Object> frozenOtherKeys(Map<?, ?> map) {
    Map<Object, Object> copy = new LinkedHashMap<>();
    map.forEach((key, child) -> copy.put(key, freeze(child)));
    return Collections.unmodifiableMap(copy);
  }

  private static String[] sharedKeys(String[] keys) {
    KeySet key = new KeySet(keys);
    String[] shared = KEY_SETS.get(key);
    if (shared != null) {
      return shared;
    }
    if (KEY_SETS.size() < MAX_KEY_SETS) {
      KEY_SETS.putIfAbsent(key, keys);
    }
    return keys;
  }

  /** Keys in order, compared without the iterators a List's equals and hashCode make for each map. */
  private record KeySet(String[] keys) {
    @Override
    public boolean equals(Object other) {
      return other instanceof KeySet set && Arrays.equals(keys, set.keys);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(keys);
    }

    @Override
    public String toString() {
      return Arrays.toString(keys);
    }
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean isEmpty() {
    return keys.length == 0;
  }

  @Override
  public Object get(Object key) {
    int at = indexOf(key);
    return at < 0 ? null : values[at];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public boolean containsValue(Object value) {
    for (Object candidate : values) {
      if (Objects.equals(candidate, value)) {
        return true;
      }
    }
    return false;
  }

  private int indexOf(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Object put(String key, Object value) {
    throw new UnsupportedOperationException("a frozen map does not change");
  }

  @Override
  public Object remove(Object key) {
    throw new UnsupportedOperationException("a frozen map does not change");
  }

  @Override
  public void putAll(Map<? extends String, ?> entries) {
    throw new UnsupportedOperationException("a frozen map does not change");
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("a frozen map does not change");
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      for (int i = 0; i < keys.length; i++) {
        h += keys[i].hashCode() ^ Objects.hashCode(values[i]); // Map.Entry#hashCode, summed as Map#hashCode says
      }
      hash = h;
    }
    return h;
  }

  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    if (!(other instanceof Map<?, ?> map) || map.size() != keys.length) {
      return false;
    }
    if (other instanceof FrozenMap frozen && frozen.hashCode() != hashCode()) {
      return false; // both hashes are kept: unequal ones settle it without walking the entries
    }
    for (int i = 0; i < keys.length; i++) {
      Object mine = values[i];
      Object theirs = map.get(keys[i]);
      if (mine == null ? theirs != null || !map.containsKey(keys[i]) : !mine.equals(theirs)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      text.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(values[i]);
    }
    return text.append('}').toString();
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  // The views are made on each call rather than kept: a million maps would each keep one.

  @Override
  public Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public boolean contains(Object key) {
        return indexOf(key) >= 0;
      }

      @Override
      public Iterator<String> iterator() {
        return new Walk<>() {
          @Override
          String at(int index) {
            return keys[index];
          }
        };
      }
    };
  }

  @Override
  public Collection<Object> values() {
    return new AbstractCollection<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public Iterator<Object> iterator() {
        return new Walk<>() {
          @Override
          Object at(int index) {
            return values[index];
          }
        };
      }
    };
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Walk<>() {
          @Override
          Map.Entry<String, Object> at(int index) {
            return new AbstractMap.SimpleImmutableEntry<>(keys[index], values[index]);
          }
        };
      }
    };
  }

  /** Iterates over the entries' positions in order, giving what {@link #at} makes of each. */
  private abstract class Walk<T> implements Iterator<T> {
    private int next;

    abstract T at(int index);

    @Override
    public boolean hasNext() {
      return next < keys.length;
    }

    @Override
    public T next() {
      if (next >= keys.length) {
        throw new NoSuchElementException();
      }
      return at(next++);
    }
  }
}
