package io.meshgate.crd;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks one object the way the Kubernetes API server checks a custom resource on create: the
 * structural schema of its kind and version (types, required fields, enums, bounds, patterns,
 * {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not}), unknown fields rejected as
 * {@code kubectl apply --validate=strict} does (the server would otherwise drop them silently), and
 * every CEL rule in {@code x-kubernetes-validations} on the nodes that are present.
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
 *
 * <p>{@code null} values are treated as absent (the server prunes them from non-nullable fields).
 */
final class CrdValidator {

  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private CrdValidator() {}

  /** Problems of {@code object} against {@code root} (its version's openAPIV3Schema), in document order. */
  static List<CrdProblem> validate(Map<String, Object> object, SchemaNode root) {
    List<CrdProblem> problems = new ArrayList<>();
    metadata(object.get("metadata"), problems);
    for (Map.Entry<String, Object> field : object.entrySet()) {
      String key = field.getKey();
      if (key.equals("apiVersion") || key.equals("kind") || key.equals("metadata") || field.getValue() == null) {
        continue;
      }
      SchemaNode schema = root.properties.get(key);
      if (schema == null) {
        problems.add(new CrdProblem(key, "unknown field \"" + key + "\" (an object has apiVersion, kind, metadata, "
            + String.join(", ", root.properties.keySet()) + ")", null));
        continue;
      }
      node(field.getValue(), schema, new Where(null, key, false), problems);
    }
    for (String name : root.required) {
      if (object.get(name) == null) {
        problems.add(new CrdProblem(name, "missing required field \"" + name + "\"", null));
      }
    }
    rules(object, root, null, problems);
    return problems;
  }

  /** What the API server checks of any object's metadata that an intent or overlay can get wrong. */
  private static void metadata(Object raw, List<CrdProblem> problems) {
    if (!(raw instanceof Map<?, ?> metadata)) {
      problems.add(new CrdProblem("metadata", "missing metadata (name and namespace)", null));
      return;
    }
    Object name = metadata.get("name");
    if (!(name instanceof String text) || text.isEmpty()) {
      problems.add(new CrdProblem("metadata.name", "missing metadata.name", null));
    } else if (text.length() > 253 || !DNS_SUBDOMAIN.matcher(text).matches()) {
      problems.add(new CrdProblem("metadata.name", "\"" + text + "\" is not a valid name: a lowercase DNS-1123 "
          + "subdomain (letters, digits, '-' and '.', at most 253 characters)", null));
    }
    Object namespace = metadata.get("namespace");
    if (namespace != null && (!(namespace instanceof String ns) || ns.length() > 63 || !DNS_LABEL.matcher(ns).matches())) {
      problems.add(new CrdProblem("metadata.namespace", "\"" + namespace + "\" is not a valid namespace: a DNS-1123 label",
          null));
    }
    for (String map : List.of("labels", "annotations")) {
      Object value = metadata.get(map);
      if (value != null && (!(value instanceof Map<?, ?> entries)
          || entries.values().stream().anyMatch(v -> !(v instanceof String)))) {
        problems.add(new CrdProblem("metadata." + map, "metadata." + map + " must map strings to strings (quote "
            + "numbers and booleans)", null));
      }
    }
  }

  /** Structural checks of one value, then its children, then its CEL rules. */
  private static void node(Object value, SchemaNode schema, Where path, List<CrdProblem> problems) {
    if (value == null) {
      return;
    }
    if (!typeMatches(value, schema)) {
      problems.add(new CrdProblem(Where.text(path), "must be " + expected(schema) + ", not " + describe(value), null));
      return;
    }
    values(value, schema, path, problems);
    // Most nodes are strings: tested first, because a type test against an interface (Map, List)
    // that fails is a search through the class's interfaces in C1 code.
    if (!(value instanceof String)) {
      children(value, schema, path, problems);
    }
    rules(value, schema, path, problems);
  }

