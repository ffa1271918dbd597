package io.meshgate.crd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One node of a CRD's structural OpenAPI v3 schema ({@code openAPIV3Schema}), compiled once: the
 * keywords the Kubernetes API server checks, including its extensions
 * ({@code x-kubernetes-int-or-string}, {@code x-kubernetes-preserve-unknown-fields},
 * {@code x-kubernetes-validations}).
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */
final class SchemaNode {

  /** One {@code x-kubernetes-validations} entry. */
  record Rule(String rule, String message, KubernetesCel.Compiled compiled) {}

  final String type;
  final Map<String, SchemaNode> properties;
  /** additionalProperties as a schema (a map's values), or null. */
  final SchemaNode additionalProperties;
  /** additionalProperties: true/false written explicitly, or null. */
  final Boolean additionalAllowed;
  final SchemaNode items;
  final List<String> required;
  final List<Object> enumValues;
  final Number minimum;
  final Number maximum;
  final Long minLength;
  final Long maxLength;
  final Long minItems;
  final Long maxItems;
  final Long minProperties;
  final Long maxProperties;
  final Pattern pattern;
  final String patternText;
  final boolean nullable;
  final boolean intOrString;
  final boolean preserveUnknown;
  final List<SchemaNode> allOf;
  final List<SchemaNode> anyOf;
  final List<SchemaNode> oneOf;
  final SchemaNode not;
  final List<Rule> rules;

  private SchemaNode(Map<String, Object> raw) {
    type = raw.get("type") instanceof String t ? t : null;
    Map<String, SchemaNode> props = new LinkedHashMap<>();
    if (raw.get("properties") instanceof Map<?, ?> p) {
      p.forEach((k, v) -> props.put(String.valueOf(k), of(v)));
    }
    properties = props;
    Object additional = raw.get("additionalProperties");
    additionalProperties = additional instanceof Map<?, ?> ? of(additional) : null;
    additionalAllowed = additional instanceof Boolean b ? b : null;
    items = raw.get("items") instanceof Map<?, ?> ? of(raw.get("items")) : null;
    required = strings(raw.get("required"));
    enumValues = raw.get("enum") instanceof List<?> e ? new ArrayList<>(e) : null;
    minimum = raw.get("minimum") instanceof Number n ? n : null;
    maximum = raw.get("maximum") instanceof Number n ? n : null;
    minLength = longOf(raw.get("minLength"));
    maxLength = longOf(raw.get("maxLength"));
    minItems = longOf(raw.get("minItems"));
    maxItems = longOf(raw.get("maxItems"));
    minProperties = longOf(raw.get("minProperties"));
    maxProperties = longOf(raw.get("maxProperties"));
    patternText = raw.get("pattern") instanceof String s ? s : null;
    pattern = compilePattern(patternText);
    nullable = Boolean.TRUE.equals(raw.get("nullable"));
    intOrString = Boolean.TRUE.equals(raw.get("x-kubernetes-int-or-string"));
    preserveUnknown = Boolean.TRUE.equals(raw.get("x-kubernetes-preserve-unknown-fields"));
    allOf = nodes(raw.get("allOf"));
    anyOf = nodes(raw.get("anyOf"));
    oneOf = nodes(raw.get("oneOf"));
    not = raw.get("not") instanceof Map<?, ?> ? of(raw.get("not")) : null;
    List<Rule> compiled = new ArrayList<>();
    if (raw.get("x-kubernetes-validations") instanceof List<?> list) {
      for (Object entry : list) {
        if (entry instanceof Map<?, ?> m && m.get("rule") instanceof String rule) {
          String message = m.get("message") instanceof String text ? text : "failed rule: " + rule;
          compiled.add(new Rule(rule, message, KubernetesCel.get().compile(rule)));
        }
      }
    }
    rules = compiled;
  }

  @SuppressWarnings("unchecked")
  static SchemaNode of(Object raw) {
    return new SchemaNode(raw instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
  }

  boolean hasProperties() {
    return !properties.isEmpty();
  }

  private static List<SchemaNode> nodes(Object raw) {
    List<SchemaNode> out = new ArrayList<>();
    if (raw instanceof List<?> list) {
      for (Object item : list) {
        out.add(of(item));
      }
    }
    return out;
  }

  private static List<String> strings(Object raw) {
    List<String> out = new ArrayList<>();
    if (raw instanceof List<?> list) {
      for (Object item : list) {
        out.add(String.valueOf(item));
      }
    }
    return out;
  }

  private static Long longOf(Object raw) {
    return raw instanceof Number n ? n.longValue() : null;
  }

  /** OpenAPI patterns are ECMA 262 regular expressions; Java's syntax covers the ones Istio uses. */
  private static Pattern compilePattern(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Pattern.compile(text);
    } catch (PatternSyntaxException e) {
      return null;
    }
  }
}
