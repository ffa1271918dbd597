package io.meshgate.rego.interpreter;

import io.meshgate.rego.value.Value;
import java.util.Arrays;

/**
 * Variable bindings of one body; comprehension bodies chain to the enclosing body's bindings.
 *
 * <p>Held as two small parallel arrays searched from the start: a body binds a handful of
 * variables, and one Env is made per function call and per rule body, so a hash map's table and
 * an entry object per binding were a good part of what an evaluation allocated. Names are compared
 * by reference or, at an equal hash, by value.
 */
final class Env {
  /** Marks a variable declared in this scope ({@code some x}, {@code x :=}) but not yet bound. */
  static final Object DECLARED = new Object();

  final Env parent;
  private String[] names = new String[4];
  private int[] hashes = new int[4];
  /** The binding of each name; null where a binding was undone (see {@link #restore}). */
  private Object[] values = new Object[4];
  private int size;

  Env(Env parent) { this.parent = parent; }

  Value get(String name) {
    for (Env e = this; e != null; e = e.parent) {
      Object o = e.find(name);
      if (o != null) {
        return o == DECLARED ? null : (Value) o;
      }
    }
    return null;
  }

  private int slot(String name) {
    String[] n = names;
    int[] h = hashes;
    int hash = name.hashCode(); // cached in the string
    for (int i = 0; i < size; i++) {
      if (n[i] == name || (h[i] == hash && n[i].equals(name))) {
        return i;
      }
    }
    return -1;
  }

  private Object find(String name) {
    int at = slot(name);
    return at < 0 ? null : values[at];
  }

  /** Binds in this scope; returns what was there so {@link #restore} can undo it. */
  Object put(String name, Object value) {
    int at = slot(name);
    if (at >= 0) {
      Object previous = values[at];
      values[at] = value;
      return previous;
    }
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
      hashes = Arrays.copyOf(hashes, size * 2);
    }
    hashes[size] = name.hashCode();
    names[size] = name;
    values[size++] = value;
    return null;
  }

  /** The values bound in this scope itself (not its parents), for replaying a solution later. */
  java.util.Map<String, Value> snapshot() {
    java.util.Map<String, Value> out = new java.util.HashMap<>();
    for (int i = 0; i < size; i++) {
      if (values[i] != null && values[i] != DECLARED) {
        out.put(names[i], (Value) values[i]);
      }
    }
    return out;
  }

  void restore(String name, Object previous) {
    int at = slot(name);
    if (at >= 0) {
      values[at] = previous; // null: unbound again, as before the put
    } else if (previous != null) {
      put(name, previous);
    }
  }
}
