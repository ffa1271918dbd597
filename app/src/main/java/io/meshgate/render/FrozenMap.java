package io.meshgate.render;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map from strings that keeps the order it was given, held in two arrays. The plain
 * form of a rendered object is made of many small maps (a ServiceEntry has some twenty), kept for
 * the whole run by the writer, the policy input and {@code verify}: a LinkedHashMap costs some
 * 300 bytes for four keys, this about 70. Lookups scan the keys, which is as fast for maps this small.
 * Equal to (and hashed as) any {@link Map} with the same entries. Its hash is worked out once: the
 * service looks up every rendered object of a push by its plain form (the CRD check's answers), and
 * the map and everything in it (strings, numbers, booleans, frozen maps, immutable lists) never change.
 */
final class FrozenMap extends AbstractMap<String, Object> {
  private final String[] keys;
  private final Object[] values;
  /** {@link Map#hashCode()} of these entries, 0 until worked out (racy but idempotent, like String's). */
  private int hash;

  /** Takes ownership of the arrays: the caller must not change them; no null keys or values. */
  FrozenMap(String[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
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

  private int indexOf(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      for (int i = 0; i < keys.length; i++) {
        h += keys[i].hashCode() ^ values[i].hashCode(); // Map.Entry#hashCode, summed as Map#hashCode says
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
    if (other instanceof FrozenMap frozen && frozen.hashCode() != hashCode()) {
      return false; // both hashes are kept: unequal ones settle it without walking the entries
    }
    return super.equals(other);
  }

  @Override
  public void forEach(java.util.function.BiConsumer<? super String, ? super Object> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
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
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int at = next++;
            return new SimpleImmutableEntry<>(keys[at], values[at]);
          }
        };
      }
    };
  }
}
