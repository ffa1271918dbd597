package io.meshgate.report;

import io.meshgate.diff.EnvironmentDiff;
import io.meshgate.diff.ObjectChange;
import io.meshgate.graph.GraphSummary;
import io.meshgate.graph.MeshGraph;
import io.meshgate.graph.Mermaid;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code meshgate report --format markdown}: the pull-request comment. A hidden marker first (CI finds
 * its earlier comment by it and updates it), a headline, a summary table (violations by severity,
 * objects changed per cluster), the violations linked to file:line, a Mermaid diagram of the
 * connectivity with this change highlighted, then the changes per cluster and the reachability delta.
 * The text is kept under {@code maxChars} (GitHub refuses comments over 65,536 characters): YAML diffs
 * go first, then long lists are cut.
 */
public final class PullRequestReport {
  /** The hidden first line; examples/ci find the comment to update by it. */
  public static final String MARKER = "<!-- meshgate-report -->";

  private PullRequestReport() {}

  /**
   * @param maxNodes above this many workloads the diagram is summarised ({@link GraphSummary})
   * @param maxChars the longest text to return
   */
  public static String markdown(EnvironmentDiff diff, Set<ObjectChange> protectedChanges, SourceLinks links,
      int maxNodes, int maxChars) {
    MeshGraph graph = GraphSummary.fit(diff.graph(), maxNodes);
    List<DiffReport.Detail> levels = List.of(DiffReport.FULL_DETAIL, new DiffReport.Detail(false, 0),
        new DiffReport.Detail(false, 50), new DiffReport.Detail(false, 10));
    String text = null;
    for (DiffReport.Detail detail : levels) {
      text = render(diff, protectedChanges, links, graph, detail);
      if (text.length() <= maxChars) {
        return text;
      }
    }
    // Still too long (thousands of violations): cut at a line, and say so.
    String tail = "\n\n… cut to fit a comment; run `meshgate report` or `meshgate diff` locally for everything.\n";
    int cut = text.lastIndexOf('\n', Math.max(0, maxChars - tail.length()));
    String head = text.substring(0, Math.max(cut, 0));
    // An open fence or <details> would swallow the rest of the page.
    if (head.split("\n```", -1).length % 2 == 0) {
      head += "\n```";
    }
    return head + tail;
  }

  private static String render(EnvironmentDiff diff, Set<ObjectChange> protectedChanges, SourceLinks links,
      MeshGraph graph, DiffReport.Detail detail) {
    Report violations = diff.violations();
    List<ObjectChange> all = diff.allChanges();
    StringBuilder out = new StringBuilder(MARKER).append('\n');
    out.append("## meshgate: ").append(violations.ok() ? "✅ " : "❌ ")
        .append(violations.ok() ? "no errors" : Report.plural(violations.errors(), "error"))
        .append(violations.warnings() > 0 ? ", " + Report.plural(violations.warnings(), "warning") : "")
        .append(" · ");
    if (!diff.headRendered()) {
      out.append("not rendered");
    } else if (all.isEmpty()) {
      out.append("no object changes");
    } else {
      out.append(Report.plural(all.size(), "object")).append(" change in ")
          .append(Report.plural(diff.changes().size(), "cluster"));
    }
    if (!protectedChanges.isEmpty()) {
      out.append(" · 🔒 ").append(Report.plural(protectedChanges.size(), "change")).append(" in protected scopes");
    }
    out.append("\n\nComparing `").append(Markdown.code(diff.base())).append("` → `").append(Markdown.code(diff.head()))
        .append("`.\n\n");

    out.append("| violations | count |\n| --- | ---: |\n")
        .append("| ❌ error | ").append(violations.errors()).append(" |\n")
        .append("| ⚠️ warning | ").append(violations.warnings()).append(" |\n\n");
    if (!diff.changes().isEmpty()) {
      out.append("| cluster | added | removed | changed |\n| --- | ---: | ---: | ---: |\n");
      for (Map.Entry<String, List<ObjectChange>> cluster : diff.changes().entrySet()) {
        out.append("| ").append(Markdown.cell(cluster.getKey()))
            .append(cluster.getValue().stream().anyMatch(protectedChanges::contains) ? " 🔒" : "");
        for (ObjectChange.Type type : ObjectChange.Type.values()) {
          out.append(" | ").append(cluster.getValue().stream().filter(c -> c.type() == type).count());
        }
        out.append(" |\n");
      }
      out.append("| **total**");
      for (ObjectChange.Type type : ObjectChange.Type.values()) {
        out.append(" | **").append(all.stream().filter(c -> c.type() == type).count()).append("**");
      }
      out.append(" |\n\n");
    }
    if (!diff.reachability().isEmpty()) {
      out.append("Reachability: ").append(DiffReport.verdicts(diff.reachability())).append(".\n\n");
    }

    if (!violations.violations().isEmpty()) {
      out.append("### Violations\n\n").append(DiffReport.violationsMarkdown(violations, links));
    }

    if (!graph.nodes().isEmpty()) {
      out.append("### Connectivity\n\n");
      out.append(Markdown.fence("mermaid", Mermaid.of(graph))).append('\n');
      out.append("<sub>Green, thick: added · red, dotted: removed · amber: changed · ⚠ unreachable: a client cannot "
          + "reach its service.</sub>\n\n");
      if (graph.note() != null) {
        out.append("> ").append(Markdown.text(graph.note())).append("\n\n");
      }
    }
    out.append(DiffReport.markdownSections(diff, protectedChanges, detail, "###"));
    out.append("<sub>Rendered in memory by meshgate; run `meshgate diff --base ")
        .append("<base>` locally for the same comparison.</sub>\n");
    return out.toString();
  }
}
