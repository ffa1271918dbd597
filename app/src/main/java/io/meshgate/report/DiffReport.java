package io.meshgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import io.meshgate.diff.AddressMove;
import io.meshgate.diff.EnvironmentDiff;
import io.meshgate.diff.ObjectChange;
import io.meshgate.diff.ReachabilityDelta;
import io.meshgate.verify.ObjectRef;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How {@code meshgate diff} prints a comparison: text (coloured on a terminal), JSON, Markdown.
 * docs/diff.md describes the three. {@code protectedChanges} are the changes {@code --protect} matched.
 */
public final class DiffReport {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DiffReport() {}

  // ---- text ------------------------------------------------------------------------------------

  /** ANSI colours, or none. */
  public record Style(boolean color) {
    String green(String s) {
      return wrap("32", s);
    }

    String red(String s) {
      return wrap("31", s);
    }

    String yellow(String s) {
      return wrap("33", s);
    }

    String cyan(String s) {
      return wrap("36", s);
    }

    String bold(String s) {
      return wrap("1", s);
    }

    private String wrap(String code, String s) {
      return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
  }

  public static String text(EnvironmentDiff diff, Set<ObjectChange> protectedChanges, Style style) {
    StringBuilder out = new StringBuilder();
    out.append(style.bold("meshgate diff: " + diff.base() + " -> " + diff.head())).append('\n');
    if (diff.baseErrors() > 0) {
      out.append(style.yellow("note: the base has " + Report.plural(diff.baseErrors(), "structural error")
          + " and does not render; it counts as empty")).append('\n');
    }
    if (!diff.headRendered()) {
      out.append(style.red("the head has structural errors and does not render; fix them to see its changes")).append('\n');
    }
    for (Map.Entry<String, List<ObjectChange>> cluster : diff.changes().entrySet()) {
      out.append('\n').append(style.bold(cluster.getKey())).append(": ").append(counts(cluster.getValue()));
      if (cluster.getValue().stream().anyMatch(protectedChanges::contains)) {
        out.append(style.red("  [protected]"));
      }
      out.append('\n');
      for (ObjectChange change : cluster.getValue()) {
        String line = mark(change.type()) + " " + change.describe()
            + (change.fields().isEmpty() ? "" : "  (" + String.join(", ", change.fields()) + ")");
        out.append("  ").append(switch (change.type()) {
          case ADDED -> style.green(line);
          case REMOVED -> style.red(line);
          case CHANGED -> style.yellow(line);
        }).append('\n');
        for (String diffLine : change.diff()) {
          String colored = diffLine.startsWith("@@") ? style.cyan(diffLine)
              : diffLine.startsWith("+") ? style.green(diffLine)
              : diffLine.startsWith("-") ? style.red(diffLine) : diffLine;
          out.append("      ").append(colored).append('\n');
        }
      }
    }
    if (!diff.addressMoves().isEmpty()) {
      out.append('\n').append(style.bold("addresses")).append(": ")
          .append(diff.addressMoves().size()).append(diff.addressMoves().size() == 1 ? " virtual address" : " virtual addresses")
          .append(" moved\n");
      for (AddressMove move : diff.addressMoves()) {
        out.append("  ").append(style.red("! " + move.cluster() + " " + move.host() + ": " + move.from() + " -> "
            + move.to())).append('\n');
      }
    }
    if (!diff.reachability().isEmpty()) {
      out.append('\n').append(style.bold("reachability")).append(": ").append(verdicts(diff.reachability())).append('\n');
      for (ReachabilityDelta.Pair pair : diff.reachability().pairs()) {
        for (ReachabilityDelta.Change change : pair.changes()) {
          String line = String.format("%-9s%s: %s %s (%s)", pair.verdict().id(), pair.describe("->"),
              change.operation(), change.what(), change.origin());
          out.append("  ").append(change.gained() ? style.green(line) : change.lost() ? style.red(line) : style.yellow(line))
              .append('\n');
        }
      }
    }
    if (!diff.violations().violations().isEmpty()) {
      out.append('\n').append(style.bold("violations of the head")).append('\n');
      String report = ReportFormat.TEXT.write(diff.violations());
      for (String line : report.split("\n")) {
        if (!line.equals(diff.violations().summary())) {
          out.append("  ").append(line.contains(": MG-") && !line.contains("(warning)") ? style.red(line) : line).append('\n');
        }
      }
    }
    out.append('\n').append(summary(diff, protectedChanges)).append('\n');
    return out.toString();
  }

