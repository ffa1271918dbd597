package io.meshgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitLab Code Quality (a subset of the Code Climate format): a JSON array of
 * {@code {description, check_name, fingerprint, severity, location: {path, lines: {begin}}}}. Errors are
 * {@code major}, warnings {@code minor}. The fingerprint leaves out the line, so a finding that only moves
 * stays the same finding in GitLab's merge request widget.
 * https://docs.gitlab.com/ee/ci/testing/code_quality.html#code-quality-report-format
 */
final class CodeQualityReport implements ReportWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public String write(Report report) {
    List<Map<String, Object>> issues = new ArrayList<>();
    for (Violation violation : report.violations()) {
      Map<String, Object> issue = new LinkedHashMap<>();
      issue.put("description", violation.message() == null ? violation.rule() : violation.message());
      issue.put("check_name", violation.rule());
      issue.put("fingerprint", fingerprint(violation));
      issue.put("severity", violation.severity() == Severity.ERROR ? "major" : "minor");
      Map<String, Object> location = new LinkedHashMap<>();
      // GitLab needs a path; a finding that names no file is placed on the intents folder.
      location.put("path", violation.file() == null ? "intents" : violation.file());
      location.put("lines", Map.of("begin", Math.max(1, violation.line())));
      issue.put("location", location);
      issues.add(issue);
    }
    try {
      return MAPPER.writeValueAsString(issues) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String fingerprint(Violation v) {
    String key = String.join("\u0000", v.rule(), String.valueOf(v.file()), String.valueOf(v.kind()),
        String.valueOf(v.name()), String.valueOf(v.field()), String.valueOf(v.message()));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