  private static void children(Object value, SchemaNode schema, Where path, List<CrdProblem> problems) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        if (entry.getValue() == null) {
          continue;
        }
        SchemaNode property = schema.properties.get(key);
        if (property != null) {
          node(entry.getValue(), property, new Where(path, key, false), problems);
        } else if (schema.additionalProperties != null) {
          node(entry.getValue(), schema.additionalProperties, new Where(path, key, true), problems);
        } else if (!schema.preserveUnknown && !Boolean.TRUE.equals(schema.additionalAllowed)) {
          String where = Where.text(new Where(path, key, false));
          problems.add(new CrdProblem(where, "unknown field \"" + key + "\"" + (schema.hasProperties()
              ? " (known: " + String.join(", ", schema.properties.keySet()) + ")" : ""), null));
        }
      }
      for (int i = 0; i < schema.required.size(); i++) {
        String name = schema.required.get(i);
        if (map.get(name) == null) {
          problems.add(new CrdProblem(Where.text(path), "missing required field \"" + name + "\"", null));
        }
      }
    } else if (value instanceof List<?> list && schema.items != null) {
      for (int i = 0; i < list.size(); i++) {
        node(list.get(i), schema.items, new Where(path, Integer.toString(i), true), problems);
      }
    }
  }

  private static void rules(Object value, SchemaNode schema, Where path, List<CrdProblem> problems) {
    if (schema.rules.isEmpty()) {
      return; // most nodes: no iterator, no array (this runs for every node of every object)
    }
    Object[] converted = new Object[1];
    for (SchemaNode.Rule rule : schema.rules) {
      String failure = KubernetesCel.get().evaluate(rule.compiled(), value, converted);
      if (failure != null) {
        problems.add(new CrdProblem(Where.text(path), rule.message() + (failure.isEmpty() ? "" : " (" + failure + ")"),
            rule.rule()));
      }
    }
  }

  /** Value validations (enum, bounds, lengths, pattern, junctors) of this node only. */
  private static void values(Object value, SchemaNode schema, Where path, List<CrdProblem> problems) {
    String problem = valueProblem(value, schema);
    if (problem != null) {
      problems.add(new CrdProblem(Where.text(path), problem, null));
    }
    for (int i = 0; i < schema.allOf.size(); i++) {
      String inner = firstProblem(value, schema.allOf.get(i));
      if (inner != null) {
        problems.add(new CrdProblem(Where.text(path), inner, null));
      }
    }
    if (!schema.anyOf.isEmpty() && !schema.intOrString && schema.anyOf.stream().noneMatch(s -> holds(value, s))) {
      problems.add(new CrdProblem(Where.text(path), "matches none of the alternatives (anyOf): " + alternatives(schema.anyOf), null));
    }
    if (!schema.oneOf.isEmpty()) {
      long matching = schema.oneOf.stream().filter(s -> holds(value, s)).count();
      if (matching != 1) {
        problems.add(new CrdProblem(Where.text(path), (matching == 0 ? "matches none" : "matches more than one")
            + " of the alternatives (oneOf): " + alternatives(schema.oneOf), null));
      }
    }
    if (schema.not != null && holds(value, schema.not)) {
      problems.add(new CrdProblem(Where.text(path), "must not match " + alternatives(List.of(schema.not)), null));
    }
  }

  /**
   * Where a node stands ({@code spec.ports[0].name}, a map entry as {@code labels[app]}), spelt out
   * only when a problem is reported there: the check visits every node of 100,000 objects.
   *
   * @param bracketed an item of a list or an entry of a map, written {@code [key]}
   */
  private record Where(Where parent, String key, boolean bracketed) {
    static String text(Where where) {
      if (where == null) {
        return "";
      }
      StringBuilder out = new StringBuilder();
      where.appendTo(out);
      return out.toString();
    }

    private void appendTo(StringBuilder out) {
      if (parent != null) {
        parent.appendTo(out);
      }
      if (bracketed) {
        out.append('[').append(key).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(key);
      }
    }
  }

  /** Whether a junctor's sub-schema (value validations, possibly with nested properties) holds. */
  private static boolean holds(Object value, SchemaNode schema) {
    return firstProblem(value, schema) == null;
  }

  private static String firstProblem(Object value, SchemaNode schema) {
    if (schema.type != null && !typeMatches(value, schema)) {
      return "must be " + expected(schema);
    }
    String problem = valueProblem(value, schema);
    if (problem != null) {
      return problem;
    }
    if (value instanceof Map<?, ?> map) {
      for (String name : schema.required) {
        if (map.get(name) == null) {
          return "missing required field \"" + name + "\"";
        }
      }
      for (Map.Entry<String, SchemaNode> property : schema.properties.entrySet()) {
        Object child = map.get(property.getKey());
        if (child != null) {
          String inner = firstProblem(child, property.getValue());
          if (inner != null) {
            return property.getKey() + ": " + inner;
          }
        }
      }
    }
    for (SchemaNode part : schema.allOf) {
      if (!holds(value, part)) {
        return firstProblem(value, part);
      }
    }
    if (!schema.anyOf.isEmpty() && schema.anyOf.stream().noneMatch(s -> holds(value, s))) {
      return "matches none of " + alternatives(schema.anyOf);
    }
    if (!schema.oneOf.isEmpty() && schema.oneOf.stream().filter(s -> holds(value, s)).count() != 1) {
      return "does not match exactly one of " + alternatives(schema.oneOf);
    }
    if (schema.not != null && holds(value, schema.not)) {
      return "must not match " + alternatives(List.of(schema.not));
    }
    return null;
  }

  private static String valueProblem(Object value, SchemaNode schema) {
    if (schema.enumValues != null && schema.enumValues.stream().noneMatch(e -> sameValue(e, value))) {
      return "bad value " + describe(value) + ": allowed values are " + schema.enumValues;
    }
    if (value instanceof Number number) {
      if (schema.minimum != null && compare(number, schema.minimum) < 0) {
        return describe(value) + " is below the minimum " + schema.minimum;
      }
      if (schema.maximum != null && compare(number, schema.maximum) > 0) {
        return describe(value) + " is above the maximum " + schema.maximum;
      }
    }
    if (value instanceof String text) {
      long length = text.codePointCount(0, text.length());
      if (schema.minLength != null && length < schema.minLength) {
        return "must be at least " + schema.minLength + " characters long";
      }
      if (schema.maxLength != null && length > schema.maxLength) {
        return "must be at most " + schema.maxLength + " characters long";
      }
      if (schema.pattern != null && !schema.pattern.matcher(text).find()) {
        return describe(value) + " does not match the pattern " + schema.patternText;
      }
      return null; // not a list or a map: no type test against those interfaces (see node)
    }
    if (value instanceof List<?> list) {
      if (schema.minItems != null && list.size() < schema.minItems) {
        return "must have at least " + schema.minItems + " items";
      }
      if (schema.maxItems != null && list.size() > schema.maxItems) {
        return "must have at most " + schema.maxItems + " items";
      }
    }
    if (value instanceof Map<?, ?> map) {
      if (schema.minProperties != null && map.size() < schema.minProperties) {
        return "must have at least " + schema.minProperties + " entries";
      }
      if (schema.maxProperties != null && map.size() > schema.maxProperties) {
        return "must have at most " + schema.maxProperties + " entries";
      }
    }
    return null;
  }

  private static String alternatives(List<SchemaNode> parts) {
    List<String> out = new ArrayList<>();
    for (SchemaNode part : parts) {
      out.add(describe(part));
    }
    return String.join(" | ", out);
  }

  private static String describe(SchemaNode part) {
    if (!part.required.isEmpty()) {
      return "{" + String.join(", ", part.required) + "}";
    }
    if (part.not != null) {
      return "not " + describe(part.not);
    }
    if (!part.anyOf.isEmpty()) {
      return "any of (" + alternatives(part.anyOf) + ")";
    }
    if (part.type != null) {
      return part.type;
    }
    return "{...}";
  }

  private static boolean typeMatches(Object value, SchemaNode schema) {
    if (schema.intOrString) {
      return isInteger(value) || value instanceof String;
    }
    if (schema.type == null) {
      return true;
    }
    return switch (schema.type) {
      case "object" -> value instanceof Map<?, ?>;
      case "array" -> value instanceof List<?>;
      case "string" -> value instanceof String;
      case "boolean" -> value instanceof Boolean;
      case "integer" -> isInteger(value);
      case "number" -> value instanceof Number;
      default -> true;
    };
  }

  private static boolean isInteger(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger) {
      return true;
    }
    if (value instanceof BigDecimal d) {
      return d.stripTrailingZeros().scale() <= 0;
    }
    if (value instanceof Double d) {
      return d == Math.rint(d) && !d.isInfinite();
    }
    return false;
  }

  private static int compare(Number a, Number b) {
    if (isSmallInteger(a) && isSmallInteger(b)) {
      return Long.compare(a.longValue(), b.longValue()); // ports and counts: no decimal arithmetic
    }
    return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
  }

  private static boolean isSmallInteger(Number n) {
    return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
  }

  private static boolean sameValue(Object allowed, Object value) {
    if (allowed instanceof Number a && value instanceof Number b) {
      return compare(a, b) == 0;
    }
    return Objects.equals(allowed, value);
  }

  private static String expected(SchemaNode schema) {
    if (schema.intOrString) {
      return "an integer or a string";
    }
    return switch (schema.type) {
      case "object" -> "a mapping";
      case "array" -> "a list";
      case "string" -> "a string";
      case "boolean" -> "true or false";
      case "integer" -> "an integer";
      case "number" -> "a number";
      default -> schema.type;
    };
  }

  static String describe(Object value) {
    if (value instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof String s) {
      return "\"" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "\"";
    }
    return String.valueOf(value);
  }
}