  /** {@code 2 clusters changed: 1 added, 1 changed; reachability: 1 gained; head: ok: ...}. */
  public static String summary(EnvironmentDiff diff, Set<ObjectChange> protectedChanges) {
    List<ObjectChange> all = diff.allChanges();
    StringBuilder s = new StringBuilder("diff: ");
    if (!diff.headRendered()) {
      s.append("not compared (the head does not render)");
    } else if (diff.isEmpty()) {
      s.append("no change to the environment");
    } else {
      s.append(Report.plural(diff.changes().size(), "cluster")).append(" changed (")
          .append(all.isEmpty() ? "no object" : counts(all)).append(")");
      if (!diff.addressMoves().isEmpty()) {
        s.append(", ").append(diff.addressMoves().size()).append(diff.addressMoves().size() == 1 ? " address moves" : " addresses move");
      }
      if (!diff.reachability().isEmpty()) {
        s.append(", reachability: ").append(verdicts(diff.reachability()));
      }
    }
    if (!protectedChanges.isEmpty()) {
      s.append("; ").append(Report.plural(protectedChanges.size(), "change")).append(" in protected scopes");
    }
    return s.append("; head: ").append(diff.violations().summary()).toString();
  }

  static String mark(ObjectChange.Type type) {
    return switch (type) {
      case ADDED -> "+";
      case REMOVED -> "-";
      case CHANGED -> "~";
    };
  }

  /** {@code 1 added, 2 changed, 1 removed}, leaving out zeros. */
  static String counts(List<ObjectChange> changes) {
    List<String> parts = new ArrayList<>();
    for (ObjectChange.Type type : ObjectChange.Type.values()) {
      long n = changes.stream().filter(c -> c.type() == type).count();
      if (n > 0) {
        parts.add(n + " " + type.id());
      }
    }
    return String.join(", ", parts);
  }

  /** {@code 1 gained, 2 narrowed}. */
  static String verdicts(ReachabilityDelta delta) {
    List<String> parts = new ArrayList<>();
    for (ReachabilityDelta.Verdict verdict : ReachabilityDelta.Verdict.values()) {
      long n = delta.count(verdict);
      if (n > 0) {
        parts.add(n + " " + verdict.id());
      }
    }
    return String.join(", ", parts);
  }

  // ---- JSON ------------------------------------------------------------------------------------

  public static String json(EnvironmentDiff diff, Set<ObjectChange> protectedChanges) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("ok", diff.violations().ok());
    root.put("base", diff.base());
    root.put("head", diff.head());
    root.put("headRendered", diff.headRendered());
    root.put("baseErrors", diff.baseErrors());
    List<ObjectChange> all = diff.allChanges();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("clusters", diff.changes().size());
    for (ObjectChange.Type type : ObjectChange.Type.values()) {
      summary.put(type.id(), all.stream().filter(c -> c.type() == type).count());
    }
    summary.put("addressMoves", diff.addressMoves().size());
    Map<String, Object> verdicts = new LinkedHashMap<>();
    for (ReachabilityDelta.Verdict verdict : ReachabilityDelta.Verdict.values()) {
      verdicts.put(verdict.id(), diff.reachability().count(verdict));
    }
    summary.put("reachability", verdicts);
    summary.put("errors", diff.violations().errors());
    summary.put("warnings", diff.violations().warnings());
    summary.put("protected", protectedChanges.size());
    root.put("summary", summary);
    List<Map<String, Object>> clusters = new ArrayList<>();
    diff.changes().forEach((cluster, changes) -> {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("cluster", cluster);
      c.put("objects", changes.stream().map(change -> objectJson(change, protectedChanges.contains(change))).toList());
      clusters.add(c);
    });
    root.put("clusters", clusters);
    root.put("addressMoves", diff.addressMoves().stream().map(m -> {
      Map<String, Object> move = new LinkedHashMap<>();
      move.put("cluster", m.cluster());
      move.put("host", m.host());
      move.put("from", m.from());
      move.put("to", m.to());
      return move;
    }).toList());
    root.put("reachability", diff.reachability().pairs().stream().map(DiffReport::pairJson).toList());
    root.put("violations", diff.violations().violations().stream().map(JsonReport::toMap).toList());
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> objectJson(ObjectChange change, boolean isProtected) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("change", change.type().id());
    o.put("kind", change.kind());
    o.put("namespace", change.folder());
    o.put("name", change.name());
    o.put("path", change.path());
    o.put("fields", change.fields());
    o.put("diff", change.diff());
    o.put("protected", isProtected);
    return o;
  }

