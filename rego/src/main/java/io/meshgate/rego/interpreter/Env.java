package io.meshgate.rego.interpreter;

import io.meshgate.rego.value.Value;
import java.util.HashMap;

/** Variable bindings of one body; comprehension bodies chain to the enclosing body's bindings. */
final class Env {
  /** Marks a variable declared in this scope ({@code some x}, {@code x :=}) but not yet bound. */
  static final Object DECLARED = new Object();

  final Env parent;
  private final HashMap<String, Object> vars = new HashMap<>(8);

  Env(Env parent) { this.parent = parent; }

  Value get(String name) {
    for (Env e = this; e != null; e = e.parent) {
      Object o = e.vars.get(name);
      if (o != null) {
        return o == DECLARED ? null : (Value) o;
      }
    }
    return null;
  }

  /** Binds in this scope; returns what was there so {@link #restore} can undo it. */
  Object put(String name, Object value) { return vars.put(name, value); }

  /** The values bound in this scope itself (not its parents), for replaying a solution later. */
  java.util.Map<String, Value> snapshot() {
    java.util.Map<String, Value> out = new java.util.HashMap<>();
    vars.forEach((k, v) -> {
      if (v != DECLARED) {
        out.put(k, (Value) v);
      }
    });
    return out;
  }

  void restore(String name, Object previous) {
    if (previous == null) {
      vars.remove(name);
    } else {
      vars.put(name, previous);
    }
  }
}
