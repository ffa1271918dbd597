package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * json.verify_schema and json.match_schema: JSON Schema (draft 4 to 7 keywords) with the error
 * objects OPA's gojsonschema produces ({@code error}, {@code type}, {@code field}, {@code desc}).
 * Covered: type, enum, const, properties, required, additionalProperties, patternProperties,
 * propertyNames, min/maxProperties, dependencies, items, additionalItems, contains, min/maxItems,
 * uniqueItems, min/maxLength, pattern, minimum, maximum, exclusiveMinimum/Maximum (both drafts),
 * multipleOf, allOf, anyOf, oneOf, not, if/then/else, boolean schemas and local $ref
 * ({@code #}, {@code #/definitions/..}, {@code #/$defs/..}). format is not checked; remote
 * references are refused.
 */
public final class JsonSchemaBuiltins {
  private JsonSchemaBuiltins() {}

  private static final List<String> TYPES = List.of("array", "boolean", "integer", "number", "null", "object", "string");

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("json.verify_schema", 1, (ctx, a) -> {
      try {
        Value schema = load(a.get(0));
        checkSchema(schema);
        return ArrayValue.of(BoolValue.of(true), NullValue.INSTANCE);
      } catch (SchemaException e) {
        return ArrayValue.of(BoolValue.of(false), str("jsonschema: " + e.getMessage()));
      }
    }));
    table.register(Builtin.of("json.match_schema", 2, (ctx, a) -> {
      Value document;
      Value schema;
      try {
        document = load(a.get(0));
        schema = load(a.get(1));
        checkSchema(schema);
      } catch (SchemaException e) {
        throw Args.failure("json.match_schema", e.getMessage());
      }
      List<Value> errors = new ArrayList<>();
      new Validator(schema, ctx).validate(schema, document, "(root)", errors);
      return ArrayValue.of(BoolValue.of(errors.isEmpty()), ArrayValue.of(errors));
    }));
  }

  private static final class SchemaException extends RuntimeException {
    SchemaException(String message) {
      super(message);
    }
  }

  /** A string is JSON text; objects and arrays are taken as they are (sets as arrays). */
  private static Value load(Value v) {
    if (v instanceof StringValue s) {
      try {
        return jsonShape(EncodingBuiltins.parseJson("json", s.value()));
      } catch (BuiltinException e) {
        throw new SchemaException("invalid JSON string");
      }
    }
    if (v instanceof ObjectValue || v instanceof ArrayValue || v instanceof SetValue) {
      return jsonShape(v);
    }
    throw new SchemaException("wrong type, expected string or object");
  }

  private static Value jsonShape(Value v) {
    if (v instanceof SetValue s) {
      List<Value> items = new ArrayList<>();
      s.forEach(i -> items.add(jsonShape(i)));
      return ArrayValue.of(items);
    }
    if (v instanceof ArrayValue a) {
      List<Value> items = new ArrayList<>();
      a.forEach(i -> items.add(jsonShape(i)));
      return ArrayValue.of(items);
    }
    if (v instanceof ObjectValue o) {
      Map<Value, Value> m = new LinkedHashMap<>();
      o.entries().forEach((k, val) -> m.put(k instanceof StringValue ? k : str(EncodingBuiltins.writeJson(k, null, null)), jsonShape(val)));
      return ObjectValue.of(m);
    }
    return v;
  }

  /** The schema checks gojsonschema makes when it compiles a schema. */
  private static void checkSchema(Value schema) {
    if (schema instanceof BoolValue) {
      return;
    }
    if (!(schema instanceof ObjectValue o)) {
      throw new SchemaException("Invalid type. Expected: object, given: " + typeOf(schema));
    }
    Value type = o.get("type");
    if (type != null) {
      List<Value> names = type instanceof ArrayValue arr ? arr.elements() : List.of(type);
      for (Value n : names) {
        if (!(n instanceof StringValue s) || !TYPES.contains(s.value())) {
          throw new SchemaException("has a primitive type that is NOT VALID -- given: /"
              + (n instanceof StringValue s ? s.value() : EncodingBuiltins.writeJson(n, null, null))
              + "/ Expected valid values are:[array boolean integer number null object string]");
        }
      }
    }
    Value ref = o.get("$ref");
    if (ref instanceof StringValue r && !r.value().startsWith("#")) {
      throw new SchemaException("remote references are not supported: " + r.value());
    }
    for (String key : List.of("properties", "patternProperties", "definitions", "$defs")) {
      if (o.get(key) instanceof ObjectValue children) {
        for (Value child : children.entries().values()) {
          checkSchema(child);
        }
      }
    }
    for (String key : List.of("allOf", "anyOf", "oneOf")) {
      if (o.get(key) instanceof ArrayValue children) {
        for (Value child : children) {
          checkSchema(child);
        }
      }
    }
    for (String key : List.of("not", "additionalProperties", "additionalItems", "propertyNames", "contains", "if", "then", "else")) {
      Value child = o.get(key);
      if (child instanceof ObjectValue) {
        checkSchema(child);
      }
    }
    Value items = o.get("items");
    if (items instanceof ArrayValue list) {
      for (Value child : list) {
        checkSchema(child);
      }
    } else if (items instanceof ObjectValue) {
      checkSchema(items);
    }
    for (String key : List.of("pattern")) {
      if (o.get(key) instanceof StringValue p) {
        try {
          Pattern.compile(RegexBuiltins.translate(p.value()));
        } catch (RuntimeException e) {
          throw new SchemaException("Invalid regex pattern '" + p.value() + "'");
        }
      }
    }
  }

  /** gojsonschema's name for a document value's type. */
  private static String typeOf(Value v) {
    if (v instanceof NullValue) {
      return "null";
    }
    if (v instanceof BoolValue) {
      return "boolean";
    }
    if (v instanceof NumberValue n) {
      return isInteger(n) ? "integer" : "number";
    }
    if (v instanceof StringValue) {
      return "string";
    }
    if (v instanceof ArrayValue) {
      return "array";
    }
    return "object";
  }

  private static boolean isInteger(NumberValue n) {
    return n.value().stripTrailingZeros().scale() <= 0;
  }

  private static final class Validator {
    private final Value root;
    private final BuiltinContext ctx;

    Validator(Value root, BuiltinContext ctx) {
      this.root = root;
      this.ctx = ctx;
    }

    private void error(List<Value> errors, String context, String type, String desc) {
      String field = context.startsWith("(root).") ? context.substring("(root).".length()) : context;
      Map<Value, Value> m = new LinkedHashMap<>();
      m.put(str("error"), str(field + ": " + desc));
      m.put(str("type"), str(type));
      m.put(str("field"), str(field));
      m.put(str("desc"), str(desc));
      errors.add(ObjectValue.of(m));
    }

    private boolean valid(Value schema, Value doc, String context) {
      List<Value> errors = new ArrayList<>();
      validate(schema, doc, context, errors);
      return errors.isEmpty();
    }

    void validate(Value schema, Value doc, String context, List<Value> errors) {
      if (schema instanceof BoolValue b) {
        if (!b.value()) {
          error(errors, context, "false", "False always fails validation");
        }
        return;
      }
      ObjectValue s = (ObjectValue) schema;
      if (s.get("$ref") instanceof StringValue ref) {
        validate(resolve(ref.value()), doc, context, errors);
        return; // draft 4-7: $ref siblings are ignored
      }
      Value type = s.get("type");
      if (type != null) {
        List<String> allowed = new ArrayList<>();
        (type instanceof ArrayValue arr ? arr.elements() : List.of(type)).forEach(t -> allowed.add(((StringValue) t).value()));
        String given = typeOf(doc);
        boolean ok = allowed.contains(given) || (given.equals("integer") && allowed.contains("number"));
        if (!ok) {
          String expected = allowed.size() == 1 ? allowed.get(0) : "[" + String.join(",", allowed) + "]";
          error(errors, context, "invalid_type", "Invalid type. Expected: " + expected + ", given: " + given);
          return;
        }
      }
      // gojsonschema's order: combinators, then the object or array keywords, then enum/const,
      // then (objects) the properties' own schemas; scalars check enum/const first
      combinators(s, doc, context, errors);
      if (doc instanceof ObjectValue obj) {
        object(s, obj, context, errors);
        common(s, doc, context, errors);
        properties(s, obj, context, errors);
      } else if (doc instanceof ArrayValue arr) {
        array(s, arr, context, errors);
        common(s, doc, context, errors);
      } else {
        common(s, doc, context, errors);
        if (doc instanceof StringValue str) {
          string(s, str.value(), context, errors);
        } else if (doc instanceof NumberValue n) {
          number(s, n.value(), context, errors);
        }
      }
    }

    private void common(ObjectValue s, Value doc, String context, List<Value> errors) {
      if (s.get("enum") instanceof ArrayValue options) {
        boolean found = false;
        for (Value option : options) {
          found |= option.equals(doc);
        }
        if (!found) {
          List<String> texts = new ArrayList<>();
          options.forEach(o -> texts.add(EncodingBuiltins.writeJson(o, null, null)));
          error(errors, context, "enum", fieldName(context) + " must be one of the following: " + String.join(", ", texts));
        }
      }
      if (s.get("const") != null && !s.get("const").equals(doc)) {
        error(errors, context, "const", fieldName(context) + " does not match: "
            + EncodingBuiltins.writeJson(s.get("const"), null, null));
      }
    }

    private void properties(ObjectValue s, ObjectValue obj, String context, List<Value> errors) {
      if (s.get("properties") instanceof ObjectValue properties) {
        properties.entries().forEach((name, sub) -> {
          Value child = obj.get(name);
          if (child != null) {
            validate(sub, child, context + "." + ((StringValue) name).value(), errors);
          }
        });
      }
    }

    private static String fieldName(String context) {
      return context.startsWith("(root).") ? context.substring("(root).".length()) : context;
    }

    private Value resolve(String ref) {
      Value at = root;
      if (ref.equals("#")) {
        return root;
      }
      if (!ref.startsWith("#/")) {
        throw Args.failure("json.match_schema", "unsupported $ref " + ref);
      }
      for (String part : ref.substring(2).split("/")) {
        String key = part.replace("~1", "/").replace("~0", "~");
        if (at instanceof ObjectValue o && o.get(key) != null) {
          at = o.get(key);
        } else if (at instanceof ArrayValue a && key.matches("[0-9]+") && Integer.parseInt(key) < a.size()) {
          at = a.get(Integer.parseInt(key));
        } else {
          throw Args.failure("json.match_schema", "Object has no key '" + key + "'");
        }
      }
      return at;
    }

    private void combinators(ObjectValue s, Value doc, String context, List<Value> errors) {
      if (s.get("anyOf") instanceof ArrayValue any) {
        boolean ok = false;
        for (Value sub : any) {
          ok |= valid(sub, doc, context);
        }
        if (!ok) {
          error(errors, context, "number_any_of", "Must validate at least one schema (anyOf)");
        }
      }
      if (s.get("oneOf") instanceof ArrayValue one) {
        int matches = 0;
        for (Value sub : one) {
          matches += valid(sub, doc, context) ? 1 : 0;
        }
        if (matches != 1) {
          error(errors, context, "number_one_of", "Must validate one and only one schema (oneOf)");
        }
      }
      if (s.get("allOf") instanceof ArrayValue all) {
        boolean ok = true;
        for (Value sub : all) {
          ok &= valid(sub, doc, context);
        }
        if (!ok) {
          error(errors, context, "number_all_of", "Must validate all the schemas (allOf)");
        }
      }
      if (s.get("not") != null && valid(s.get("not"), doc, context)) {
        error(errors, context, "number_not", "Must not validate the schema (not)");
      }
      if (s.get("if") != null) {
        boolean condition = valid(s.get("if"), doc, context);
        Value branch = condition ? s.get("then") : s.get("else");
        if (branch != null) {
          List<Value> sub = new ArrayList<>();
          validate(branch, doc, context, sub);
          if (!sub.isEmpty()) {
            errors.addAll(sub);
            error(errors, context, condition ? "condition_then" : "condition_else",
                "Must validate \"" + (condition ? "then" : "else") + "\" as \"if\" was " + (condition ? "valid" : "not valid"));
          }
        }
      }
      if (doc instanceof ObjectValue obj && s.get("dependencies") instanceof ObjectValue deps) {
        deps.entries().forEach((k, dep) -> {
          if (obj.get(k) == null) {
            return;
          }
          if (dep instanceof ArrayValue names) {
            for (Value name : names) {
              if (obj.get(name) == null) {
                error(errors, context, "missing_dependency", "Has a dependency on " + ((StringValue) name).value());
              }
            }
          } else {
            validate(dep, doc, context, errors);
          }
        });
      }
    }

    private void array(ObjectValue s, ArrayValue arr, String context, List<Value> errors) {
      Value items = s.get("items");
      if (items instanceof ArrayValue tuple) {
        for (int i = 0; i < Math.min(tuple.size(), arr.size()); i++) {
          validate(tuple.get(i), arr.get(i), context + "." + i, errors);
        }
        Value extra = s.get("additionalItems");
        if (arr.size() > tuple.size()) {
          if (extra instanceof BoolValue b && !b.value()) {
            error(errors, context, "array_no_additional_items", "No additional items allowed on array");
          } else if (extra instanceof ObjectValue) {
            for (int i = tuple.size(); i < arr.size(); i++) {
              validate(extra, arr.get(i), context + "." + i, errors);
            }
          }
        }
      } else if (items != null) {
        for (int i = 0; i < arr.size(); i++) {
          validate(items, arr.get(i), context + "." + i, errors);
        }
      }
      if (s.get("minItems") instanceof NumberValue min && arr.size() < min.value().intValue()) {
        error(errors, context, "array_min_items", "Array must have at least " + text(min) + " items");
      }
      if (s.get("maxItems") instanceof NumberValue max && arr.size() > max.value().intValue()) {
        error(errors, context, "array_max_items", "Array must have at most " + text(max) + " items");
      }
      if (s.get("uniqueItems") instanceof BoolValue u && u.value()) {
        outer:
        for (int i = 0; i < arr.size(); i++) {
          for (int j = i + 1; j < arr.size(); j++) {
            if (arr.get(i).equals(arr.get(j))) {
              error(errors, context, "unique", "array items[" + i + "," + j + "] must be unique");
              break outer;
            }
          }
        }
      }
      if (s.get("contains") != null) {
        boolean found = false;
        for (Value item : arr) {
          found |= valid(s.get("contains"), item, context);
        }
        if (!found) {
          error(errors, context, "contains", "At least one of the items must match");
        }
      }
    }

    private void object(ObjectValue s, ObjectValue obj, String context, List<Value> errors) {
      if (s.get("maxProperties") instanceof NumberValue max && obj.size() > max.value().intValue()) {
        error(errors, context, "array_max_properties", "Must have at most " + text(max) + " properties");
      }
      if (s.get("minProperties") instanceof NumberValue min && obj.size() < min.value().intValue()) {
        error(errors, context, "array_min_properties", "Must have at least " + text(min) + " properties");
      }
      if (s.get("required") instanceof ArrayValue required) {
        for (Value name : required) {
          if (obj.get(name) == null) {
            error(errors, context, "required", ((StringValue) name).value() + " is required");
          }
        }
      }
      ObjectValue properties = s.get("properties") instanceof ObjectValue p ? p : ObjectValue.EMPTY;
      ObjectValue patterns = s.get("patternProperties") instanceof ObjectValue p ? p : ObjectValue.EMPTY;
      Value additional = s.get("additionalProperties");
      obj.entries().forEach((key, child) -> {
        String name = ((StringValue) key).value();
        boolean matched = properties.get(key) != null;
        for (Map.Entry<Value, Value> pattern : patterns.entries().entrySet()) {
          String re = ((StringValue) pattern.getKey()).value();
          if (RegexBuiltins.compile(ctx, "json.match_schema", re).matcher(name).find()) {
            matched = true;
            validate(pattern.getValue(), child, context + "." + name, errors);
          }
        }
        if (!matched && additional != null) {
          if (additional instanceof BoolValue b && !b.value()) {
            error(errors, context, "additional_property_not_allowed", "Additional property " + name + " is not allowed");
          } else if (additional instanceof ObjectValue) {
            validate(additional, child, context + "." + name, errors);
          }
        }
        if (s.get("propertyNames") != null && !valid(s.get("propertyNames"), key, context)) {
          error(errors, context, "invalid_property_name", "Property name of \"" + name + "\" does not match");
        }
      });
    }

    private void string(ObjectValue s, String value, String context, List<Value> errors) {
      int length = value.codePointCount(0, value.length());
      if (s.get("minLength") instanceof NumberValue min && length < min.value().intValue()) {
        error(errors, context, "string_gte", "String length must be greater than or equal to " + text(min));
      }
      if (s.get("maxLength") instanceof NumberValue max && length > max.value().intValue()) {
        error(errors, context, "string_lte", "String length must be less than or equal to " + text(max));
      }
      if (s.get("pattern") instanceof StringValue p
          && !RegexBuiltins.compile(ctx, "json.match_schema", p.value()).matcher(value).find()) {
        error(errors, context, "pattern", "Does not match pattern '" + p.value() + "'");
      }
    }

    private void number(ObjectValue s, BigDecimal n, String context, List<Value> errors) {
      if (s.get("multipleOf") instanceof NumberValue m && m.value().signum() != 0
          && n.remainder(m.value()).signum() != 0) {
        error(errors, context, "multiple_of", "Must be a multiple of " + text(m));
      }
      Value exMax = s.get("exclusiveMaximum");
      Value exMin = s.get("exclusiveMinimum");
      if (s.get("maximum") instanceof NumberValue max) {
        boolean exclusive = exMax instanceof BoolValue b && b.value(); // draft 4
        if (exclusive ? n.compareTo(max.value()) >= 0 : n.compareTo(max.value()) > 0) {
          error(errors, context, exclusive ? "number_lt" : "number_lte",
              (exclusive ? "Must be less than " : "Must be less than or equal to ") + text(max));
        }
      }
      if (exMax instanceof NumberValue max && n.compareTo(max.value()) >= 0) {
        error(errors, context, "number_lt", "Must be less than " + text(max));
      }
      if (s.get("minimum") instanceof NumberValue min) {
        boolean exclusive = exMin instanceof BoolValue b && b.value();
        if (exclusive ? n.compareTo(min.value()) <= 0 : n.compareTo(min.value()) < 0) {
          error(errors, context, exclusive ? "number_gt" : "number_gte",
              (exclusive ? "Must be greater than " : "Must be greater than or equal to ") + text(min));
        }
      }
      if (exMin instanceof NumberValue min && n.compareTo(min.value()) <= 0) {
        error(errors, context, "number_gt", "Must be greater than " + text(min));
      }
    }

    private static String text(NumberValue n) {
      return io.meshgate.rego.value.Json.write(n);
    }
  }
}
