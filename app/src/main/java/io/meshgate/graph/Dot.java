package io.meshgate.graph;

import io.meshgate.graph.MeshGraph.Edge;
import io.meshgate.graph.MeshGraph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Graphviz DOT: one {@code cluster_N} subgraph per cluster, the same colours as the Mermaid diagram. */
public final class Dot {
  private Dot() {}

  public static String of(MeshGraph graph) {
    StringBuilder out = new StringBuilder("digraph meshgate {\n")
        .append("  rankdir=LR;\n")
        .append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f6f8fa\", fontname=\"Helvetica\"];\n")
        .append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    if (graph.note() != null) {
      out.append("  label=").append(quote(graph.note())).append(";\n  labelloc=b;\n");
    }
    Map<String, String> ids = new HashMap<>();
    for (int i = 0; i < graph.nodes().size(); i++) {
      ids.put(graph.nodes().get(i).id(), "n" + i);
    }
    Map<String, List<Node>> byCluster = new HashMap<>();
    List<Node> loose = new ArrayList<>();
    for (Node node : graph.nodes()) {
      if (node.cluster() == null) {
        loose.add(node);
      } else {
        byCluster.computeIfAbsent(node.cluster(), c -> new ArrayList<>()).add(node);
      }
    }
    List<String> clusters = graph.clusters();
    for (int c = 0; c < clusters.size(); c++) {
      out.append("  subgraph cluster_").append(c).append(" {\n")
          .append("    label=").append(quote(clusters.get(c))).append(";\n")
          .append("    style=\"rounded\";\n    color=\"#8c959f\";\n");
      for (Node node : byCluster.get(clusters.get(c))) {
        out.append("    ").append(node(ids.get(node.id()), node)).append('\n');
      }
      out.append("  }\n");
    }
    for (Node node : loose) {
      out.append("  ").append(node(ids.get(node.id()), node)).append('\n');
    }
    for (Edge edge : graph.edges()) {
      out.append("  ").append(ids.get(edge.from())).append(" -> ").append(ids.get(edge.to()))
          .append(" [label=").append(quote(Mermaid.edgeLabel(edge)));
      switch (edge.state()) {
        case ADDED -> out.append(", color=\"").append(Mermaid.ADDED_COLOR).append("\", penwidth=3");
        case REMOVED -> out.append(", color=\"").append(Mermaid.REMOVED_COLOR).append("\", style=dashed, penwidth=2");
        case CHANGED -> out.append(", color=\"").append(Mermaid.CHANGED_COLOR).append("\", penwidth=3");
        default -> { }
      }
      out.append("];\n");
    }
    return out.append("}\n").toString();
  }

  private static String node(String id, Node node) {
    String label = node.label() + (node.detail().isEmpty() ? "" : "\n" + node.detail());
    StringBuilder s = new StringBuilder(id).append(" [label=").append(quote(label));
    switch (node.state()) {
      case ADDED -> s.append(", fillcolor=\"#dafbe1\", color=\"").append(Mermaid.ADDED_COLOR).append("\", penwidth=2");
      case REMOVED -> s.append(", fillcolor=\"#ffebe9\", color=\"").append(Mermaid.REMOVED_COLOR)
          .append("\", style=\"rounded,filled,dashed\", penwidth=2");
      case CHANGED -> s.append(", fillcolor=\"#fff8c5\", color=\"").append(Mermaid.CHANGED_COLOR).append("\", penwidth=2");
      default -> { }
    }
    return s.append("];").toString();
  }

  /** A DOT string: backslashes and quotes escaped, line breaks as {@code \n}. */
  static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "\\n") + "\"";
  }
}
