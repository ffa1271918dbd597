package io.meshgate.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Violation SCHEMA = new Violation("MG-SCHEMA", Severity.ERROR,
      "unknown field \"mutualTSL\" in spec; did you mean \"mutualTLS\"?", "intents/sleep.yaml", 7, 14,
      "ServiceClient", "sleep", "spec.mutualTSL");
  private static final Violation WARNING = new Violation("MG-LB-01", Severity.WARNING,
      "cookie hashing <ignored> & \"odd\" for 100% of\nTCP traffic", "intents/a, b:c.yaml", 3, 5,
      "InboundService", "db", "spec.loadBalancing");
  private static final Violation EARLIER = new Violation("MG-TLS-01", Severity.ERROR, "mode mismatch",
      "intents/a.yaml", 2, 1, "ServiceClient", "x", "spec.mutualTLS");
  private static final Violation UNPLACED = new Violation("MG-REF-01", Severity.ERROR, "no file for this", null, 0, 0,
      null, null, null);

  private static Report mixed() {
    return new Report(List.of(SCHEMA, WARNING, EARLIER), List.of("intents/sleep.yaml", "intents/a.yaml",
        "intents/a, b:c.yaml", "intents/clean.yaml"), 6);
  }

  @Test
  void reportSortsByFileLineColumnAndCounts() {
    Report report = mixed();
    assertEquals(List.of(WARNING, EARLIER, SCHEMA), report.violations());
    assertEquals(2, report.errors());
    assertEquals(1, report.warnings());
    assertFalse(report.ok());
    assertEquals("2 errors, 1 warning in 4 files", report.summary());
    assertEquals("ok: 1 intent in 1 file, no violations", new Report(List.of(), List.of("intents/x.yaml"), 1).summary());
    assertEquals("ok: 6 intents in 2 files, 1 warning",
        new Report(List.of(WARNING), List.of("intents/x.yaml", "intents/y.yaml"), 6).summary());
  }

  @Test
  void formatsAreParsedByTheirCommandLineNames() {
    assertEquals(Optional.of(ReportFormat.SARIF), ReportFormat.parse("sarif"));
    assertEquals(Optional.empty(), ReportFormat.parse("SARIF"));
    assertEquals("text|json|sarif|junit|github|tap|table|codequality", ReportFormat.choices());
  }

  @Test
  void textIsOneCompilerStyleLinePerViolationThenTheSummary() {
    String text = ReportFormat.TEXT.write(mixed());
    assertEquals(
        "intents/a, b:c.yaml:3:5: MG-LB-01 (warning): cookie hashing <ignored> & \"odd\" for 100% of TCP traffic\n"
            + "intents/a.yaml:2:1: MG-TLS-01: mode mismatch\n"
            + "intents/sleep.yaml:7:14: MG-SCHEMA: unknown field \"mutualTSL\" in spec; did you mean \"mutualTLS\"?\n"
            + "2 errors, 1 warning in 4 files\n",
        text);
    assertEquals("MG-REF-01: no file for this\n1 error in 0 files\n",
        ReportFormat.TEXT.write(new Report(List.of(UNPLACED), List.of(), 0)));
  }

  @Test
  void jsonOkIsFalseIffThereIsAnError() throws Exception {
    JsonNode failing = JSON.readTree(ReportFormat.JSON.write(mixed()));
    assertFalse(failing.get("ok").asBoolean());
    assertEquals(3, failing.get("violations").size());
    assertEquals("warning", failing.get("violations").get(0).get("severity").asText());
    JsonNode warningsOnly = JSON.readTree(ReportFormat.JSON.write(new Report(List.of(WARNING), List.of(), 1)));
    assertTrue(warningsOnly.get("ok").asBoolean());
    JsonNode unplaced = JSON.readTree(ReportFormat.JSON.write(new Report(List.of(UNPLACED), List.of(), 0)));
    assertTrue(unplaced.get("violations").get(0).get("file").isNull());
  }

  @Test
  void sarifHasWhatGithubCodeScanningNeeds() throws Exception {
    JsonNode sarif = JSON.readTree(ReportFormat.SARIF.write(new Report(List.of(SCHEMA, WARNING, EARLIER, UNPLACED),
        List.of(), 0)));
    assertEquals("2.1.0", sarif.get("version").asText());
    assertTrue(sarif.get("$schema").asText().contains("sarif-2.1.0"));
    JsonNode run = sarif.get("runs").get(0);
    JsonNode driver = run.get("tool").get("driver");
    assertEquals("meshgate", driver.get("name").asText());
    List<String> ruleIds = driver.get("rules").findValuesAsText("id");
    assertEquals(List.of("MG-LB-01", "MG-REF-01", "MG-SCHEMA", "MG-TLS-01"), ruleIds);
    JsonNode results = run.get("results");
    assertEquals(4, results.size());
    for (JsonNode result : results) {
      assertEquals(result.get("ruleId").asText(), ruleIds.get(result.get("ruleIndex").asInt()));
      assertTrue(result.get("message").get("text").asText().length() > 0);
    }
    JsonNode schema = results.get(3);
    assertEquals("MG-SCHEMA", schema.get("ruleId").asText());
    assertEquals("error", schema.get("level").asText());
    JsonNode physical = schema.get("locations").get(0).get("physicalLocation");
    assertEquals("intents/sleep.yaml", physical.get("artifactLocation").get("uri").asText());
    assertEquals(7, physical.get("region").get("startLine").asInt());
    assertEquals(14, physical.get("region").get("startColumn").asInt());
    assertEquals("warning", results.get(1).get("level").asText());
    assertFalse(results.get(0).has("locations"), "an unplaced finding has no location");
  }

  @Test
  void junitXmlParsesAndCountsFailures() throws Exception {
    String xml = ReportFormat.JUNIT.write(mixed());
    Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Element suite = (Element) document.getElementsByTagName("testsuite").item(0);
    NodeList cases = document.getElementsByTagName("testcase");
    // 3 violations + 1 clean file.
    assertEquals(4, cases.getLength());
    assertEquals("4", suite.getAttribute("tests"));
    assertEquals("2", suite.getAttribute("failures"));
    NodeList failures = document.getElementsByTagName("failure");
    assertEquals(2, failures.getLength());
    assertEquals("MG-TLS-01", ((Element) failures.item(0)).getAttribute("type"));
    String warningOut = document.getElementsByTagName("system-out").item(0).getTextContent();
    assertTrue(warningOut.contains("cookie hashing <ignored> & \"odd\" for 100% of\nTCP traffic"), warningOut);
    // Cases follow the sorted files: "a, b:c.yaml", "a.yaml", "clean.yaml", "sleep.yaml".
    Element clean = (Element) cases.item(2);
    assertEquals("intents/clean.yaml", clean.getAttribute("name"));
    assertEquals(0, clean.getChildNodes().getLength());
  }

  @Test
  void junitEscapesCharactersXmlCannotCarry() throws Exception {
    Violation control = new Violation("MG-SCHEMA", Severity.ERROR, "bad \u0001 byte", "intents/x.yaml", 1, 1,
        null, null, null);
    String xml = ReportFormat.JUNIT.write(new Report(List.of(control), List.of("intents/x.yaml"), 0));
    Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertEquals("bad \uFFFD byte", ((Element) document.getElementsByTagName("failure").item(0)).getAttribute("message"));
  }

  @Test
  void githubWorkflowCommandsEscapeDataAndProperties() {
    String out = ReportFormat.GITHUB.write(mixed());
    List<String> lines = out.lines().toList();
    assertEquals("::warning file=intents/a%2C b%3Ac.yaml,line=3,col=5,title=MG-LB-01::"
        + "cookie hashing <ignored> & \"odd\" for 100%25 of%0ATCP traffic", lines.get(0));
    assertEquals("::error file=intents/a.yaml,line=2,col=1,title=MG-TLS-01::mode mismatch", lines.get(1));
    assertEquals("::error file=intents/sleep.yaml,line=7,col=14,title=MG-SCHEMA::"
        + "unknown field \"mutualTSL\" in spec; did you mean \"mutualTLS\"?", lines.get(2));
    assertEquals("2 errors, 1 warning in 4 files", lines.get(3));
    assertEquals("::error title=MG-REF-01::no file for this",
        ReportFormat.GITHUB.write(new Report(List.of(UNPLACED), List.of(), 0)).lines().findFirst().orElseThrow());
    assertEquals("a%25b%0D%0Ac", GithubReport.escapeData("a%b\r\nc"));
  }

  @Test
  void tapHasAPlanOneFailingPointPerErrorTodoWarningsAndOnePassingPointPerCleanFile() {
    String tap = ReportFormat.TAP.write(mixed());
    assertEquals("TAP version 13\n"
        + "1..4\n"
        + "not ok 1 - intents/a, b:c.yaml:3:5 - MG-LB-01 - cookie hashing <ignored> & \"odd\" for 100% of TCP traffic # TODO warning\n"
        + "not ok 2 - intents/a.yaml:2:1 - MG-TLS-01 - mode mismatch\n"
        + "not ok 3 - intents/sleep.yaml:7:14 - MG-SCHEMA - unknown field \"mutualTSL\" in spec; did you mean \"mutualTLS\"?\n"
        + "ok 4 - intents/clean.yaml\n"
        + "# 2 errors, 1 warning in 4 files\n", tap);
    // A # in a message would start a TAP directive: escaped.
    Violation hash = new Violation("MG-X", Severity.ERROR, "see #3", "intents/a.yaml", 1, 1, null, null, null);
    assertTrue(ReportFormat.TAP.write(new Report(List.of(hash), List.of("intents/a.yaml"), 1))
        .contains("not ok 1 - intents/a.yaml:1:1 - MG-X - see \\#3\n"));
    assertEquals("TAP version 13\n1..1\nok 1 - intents/x.yaml\n# ok: 1 intent in 1 file, no violations\n",
        ReportFormat.TAP.write(new Report(List.of(), List.of("intents/x.yaml"), 1)));
  }

  @Test
  void tableAlignsColumnsLikeConftest() {
    String table = ReportFormat.TABLE.write(new Report(List.of(EARLIER, UNPLACED), List.of("intents/a.yaml", "intents/b.yaml"), 2));
    assertEquals(""
        + "+---------+--------------------+-----------+------------------+\n"
        + "| RESULT  | FILE               | RULE      | MESSAGE          |\n"
        + "+---------+--------------------+-----------+------------------+\n"
        + "| failure |                    | MG-REF-01 | no file for this |\n"
        + "| failure | intents/a.yaml:2:1 | MG-TLS-01 | mode mismatch    |\n"
        + "| success | intents/b.yaml     |           |                  |\n"
        + "+---------+--------------------+-----------+------------------+\n"
        + "2 errors in 2 files\n", table);
  }

  @Test
  void codeQualityIsGitLabsFormatWithStableFingerprints() throws Exception {
    JsonNode issues = JSON.readTree(ReportFormat.CODEQUALITY.write(new Report(List.of(SCHEMA, WARNING, UNPLACED),
        List.of("intents/sleep.yaml"), 3)));
    assertTrue(issues.isArray());
    assertEquals(3, issues.size());
    JsonNode schema = issues.get(2);
    assertEquals("MG-SCHEMA", schema.get("check_name").asText());
    assertEquals("major", schema.get("severity").asText());
    assertEquals("intents/sleep.yaml", schema.get("location").get("path").asText());
    assertEquals(7, schema.get("location").get("lines").get("begin").asInt());
    assertEquals(SCHEMA.message(), schema.get("description").asText());
    assertEquals("minor", issues.get(1).get("severity").asText());
    // No file: GitLab needs a path, the intents folder stands in; line 1.
    assertEquals("intents", issues.get(0).get("location").get("path").asText());
    assertEquals(1, issues.get(0).get("location").get("lines").get("begin").asInt());
    // The same finding on another line keeps its fingerprint; another finding has another.
    Violation moved = new Violation(SCHEMA.rule(), SCHEMA.severity(), SCHEMA.message(), SCHEMA.file(), 9, 1,
        SCHEMA.kind(), SCHEMA.name(), SCHEMA.field());
    assertEquals(CodeQualityReport.fingerprint(SCHEMA), CodeQualityReport.fingerprint(moved));
    assertFalse(CodeQualityReport.fingerprint(SCHEMA).equals(CodeQualityReport.fingerprint(WARNING)));
    assertEquals(32, schema.get("fingerprint").asText().length());
    assertEquals("[ ]\n", ReportFormat.CODEQUALITY.write(new Report(List.of(), List.of(), 0)));
  }
}
