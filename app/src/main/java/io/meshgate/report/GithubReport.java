package io.meshgate.report;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;

/**
 * GitHub Actions workflow commands, {@code ::error file=intents/x.yaml,line=7,col=14,title=MG-SCHEMA::msg},
 * so findings show as annotations on the pull request; then the summary as a plain log line.
 */
final class GithubReport implements ReportWriter {
  @Override
  public String write(Report report) {
    StringBuilder out = new StringBuilder();
    for (Violation violation : report.violations()) {
      out.append("::").append(violation.severity() == Severity.ERROR ? "error" : "warning").append(' ');
      StringBuilder properties = new StringBuilder();
      if (violation.file() != null) {
        properties.append("file=").append(escapeProperty(violation.file()));
        if (violation.line() > 0) {
          properties.append(",line=").append(violation.line());
          properties.append(",col=").append(Math.max(1, violation.column()));
        }
        properties.append(',');
      }
      properties.append("title=").append(escapeProperty(violation.rule()));
      out.append(properties).append("::").append(escapeData(violation.message())).append('\n');
    }
    return out.append(report.summary()).append('\n').toString();
  }

  /** Message text: {@code %}, CR and LF are encoded (as the Actions toolkit does). */
  static String escapeData(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  /** Property values additionally encode {@code :} and {@code ,}, which delimit properties. */
  static String escapeProperty(String text) {
    return escapeData(text).replace(":", "%3A").replace(",", "%2C");
  }
}
