package io.meshgate.rego;

import io.meshgate.rego.value.Value;
import java.util.List;
import java.util.Map;

/** Small helpers for building and querying policies in tests. */
final class RegoTestSupport {
  private RegoTestSupport() {}

  static Rego rego(String... modules) {
    Rego.Builder b = Rego.builder();
    for (int i = 0; i < modules.length; i++) {
      b.addModule("m" + i + ".rego", modules[i]);
    }
    return b.build();
  }

  static Value eval(Rego rego, String query, Object input) {
    return rego.prepare(query).evalValue(input == null ? null : Value.of(input));
  }

  static Value v(Object java) { return Value.of(java); }

  static Value set(Object... items) { return Value.of(java.util.Set.of(items)); }

  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static List<Object> list(Object... items) { return List.of(items); }
}
