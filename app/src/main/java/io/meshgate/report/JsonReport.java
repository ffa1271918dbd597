package io.meshgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meshgate.check.Violation;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract's shape, keys in this order: {@code {"ok", "violations": [{"rule", "severity",
 * "message", "file", "line", "column", "kind", "name", "field"}]}} ({@code field} is an extension).
 */
final class JsonReport implements ReportWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public String write(Report report) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("ok", report.ok());
    List<Map<String, Object>> violations = new ArrayList<>();
    for (Violation violation : report.violations()) {
      violations.add(toMap(violation));
    }
    root.put("violations", violations);
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> toMap(Violation violation) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("rule", violation.rule());
    entry.put("severity", violation.severity().label());
    entry.put("message", violation.message());
    entry.put("file", violation.file());
    entry.put("line", violation.line());
    entry.put("column", violation.column());
    entry.put("kind", violation.kind());
    entry.put("name", violation.name());
    entry.put("field", violation.field());
    return entry;
  }
}
