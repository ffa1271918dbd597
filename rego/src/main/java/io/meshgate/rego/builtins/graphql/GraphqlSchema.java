package io.meshgate.rego.builtins.graphql;

import static io.meshgate.rego.builtins.graphql.GraphqlParser.list;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A schema document checked the way gqlparser's ValidateSchemaDocument checks it (after merging
 * the built-in prelude): definitions and extensions merged, root operation types resolved, types,
 * fields, arguments, interfaces, unions and directive uses validated. {@link #sdl()} writes the
 * result as SDL for graphql-java, which validates queries against it.
 */
public final class GraphqlSchema {
  /** The built-in scalars, directives and introspection types of the GraphQL specification. */
  private static final String PRELUDE = """
      scalar Int
      scalar Float
      scalar String
      scalar Boolean
      scalar ID
      directive @defer(if: Boolean = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT
      directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
      directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
      directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
      directive @specifiedBy(url: String!) on SCALAR
      directive @oneOf on INPUT_OBJECT
      type __Schema { description: String types: [__Type!]! queryType: __Type! mutationType: __Type subscriptionType: __Type directives: [__Directive!]! }
      type __Type { kind: __TypeKind! name: String description: String specifiedByURL: String fields(includeDeprecated: Boolean = false): [__Field!] interfaces: [__Type!] possibleTypes: [__Type!] enumValues(includeDeprecated: Boolean = false): [__EnumValue!] inputFields(includeDeprecated: Boolean = false): [__InputValue!] ofType: __Type isOneOf: Boolean }
      enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
      type __Field { name: String! description: String args(includeDeprecated: Boolean = false): [__InputValue!]! type: __Type! isDeprecated: Boolean! deprecationReason: String }
      type __InputValue { name: String! description: String type: __Type! defaultValue: String isDeprecated: Boolean! deprecationReason: String }
      type __EnumValue { name: String! description: String isDeprecated: Boolean! deprecationReason: String }
      type __Directive { name: String! description: String isRepeatable: Boolean! locations: [__DirectiveLocation!]! args(includeDeprecated: Boolean = false): [__InputValue!]! }
      enum __DirectiveLocation { QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION }
      """;

  /** Built-ins graphql-java defines itself, left out of the SDL it is given. */
  private static final Set<String> GRAPHQL_JAVA_SCALARS = Set.of("Int", "Float", "String", "Boolean", "ID");
  private static final Set<String> GRAPHQL_JAVA_DIRECTIVES = Set.of("include", "skip", "deprecated", "specifiedBy",
      "oneOf", "defer");

  /** A schema that does not validate, with gqlparser's message. */
  public static final class InvalidSchemaException extends RuntimeException {
    InvalidSchemaException(String message) { super(message); }
  }

  private final Map<String, Map<String, Object>> types = new LinkedHashMap<>();
  private final Map<String, Map<String, Object>> directives = new LinkedHashMap<>();
  private final Map<String, List<Map<String, Object>>> possibleTypes = new HashMap<>();
  private String query;
  private String mutation;
  private String subscription;

  private GraphqlSchema() {}

  public String queryType() { return query; }

  public String mutationType() { return mutation; }

  public String subscriptionType() { return subscription; }

  /** Merges the prelude into the document (without changing it) and validates the result. */
  public static GraphqlSchema validate(Map<String, Object> document) {
    Map<String, Object> prelude = GraphqlParser.parseSchema(PRELUDE, true);
    GraphqlSchema s = new GraphqlSchema();
    List<Map<String, Object>> definitions = new ArrayList<>();
    for (Map<String, Object> d : list(prelude, "Definitions")) {
      definitions.add(copy(d));
    }
    for (Map<String, Object> d : list(document, "Definitions")) {
      definitions.add(copy(d));
    }
    List<Map<String, Object>> dirs = new ArrayList<>(list(prelude, "Directives"));
    dirs.addAll(list(document, "Directives"));
    s.build(definitions, list(document, "Extensions"), dirs, list(document, "Schema"), list(document, "SchemaExtension"));
    return s;
  }

  /** A definition with its own lists, so extensions can be appended without touching the input. */
  private static Map<String, Object> copy(Map<String, Object> d) {
    Map<String, Object> m = new LinkedHashMap<>(d);
    for (String key : List.of("Directives", "Interfaces", "Fields", "Types", "EnumValues")) {
      m.put(key, d.get(key) instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>());
    }
    return m;
  }

  private static String str(Map<String, Object> m, String key) {
    return m.get(key) instanceof String s ? s : "";
  }

  @SuppressWarnings("unchecked")
  private static List<Object> objects(Map<String, Object> m, String key) {
    return m.get(key) instanceof List<?> l ? (List<Object>) l : new ArrayList<>();
  }

  private static InvalidSchemaException invalid(String message) { return new InvalidSchemaException(message); }

  private void build(List<Map<String, Object>> definitions, List<Map<String, Object>> extensions,
      List<Map<String, Object>> directiveDefinitions, List<Map<String, Object>> schemaDefinitions,
      List<Map<String, Object>> schemaExtensions) {
    for (Map<String, Object> def : definitions) {
      if (types.containsKey(str(def, "Name"))) {
        throw invalid("Cannot redeclare type " + str(def, "Name") + ".");
      }
      types.put(str(def, "Name"), def);
    }
    List<Map<String, Object>> all = new ArrayList<>(definitions);
    for (Map<String, Object> ext : extensions) {
      Map<String, Object> def = types.get(str(ext, "Name"));
      if (def == null) {
        // gqlparser lets an extension stand for a type defined elsewhere
        def = copy(Map.of("Kind", str(ext, "Kind"), "Name", str(ext, "Name"), "Description", "", "BuiltIn", false));
        types.put(str(ext, "Name"), def);
        all.add(def);
      }
      if (!str(def, "Kind").equals(str(ext, "Kind"))) {
        throw invalid("Cannot extend type " + str(ext, "Name") + " because the base type is a " + str(def, "Kind")
            + ", not " + str(ext, "Kind") + ".");
      }
      for (String key : List.of("Directives", "Interfaces", "Fields", "Types", "EnumValues")) {
        objects(def, key).addAll(objects(ext, key));
      }
    }
    for (Map<String, Object> def : all) {
      switch (str(def, "Kind")) {
        case "UNION" -> {
          for (Object t : objects(def, "Types")) {
            possibleTypes.computeIfAbsent(str(def, "Name"), k -> new ArrayList<>()).add(types.get((String) t));
          }
        }
        case "INPUT_OBJECT", "OBJECT" -> {
          for (Object i : objects(def, "Interfaces")) {
            possibleTypes.computeIfAbsent((String) i, k -> new ArrayList<>()).add(def);
          }
          possibleTypes.computeIfAbsent(str(def, "Name"), k -> new ArrayList<>()).add(def);
        }
        case "INTERFACE" -> {
          for (Object i : objects(def, "Interfaces")) {
            possibleTypes.computeIfAbsent((String) i, k -> new ArrayList<>()).add(def);
          }
        }
        default -> { }
      }
    }
    for (Map<String, Object> dir : directiveDefinitions) {
      String name = str(dir, "Name");
      if (directives.containsKey(name)) {
        if (!Set.of("include", "skip", "deprecated", "specifiedBy").contains(name)) {
          throw invalid("Cannot redeclare directive " + name + ".");
        }
        continue; // a built-in directive may be written out again; the first one stays
      }
      directives.put(name, dir);
    }
    if (schemaDefinitions.size() > 1) {
      throw invalid("Cannot have multiple schema entry points, consider schema extensions instead.");
    }
    for (Map<String, Object> sd : schemaDefinitions) {
      roots(sd);
    }
    for (Map<String, Object> se : schemaExtensions) {
      roots(se);
    }
    for (String name : new java.util.TreeSet<>(types.keySet())) {
      validateDefinition(types.get(name));
    }
    for (String name : new java.util.TreeSet<>(directives.keySet())) {
      Map<String, Object> dir = directives.get(name);
      validateName(name);
      validateArgs(list(dir, "Arguments"), name);
    }
    if (schemaDefinitions.isEmpty()) {
      if (query == null && types.containsKey("Query")) {
        query = "Query";
      }
      if (mutation == null && types.containsKey("Mutation")) {
        mutation = "Mutation";
      }
      if (subscription == null && types.containsKey("Subscription")) {
        subscription = "Subscription";
      }
    }
  }

  private void roots(Map<String, Object> schemaDefinition) {
    for (Map<String, Object> op : list(schemaDefinition, "OperationTypes")) {
      String type = str(op, "Type");
      if (!types.containsKey(type)) {
        throw invalid("Schema root " + str(op, "Operation") + " refers to a type " + type + " that does not exist.");
      }
      switch (str(op, "Operation")) {
        case "query" -> query = type;
        case "mutation" -> mutation = type;
        default -> subscription = type;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> typeOf(Map<String, Object> field) {
    return field.get("Type") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The named type at the bottom of a (list, non-null) type reference. */
  @SuppressWarnings("unchecked")
  static String typeName(Map<String, Object> type) {
    String named = str(type, "NamedType");
    if (!named.isEmpty() || !(type.get("Elem") instanceof Map<?, ?> elem)) {
      return named;
    }
    return typeName((Map<String, Object>) elem);
  }

  @SuppressWarnings("unchecked")
  static String typeText(Map<String, Object> type) {
    String nonNull = Boolean.TRUE.equals(type.get("NonNull")) ? "!" : "";
    String named = str(type, "NamedType");
    if (!named.isEmpty() || !(type.get("Elem") instanceof Map<?, ?> elem)) {
      return named + nonNull;
    }
    return "[" + typeText((Map<String, Object>) elem) + "]" + nonNull;
  }

  private void validateDefinition(Map<String, Object> def) {
    String kind = str(def, "Kind");
    String name = str(def, "Name");
    List<Map<String, Object>> fields = list(def, "Fields");
    for (Map<String, Object> field : fields) {
      validateName(str(field, "Name"));
      validateTypeRef(typeOf(field));
      validateArgs(list(field, "Arguments"), null);
      validateDirectives(list(field, "Directives"), kind.equals("INPUT_OBJECT") ? "INPUT_FIELD_DEFINITION"
          : "FIELD_DEFINITION", null);
    }
    for (Object t : objects(def, "Types")) {
      Map<String, Object> member = types.get((String) t);
      if (member == null) {
        throw invalid("Undefined type \"" + t + "\".");
      }
      if (!str(member, "Kind").equals("OBJECT")) {
        throw invalid(kind + " type \"" + t + "\" must be OBJECT.");
      }
    }
    for (Object i : objects(def, "Interfaces")) {
      validateImplements(def, (String) i);
    }
    switch (kind) {
      case "OBJECT", "INTERFACE" -> {
        if (fields.isEmpty()) {
          throw invalid(kind + " " + name + ": must define one or more fields.");
        }
        for (Map<String, Object> field : fields) {
          Map<String, Object> t = types.get(typeName(typeOf(field)));
          if (t != null && !Set.of("SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM").contains(str(t, "Kind"))) {
            throw invalid(kind + " " + name + ": field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.");
          }
        }
      }
      case "ENUM" -> {
        List<Map<String, Object>> values = list(def, "EnumValues");
        if (values.isEmpty()) {
          throw invalid(kind + " " + name + ": must define one or more unique enum values.");
        }
        for (Map<String, Object> v : values) {
          if (Set.of("true", "false", "null").contains(str(v, "Name"))) {
            throw invalid(kind + " " + name + ": non-enum value " + str(v, "Name") + ".");
          }
        }
      }
      case "INPUT_OBJECT" -> {
        if (fields.isEmpty()) {
          throw invalid(kind + " " + name + ": must define one or more input fields.");
        }
        for (Map<String, Object> field : fields) {
          Map<String, Object> t = types.get(typeName(typeOf(field)));
          if (t != null && !Set.of("SCALAR", "ENUM", "INPUT_OBJECT").contains(str(t, "Kind"))) {
            throw invalid(str(t, "Kind") + " " + str(field, "Name") + ": field must be one of SCALAR, ENUM, INPUT_OBJECT.");
          }
        }
      }
      default -> { }
    }
    for (int i = 0; i < fields.size(); i++) {
      for (int j = i + 1; j < fields.size(); j++) {
        if (str(fields.get(i), "Name").equals(str(fields.get(j), "Name"))) {
          throw invalid("Field " + name + "." + str(fields.get(j), "Name") + " can only be defined once.");
        }
      }
    }
    if (!Boolean.TRUE.equals(def.get("BuiltIn"))) {
      validateName(name);
    }
    validateDirectives(list(def, "Directives"), kind, null);
  }

  private void validateTypeRef(Map<String, Object> type) {
    if (!types.containsKey(typeName(type))) {
      throw invalid("Undefined type " + typeName(type) + ".");
    }
  }

  private void validateArgs(List<Map<String, Object>> args, String currentDirective) {
    for (Map<String, Object> arg : args) {
      validateName(str(arg, "Name"));
      validateTypeRef(typeOf(arg));
      Map<String, Object> def = types.get(typeName(typeOf(arg)));
      if (!Set.of("SCALAR", "ENUM", "INPUT_OBJECT").contains(str(def, "Kind"))) {
        throw invalid("cannot use " + typeText(typeOf(arg)) + " as argument " + str(arg, "Name") + " because "
            + str(def, "Kind") + " is not a valid input type");
      }
      validateDirectives(list(arg, "Directives"), "ARGUMENT_DEFINITION", currentDirective);
    }
  }

  private void validateDirectives(List<Map<String, Object>> uses, String location, String currentDirective) {
    for (Map<String, Object> dir : uses) {
      String name = str(dir, "Name");
      validateName(name);
      if (name.equals(currentDirective)) {
        throw invalid("Directive " + currentDirective + " cannot refer to itself.");
      }
      Map<String, Object> def = directives.get(name);
      if (def == null) {
        throw invalid("Undefined directive " + name + ".");
      }
      if (!objects(def, "Locations").contains(location)) {
        throw invalid("Directive " + name + " is not applicable on " + location + ".");
      }
    }
  }

  private void validateImplements(Map<String, Object> def, String interfaceName) {
    String name = str(def, "Name");
    Map<String, Object> intf = types.get(interfaceName);
    if (intf == null) {
      throw invalid("Undefined type \"" + interfaceName + "\".");
    }
    if (!str(intf, "Kind").equals("INTERFACE")) {
      throw invalid("\"" + interfaceName + "\" is a non interface type " + str(intf, "Kind") + ".");
    }
    for (Map<String, Object> required : list(intf, "Fields")) {
      Map<String, Object> found = byName(list(def, "Fields"), str(required, "Name"));
      if (found == null) {
        throw invalid("For " + name + " to implement " + interfaceName + " it must have a field called "
            + str(required, "Name") + ".");
      }
      if (!covariant(typeOf(required), typeOf(found))) {
        throw invalid("For " + name + " to implement " + interfaceName + " the field " + str(required, "Name")
            + " must have type " + typeText(typeOf(required)) + ".");
      }
      for (Map<String, Object> requiredArg : list(required, "Arguments")) {
        Map<String, Object> foundArg = byName(list(found, "Arguments"), str(requiredArg, "Name"));
        if (foundArg == null || !compatible(typeOf(requiredArg), typeOf(foundArg))) {
          throw invalid("For " + name + " to implement " + interfaceName + " the field " + str(required, "Name")
              + " must have the same arguments.");
        }
      }
      for (Map<String, Object> arg : list(found, "Arguments")) {
        if (byName(list(required, "Arguments"), str(arg, "Name")) == null
            && Boolean.TRUE.equals(typeOf(arg).get("NonNull")) && arg.get("DefaultValue") == null) {
          throw invalid("For " + name + " to implement " + interfaceName + " any additional arguments on "
              + str(found, "Name") + " must be optional or have a default value but " + str(arg, "Name") + " is required.");
        }
      }
    }
    for (Object transitive : objects(intf, "Interfaces")) {
      if (!objects(def, "Interfaces").contains(transitive)) {
        if (transitive.equals(name)) {
          throw invalid("Type " + name + " cannot implement " + interfaceName + " because it would create a circular reference.");
        }
        throw invalid("Type " + name + " must implement " + transitive + " because it is implemented by " + interfaceName + ".");
      }
    }
  }

  private static Map<String, Object> byName(List<Map<String, Object>> items, String name) {
    for (Map<String, Object> i : items) {
      if (str(i, "Name").equals(name)) {
        return i;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private boolean covariant(Map<String, Object> required, Map<String, Object> actual) {
    if (Boolean.TRUE.equals(required.get("NonNull")) && !Boolean.TRUE.equals(actual.get("NonNull"))) {
      return false;
    }
    String named = str(required, "NamedType");
    if (!named.isEmpty()) {
      if (named.equals(str(actual, "NamedType"))) {
        return true;
      }
      for (Map<String, Object> pt : possibleTypes.getOrDefault(named, List.of())) {
        if (pt != null && str(pt, "Name").equals(str(actual, "NamedType"))) {
          return true;
        }
      }
      return false;
    }
    if (!(required.get("Elem") instanceof Map<?, ?> re) || !(actual.get("Elem") instanceof Map<?, ?> ae)) {
      return false;
    }
    return covariant((Map<String, Object>) re, (Map<String, Object>) ae);
  }

  @SuppressWarnings("unchecked")
  private static boolean compatible(Map<String, Object> a, Map<String, Object> b) {
    if (!str(a, "NamedType").equals(str(b, "NamedType"))) {
      return false;
    }
    if (a.get("Elem") instanceof Map<?, ?> ae) {
      if (!(b.get("Elem") instanceof Map<?, ?> be) || !compatible((Map<String, Object>) ae, (Map<String, Object>) be)) {
        return false;
      }
    }
    return !Boolean.TRUE.equals(b.get("NonNull")) || Boolean.TRUE.equals(a.get("NonNull"));
  }

  private static void validateName(String name) {
    if (name.startsWith("__")) {
      throw invalid("Name \"" + name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
    }
  }

  // ---------------------------------------------------------------- SDL for graphql-java

  /**
   * The validated schema as SDL: every non-built-in type (extensions merged), the custom
   * directives, and a schema block naming the roots. {@code fallbackQuery} names a type to use as
   * the query root when the schema has none (graphql-java requires one).
   */
  public String sdl(String fallbackQuery) {
    StringBuilder sb = new StringBuilder();
    TreeMap<String, Map<String, Object>> sorted = new TreeMap<>(types);
    for (Map<String, Object> def : sorted.values()) {
      String name = str(def, "Name");
      if (Boolean.TRUE.equals(def.get("BuiltIn")) || GRAPHQL_JAVA_SCALARS.contains(name)) {
        continue;
      }
      writeDefinition(def, sb);
    }
    for (Map<String, Object> dir : directives.values()) {
      if (GRAPHQL_JAVA_DIRECTIVES.contains(str(dir, "Name"))) {
        continue;
      }
      sb.append("directive @").append(str(dir, "Name"));
      writeArgumentDefinitions(list(dir, "Arguments"), sb);
      if (Boolean.TRUE.equals(dir.get("IsRepeatable"))) {
        sb.append(" repeatable");
      }
      sb.append(" on ");
      List<String> locations = new ArrayList<>();
      objects(dir, "Locations").forEach(l -> locations.add((String) l));
      sb.append(String.join(" | ", locations)).append('\n');
    }
    String q = query != null ? query : fallbackQuery;
    if (query == null) {
      sb.append("type ").append(fallbackQuery).append(" { unused: Boolean }\n");
    }
    sb.append("schema { query: ").append(q);
    if (mutation != null) {
      sb.append(" mutation: ").append(mutation);
    }
    if (subscription != null) {
      sb.append(" subscription: ").append(subscription);
    }
    sb.append(" }\n");
    return sb.toString();
  }

  private static void writeDefinition(Map<String, Object> def, StringBuilder sb) {
    String keyword = switch (str(def, "Kind")) {
      case "SCALAR" -> "scalar";
      case "OBJECT" -> "type";
      case "INTERFACE" -> "interface";
      case "UNION" -> "union";
      case "ENUM" -> "enum";
      default -> "input";
    };
    sb.append(keyword).append(' ').append(str(def, "Name"));
    List<Object> interfaces = objects(def, "Interfaces");
    if (!interfaces.isEmpty()) {
      List<String> names = new ArrayList<>();
      interfaces.forEach(i -> names.add((String) i));
      sb.append(" implements ").append(String.join(" & ", names));
    }
    writeDirectives(list(def, "Directives"), sb);
    switch (keyword) {
      case "union" -> {
        List<String> names = new ArrayList<>();
        objects(def, "Types").forEach(t -> names.add((String) t));
        sb.append(" = ").append(String.join(" | ", names));
      }
      case "enum" -> {
        sb.append(" {");
        for (Map<String, Object> v : list(def, "EnumValues")) {
          sb.append(' ').append(str(v, "Name"));
          writeDirectives(list(v, "Directives"), sb);
        }
        sb.append(" }");
      }
      case "type", "interface", "input" -> {
        sb.append(" {");
        for (Map<String, Object> f : list(def, "Fields")) {
          sb.append(' ').append(str(f, "Name"));
          writeArgumentDefinitions(list(f, "Arguments"), sb);
          sb.append(": ").append(typeText(typeOf(f)));
          if (f.get("DefaultValue") instanceof Map<?, ?> dv) {
            sb.append(" = ").append(GraphqlPrinter.value(dv));
          }
          writeDirectives(list(f, "Directives"), sb);
        }
        sb.append(" }");
      }
      default -> { }
    }
    sb.append('\n');
  }

  private static void writeArgumentDefinitions(List<Map<String, Object>> args, StringBuilder sb) {
    if (args.isEmpty()) {
      return;
    }
    sb.append('(');
    for (int i = 0; i < args.size(); i++) {
      Map<String, Object> a = args.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(str(a, "Name")).append(": ").append(typeText(typeOf(a)));
      if (a.get("DefaultValue") instanceof Map<?, ?> dv) {
        sb.append(" = ").append(GraphqlPrinter.value(dv));
      }
      writeDirectives(list(a, "Directives"), sb);
    }
    sb.append(')');
  }

  private static void writeDirectives(List<Map<String, Object>> dirs, StringBuilder sb) {
    for (Map<String, Object> d : dirs) {
      sb.append(" @").append(str(d, "Name"));
      GraphqlPrinter.arguments(list(d, "Arguments"), sb);
    }
  }
}
