package io.meshgate.emco;

import io.meshgate.intent.SeedFieldNames;
import io.meshgate.intent.SeedFieldNames.Body;
import io.meshgate.intent.SeedFieldNames.Mapping;
import io.meshgate.intent.SeedFieldNames.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Intents read back in the seed's JSON shape (what {@code GET} answers), through the same
 * {@link SeedFieldNames} table the import uses, with the seed's way of writing values: yes/no and
 * "true"/"false" as strings, the port as a string, {@code baseEjectionTime} in minutes,
 * "ConsistenHash" (sic). meshgate's own fields that the seed lacks ({@code cluster},
 * {@code namespace}, ...) are added under their meshgate names, so a GET body can be PUT back.
 */
public final class SeedShapes {
  private static final Pattern WHOLE_MINUTES = Pattern.compile("([0-9]+)m");

  private SeedShapes() {}

  /** An InboundService's content (as loaded, defaults filled in) as the seed's inbound service body. */
  public static Map<String, Object> inbound(Map<String, Object> intent) {
    Map<String, Object> body = frame(intent);
    Map<String, Object> spec = spec(body);
    Map<String, Object> intentSpec = section(intent, "spec");
    for (Mapping mapping : SeedFieldNames.all()) {
      if (mapping.body() != Body.INBOUND || mapping.value() == Value.LOAD_BALANCING
          || mapping.target() != null && mapping.target().startsWith("spec.loadBalancing")) {
        continue;
      }
      if (mapping.value() == Value.MESH) {
        spec.put(mapping.seedName(), "istio");
        continue;
      }
      Object value = at(intent, mapping.target());
      if (value != null) {
        spec.put(mapping.seedName(), seedValue(mapping, value));
      }
    }
    if (intentSpec.get("loadBalancing") instanceof Map<?, ?> loadBalancing) {
      loadBalancing(loadBalancing, spec);
    }
    return body;
  }

  private static void loadBalancing(Map<?, ?> loadBalancing, Map<String, Object> spec) {
    if (loadBalancing.get("simple") instanceof String simple) {
      spec.put("loadbalancingType", SeedFieldNames.SIMPLE_TYPES.get(0));
      spec.put("loadBalancerMode", simple);
      return;
    }
    if (!(loadBalancing.get("consistentHash") instanceof Map<?, ?> hash)) {
      return;
    }
    spec.put("loadbalancingType", SeedFieldNames.HASH_TYPES.get(0));
    for (Map.Entry<String, String> mode : SeedFieldNames.HASH_MODES.entrySet()) {
      Object key = hash.get(mode.getValue());
      if (key == null) {
        continue;
      }
      spec.put("loadBalancerMode", mode.getKey());
      if (key instanceof Map<?, ?> cookie) {
        spec.put("httpCookie", cookie.get("name"));
      } else if (key instanceof String name) {
        spec.put(mode.getKey(), name);
      }
    }
    if (hash.get("minimumRingSize") != null) {
      spec.put("minimumRingSize", hash.get("minimumRingSize"));
    }
  }

  /** A ServiceClient's content as the seed's client body (without its security intent). */
  public static Map<String, Object> client(Map<String, Object> intent) {
    Map<String, Object> body = frame(intent);
    Map<String, Object> spec = spec(body);
    Set<String> written = new HashSet<>();
    for (Mapping mapping : SeedFieldNames.all()) {
      // Several seed names may land in one field (target, inboundServerIntent): answer the first.
      if (mapping.body() == Body.CLIENT && written.add(mapping.target())) {
        Object value = at(intent, mapping.target());
        if (value != null) {
          spec.put(mapping.seedName(), seedValue(mapping, value));
        }
      }
    }
    return body;
  }

  /** True when the client carries a security intent (one was posted, or it has access rules). */
  public static boolean hasSecurity(Map<String, Object> intent) {
    return securityName(intent) != null;
  }

  /** The security intent's name: the label the import or a POST set, else derived when the client has access. */
  public static String securityName(Map<String, Object> intent) {
    Object label = section(section(intent, "metadata"), "labels").get(SeedConverter.SECURITY_INTENT_LABEL);
    if (label instanceof String name) {
      return name;
    }
    Object access = section(intent, "spec").get("access");
    return access instanceof List<?> list && !list.isEmpty()
        ? section(intent, "metadata").get("name") + "-security" : null;
  }

  /** The client's security intent in the seed's shape: principal → method → paths. */
  public static Map<String, Object> security(Map<String, Object> intent) {
    Map<String, Object> spec = section(intent, "spec");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", securityName(intent));
    Map<String, Object> labels = section(section(intent, "metadata"), "labels");
    for (String field : List.of("description", "userData1", "userData2")) {
      Object value = labels.get(SeedConverter.SECURITY_INTENT_LABEL + "." + field);
      if (value != null) {
        metadata.put(field, value);
      }
    }
    Map<String, List<String>> methods = new LinkedHashMap<>();
    if (spec.get("access") instanceof List<?> access) {
      for (Object entry : access) {
        Map<?, ?> rule = entry instanceof Map<?, ?> map ? map : Map.of();
        List<?> ruleMethods = rule.get("methods") instanceof List<?> list ? list : List.of("*");
        List<?> rulePaths = rule.get("paths") instanceof List<?> list ? list : List.of("*");
        for (Object method : ruleMethods) {
          List<String> paths = methods.computeIfAbsent(String.valueOf(method), m -> new ArrayList<>());
          for (Object path : rulePaths) {
            if (!paths.contains(String.valueOf(path))) {
              paths.add(String.valueOf(path));
            }
          }
        }
      }
    }
    Map<String, Object> principals = new LinkedHashMap<>();
    principals.put(String.valueOf(spec.get("serviceAccount")), methods);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("metadata", metadata);
    body.put("spec", new LinkedHashMap<>(Map.of("serviceAccountAccess", principals)));
    return body;
  }

  private static Object seedValue(Mapping mapping, Object value) {
    return switch (mapping.value()) {
      case BOOLEAN -> mapping.seedName().equals("istio-proxy")
          ? (Boolean.TRUE.equals(value) ? "yes" : "no") : String.valueOf(value);
      case PORT -> String.valueOf(value);
      case MINUTES -> {
        Matcher minutes = WHOLE_MINUTES.matcher(String.valueOf(value));
        yield minutes.matches() ? Long.parseLong(minutes.group(1)) : value;
      }
      default -> value;
    };
  }

  private static Map<String, Object> frame(Map<String, Object> intent) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (Mapping mapping : SeedFieldNames.all()) {
      if (mapping.body() == Body.METADATA && mapping.kind().name().equals(intent.get("kind"))) {
        Object value = at(intent, mapping.target());
        if (value != null) {
          metadata.put(mapping.seedName(), value);
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("metadata", metadata);
    body.put("spec", new LinkedHashMap<String, Object>());
    return body;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> body) {
    return (Map<String, Object>) body.get("spec");
  }

  /** The value at a dotted path, or null. */
  private static Object at(Map<String, Object> document, String path) {
    if (path == null) {
      return null;
    }
    Object current = document;
    for (String part : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(part);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> document, String name) {
    return document != null && document.get(name) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }
}
