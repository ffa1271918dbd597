package io.meshgate.rego.cli;

import io.meshgate.rego.PreparedQuery;
import io.meshgate.rego.QueryResult;
import io.meshgate.rego.ast.Loc;
import io.meshgate.rego.builtins.EncodingBuiltins;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What {@code opa eval} prints for a query's results, so that the two engines' answers can be
 * compared as text: {@code --format json} (Go's MarshalIndent of OPA's ResultSet, fields in its
 * order) and {@code --format pretty}.
 */
final class EvalOutput {
  private EvalOutput() {}

  private static final String INDENT = "  ";

  /** {@code {"result": [...]}}, or {@code {}} when the query is undefined. */
  static String json(PreparedQuery q, QueryResult r) {
    if (r.isEmpty()) {
      return "{}";
    }
    List<String> texts = q.expressionTexts();
    List<Loc> locs = q.expressionLocations();
    StringBuilder sb = new StringBuilder("{\n").append(INDENT).append("\"result\": [\n");
    for (int i = 0; i < r.size(); i++) {
      String pad = INDENT.repeat(2);
      sb.append(pad).append("{\n");
      sb.append(pad).append(INDENT).append("\"expressions\": [\n");
      List<Value> exprs = r.expressions().get(i);
      for (int j = 0; j < exprs.size(); j++) {
        String epad = INDENT.repeat(4);
        sb.append(epad).append("{\n");
        sb.append(epad).append(INDENT).append("\"value\": ")
            .append(EncodingBuiltins.writeJson(exprs.get(j), epad + INDENT, INDENT)).append(",\n");
        sb.append(epad).append(INDENT).append("\"text\": ").append(quote(j < texts.size() ? texts.get(j) : ""))
            .append(",\n");
        Loc loc = j < locs.size() ? locs.get(j) : new Loc("query", 1, 1);
        sb.append(epad).append(INDENT).append("\"location\": {\n");
        sb.append(epad).append(INDENT.repeat(2)).append("\"row\": ").append(loc.line()).append(",\n");
        sb.append(epad).append(INDENT.repeat(2)).append("\"col\": ").append(loc.column()).append('\n');
        sb.append(epad).append(INDENT).append("}\n");
        sb.append(epad).append('}').append(j + 1 < exprs.size() ? ",\n" : "\n");
      }
      sb.append(pad).append(INDENT).append(']');
      Map<String, Value> bindings = r.bindings().get(i);
      if (!bindings.isEmpty()) {
        sb.append(",\n").append(pad).append(INDENT).append("\"bindings\": {\n");
        List<String> names = new ArrayList<>(new TreeSet<>(bindings.keySet()));
        for (int k = 0; k < names.size(); k++) {
          String bpad = pad + INDENT.repeat(2);
          sb.append(bpad).append(quote(names.get(k))).append(": ")
              .append(EncodingBuiltins.writeJson(bindings.get(names.get(k)), bpad, INDENT))
              .append(k + 1 < names.size() ? ",\n" : "\n");
        }
        sb.append(pad).append(INDENT).append('}');
      }
      sb.append('\n').append(pad).append('}').append(i + 1 < r.size() ? ",\n" : "\n");
    }
    return sb.append(INDENT).append("]\n}").toString();
  }

  private static String quote(String s) {
    return EncodingBuiltins.writeJson(new io.meshgate.rego.value.StringValue(s), "", null);
  }

  /**
   * OPA's pretty output: {@code undefined}; the value of a single expression without bindings
   * (indented JSON); otherwise a table with a column per variable and per expression whose value
   * is not {@code true}.
   */
  static String pretty(PreparedQuery q, QueryResult r) {
    if (r.isEmpty()) {
      return "undefined";
    }
    if (r.size() == 1 && r.bindings().get(0).isEmpty()) {
      List<Value> exprs = r.expressions().get(0);
      if (exprs.size() == 1 || exprs.stream().allMatch(v -> v instanceof BoolValue)) {
        return EncodingBuiltins.writeJson(exprs.get(0), "", INDENT);
      }
    }
    List<String> columns = new ArrayList<>(new TreeSet<>(r.bindings().isEmpty() ? List.of() : allNames(r)));
    List<Integer> exprColumns = new ArrayList<>();
    int exprCount = r.expressions().get(0).size();
    for (int j = 0; j < exprCount; j++) {
      for (List<Value> row : r.expressions()) {
        if (j < row.size() && !BoolValue.TRUE.equals(row.get(j))) {
          exprColumns.add(j);
          break;
        }
      }
    }
    List<String> header = new ArrayList<>(columns);
    for (int j : exprColumns) {
      header.add(j < q.expressionTexts().size() ? q.expressionTexts().get(j) : "");
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      List<String> row = new ArrayList<>();
      for (String c : columns) {
        Value v = r.bindings().get(i).get(c);
        row.add(v == null ? "" : EncodingBuiltins.writeJson(v, "", null));
      }
      for (int j : exprColumns) {
        row.add(EncodingBuiltins.writeJson(r.expressions().get(i).get(j), "", null));
      }
      rows.add(row);
    }
    return table(header, rows);
  }

  private static List<String> allNames(QueryResult r) {
    List<String> names = new ArrayList<>();
    r.bindings().forEach(b -> names.addAll(b.keySet()));
    return names;
  }

  private static String table(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int c = 0; c < header.size(); c++) {
      width[c] = header.get(c).length();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder line = new StringBuilder("+");
    for (int w : width) {
      line.append("-".repeat(w + 2)).append('+');
    }
    StringBuilder sb = new StringBuilder();
    sb.append(line).append('\n').append(rowText(header, width)).append('\n').append(line).append('\n');
    for (List<String> row : rows) {
      sb.append(rowText(row, width)).append('\n');
    }
    return sb.append(line).toString();
  }

  private static String rowText(List<String> cells, int[] width) {
    StringBuilder sb = new StringBuilder("|");
    for (int c = 0; c < cells.size(); c++) {
      sb.append(' ').append(cells.get(c)).append(" ".repeat(width[c] - cells.get(c).length())).append(" |");
    }
    return sb.toString();
  }
}
