package io.meshgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** SARIF 2.1.0 for GitHub code scanning: one run, one rule per rule id, one result per violation. */
final class SarifReport implements ReportWriter {
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public String write(Report report) {
    // Rule index by id, sorted so the output is stable.
    Map<String, Integer> ruleIndex = new TreeMap<>();
    report.violations().forEach(v -> ruleIndex.putIfAbsent(v.rule(), 0));
    List<Map<String, Object>> rules = new ArrayList<>();
    int index = 0;
    for (String id : ruleIndex.keySet()) {
      ruleIndex.put(id, index++);
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("id", id);
      rule.put("name", id.replace("-", ""));
      rule.put("shortDescription", Map.of("text", describeRule(id)));
      rules.add(rule);
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (Violation violation : report.violations()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("ruleId", violation.rule());
      result.put("ruleIndex", ruleIndex.get(violation.rule()));
      result.put("level", violation.severity() == Severity.ERROR ? "error" : "warning");
      result.put("message", Map.of("text", violation.message() == null ? "" : violation.message()));
      if (violation.file() != null) {
        Map<String, Object> physical = new LinkedHashMap<>();
        physical.put("artifactLocation", Map.of("uri", violation.file()));
        if (violation.line() > 0) {
          Map<String, Object> region = new LinkedHashMap<>();
          region.put("startLine", violation.line());
          region.put("startColumn", Math.max(1, violation.column()));
          physical.put("region", region);
        }
        result.put("locations", List.of(Map.of("physicalLocation", physical)));
      }
      results.add(result);
    }
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "meshgate");
    driver.put("version", toolVersion());
    driver.put("rules", rules);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", Map.of("driver", driver));
    run.put("results", results);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    root.put("runs", List.of(run));
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describeRule(String id) {
    if (Violation.SCHEMA_RULE.equals(id)) {
      return "Intent files must be well-formed YAML that matches the intent schema";
    }
    return Violation.REACH_RULE.equals(id)
        ? "Every declared client must reach its service through the rendered Istio objects (meshgate verify)"
        : "meshgate policy " + id;
  }

  private static String toolVersion() {
    String version = SarifReport.class.getPackage().getImplementationVersion();
    return version == null ? "0.1.0-SNAPSHOT" : version;
  }
}
