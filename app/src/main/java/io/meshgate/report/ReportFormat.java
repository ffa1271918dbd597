package io.meshgate.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The values of {@code --format}. */
public enum ReportFormat {
  TEXT(new TextReport()),
  JSON(new JsonReport()),
  SARIF(new SarifReport()),
  JUNIT(new JunitReport()),
  GITHUB(new GithubReport()),
  TAP(new TapReport()),
  TABLE(new TableReport()),
  CODEQUALITY(new CodeQualityReport());

  private final ReportWriter writer;

  ReportFormat(ReportWriter writer) {
    this.writer = writer;
  }

  /** The name used on the command line ({@code text}, {@code json}, ...). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String write(Report report) {
    return writer.write(report);
  }

  public static Optional<ReportFormat> parse(String id) {
    return Arrays.stream(values()).filter(f -> f.id().equals(id)).findFirst();
  }

  /** {@code text|json|sarif|junit|github|tap|table|codequality}. */
  public static String choices() {
    return Arrays.stream(values()).map(ReportFormat::id).collect(Collectors.joining("|"));
  }
}
