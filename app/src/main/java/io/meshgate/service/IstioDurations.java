package io.meshgate.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Istio/Go-style durations: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 1.5s}. */
public final class IstioDurations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private IstioDurations() {}

  /**
   * @throws IllegalArgumentException with a message saying what is accepted
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration; use e.g. 30s, 5m, 1h30m or 500ms");
    }
    Matcher m = PART.matcher(text);
    int at = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a duration; use e.g. 30s, 5m, 1h30m or 500ms");
      }
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
      at = m.end();
    }
    return Duration.ofNanos(nanos.longValue());
  }

  /** The shortest exact form in one unit: {@code 30s}, {@code 5m}, {@code 1500ms}. */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    String[] units = {"h", "m", "s", "ms", "us"};
    for (String unit : units) {
      long size = unitNanos(unit);
      if (nanos % size == 0) {
        return nanos / size + unit;
      }
    }
    return nanos + "ns";
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
  }
}
