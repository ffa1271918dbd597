package io.meshgate.report;

import io.meshgate.check.Violation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * What every output format prints: the violations sorted by file, line and column, with counts.
 *
 * @param files the intent files checked (users' paths, sorted)
 * @param intents how many intent documents were read
 */
public record Report(List<Violation> violations, List<String> files, int intents) {

  /** File (absent first), line, column, then rule and message so equal inputs print identically. */
  public static final Comparator<Violation> ORDER = Comparator
      .comparing(Violation::file, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
      .thenComparingInt(Violation::line)
      .thenComparingInt(Violation::column)
      .thenComparing(Violation::rule, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
      .thenComparing(Violation::message, Comparator.nullsFirst(Comparator.<String>naturalOrder()));

  public Report {
    List<Violation> sorted = new ArrayList<>(violations);
    sorted.sort(ORDER);
    violations = List.copyOf(sorted);
    files = List.copyOf(new TreeSet<>(files));
  }

  public long errors() {
    return violations.stream().filter(Violation::isError).count();
  }

  public long warnings() {
    return violations.size() - errors();
  }

  /** False iff there is an error-severity violation. */
  public boolean ok() {
    return errors() == 0;
  }

  /** {@code 2 errors, 1 warning in 5 files} or {@code ok: 7 intents in 4 files, no violations}. */
  public String summary() {
    if (!ok()) {
      return plural(errors(), "error") + (warnings() > 0 ? ", " + plural(warnings(), "warning") : "")
          + " in " + plural(files.size(), "file");
    }
    return "ok: " + plural(intents, "intent") + " in " + plural(files.size(), "file") + ", "
        + (warnings() > 0 ? plural(warnings(), "warning") : "no violations");
  }

  static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