  private static Map<String, Object> pairJson(ReachabilityDelta.Pair pair) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("from", pair.from());
    p.put("to", pair.to());
    p.put("verdict", pair.verdict().id());
    p.put("allowedBefore", pair.allowedBefore());
    p.put("allowedAfter", pair.allowedAfter());
    p.put("changes", pair.changes().stream().map(change -> {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("operation", change.operation());
      c.put("change", change.gained() ? "gained" : change.lost() ? "lost" : "rerouted");
      c.put("origin", change.origin());
      c.put("request", VerifyReport.requestJson(change.request()));
      c.put("before", outcomeJson(change.before()));
      c.put("after", outcomeJson(change.after()));
      return c;
    }).toList());
    return p;
  }

  private static Map<String, Object> outcomeJson(ReachabilityDelta.Outcome outcome) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("allowed", outcome.allowed());
    m.put("reached", outcome.reached());
    m.put("hop", outcome.hop());
    m.put("reason", outcome.reason());
    ObjectRef ref = outcome.object();
    m.put("object", ref == null ? null : VerifyReport.objectJson(ref));
    return m;
  }

  // ---- Markdown --------------------------------------------------------------------------------

  /**
   * How much detail the Markdown carries: pull-request comments have a size limit, so the report
   * command drops YAML diffs, then caps lists, until the text fits.
   *
   * @param yamlDiffs include each changed object's YAML diff
   * @param maxItems at most this many objects per cluster and reachability rows (0: no cap)
   */
  public record Detail(boolean yamlDiffs, int maxItems) {
  }

  static final Detail FULL_DETAIL = new Detail(true, 0);

  /** The diff alone as Markdown ({@code diff --format markdown}). */
  public static String markdown(EnvironmentDiff diff, Set<ObjectChange> protectedChanges, SourceLinks links) {
    StringBuilder out = new StringBuilder("## meshgate diff: `").append(Markdown.code(diff.base())).append("` → `")
        .append(Markdown.code(diff.head())).append("`\n\n");
    out.append(summary(diff, protectedChanges)).append("\n\n");
    out.append(markdownSections(diff, protectedChanges, FULL_DETAIL, "###"));
    if (!diff.violations().violations().isEmpty()) {
      out.append("### Violations of the head\n\n");
      out.append(violationsMarkdown(diff.violations(), links));
    }
    return out.toString();
  }

  /** The changes per cluster, address moves and reachability as Markdown sections. */
  static String markdownSections(EnvironmentDiff diff, Set<ObjectChange> protectedChanges, Detail detail,
      String heading) {
    StringBuilder out = new StringBuilder();
    if (diff.baseErrors() > 0) {
      out.append("> **Note:** the base has ").append(Report.plural(diff.baseErrors(), "structural error"))
          .append(" and does not render; it counts as empty.\n\n");
    }
    if (!diff.headRendered()) {
      out.append("> **The head has structural errors and does not render:** fix them to see what changes.\n\n");
      return out.toString();
    }
    out.append(heading).append(" Changes per cluster\n\n");
    if (diff.changes().isEmpty()) {
      out.append("No object changes in any cluster.\n\n");
    }
    for (Map.Entry<String, List<ObjectChange>> cluster : diff.changes().entrySet()) {
      List<ObjectChange> changes = cluster.getValue();
      boolean isProtected = changes.stream().anyMatch(protectedChanges::contains);
      out.append("<details><summary><b>").append(Markdown.html(cluster.getKey())).append("</b>: ")
          .append(counts(changes)).append(isProtected ? " — <b>protected</b>" : "").append("</summary>\n\n");
      int shown = detail.maxItems() <= 0 ? changes.size() : Math.min(detail.maxItems(), changes.size());
      for (ObjectChange change : changes.subList(0, shown)) {
        out.append("- ").append(switch (change.type()) {
          case ADDED -> "➕ added";
          case REMOVED -> "➖ removed";
          case CHANGED -> "✏️ changed";
        }).append(" `").append(Markdown.code(change.describe())).append('`');
        if (!change.fields().isEmpty()) {
          out.append(": ").append(Markdown.text(String.join(", ", change.fields())));
        }
        if (protectedChanges.contains(change)) {
          out.append(" **(protected)**");
        }
        out.append('\n');
        if (detail.yamlDiffs() && !change.diff().isEmpty()) {
          out.append('\n').append(Markdown.fence("diff", String.join("\n", change.diff()))).append('\n');
        }
      }
      if (shown < changes.size()) {
        out.append("- … and ").append(changes.size() - shown).append(" more (run `meshgate diff` for all)\n");
      }
      out.append("\n</details>\n\n");
    }
    if (!diff.addressMoves().isEmpty()) {
      out.append(heading).append(" Virtual addresses that move\n\n")
          .append("Connections to the old address break until DNS caches expire.\n\n")
          .append("| cluster | host | from | to |\n| --- | --- | --- | --- |\n");
      for (AddressMove move : diff.addressMoves()) {
        out.append("| ").append(Markdown.cell(move.cluster())).append(" | ").append(Markdown.cell(move.host()))
            .append(" | ").append(move.from()).append(" | ").append(move.to()).append(" |\n");
      }
      out.append('\n');
    }
    out.append(heading).append(" Reachability\n\n");
    if (diff.reachability().isEmpty()) {
      out.append("No request changes its answer (declared edges and verify's probes, simulated on both sides).\n\n");
    } else {
      out.append("| change | caller → destination | request | now |\n| --- | --- | --- | --- |\n");
      int rows = 0;
      int total = diff.reachability().pairs().stream().mapToInt(p -> p.changes().size()).sum();
      outer:
      for (ReachabilityDelta.Pair pair : diff.reachability().pairs()) {
        for (ReachabilityDelta.Change change : pair.changes()) {
          if (detail.maxItems() > 0 && rows >= detail.maxItems()) {
            break outer;
          }
          rows++;
          out.append("| ").append(verdictBadge(pair.verdict())).append(" | `").append(Markdown.code(pair.from()))
              .append("` → `").append(Markdown.code(pair.to())).append("` | `").append(Markdown.code(change.operation()))
              .append("` | ").append(Markdown.cell(change.what() + " (" + change.origin() + ")")).append(" |\n");
        }
      }
      if (rows < total) {
        out.append("\n… and ").append(total - rows).append(" more request changes (run `meshgate diff` for all).\n");
      }
      out.append('\n');
    }
    return out.toString();
  }

  static String verdictBadge(ReachabilityDelta.Verdict verdict) {
    return switch (verdict) {
      case GAINED -> "🟢 gained";
      case LOST -> "🔴 lost";
      case NARROWED -> "🟠 narrowed";
      case WIDENED -> "🟡 widened";
      case CHANGED -> "🟠 changed";
      case REROUTED -> "🟣 rerouted";
    };
  }

  /** One bullet per violation, {@code file:line} linked. */
  static String violationsMarkdown(Report report, SourceLinks links) {
    StringBuilder out = new StringBuilder();
    for (Violation v : report.violations()) {
      out.append("- ").append(v.severity() == Severity.ERROR ? "❌ **error**" : "⚠️ warning").append(' ');
      if (v.file() != null) {
        String where = v.file() + (v.line() > 0 ? ":" + v.line() : "");
        out.append('[').append(Markdown.linkText(where)).append("](").append(links.link(v.file(), v.line())).append(") ");
      }
      out.append('`').append(Markdown.code(v.rule())).append("`: ").append(Markdown.text(v.message())).append('\n');
    }
    return out.append('\n').toString();
  }
}
