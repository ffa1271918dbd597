package io.meshgate.report;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JUnit XML as conftest writes it: one testsuite; one passing testcase per clean file; one testcase
 * per violation, failing for errors (warnings pass and show in system-out).
 */
final class JunitReport implements ReportWriter {
  @Override
  public String write(Report report) {
    Map<String, List<Violation>> byFile = new LinkedHashMap<>();
    for (String file : report.files()) {
      byFile.put(file, new ArrayList<>());
    }
    List<Violation> unplaced = new ArrayList<>();
    for (Violation violation : report.violations()) {
      if (violation.file() == null) {
        unplaced.add(violation);
      } else {
        byFile.computeIfAbsent(violation.file(), f -> new ArrayList<>()).add(violation);
      }
    }
    StringBuilder cases = new StringBuilder();
    int tests = 0;
    for (Violation violation : unplaced) {
      tests++;
      appendCase(cases, "meshgate", violation);
    }
    for (Map.Entry<String, List<Violation>> entry : byFile.entrySet()) {
      if (entry.getValue().isEmpty()) {
        tests++;
        cases.append("    <testcase classname=\"").append(Xml.escape(entry.getKey())).append("\" name=\"")
            .append(Xml.escape(entry.getKey())).append("\"/>\n");
      }
      for (Violation violation : entry.getValue()) {
        tests++;
        appendCase(cases, entry.getKey(), violation);
      }
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<testsuites name=\"meshgate\" tests=\"" + tests + "\" failures=\"" + report.errors() + "\">\n"
        + "  <testsuite name=\"meshgate\" tests=\"" + tests + "\" failures=\"" + report.errors()
        + "\" errors=\"0\" skipped=\"0\">\n"
        + cases
        + "  </testsuite>\n"
        + "</testsuites>\n";
  }

  private static void appendCase(StringBuilder out, String classname, Violation violation) {
    String where = violation.file() == null ? "" : violation.file() + ":" + violation.line() + ":" + violation.column();
    String name = violation.rule() + (where.isEmpty() ? "" : " at " + where);
    String text = (where.isEmpty() ? "" : where + ": ") + violation.rule() + ": " + violation.message();
    out.append("    <testcase classname=\"").append(Xml.escape(classname)).append("\" name=\"").append(Xml.escape(name)).append("\">\n");
    if (violation.severity() == Severity.ERROR) {
      out.append("      <failure type=\"").append(Xml.escape(violation.rule())).append("\" message=\"")
          .append(Xml.escape(violation.message())).append("\">").append(Xml.escape(text)).append("</failure>\n");
    } else {
      out.append("      <system-out>warning: ").append(Xml.escape(text)).append("</system-out>\n");
    }
    out.append("    </testcase>\n");
  }
}
