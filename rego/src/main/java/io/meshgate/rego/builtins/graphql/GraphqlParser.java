package io.meshgate.rego.builtins.graphql;

import io.meshgate.rego.builtins.graphql.GraphqlLexer.Kind;
import io.meshgate.rego.builtins.graphql.GraphqlLexer.SyntaxError;
import io.meshgate.rego.builtins.graphql.GraphqlLexer.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recursive-descent parser for GraphQL query and schema documents that accepts and rejects what
 * gqlparser does and builds its syntax tree in the JSON shape OPA returns: maps keyed by gqlparser's
 * Go field names ({@code Operations}, {@code SelectionSet}, {@code Kind}...). Values keep their
 * source text in {@code Raw} and their kind as gqlparser's number (0 variable ... 9 object).
 */
public final class GraphqlParser {
  /*
   * Values carry ExpectedTypeHasDefault (false until validation), as gqlparser has since October
   * 2025 (5b41269) and current OPA returns them.
   */

  /** gqlparser's ValueKind numbering. */
  static final int VARIABLE = 0;
  static final int INT = 1;
  static final int FLOAT = 2;
  static final int STRING = 3;
  static final int BLOCK = 4;
  static final int BOOLEAN = 5;
  static final int NULL = 6;
  static final int ENUM = 7;
  static final int LIST = 8;
  static final int OBJECT = 9;

  private static final Set<String> LOCATIONS = Set.of("QUERY", "MUTATION", "SUBSCRIPTION", "FIELD",
      "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR",
      "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE",
      "INPUT_OBJECT", "INPUT_FIELD_DEFINITION");

  /** A document that does not parse: the message and where, as gqlparser reports them. */
  public static final class ParseException extends RuntimeException {
    public final int line;
    public final int column;

    ParseException(int line, int column, String message) {
      super(message);
      this.line = line;
      this.column = column;
    }
  }

  private final GraphqlLexer lexer;
  private Token peeked;
  private Token prev;

  private GraphqlParser(String input) { this.lexer = new GraphqlLexer(input); }

  /** A query document: {@code Operations} and {@code Fragments}. */
  public static Map<String, Object> parseQuery(String input) {
    GraphqlParser p = new GraphqlParser(input);
    try {
      return p.queryDocument();
    } catch (SyntaxError e) {
      throw new ParseException(e.line, e.column, e.getMessage());
    }
  }

