package io.meshgate.rego.builtins.graphql;

import static io.meshgate.rego.builtins.graphql.GraphqlParser.list;

import java.util.List;
import java.util.Map;

/** Writes a query document in gqlparser's shape back as GraphQL text, for graphql-java's validator. */
public final class GraphqlPrinter {
  private GraphqlPrinter() {}

  private static String str(Map<?, ?> m, String key) { return m.get(key) instanceof String s ? s : ""; }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) { return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null; }

  public static String query(Map<String, Object> doc) {
    StringBuilder sb = new StringBuilder();
    for (Map<String, Object> op : list(doc, "Operations")) {
      sb.append(str(op, "Operation").isEmpty() ? "query" : str(op, "Operation"));
      if (!str(op, "Name").isEmpty()) {
        sb.append(' ').append(str(op, "Name"));
      }
      variableDefinitions(list(op, "VariableDefinitions"), sb);
      directives(list(op, "Directives"), sb);
      selectionSet(list(op, "SelectionSet"), sb);
      sb.append('\n');
    }
    for (Map<String, Object> f : list(doc, "Fragments")) {
      sb.append("fragment ").append(str(f, "Name"));
      variableDefinitions(list(f, "VariableDefinition"), sb);
      sb.append(" on ").append(str(f, "TypeCondition"));
      directives(list(f, "Directives"), sb);
      selectionSet(list(f, "SelectionSet"), sb);
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void variableDefinitions(List<Map<String, Object>> defs, StringBuilder sb) {
    if (defs.isEmpty()) {
      return;
    }
    sb.append('(');
    for (int i = 0; i < defs.size(); i++) {
      Map<String, Object> d = defs.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append('$').append(str(d, "Variable")).append(": ");
      Map<String, Object> type = map(d.get("Type"));
      sb.append(type == null ? "" : GraphqlSchema.typeText(type));
      Map<String, Object> dv = map(d.get("DefaultValue"));
      if (dv != null) {
        sb.append(" = ").append(value(dv));
      }
      directives(list(d, "Directives"), sb);
    }
    sb.append(')');
  }

  private static void selectionSet(List<Map<String, Object>> selections, StringBuilder sb) {
    if (selections.isEmpty()) {
      return;
    }
    sb.append(" {");
    for (Map<String, Object> s : selections) {
      sb.append(' ');
      // a field has an alias (its name when none was written), an inline fragment a type condition
      // or a selection set, a fragment spread only a name
      if (s.containsKey("Alias")) {
        field(s, sb);
      } else if (!s.containsKey("TypeCondition") && !s.containsKey("SelectionSet")) {
        sb.append("...").append(str(s, "Name"));
        directives(list(s, "Directives"), sb);
      } else {
        sb.append("...");
        if (!str(s, "TypeCondition").isEmpty()) {
          sb.append(" on ").append(str(s, "TypeCondition"));
        }
        directives(list(s, "Directives"), sb);
        selectionSet(list(s, "SelectionSet"), sb);
      }
    }
    sb.append(" }");
  }

  private static void field(Map<String, Object> f, StringBuilder sb) {
    String alias = str(f, "Alias");
    String name = str(f, "Name");
    if (!alias.isEmpty() && !alias.equals(name)) {
      sb.append(alias).append(": ");
    }
    sb.append(name);
    arguments(list(f, "Arguments"), sb);
    directives(list(f, "Directives"), sb);
    selectionSet(list(f, "SelectionSet"), sb);
  }

  static void arguments(List<Map<String, Object>> args, StringBuilder sb) {
    if (args.isEmpty()) {
      return;
    }
    sb.append('(');
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Map<String, Object> a = args.get(i);
      sb.append(str(a, "Name")).append(": ");
      Map<String, Object> v = map(a.get("Value"));
      sb.append(v == null ? "null" : value(v));
    }
    sb.append(')');
  }

  private static void directives(List<Map<String, Object>> dirs, StringBuilder sb) {
    for (Map<String, Object> d : dirs) {
      sb.append(" @").append(str(d, "Name"));
      arguments(list(d, "Arguments"), sb);
    }
  }

  /** A value literal; gqlparser's value kinds are numbers (0 variable ... 9 object). */
  @SuppressWarnings("unchecked")
  static String value(Map<?, ?> v) {
    int kind = v.get("Kind") instanceof Number n ? n.intValue() : GraphqlParser.VARIABLE;
    String raw = str(v, "Raw");
    switch (kind) {
      case GraphqlParser.VARIABLE:
        return "$" + raw;
      case GraphqlParser.STRING:
      case GraphqlParser.BLOCK:
        return io.meshgate.rego.value.Json.quote(raw);
      case GraphqlParser.LIST: {
        StringBuilder sb = new StringBuilder("[");
        for (Map<String, Object> c : list((Map<String, Object>) v, "Children")) {
          if (sb.length() > 1) {
            sb.append(", ");
          }
          Map<String, Object> cv = map(c.get("Value"));
          sb.append(cv == null ? "null" : value(cv));
        }
        return sb.append(']').toString();
      }
      case GraphqlParser.OBJECT: {
        StringBuilder sb = new StringBuilder("{");
        for (Map<String, Object> c : list((Map<String, Object>) v, "Children")) {
          if (sb.length() > 1) {
            sb.append(", ");
          }
          Map<String, Object> cv = map(c.get("Value"));
          sb.append(str(c, "Name")).append(": ").append(cv == null ? "null" : value(cv));
        }
        return sb.append('}').toString();
      }
      default:
        return raw;
    }
  }
}
