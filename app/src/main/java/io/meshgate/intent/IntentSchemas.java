package io.meshgate.intent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON Schemas in {@code schemas/} — the one source of structural truth: validation, field
 * names for suggestions, and the defaults (their {@code default} keywords).
 */
final class IntentSchemas {
  static final String RESOURCE_DIR = "schemas/";

  /** A schema finding placed at a field path of the document. */
  record Finding(String path, String message) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final IntentSchemas INSTANCE = new IntentSchemas();

  private final Map<Kind, JsonSchema> schemas = new EnumMap<>(Kind.class);
  private final Map<String, JsonNode> files = new TreeMap<>();
  private final Map<Kind, DefaultsPlan> defaults = new EnumMap<>(Kind.class);

  static IntentSchemas get() {
    return INSTANCE;
  }

  private IntentSchemas() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    for (Kind kind : Kind.values()) {
      JsonSchema schema = factory.getSchema(SchemaLocation.of("classpath:" + RESOURCE_DIR + fileOf(kind)));
      // Validators are otherwise built on first use, unguarded; documents are validated on every core.
      schema.initializeValidators();
      schemas.put(kind, schema);
    }
    // Read every schema file up front so the catalogue is read-only afterwards (the service loads
    // from several threads).
    files.put("common.schema.json", read("common.schema.json"));
    files.put("intent.schema.json", read("intent.schema.json"));
    for (Kind kind : Kind.values()) {
      files.put(fileOf(kind), read(fileOf(kind)));
    }
    for (Kind kind : Kind.values()) {
      defaults.put(kind, plan(fileOf(kind), file(fileOf(kind)), 0));
    }
  }

  static String fileOf(Kind kind) {
    return kind.name().toLowerCase() + ".schema.json";
  }

  private static JsonNode read(String name) {
    try (InputStream in = IntentSchemas.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + RESOURCE_DIR + name);
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A schema file by name, or a missing node when there is no such file. */
  private JsonNode file(String name) {
    JsonNode node = files.get(name);
    return node == null ? MAPPER.missingNode() : node;
  }

  /** Validates one document of a known kind; one finding per problem. */
  List<Finding> validate(Kind kind, Map<String, Object> content) {
    JsonNode instance = tree(content);
    List<Finding> findings = new ArrayList<>();
    Set<ValidationMessage> messages = schemas.get(kind).validate(instance);
    // A failed "exactly one of" also reports each alternative's missing field; only the oneOf
    // message helps the user, so the alternatives' "required" noise is dropped.
    Set<String> oneOfPaths = new HashSet<>();
    for (ValidationMessage message : messages) {
      if ("oneOf".equals(message.getType())) {
        oneOfPaths.add(pathOf(message.getInstanceLocation()));
      }
    }
    for (ValidationMessage message : messages) {
      if ("required".equals(message.getType()) && message.getSchemaLocation().toString().contains("/oneOf/")
          && oneOfPaths.contains(pathOf(message.getInstanceLocation()))) {
        continue;
      }
      // A port written with Kubernetes' "port" gets one message, the hint at that field.
      if ("required".equals(message.getType()) && "number".equals(message.getProperty())
          && message.getInstanceNode() != null && message.getInstanceNode().has("port")) {
        continue;
      }
      Finding finding = describe(kind, message);
      if (finding != null) {
        findings.add(finding);
      }
    }
    return findings;
  }

  /**
   * A document as a JSON tree, built directly (Jackson's {@code valueToTree} serialises and parses
   * it back, several times slower). Decimals go through Jackson so they are normalised as before.
   */
  static JsonNode tree(Object value) {
    JsonNodeFactory nodes = MAPPER.getNodeFactory();
    if (value == null) {
      return nodes.nullNode();
    }
    if (value instanceof String text) {
      return nodes.textNode(text);
    }
    if (value instanceof Boolean bool) {
      return nodes.booleanNode(bool);
    }
    if (value instanceof Long number) {
      return nodes.numberNode(number.longValue());
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = nodes.objectNode();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        object.set(String.valueOf(entry.getKey()), tree(entry.getValue()));
      }
      return object;
    }
    if (value instanceof List<?> list) {
      ArrayNode array = nodes.arrayNode(list.size());
      for (Object item : list) {
        array.add(tree(item));
      }
      return array;
    }
    return MAPPER.valueToTree(value);
  }

  private Finding describe(Kind kind, ValidationMessage message) {
    String path = pathOf(message.getInstanceLocation());
    JsonNode keywordOwner = schemaOwningKeyword(message.getSchemaLocation());
    String defName = definitionName(message.getSchemaLocation());
    JsonNode instance = message.getInstanceNode();
    String field = path.isEmpty() ? "the document" : path;
    switch (message.getType()) {
      case "additionalProperties": {
        String unknown = message.getProperty();
        List<String> known = new ArrayList<>();
        if (keywordOwner != null && keywordOwner.has("properties")) {
          keywordOwner.get("properties").fieldNames().forEachRemaining(known::add);
        }
        // A seed (EMCO) field name gets its meshgate field, before any look-alike ("namespaces" is
        // allowedNamespaces, not namespace).
        Object value = instance != null && instance.has(unknown) ? MAPPER.convertValue(instance.get(unknown), Object.class) : null;
        String seed = SeedFieldNames.unknownFieldHint(kind, path, unknown, value);
        if (seed == null) {
          seed = kubernetesName(kind, path, unknown, value);
        }
        String suggestion = Suggestions.closest(unknown, known);
        String text = "unknown field \"" + unknown + "\"" + in(path)
            + (seed != null ? "; " + seed : suggestion != null ? "; did you mean \"" + suggestion + "\"?"
                : known.isEmpty() ? "; remove it" : "; allowed fields: " + String.join(", ", known));
        return new Finding(FieldLocations.child(path, unknown), text);
      }
      case "required":
        if (path.matches("spec\\.ports\\[\\d+]") && "protocol".equals(message.getProperty())) {
          return new Finding(path, "missing required field \"protocol\"" + in(path) + "; add it (protocol: HTTP,"
              + " HTTP2, GRPC, TCP, TLS or HTTPS)");
        }
        return new Finding(path, "missing required field \"" + message.getProperty() + "\"" + in(path)
            + "; add it");
      case "dependentRequired":
        return dependentRequired(path, instance);
      case "type": {
        JsonNode type = keywordOwner == null ? null : keywordOwner.get("type");
        if (type != null && type.isArray()) {
          List<String> kinds = new ArrayList<>();
          type.forEach(t -> kinds.add(article(t.asText())));
          return new Finding(path, field + " must be " + String.join(" or ", kinds) + ", not " + describe(instance));
        }
        String expected = type != null ? type.asText() : "?";
        if (path.equals("spec.port") && instance != null && instance.isArray() && instance.size() > 0) {
          // port: [80, 9090]: several ports are a ports list, each with its protocol.
          List<String> entries = new ArrayList<>();
          instance.forEach(p -> entries.add("{number: " + (p.isValueNode() ? p.asText() : "...") + ", protocol: HTTP}"));
          return new Finding(path, field + " must be an integer, not a list; several ports are written ports: ["
              + String.join(", ", entries) + "] (each with its own protocol: HTTP, HTTP2, GRPC, TCP, TLS or HTTPS),"
              + " instead of port and protocol");
        }
        if (path.matches("spec\\.ports\\[\\d+]") && instance != null && instance.isNumber()) {
          return new Finding(path, field + " must be a mapping, not " + describe(instance) + "; write {number: "
              + instance.asText() + ", protocol: HTTP} (protocol HTTP, HTTP2, GRPC, TCP, TLS or HTTPS)");
        }
        return new Finding(path, field + " must be " + article(expected) + ", not " + describe(instance)
            + hintForType(expected, instance));
      }
      case "enum": {
        if (path.equals("apiVersion")) {
          return new Finding(path, "unsupported apiVersion " + describe(instance) + "; use " + Kind.API_VERSION);
        }
        List<String> allowed = new ArrayList<>();
        if (keywordOwner != null && keywordOwner.has("enum")) {
          keywordOwner.get("enum").forEach(v -> allowed.add(v.asText()));
        }
        String suggestion = instance != null && instance.isTextual() ? Suggestions.closest(instance.asText(), allowed) : null;
        return new Finding(path, "bad value " + describe(instance) + " for " + field + ": allowed values are "
            + String.join(", ", allowed) + (suggestion != null ? "; did you mean \"" + suggestion + "\"?" : ""));
      }
      case "const": {
        String expected = keywordOwner != null && keywordOwner.has("const") ? keywordOwner.get("const").asText() : "?";
        return new Finding(path, field + " must be \"" + expected + "\", not " + describe(instance));
      }
      case "pattern":
      case "maxLength":
        return new Finding(path, patternMessage(defName, field, instance));
      case "minLength":
        return new Finding(path, field + " must not be empty");
      case "minItems":
        return new Finding(path, field + " is an empty list; list at least one entry, or remove " + field);
      case "minProperties":
        return new Finding(path, field + " is empty; " + (path.startsWith("spec.access[")
            ? "give methods, paths or ports, or remove the entry" : "set one of its fields, or remove " + field));
      case "minimum":
      case "maximum": {
        String range = rangeOf(keywordOwner);
        return new Finding(path, field + " is out of range: " + describe(instance) + range);
      }
      case "propertyNames": {
        // A key of a mapping keyed by names (route header names): say which and how to write it.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("property '([^']*)'").matcher(message.getMessage());
        String key = m.find() ? m.group(1) : message.getProperty();
        if (key != null && path.endsWith(".headers")) {
          return new Finding(FieldLocations.child(path, key), "header name \"" + key + "\" in " + path + " must be lower case"
              + " (Istio matches header names in lower case): write " + key.toLowerCase(java.util.Locale.ROOT));
        }
        return new Finding(path, "\"" + key + "\" is not a valid name in " + path);
      }
      case "oneOf": {
        List<String> choices = new ArrayList<>();
        if (keywordOwner != null && keywordOwner.has("oneOf")) {
          keywordOwner.get("oneOf").forEach(alt -> alt.path("required").forEach(r -> choices.add(r.asText())));
        }
        if (choices.equals(List.of("port", "ports"))) {
          return portOrPorts(path, instance);
        }
        return new Finding(path, field + " must set exactly one of " + String.join(", ", choices));
      }
      default:
        return new Finding(path, field + ": " + message.getMessage());
    }
  }

  /**
   * The name a Kubernetes or Istio user brings for a field meshgate spells otherwise, with what to
   * write instead; null when {@code unknown} is none of them.
   */
  static String kubernetesName(Kind kind, String path, String unknown, Object value) {
    String shown = value == null ? "..." : String.valueOf(value);
    if (kind == Kind.InboundService && path.matches("spec\\.ports\\[\\d+]")) {
      return switch (unknown) {
        case "port" -> "a port's number is \"number\" here, as in Istio's ServiceEntry (a Kubernetes Service says"
            + " port): write number: " + shown;
        case "containerPort" -> "the pods' port is \"targetPort\": write targetPort: " + shown;
        case "appProtocol" -> "the protocol is \"protocol\", as Istio names it (HTTP, HTTP2, GRPC, TCP, TLS, HTTPS)";
        default -> null;
      };
    }
    if (kind == Kind.InboundService && path.equals("spec") && unknown.equals("clusterIP")) {
      return "a headless Service (clusterIP: None) is written headless: true";
    }
    // A VirtualService's and DestinationRule's spellings: meshgate's host is the service itself.
    if (kind == Kind.InboundService && path.equals("spec")) {
      String hint = switch (unknown) {
        case "subsets" -> "a DestinationRule's subsets are the service's versions here: write versions: [{name: v1,"
            + " labels: {version: v1}}]";
        case "http" -> "a VirtualService's http routes are written routes: [{match: [...], route: [{version: v1}]}]";
        case "trafficPolicy" -> "a DestinationRule's trafficPolicy is written as loadBalancing, connectionPool and"
            + " outlierDetection of the service";
        default -> null;
      };
      if (hint != null) {
        return hint;
      }
    }
    if (kind == Kind.InboundService && path.matches("spec\\.routes\\[\\d+]\\.route\\[\\d+]")) {
      return switch (unknown) {
        case "destination" -> "a destination is the service's version here (the host is the service itself): write"
            + " {version: v2, weight: 10}";
        case "subset" -> "a subset is written version: " + shown;
        default -> null;
      };
    }
    if (kind == Kind.InboundService && path.matches("spec\\.routes\\[\\d+]")
        && (unknown.equals("mirrorPercentage") || unknown.equals("mirrors"))) {
      return "a mirror is written mirror: {version: v2, percentage: 10}";
    }
    if (kind == Kind.Cluster && path.equals("spec") && (unknown.equals("mtls") || unknown.equals("mTLS"))) {
      return "a cluster's mTLS defaults (PeerAuthentications without selector) are written peerAuthentication:"
          + " {mesh: STRICT, namespaces: {<namespace>: PERMISSIVE}}";
    }
    return null;
  }

  /**
   * An InboundService's ports: the shorthand {@code port} (with {@code protocol}) or the list
   * {@code ports}, never both and never neither.
   */
  private static Finding portOrPorts(String path, JsonNode spec) {
    if (spec != null && spec.has("port") && spec.has("ports")) {
      return new Finding(path + ".ports", "spec sets both port and ports; port (with protocol) is the shorthand"
          + " for a one-entry ports list: keep one of them");
    }
    return new Finding(path, "missing required field \"port\"" + in(path) + "; add it (with protocol), or list"
        + " several ports under ports: [{number, protocol, name?, targetPort?}]");
  }

  /** {@code port} and {@code protocol} go together (the one-port shorthand). */
  private static Finding dependentRequired(String path, JsonNode spec) {
    if (spec != null && spec.has("protocol") && !spec.has("port")) {
      if (spec.has("ports")) {
        return new Finding(path + ".protocol", "spec.protocol goes with the shorthand port; with ports, each entry"
            + " has its own protocol: remove spec.protocol");
      }
      return null; // no port and no ports: the port-or-ports message says it
    }
    return new Finding(path, "missing required field \"protocol\"" + in(path) + "; add it (port goes with"
        + " protocol: HTTP, HTTP2, GRPC, TCP, TLS or HTTPS)");
  }

  private static String in(String path) {
    return path.isEmpty() ? " at the top level" : " in " + path;
  }

  private static String rangeOf(JsonNode owner) {
    if (owner == null) {
      return "";
    }
    if (owner.has("minimum") && owner.has("maximum")) {
      return "; use " + owner.get("minimum").asText() + " to " + owner.get("maximum").asText();
    }
    if (owner.has("minimum")) {
      return "; use at least " + owner.get("minimum").asText();
    }
    return owner.has("maximum") ? "; use at most " + owner.get("maximum").asText() : "";
  }

  private static String patternMessage(String defName, String field, JsonNode instance) {
    String value = describe(instance);
    return switch (defName == null ? "" : defName) {
      case "duration" -> "bad duration " + value + " for " + field
          + ": use an Istio duration such as 500ms, 30s, 5m, 1h or 1h30m";
      case "positiveDuration" -> "bad duration " + value + " for " + field
          + ": use an Istio duration of at least 1ms (Istio rejects 0s here), such as 500ms, 30s, 5m or 1h";
      case "dnsLabel" -> value + " is not a valid name for " + field
          + ": use a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";
      case "dnsSubdomain" -> instance != null && instance.isTextual() && instance.asText().contains("*")
          && (field.endsWith("host") || field.endsWith("sni"))
          ? value + " is a wildcard, and " + field + " takes one exact DNS name: a ServiceEntry with resolution DNS"
              + " cannot resolve a wildcard (https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Resolution);"
              + " write one per host, e.g. " + instance.asText().replace("*", "api")
          : value + " is not a valid name for " + field
              + ": use lowercase DNS-1123 labels joined by '.' (at most 253 characters)";
      case "ipv4" -> value + " is not an IPv4 address for " + field + ": write it as four numbers 0-255, e.g. 240.0.0.9";
      case "hostAddress" -> value + " is not an address for " + field + ": use an IPv4 address, an IPv6 address or a DNS name";
      case "httpMethod" -> value + " is not an HTTP method for " + field + ": use upper case, e.g. GET or POST";
      default -> value + " has the wrong format for " + field;
    };
  }

  private static String hintForType(String expected, JsonNode instance) {
    if ("string".equals(expected) && instance != null && (instance.isBoolean() || instance.isNumber())) {
      return "; quote the value (YAML reads yes/no/on/off/true/false and numbers as non-text)";
    }
    boolean quotedInteger = "integer".equals(expected) && instance != null && instance.isTextual()
        && instance.asText().matches("-?[0-9]+");
    boolean quotedBoolean = "boolean".equals(expected) && instance != null && instance.isTextual()
        && instance.asText().matches("true|false");
    if (quotedInteger || quotedBoolean) {
      return "; remove the quotes";
    }
    return "";
  }

  private static String article(String type) {
    return switch (type) {
      case "object" -> "a mapping";
      case "array" -> "a list";
      case "integer" -> "an integer";
      case "boolean" -> "true or false";
      case "string" -> "a string";
      default -> type;
    };
  }

  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isNull()) {
      return "an empty value";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      return "\"" + YamlReader.abbreviate(node.asText()) + "\"";
    }
    return node.asText();
  }

  /** Instance path {@code $.spec.access[1]} as {@code spec.access[1]}. */
  static String pathOf(JsonNodePath location) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(element);
      }
    }
    return path.toString();
  }

  /** The schema object holding the keyword a message comes from (for its properties, enum, ...). */
  private JsonNode schemaOwningKeyword(SchemaLocation location) {
    if (location == null) {
      return null;
    }
    String iri = String.valueOf(location.getAbsoluteIri());
    String name = iri.substring(iri.lastIndexOf('/') + 1);
    JsonNode node = file(name);
    JsonNodePath fragment = location.getFragment();
    for (int i = 0; i < fragment.getNameCount() - 1 && node != null && !node.isMissingNode(); i++) {
      Object element = fragment.getElement(i);
      node = element instanceof Integer index ? node.get(index) : node.get(String.valueOf(element));
    }
    return node;
  }

  /** {@code common.schema.json#/$defs/duration/pattern} → {@code duration}. */
  private static String definitionName(SchemaLocation location) {
    if (location == null) {
      return null;
    }
    JsonNodePath fragment = location.getFragment();
    for (int i = 0; i + 1 < fragment.getNameCount(); i++) {
      if ("$defs".equals(String.valueOf(fragment.getElement(i)))) {
        return String.valueOf(fragment.getElement(i + 1));
      }
    }
    return null;
  }

  /**
   * Fills in the schema's {@code default} values for absent fields of mappings that are present.
   * Values already there (right or wrong) are left alone; unknown fields are kept.
   */
  void applyDefaults(Kind kind, Map<String, Object> content) {
    defaults.get(kind).apply(content);
  }

  /**
   * Where a schema puts defaults, worked out once per kind: its properties (each with its default
   * and its own plan) and the plan of its list items, with {@code $ref}s followed. Walking the
   * schema's JSON for every document cost more than reading the document.
   */
  private record DefaultsPlan(List<PropertyPlan> properties, DefaultsPlan items) {
    static final DefaultsPlan NOTHING = new DefaultsPlan(null, null);

    @SuppressWarnings("unchecked")
    void apply(Object value) {
      if (value instanceof Map<?, ?> map && properties != null) {
        Map<String, Object> object = (Map<String, Object>) map;
        for (PropertyPlan property : properties) {
          if (property.defaultValue() != null && !object.containsKey(property.name())) {
            object.put(property.name(), plain(property.defaultValue()));
          }
          if (object.containsKey(property.name())) {
            property.plan().apply(object.get(property.name()));
          }
        }
      } else if (value instanceof List<?> list && items != null) {
        for (Object item : list) {
          items.apply(item);
        }
      }
    }
  }

  /** @param defaultValue the {@code default} keyword's value, or null */
  private record PropertyPlan(String name, JsonNode defaultValue, DefaultsPlan plan) {}

  /** The shipped schemas are not recursive; the depth bound keeps a future recursive one finite. */
  private DefaultsPlan plan(String fileName, JsonNode schema, int depth) {
    if (schema == null || schema.isMissingNode() || depth > 20) {
      return DefaultsPlan.NOTHING;
    }
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      int hash = ref.indexOf('#');
      String target = hash == 0 ? fileName : (hash < 0 ? ref : ref.substring(0, hash));
      JsonNode resolved = file(target);
      if (hash >= 0) {
        resolved = resolved.at(ref.substring(hash + 1));
      }
      return plan(target, resolved, depth + 1);
    }
    List<PropertyPlan> properties = null;
    if (schema.has("properties")) {
      List<PropertyPlan> found = new ArrayList<>();
      schema.get("properties").fields().forEachRemaining(entry -> found.add(new PropertyPlan(entry.getKey(),
          entry.getValue().has("default") ? entry.getValue().get("default") : null,
          plan(fileName, entry.getValue(), depth + 1))));
      properties = List.copyOf(found);
    }
    DefaultsPlan items = schema.has("items") ? plan(fileName, schema.get("items"), depth + 1) : null;
    return new DefaultsPlan(properties, items);
  }

  /** A default from JSON as the loader's plain types (integers as Long). */
  private static Object plain(JsonNode node) {
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isTextual()) {
      return node.asText();
    }
    return MAPPER.convertValue(node, Object.class);
  }

}