  /**
   * A schema document: {@code Schema}, {@code SchemaExtension}, {@code Directives},
   * {@code Definitions}, {@code Extensions}; every definition's {@code BuiltIn} is {@code builtIn}.
   */
  public static Map<String, Object> parseSchema(String input, boolean builtIn) {
    GraphqlParser p = new GraphqlParser(input);
    try {
      Map<String, Object> doc = p.schemaDocument();
      for (String key : List.of("Definitions", "Extensions")) {
        for (Map<String, Object> d : list(doc, key)) {
          d.put("BuiltIn", builtIn);
        }
      }
      return doc;
    } catch (SyntaxError e) {
      throw new ParseException(e.line, e.column, e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> node, String key) {
    Object v = node.get(key);
    return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  // ---------------------------------------------------------------- tokens

  private Token peek() {
    if (peeked == null) {
      peeked = lexer.next();
    }
    return peeked;
  }

  private Token next() {
    Token t = peek();
    peeked = null;
    prev = t;
    return t;
  }

  private SyntaxError error(Token t, String message) { return new SyntaxError(t.line(), t.column(), message); }

  private SyntaxError unexpected(Token t) { return error(t, "Unexpected " + t.describe()); }

  private Token expect(Kind kind) {
    Token t = peek();
    if (t.kind() != kind) {
      throw error(t, "Expected " + kind.display() + ", found " + t.kind().display());
    }
    return next();
  }

  private void expectKeyword(String word) {
    Token t = peek();
    if (t.kind() != Kind.NAME || !t.value().equals(word)) {
      throw error(t, "Expected \"" + word + "\", found " + t.describe());
    }
    next();
  }

  private boolean skip(Kind kind) {
    if (peek().kind() != kind) {
      return false;
    }
    next();
    return true;
  }

  /** Zero or more items between start and end; nothing at all when start is absent. */
  private <T> List<T> many(Kind start, Kind end, java.util.function.Supplier<T> item) {
    List<T> out = new ArrayList<>();
    if (!skip(start)) {
      return out;
    }
    while (peek().kind() != end) {
      out.add(item.get());
    }
    next();
    return out;
  }

  /** One or more items between start and end; nothing at all when start is absent. */
  private <T> List<T> some(Kind start, Kind end, java.util.function.Supplier<T> item) {
    List<T> out = new ArrayList<>();
    if (!skip(start)) {
      return out;
    }
    while (peek().kind() != end) {
      out.add(item.get());
    }
    if (out.isEmpty()) {
      throw error(peek(), "expected at least one definition, found " + peek().kind().display());
    }
    next();
    return out;
  }

  private String name() { return expect(Kind.NAME).value(); }

  private static Map<String, Object> node(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  // ---------------------------------------------------------------- query documents

  private Map<String, Object> queryDocument() {
    List<Object> operations = new ArrayList<>();
    List<Object> fragments = new ArrayList<>();
    while (peek().kind() != Kind.EOF) {
      Token t = peek();
      if (t.kind() == Kind.NAME) {
        switch (t.value()) {
          case "query", "mutation", "subscription" -> operations.add(operationDefinition());
          case "fragment" -> fragments.add(fragmentDefinition());
          default -> throw unexpected(t);
        }
      } else if (t.kind() == Kind.BRACE_L) {
        operations.add(operationDefinition());
      } else {
        throw unexpected(t);
      }
    }
    return node("Operations", operations, "Fragments", fragments);
  }

  private Map<String, Object> operationDefinition() {
    if (peek().kind() == Kind.BRACE_L) {
      return node("Operation", "query", "Name", "", "VariableDefinitions", List.of(), "Directives", List.of(),
          "SelectionSet", requiredSelectionSet());
    }
    String operation = operationType();
    String name = peek().kind() == Kind.NAME ? next().value() : "";
    List<Object> variables = variableDefinitions();
    List<Object> directives = directives(false);
    return node("Operation", operation, "Name", name, "VariableDefinitions", variables, "Directives", directives,
        "SelectionSet", requiredSelectionSet());
  }

  private String operationType() {
    Token t = next();
    return switch (t.value()) {
      case "query", "mutation", "subscription" -> t.value();
      default -> throw unexpected(t);
    };
  }

  private List<Object> variableDefinitions() {
    return many(Kind.PAREN_L, Kind.PAREN_R, () -> {
      String variable = variable();
      expect(Kind.COLON);
      Map<String, Object> type = typeReference();
      Object defaultValue = skip(Kind.EQUALS) ? value(true) : null;
      return node("Variable", variable, "Type", type, "DefaultValue", defaultValue, "Directives", directives(false),
          "Used", false);
    });
  }

  private String variable() {
    expect(Kind.DOLLAR);
    return name();
  }

  private List<Object> requiredSelectionSet() {
    if (peek().kind() != Kind.BRACE_L) {
      throw error(peek(), "Expected {, found " + peek().kind().display());
    }
    return some(Kind.BRACE_L, Kind.BRACE_R, this::selection);
  }

  private Map<String, Object> selection() {
    return peek().kind() == Kind.SPREAD ? fragment() : field();
  }

  private Map<String, Object> field() {
    String alias = name();
    String name = skip(Kind.COLON) ? name() : alias;
    List<Object> arguments = arguments(false);
    List<Object> directives = directives(false);
    List<Object> selections = peek().kind() == Kind.BRACE_L ? some(Kind.BRACE_L, Kind.BRACE_R, this::selection)
        : List.of();
    return node("Alias", alias, "Name", name, "Arguments", arguments, "Directives", directives,
        "SelectionSet", selections);
  }

  private List<Object> arguments(boolean isConst) {
    return many(Kind.PAREN_L, Kind.PAREN_R, () -> {
      String name = name();
      expect(Kind.COLON);
      return node("Name", name, "Value", value(isConst));
    });
  }

  private Map<String, Object> fragment() {
    expect(Kind.SPREAD);
    Token t = peek();
    if (t.kind() == Kind.NAME && !t.value().equals("on")) {
      return node("Name", fragmentName(), "Directives", directives(false));
    }
    String typeCondition = "";
    if (t.value().equals("on")) {
      next();
      typeCondition = name();
    }
    List<Object> directives = directives(false);
    return node("TypeCondition", typeCondition, "Directives", directives, "SelectionSet", requiredSelectionSet());
  }

  private Map<String, Object> fragmentDefinition() {
    expectKeyword("fragment");
    String name = fragmentName();
    List<Object> variables = variableDefinitions();
    expectKeyword("on");
    String typeCondition = name();
    List<Object> directives = directives(false);
    return node("Name", name, "VariableDefinition", variables, "TypeCondition", typeCondition,
        "Directives", directives, "SelectionSet", requiredSelectionSet());
  }

  private String fragmentName() {
    if (peek().value().equals("on")) {
      throw unexpected(peek());
    }
    return name();
  }

  private Map<String, Object> value(boolean isConst) {
    Token t = peek();
    int kind;
    switch (t.kind()) {
      case BRACKET_L:
        return node("Raw", "", "Children", many(Kind.BRACKET_L, Kind.BRACKET_R,
            () -> node("Name", "", "Value", value(isConst))), "Kind", LIST, "ExpectedTypeHasDefault", false);
      case BRACE_L:
        return node("Raw", "", "Children", many(Kind.BRACE_L, Kind.BRACE_R, () -> {
          String name = name();
          expect(Kind.COLON);
          return node("Name", name, "Value", value(isConst));
        }), "Kind", OBJECT, "ExpectedTypeHasDefault", false);
      case DOLLAR:
        if (isConst) {
          throw unexpected(t);
        }
        return node("Raw", variable(), "Kind", VARIABLE, "ExpectedTypeHasDefault", false);
      case INT:
        kind = INT;
        break;
      case FLOAT:
        kind = FLOAT;
        break;
      case STRING:
        kind = STRING;
        break;
      case BLOCK_STRING:
        kind = BLOCK;
        break;
      case NAME:
        kind = switch (t.value()) {
          case "true", "false" -> BOOLEAN;
          case "null" -> NULL;
          default -> ENUM;
        };
        break;
      default:
        throw unexpected(t);
    }
    next();
    return node("Raw", t.value(), "Kind", kind, "ExpectedTypeHasDefault", false);
  }

  private List<Object> directives(boolean isConst) {
    List<Object> out = new ArrayList<>();
    while (peek().kind() == Kind.AT) {
      next();
      String name = name();
      out.add(node("Name", name, "Arguments", arguments(isConst), "Location", ""));
    }
    return out;
  }

  private Map<String, Object> typeReference() {
    Map<String, Object> type;
    if (skip(Kind.BRACKET_L)) {
      Map<String, Object> elem = typeReference();
      expect(Kind.BRACKET_R);
      type = node("NamedType", "", "Elem", elem, "NonNull", false);
    } else {
      type = node("NamedType", name(), "NonNull", false);
    }
    if (skip(Kind.BANG)) {
      type.put("NonNull", true);
    }
    return type;
  }

  // ---------------------------------------------------------------- schema documents

  private Map<String, Object> schemaDocument() {
    List<Object> schema = new ArrayList<>();
    List<Object> schemaExtensions = new ArrayList<>();
    List<Object> directives = new ArrayList<>();
    List<Object> definitions = new ArrayList<>();
    List<Object> extensions = new ArrayList<>();
    while (peek().kind() != Kind.EOF) {
      String description = "";
      if (peek().kind() == Kind.STRING || peek().kind() == Kind.BLOCK_STRING) {
        description = next().value();
      }
      Token t = peek();
      if (t.kind() != Kind.NAME) {
        throw unexpected(t);
      }
      switch (t.value()) {
        case "scalar", "type", "interface", "union", "enum", "input" -> definitions.add(typeDefinition(description));
        case "schema" -> schema.add(schemaDefinition(description));
        case "directive" -> directives.add(directiveDefinition(description));
        case "extend" -> {
          if (!description.isEmpty()) {
            throw unexpected(prev);
          }
          next();
          Token what = peek();
          switch (what.value()) {
            case "schema" -> schemaExtensions.add(schemaExtension());
            case "scalar", "type", "interface", "union", "enum", "input" -> extensions.add(typeExtension(what.value()));
            default -> throw unexpected(what);
          }
        }
        default -> throw unexpected(t);
      }
    }
    return node("Schema", schema, "SchemaExtension", schemaExtensions, "Directives", directives,
        "Definitions", definitions, "Extensions", extensions);
  }

  private Map<String, Object> schemaDefinition(String description) {
    expectKeyword("schema");
    List<Object> directives = directives(true);
    List<Object> operations = some(Kind.BRACE_L, Kind.BRACE_R, this::operationTypeDefinition);
    return node("Description", description, "Directives", directives, "OperationTypes", operations);
  }

  private Map<String, Object> schemaExtension() {
    expectKeyword("schema");
    List<Object> directives = directives(true);
    List<Object> operations = some(Kind.BRACE_L, Kind.BRACE_R, this::operationTypeDefinition);
    if (directives.isEmpty() && operations.isEmpty()) {
      throw unexpected(peek());
    }
    return node("Description", "", "Directives", directives, "OperationTypes", operations);
  }

  private Map<String, Object> operationTypeDefinition() {
    String operation = operationType();
    expect(Kind.COLON);
    return node("Operation", operation, "Type", name());
  }

  private static Map<String, Object> definition(String kind, String description, String name) {
    return node("Kind", kind, "Description", description, "Name", name, "Directives", List.of(),
        "Interfaces", List.of(), "Fields", List.of(), "Types", List.of(), "EnumValues", List.of(), "BuiltIn", false);
  }

  private Map<String, Object> typeDefinition(String description) {
    String keyword = next().value();
    Map<String, Object> def = definition(kindOf(keyword), description, name());
    switch (keyword) {
      case "scalar" -> def.put("Directives", directives(true));
      case "type", "interface" -> {
        def.put("Interfaces", implementsInterfaces());
        def.put("Directives", directives(true));
        def.put("Fields", some(Kind.BRACE_L, Kind.BRACE_R, this::fieldDefinition));
      }
      case "union" -> {
        def.put("Directives", directives(true));
        def.put("Types", unionMemberTypes());
      }
      case "enum" -> {
        def.put("Directives", directives(true));
        def.put("EnumValues", some(Kind.BRACE_L, Kind.BRACE_R, this::enumValueDefinition));
      }
      default -> {
        def.put("Directives", directives(true));
        def.put("Fields", some(Kind.BRACE_L, Kind.BRACE_R, this::inputValueDefinition));
      }
    }
    return def;
  }

  private Map<String, Object> typeExtension(String keyword) {
    next();
    Map<String, Object> def = definition(kindOf(keyword), "", name());
    boolean empty;
    switch (keyword) {
      case "scalar" -> {
        def.put("Directives", directives(true));
        empty = list(def, "Directives").isEmpty();
      }
      case "type" -> {
        def.put("Interfaces", implementsInterfaces());
        def.put("Directives", directives(true));
        def.put("Fields", some(Kind.BRACE_L, Kind.BRACE_R, this::fieldDefinition));
        empty = ((List<?>) def.get("Interfaces")).isEmpty() && list(def, "Directives").isEmpty()
            && list(def, "Fields").isEmpty();
      }
      case "interface" -> {
        def.put("Directives", directives(true));
        def.put("Fields", some(Kind.BRACE_L, Kind.BRACE_R, this::fieldDefinition));
        empty = list(def, "Directives").isEmpty() && list(def, "Fields").isEmpty();
      }
      case "union" -> {
        def.put("Directives", directives(true));
        def.put("Types", unionMemberTypes());
        empty = list(def, "Directives").isEmpty() && ((List<?>) def.get("Types")).isEmpty();
      }
      case "enum" -> {
        def.put("Directives", directives(true));
        def.put("EnumValues", some(Kind.BRACE_L, Kind.BRACE_R, this::enumValueDefinition));
        empty = list(def, "Directives").isEmpty() && list(def, "EnumValues").isEmpty();
      }
      default -> {
        def.put("Directives", directives(false));
        def.put("Fields", some(Kind.BRACE_L, Kind.BRACE_R, this::inputValueDefinition));
        empty = list(def, "Directives").isEmpty() && list(def, "Fields").isEmpty();
      }
    }
    if (empty) {
      throw unexpected(peek());
    }
    return def;
  }

  private static String kindOf(String keyword) {
    return switch (keyword) {
      case "scalar" -> "SCALAR";
      case "type" -> "OBJECT";
      case "interface" -> "INTERFACE";
      case "union" -> "UNION";
      case "enum" -> "ENUM";
      default -> "INPUT_OBJECT";
    };
  }

  private List<Object> implementsInterfaces() {
    List<Object> types = new ArrayList<>();
    if (peek().value().equals("implements")) {
      next();
      skip(Kind.AMP);
      types.add(name());
      while (skip(Kind.AMP)) {
        types.add(name());
      }
    }
    return types;
  }

  private List<Object> unionMemberTypes() {
    List<Object> types = new ArrayList<>();
    if (skip(Kind.EQUALS)) {
      skip(Kind.PIPE);
      types.add(name());
      while (skip(Kind.PIPE)) {
        types.add(name());
      }
    }
    return types;
  }

  private String description() {
    Kind k = peek().kind();
    return k == Kind.STRING || k == Kind.BLOCK_STRING ? next().value() : "";
  }

  private Map<String, Object> fieldDefinition() {
    String description = description();
    String name = name();
    List<Object> arguments = some(Kind.PAREN_L, Kind.PAREN_R, this::argumentDefinition);
    expect(Kind.COLON);
    Map<String, Object> type = typeReference();
    return node("Description", description, "Name", name, "Arguments", arguments, "Type", type,
        "Directives", directives(true));
  }

  private Map<String, Object> argumentDefinition() {
    String description = description();
    String name = name();
    expect(Kind.COLON);
    Map<String, Object> type = typeReference();
    Object defaultValue = skip(Kind.EQUALS) ? value(true) : null;
    return node("Description", description, "Name", name, "DefaultValue", defaultValue, "Type", type,
        "Directives", directives(true));
  }

  private Map<String, Object> inputValueDefinition() {
    String description = description();
    String name = name();
    expect(Kind.COLON);
    Map<String, Object> type = typeReference();
    Object defaultValue = skip(Kind.EQUALS) ? value(true) : null;
    return node("Description", description, "Name", name, "DefaultValue", defaultValue, "Type", type,
        "Directives", directives(true));
  }

  private Map<String, Object> enumValueDefinition() {
    String description = description();
    String name = name();
    return node("Description", description, "Name", name, "Directives", directives(true));
  }

  private Map<String, Object> directiveDefinition(String description) {
    expectKeyword("directive");
    expect(Kind.AT);
    String name = name();
    List<Object> arguments = some(Kind.PAREN_L, Kind.PAREN_R, this::argumentDefinition);
    boolean repeatable = false;
    if (peek().kind() == Kind.NAME && peek().value().equals("repeatable")) {
      repeatable = true;
      next();
    }
    expectKeyword("on");
    skip(Kind.PIPE);
    List<Object> locations = new ArrayList<>();
    locations.add(directiveLocation());
    while (skip(Kind.PIPE)) {
      locations.add(directiveLocation());
    }
    return node("Description", description, "Name", name, "Arguments", arguments, "Locations", locations,
        "IsRepeatable", repeatable);
  }

  private String directiveLocation() {
    Token t = expect(Kind.NAME);
    if (!LOCATIONS.contains(t.value())) {
      throw unexpected(t);
    }
    return t.value();
  }
}
