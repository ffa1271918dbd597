package io.meshgate.cli;

import io.meshgate.diff.EnvironmentDiff;
import io.meshgate.graph.Dot;
import io.meshgate.graph.GraphSummary;
import io.meshgate.graph.Html;
import io.meshgate.graph.MeshGraph;
import io.meshgate.graph.Mermaid;
import io.meshgate.graph.Svg;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.InvalidIntentsRootException;
import io.meshgate.intent.LoadResult;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.Renderer;
import io.meshgate.report.Report;
import io.meshgate.report.ReportFormat;
import io.meshgate.verify.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshgate graph}: the declared connectivity of the whole repository as a picture (Mermaid,
 * Graphviz DOT, a standalone SVG or an HTML page), filtered by cluster, namespace or service. Exit 0,
 * or 2 on usage errors and intents with structural errors.
 */
@Command(
    name = "graph",
    description = "Draw which workload calls which service, cluster by cluster: Mermaid, DOT, SVG or HTML.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class)
public final class GraphCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--intents", paramLabel = "DIR", defaultValue = "intents",
      description = "Directory of intent files (default: ${DEFAULT-VALUE}).")
  Path intents;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "mermaid",
      description = "mermaid|dot|svg|html (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--cluster", paramLabel = "C", description = "Only what touches workloads of this cluster (repeatable).")
  List<String> clusters;

  @Option(names = "--namespace", paramLabel = "N", description = "Only what touches workloads of this namespace (repeatable).")
  List<String> namespaces;

  @Option(names = "--service", paramLabel = "S", description = "Only what touches this service or client workload (repeatable).")
  List<String> services;

  @Option(names = "--max-nodes", paramLabel = "N", defaultValue = "150",
      description = "Above this many workloads, draw one node per cluster (default: ${DEFAULT-VALUE}; 0 draws everything).")
  int maxNodes;

  @Option(names = "--out", paramLabel = "FILE", description = "Write to this file instead of standard output.")
  Path outFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!List.of("mermaid", "dot", "svg", "html").contains(format)) {
      return usage(err, "unknown format \"" + format + "\"; use mermaid, dot, svg or html");
    }
    if (maxNodes < 0) {
      return usage(err, "--max-nodes must be 0 or more");
    }
    LoadResult load;
    try {
      load = IntentLoader.load(intents);
    } catch (InvalidIntentsRootException e) {
      return usage(err, e.getMessage());
    }
    if (load.hasErrors()) {
      return usage(err, "the intents have errors; fix them first:\n"
          + ReportFormat.TEXT.write(new Report(load.violations(), load.files(), load.documents().size())).stripTrailing());
    }
    // Connections a client cannot use are marked: the same simulation as MG-REACH-01.
    Verifier.Result reach = Verifier.verify(load.intents(),
        new Renderer().render(load.intents(), AllocationLedger.empty()).withOverlays(load.overlays())
            .withOverlayObjects(), false);
    MeshGraph graph = MeshGraph.of(load.intents(), EnvironmentDiff.brokenClients(reach))
        .filter(set(clusters), set(namespaces), set(services));
    if (graph.nodes().isEmpty()) {
      err.println("meshgate graph: nothing to draw" + (clusters == null && namespaces == null && services == null
          ? " (no service has a declared client)" : ": no workload matches the filters"));
      err.flush();
    }
    graph = GraphSummary.fit(graph, maxNodes);
    String title = "meshgate: " + String.join(", ", describeFilters());
    String text = switch (format) {
      case "dot" -> Dot.of(graph);
      case "svg" -> Svg.of(graph, title);
      case "html" -> Html.of(graph, title);
      default -> Mermaid.of(graph);
    };
    if (outFile != null) {
      try {
        Files.writeString(outFile, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return usage(err, "cannot write " + outFile + ": " + Main.describe(e));
      }
      err.println("meshgate graph: wrote " + outFile + " (" + graph.nodes().size() + " nodes, "
          + graph.edges().size() + " connections)");
      err.flush();
    } else {
      out.print(text);
      out.flush();
    }
    return Main.EXIT_OK;
  }

  private List<String> describeFilters() {
    List<String> parts = new java.util.ArrayList<>();
    parts.add("connectivity of " + intents);
    if (clusters != null) {
      parts.add("cluster " + String.join("/", clusters));
    }
    if (namespaces != null) {
      parts.add("namespace " + String.join("/", namespaces));
    }
    if (services != null) {
      parts.add("service " + String.join("/", services));
    }
    return parts;
  }

  private static Set<String> set(List<String> values) {
    return values == null ? Set.of() : new HashSet<>(values);
  }

  private static int usage(PrintWriter err, String message) {
    err.println("meshgate graph: " + message);
    err.flush();
    return Main.EXIT_ERROR;
  }
}
