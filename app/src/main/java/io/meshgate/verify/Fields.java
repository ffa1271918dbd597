package io.meshgate.verify;

import java.math.BigDecimal;
import java.util.ArrayList;
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

  static Map<String, String> labels(Object value) {
    Map<String, String> out = new LinkedHashMap<>();
    map(value).forEach((k, v) -> {
      String s = str(v);
      if (s != null) {
        out.put(k, s);
      }
    });
    return out;
  }

  static boolean bool(Object value) {
    return value instanceof Boolean b ? b : "true".equals(value);
  }
}
