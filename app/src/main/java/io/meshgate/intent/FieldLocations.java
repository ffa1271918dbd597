package io.meshgate.intent;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of one YAML document stands. Paths are dotted with list indexes in brackets
 * ({@code spec.access[1].paths}); the empty path is the document itself.
 */
final class FieldLocations {
  /** key: where the key of a mapping entry stands (null for list items); value: the value node. */
  private record Entry(SourceLocation key, SourceLocation value, boolean leaf) {}

  private final Map<String, Entry> entries = new HashMap<>();
  private final SourceLocation documentStart;

  FieldLocations(SourceLocation documentStart) {
    this.documentStart = documentStart;
  }

  SourceLocation documentStart() {
    return documentStart;
  }

  void put(String path, SourceLocation key, SourceLocation value, boolean leaf) {
    entries.putIfAbsent(path, new Entry(key, value, leaf));
  }

  /**
   * The location of the deepest node that exists along {@code path}: the value for a scalar, the
   * key (or the item start in a list) for a mapping or list, the document start as a last resort.
   */
  SourceLocation locate(String path) {
    String current = path == null ? "" : path;
    while (!current.isEmpty()) {
      Entry entry = entries.get(current);
      if (entry != null) {
        if (entry.leaf() || entry.key() == null) {
          return entry.value();
        }
        return entry.key();
      }
      current = parentOf(current);
    }
    return documentStart;
  }

  /** True when the document has a node at exactly this path. */
  boolean has(String path) {
    return entries.containsKey(path);
  }

  /** Where the key of a mapping entry stands, or {@link #locate} when there is no key. */
  SourceLocation locateKey(String path) {
    Entry entry = entries.get(path);
    if (entry != null && entry.key() != null) {
      return entry.key();
    }
    return locate(path);
  }

  /** {@code spec.access[1].paths} → {@code spec.access[1]} → {@code spec.access} → {@code spec}. */
  static String parentOf(String path) {
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    int cut = Math.max(dot, bracket);
    return cut <= 0 ? "" : path.substring(0, cut);
  }

  static String child(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  static String item(String parent, int index) {
    return parent + "[" + index + "]";
  }
}
