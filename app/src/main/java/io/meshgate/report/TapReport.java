package io.meshgate.report;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TAP version 13 as conftest writes it: one test point per violation (errors {@code not ok}; warnings
 * {@code not ok ... # TODO warning}, which TAP consumers do not count as failures) and one {@code ok}
 * per file without violations; the plan first.
 */
final class TapReport implements ReportWriter {
  @Override
  public String write(Report report) {
    Set<String> withViolations = new HashSet<>();
    report.violations().forEach(v -> withViolations.add(v.file()));
    List<String> clean = report.files().stream().filter(f -> !withViolations.contains(f)).toList();
    StringBuilder out = new StringBuilder("TAP version 13\n1..")
        .append(report.violations().size() + clean.size()).append('\n');
    int n = 0;
    for (Violation violation : report.violations()) {
      n++;
      String where = violation.file() == null ? "meshgate"
          : violation.file() + (violation.line() > 0 ? ":" + violation.line() + ":" + Math.max(1, violation.column()) : "");
      out.append("not ok ").append(n).append(" - ").append(escape(where)).append(" - ").append(escape(violation.rule()))
          .append(" - ").append(escape(violation.message()));
      if (violation.severity() == Severity.WARNING) {
        out.append(" # TODO warning");
      }
      out.append('\n');
    }
    for (String file : clean) {
      out.append("ok ").append(++n).append(" - ").append(escape(file)).append('\n');
    }
    return out.append("# ").append(report.summary()).append('\n').toString();
  }

  /** A description is one line, and {@code #} would start a directive. */
  private static String escape(String text) {
    return text == null ? "" : text.replace("\\", "\\\\").replace("#", "\\#").replace("\r\n", " ")
        .replace('\n', ' ').replace('\r', ' ');
  }
}
