package io.meshgate.intent;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of one YAML document stands. Paths are dotted with list indexes in brackets
 * ({@code spec.access[1].paths}); the empty path is the document itself.
 *
 * <p>Kept for every node of every document but read only for the few that get a message, so it is
 * compact: line and column numbers in one int array, paths shared between documents (see
 * {@link YamlReader}), and the path index built on the first look-up.
 */
final class FieldLocations {
  /** Ints per field: key line, key column (0 when there is no key: a list item), value line, value column, leaf. */
  private static final int STRIDE = 5;

  private final SourceLocation documentStart;
  private String[] paths = new String[8];
  private int[] marks = new int[8 * STRIDE];
  private int size;
  /** Path to the first field recorded under it; built when first needed (volatile: safely shared). */
  private volatile Map<String, Integer> index;

  FieldLocations(SourceLocation documentStart) {
    this.documentStart = documentStart;
  }

  SourceLocation documentStart() {
    return documentStart;
  }

  /**
   * Records a field; the first record of a path wins.
   *
   * @param keyLine the line of the mapping key, 0 for a list item (which has no key)
   */
  void put(String path, int keyLine, int keyColumn, int valueLine, int valueColumn, boolean leaf) {
    if (size == paths.length) {
      paths = Arrays.copyOf(paths, size * 2);
      marks = Arrays.copyOf(marks, size * 2 * STRIDE);
    }
    paths[size] = path;
    int at = size * STRIDE;
    marks[at] = keyLine;
    marks[at + 1] = keyColumn;
    marks[at + 2] = valueLine;
    marks[at + 3] = valueColumn;
    marks[at + 4] = leaf ? 1 : 0;
    size++;
    index = null;
  }

  /**
   * The location of the deepest node that exists along {@code path}: the value for a scalar, the
   * key (or the item start in a list) for a mapping or list, the document start as a last resort.
   */
  SourceLocation locate(String path) {
    String current = path == null ? "" : path;
    while (!current.isEmpty()) {
      Integer field = index().get(current);
      if (field != null) {
        int at = field * STRIDE;
        boolean leaf = marks[at + 4] == 1;
        boolean hasKey = marks[at] != 0;
        return leaf || !hasKey ? location(marks[at + 2], marks[at + 3]) : location(marks[at], marks[at + 1]);
      }
      current = parentOf(current);
    }
    return documentStart;
  }

  /** True when the document has a node at exactly this path. */
  boolean has(String path) {
    return index().containsKey(path);
  }

  /** Where the key of a mapping entry stands, or {@link #locate} when there is no key. */
  SourceLocation locateKey(String path) {
    Integer field = index().get(path);
    if (field != null && marks[field * STRIDE] != 0) {
      return location(marks[field * STRIDE], marks[field * STRIDE + 1]);
    }
    return locate(path);
  }

  private Map<String, Integer> index() {
    Map<String, Integer> current = index;
    if (current == null) {
      current = new HashMap<>(size * 2);
      for (int i = 0; i < size; i++) {
        current.putIfAbsent(paths[i], i);
      }
      index = current;
    }
    return current;
  }

  private SourceLocation location(int line, int column) {
    return new SourceLocation(documentStart.file(), line, column);
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
