package io.meshgate.report;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ASCII table as conftest's {@code --output table} prints it: RESULT, FILE, RULE, MESSAGE, one row
 * per violation ({@code failure} or {@code warning}) and one {@code success} row per clean file.
 */
final class TableReport implements ReportWriter {
  private static final List<String> HEADER = List.of("RESULT", "FILE", "RULE", "MESSAGE");

  @Override
  public String write(Report report) {
    List<List<String>> rows = new ArrayList<>();
    Set<String> withViolations = new HashSet<>();
    for (Violation violation : report.violations()) {
      withViolations.add(violation.file());
      String where = violation.file() == null ? ""
          : violation.file() + (violation.line() > 0 ? ":" + violation.line() + ":" + Math.max(1, violation.column()) : "");
      rows.add(List.of(violation.severity() == Severity.ERROR ? "failure" : "warning", where, violation.rule(),
          oneLine(violation.message())));
    }
    for (String file : report.files()) {
      if (!withViolations.contains(file)) {
        rows.add(List.of("success", file, "", ""));
      }
    }
    int[] width = new int[HEADER.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = HEADER.get(c).length();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).codePointCount(0, row.get(c).length()));
      }
    }
    StringBuilder out = new StringBuilder();
    String rule = border(width);
    out.append(rule).append(line(HEADER, width)).append(rule);
    for (List<String> row : rows) {
      out.append(line(row, width));
    }
    if (!rows.isEmpty()) {
      out.append(rule);
    }
    return out.append(report.summary()).append('\n').toString();
  }

  private static String border(int[] width) {
    StringBuilder s = new StringBuilder("+");
    for (int w : width) {
      s.append("-".repeat(w + 2)).append('+');
    }
    return s.append('\n').toString();
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder s = new StringBuilder("|");
    for (int c = 0; c < width.length; c++) {
      String cell = cells.get(c);
      s.append(' ').append(cell).append(" ".repeat(width[c] - cell.codePointCount(0, cell.length()))).append(" |");
    }
    return s.append('\n').toString();
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }
}
