package io.meshgate.rego.builtins;

import graphql.language.Document;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import graphql.validation.ValidationError;
import io.meshgate.rego.builtins.graphql.GraphqlParser;
import io.meshgate.rego.builtins.graphql.GraphqlSchema;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * graphql.parse_query, parse_schema, parse, parse_and_verify, is_valid and schema_is_valid, as
 * OPA's topdown/graphql.go: documents are read the way gqlparser reads them and come back in its
 * JSON shape with empty and null fields and positions pruned; schemas are checked with gqlparser's
 * schema rules ({@link GraphqlSchema}); queries are validated against the schema by graphql-java's
 * validator (the GraphQL specification's validation rules). Queries and schemas may be given as
 * text or as the objects these built-ins return.
 */
public final class GraphqlBuiltins {
  private GraphqlBuiltins() {}

  /** The query root graphql-java is given when the schema defines none (it cannot be queried). */
  private static final String NO_QUERY_ROOT = "MeshgateSchemaWithoutQueryRoot";

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("graphql.parse_query", 1, (ctx, a) -> {
      String fn = "graphql.parse_query";
      return pruned(parseQuery(fn, Args.string(fn, a, 1)));
    }));
    table.register(Builtin.of("graphql.parse_schema", 1, (ctx, a) -> {
      String fn = "graphql.parse_schema";
      return pruned(parseSchema(fn, Args.string(fn, a, 1)));
    }));
    table.register(Builtin.of("graphql.parse", 2, (ctx, a) -> {
      String fn = "graphql.parse";
      Map<String, Object> query = queryOperand(fn, a.get(0), 1);
      Map<String, Object> schemaDoc = schemaOperand(fn, a.get(1), 2);
      validateQuery(fn, schema(fn, schemaDoc), query);
      return ArrayValue.of(List.of(pruned(query), pruned(schemaDoc)));
    }));
    table.register(Builtin.of("graphql.parse_and_verify", 2, (ctx, a) -> {
      String fn = "graphql.parse_and_verify";
      try {
        Map<String, Object> query = queryOperand(fn, a.get(0), 1);
        Map<String, Object> schemaDoc = schemaOperand(fn, a.get(1), 2);
        validateQuery(fn, schema(fn, schemaDoc), query);
        return ArrayValue.of(List.of(BoolValue.TRUE, pruned(query), pruned(schemaDoc)));
      } catch (BuiltinException e) {
        return ArrayValue.of(List.of(BoolValue.FALSE, ObjectValue.EMPTY, ObjectValue.EMPTY));
      }
    }));
    table.register(Builtin.of("graphql.is_valid", 2, (ctx, a) -> {
      String fn = "graphql.is_valid";
      try {
        Map<String, Object> query = queryOperand(fn, a.get(0), 1);
        validateQuery(fn, schema(fn, schemaOperand(fn, a.get(1), 2)), query);
        return BoolValue.TRUE;
      } catch (BuiltinException e) {
        return BoolValue.FALSE;
      }
    }));
    table.register(Builtin.of("graphql.schema_is_valid", 1, (ctx, a) -> {
      String fn = "graphql.schema_is_valid";
      try {
        schema(fn, schemaOperand(fn, a.get(0), 1));
        return BoolValue.TRUE;
      } catch (BuiltinException e) {
        return BoolValue.FALSE;
      }
    }));
  }

  private static Map<String, Object> parseQuery(String fn, String text) {
    try {
      return GraphqlParser.parseQuery(text);
    } catch (GraphqlParser.ParseException e) {
      throw Args.failure(fn, e.getMessage() + " in GraphQL string at location " + e.line + ":" + e.column);
    }
  }

  private static Map<String, Object> parseSchema(String fn, String text) {
    try {
      return GraphqlParser.parseSchema(text, false);
    } catch (GraphqlParser.ParseException e) {
      throw Args.failure(fn, e.getMessage() + " in GraphQL string at location " + e.line + ":" + e.column);
    }
  }

  /** A query as text, or as the object graphql.parse_query returns. */
  private static Map<String, Object> queryOperand(String fn, Value v, int pos) {
    if (v instanceof StringValue s) {
      return parseQuery(fn, s.value());
    }
    if (v instanceof ObjectValue o) {
      return javaMap(o);
    }
    throw Args.type(fn, pos, v, "string", "object");
  }

  private static Map<String, Object> schemaOperand(String fn, Value v, int pos) {
    if (v instanceof StringValue s) {
      return parseSchema(fn, s.value());
    }
    if (v instanceof ObjectValue o) {
      return javaMap(o);
    }
    throw Args.type(fn, pos, v, "string", "object");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> javaMap(ObjectValue o) {
    return (Map<String, Object>) o.toJava();
  }

  private static GraphqlSchema schema(String fn, Map<String, Object> document) {
    try {
      return GraphqlSchema.validate(document);
    } catch (GraphqlSchema.InvalidSchemaException | GraphqlParser.ParseException | ClassCastException e) {
      throw Args.failure(fn, "Error in gqlparser SchemaDocument to Schema conversion: " + e.getMessage());
    }
  }

  /** The query against the schema: operation roots the schema lacks, then the specification's rules. */
  private static void validateQuery(String fn, GraphqlSchema schema, Map<String, Object> query) {
    List<Map<String, Object>> operations = listOf(query.get("Operations"));
    if (operations.isEmpty() && listOf(query.get("Fragments")).isEmpty()) {
      return; // an empty document has nothing to reject
    }
    for (Map<String, Object> op : operations) {
      String kind = op.get("Operation") instanceof String s ? s : "query";
      String root = switch (kind) {
        case "mutation" -> schema.mutationType();
        case "subscription" -> schema.subscriptionType();
        default -> schema.queryType();
      };
      if (root == null) {
        throw Args.failure(fn, "Schema does not support operation type \"" + kind + "\" in GraphQL query string");
      }
    }
    List<ValidationError> errors;
    try {
      GraphQLSchema compiled = UnExecutableSchemaGenerator.makeUnExecutableSchema(
          new SchemaParser().parse(schema.sdl(NO_QUERY_ROOT)));
      Document document = graphql.parser.Parser.parse(io.meshgate.rego.builtins.graphql.GraphqlPrinter.query(query));
      errors = graphql.ParseAndValidate.validate(compiled, document, Locale.ENGLISH);
    } catch (RuntimeException e) {
      throw Args.failure(fn, "invalid GraphQL query or schema: " + e.getMessage());
    }
    if (!errors.isEmpty()) {
      ValidationError first = errors.get(0);
      String where = first.getLocations() == null || first.getLocations().isEmpty() ? ""
          : " at location " + first.getLocations().get(0).getLine() + ":" + first.getLocations().get(0).getColumn();
      throw Args.failure(fn, first.getDescription() + " in GraphQL query string" + where);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> listOf(Object o) {
    return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  /** As OPA returns syntax trees: null values, empty lists and objects, and positions removed. */
  private static Value pruned(Map<String, Object> tree) {
    Object p = prune(tree);
    return Value.of(p == null ? Map.of() : p);
  }

  private static Object prune(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if ("Position".equals(e.getKey())) {
          continue;
        }
        Object v = prune(e.getValue());
        if (v != null) {
          out.put(String.valueOf(e.getKey()), v);
        }
      }
      return out.isEmpty() ? null : out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object e : l) {
        Object v = prune(e);
        if (v != null) {
          out.add(v);
        }
      }
      return out.isEmpty() ? null : out;
    }
    return o;
  }
}
