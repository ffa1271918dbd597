package io.meshgate.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Turns Fabric8 objects into clean, deterministic YAML: Jackson gives a tree, empty values are
 * pruned, keys are put in a fixed order, SnakeYAML emits block style with 2-space indent and LF.
 */
public final class ResourceYaml {

  /**
   * Keys that come first, in this order, wherever they appear; every other key follows in
   * alphabetical order. Kubernetes readers expect apiVersion, kind, metadata, spec at the top.
   */
  private static final List<String> KEY_ORDER = List.of(
      "apiVersion", "kind", "metadata", "spec",
      "number", "name", "namespace", "labels", "annotations",
      "host", "hosts", "gateways", "addresses", "address", "location", "resolution", "ports", "protocol",
      "endpoints", "exportTo",
      "selector", "workloadSelector", "matchLabels", "servers", "port", "action", "rules", "from", "to", "source",
      "operation", "principals", "namespaces", "methods", "paths",
      "mtls", "mode", "credentialName", "sni", "issuer", "jwksUri",
      "trafficPolicy", "tls", "loadBalancer", "simple", "consistentHash", "connectionPool", "tcp",
      "http", "outlierDetection", "consecutive5xxErrors", "interval", "baseEjectionTime",
      "match", "route", "destination");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ResourceYaml() {}

  /** The object as ordered plain maps/lists/strings/numbers/booleans, with empty values removed. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toPlain(Object resource) {
    Object tree = MAPPER.convertValue(resource, Object.class);
    Object clean = normalize(tree);
    return clean == null ? Map.of() : (Map<String, Object>) clean;
  }

  /** Orders keys and drops nulls, empty maps and empty lists, recursively; null if nothing is left. */
  static Object normalize(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>();
      for (Object k : map.keySet()) {
        keys.add(String.valueOf(k));
      }
      keys.sort(KEY_COMPARATOR);
      Map<String, Object> out = new LinkedHashMap<>();
      for (String k : keys) {
        Object v = normalize(map.get(k));
        if (v != null) {
          out.put(k, v);
        }
      }
      return out.isEmpty() ? null : Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object item : list) {
        Object v = normalize(item);
        if (v != null) {
          out.add(v);
        }
      }
      return out.isEmpty() ? null : Collections.unmodifiableList(out);
    }
    if (value instanceof Double d && Double.isFinite(d)) {
      // Istio's Percent (route weights' fault and mirror shares): whole numbers as integers, 12.5 as is.
      return d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE ? (Object) (int) d.doubleValue() : d;
    }
    if (value instanceof BigInteger || value instanceof BigDecimal || value instanceof Double
        || value instanceof Float) {
      throw new IllegalArgumentException("unexpected non-integer number in a rendered object: " + value);
    }
    if (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      // Fabric8 declares ports and counts as Long; one integer type keeps the plain maps uniform.
      return l.intValue();
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    return value;
  }

  private static final Comparator<String> KEY_COMPARATOR = (a, b) -> {
    int ia = KEY_ORDER.indexOf(a);
    int ib = KEY_ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) {
      if (ia < 0) {
        return 1;
      }
      if (ib < 0) {
        return -1;
      }
      return Integer.compare(ia, ib);
    }
    return a.compareTo(b);
  };

  /** One YAML document (no {@code ---}), block style, 2-space indent, LF, trailing newline. */
  public static String dump(Map<String, ?> document) {
    return yaml().dump(document);
  }

  private static Yaml yaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setPrettyFlow(false);
    options.setSplitLines(false);
    options.setWidth(Integer.MAX_VALUE);
    options.setLineBreak(DumperOptions.LineBreak.UNIX);
    options.setExplicitStart(false);
    return new Yaml(options);
  }
}
