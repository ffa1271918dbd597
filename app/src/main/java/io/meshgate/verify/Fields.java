package io.meshgate.verify;

import io.meshgate.intent.FrozenMap;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lenient reads of plain YAML/JSON maps: a hand-edited object may hold anything, and a wrong type
 * reads as absent (the hop that needed it then fails with a reason) rather than as an exception.
 */
final class Fields {
  private Fields() {}

  static Map<String, Object> map(Object value) {
    if (value instanceof FrozenMap frozen) {
      return frozen; // string keys already, and immutable: no copy (a rendered object's maps are all frozen)
    }
    if (!(value instanceof Map<?, ?> raw)) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  static Map<String, Object> map(Map<String, Object> parent, String key) {
    return map(parent.get(key));
  }

  static List<Object> list(Object value) {
    return value instanceof List<?> l ? new ArrayList<>(l) : List.of();
  }

  static List<Map<String, Object>> maps(Object value) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object item : list(value)) {
      out.add(map(item));
    }
    return out;
  }

  static String str(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value instanceof BigDecimal d ? d.toPlainString() : value);
    }
    return null;
  }

  static String str(Map<String, Object> parent, String key) {
    return str(parent.get(key));
  }

  /** An integer from a number or a numeric string; null otherwise. */
  static Integer integer(Object value) {
    if (value instanceof Number n) {
      return n.intValue();
    }
    if (value instanceof String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    for (Object item : list(value)) {
      String s = str(item);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> labels(Object value) {
    if (value instanceof FrozenMap frozen && frozen.values().stream().allMatch(v -> v instanceof String)) {
      return (Map<String, String>) (Map<String, ?>) frozen; // what the copy below would hold, in the same order
    }
    Map<String, String> out = new LinkedHashMap<>();
    map(value).forEach((k, v) -> {
      String s = str(v);
      if (s != null) {
        out.put(k, s);
      }
    });
    return compact(out);
  }

  /**
   * The map, or an equal smaller one when it holds no entry or one (most do): the model of a large
   * mesh keeps some 100,000 of them to the end of the run. Both answer lookups of null, as the map did.
   */
  static <K, V> Map<K, V> compact(Map<K, V> map) {
    if (map.isEmpty()) {
      return Collections.emptyMap();
    }
    if (map.size() == 1) {
      Map.Entry<K, V> only = map.entrySet().iterator().next();
      return Collections.singletonMap(only.getKey(), only.getValue());
    }
    return map;
  }

  static boolean bool(Object value) {
    return value instanceof Boolean b ? b : "true".equals(value);
  }
}
