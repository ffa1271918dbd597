package io.meshgate.report;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;

/**
 * Compiler-style lines, {@code intents/sleep.yaml:7:14: MG-SCHEMA: message} (warnings as
 * {@code MG-XXX (warning)}), then a summary line.
 */
final class TextReport implements ReportWriter {
  @Override
  public String write(Report report) {
    StringBuilder out = new StringBuilder();
    for (Violation violation : report.violations()) {
      out.append(location(violation))
          .append(violation.rule())
          .append(violation.severity() == Severity.WARNING ? " (warning)" : "")
          .append(": ")
          .append(oneLine(violation.message()))
          .append('\n');
    }
    return out.append(report.summary()).append('\n').toString();
  }

  private static String location(Violation violation) {
    if (violation.file() == null) {
      return "";
    }
    if (violation.line() <= 0) {
      return violation.file() + ": ";
    }
    return violation.file() + ":" + violation.line() + ":" + Math.max(1, violation.column()) + ": ";
  }

  /** One violation, one line: editors and grep rely on it. */
  private static String oneLine(String message) {
    return message == null ? "" : message.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }
}
