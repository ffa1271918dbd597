package io.meshgate.graph;

import io.meshgate.graph.MeshGraph.Edge;
import io.meshgate.graph.MeshGraph.Node;
import io.meshgate.graph.MeshGraph.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mermaid flowchart (GitHub and GitLab render it in Markdown): clusters as subgraphs, workloads as
 * nodes, connections as labelled arrows. Added: green, thick arrows; removed: red, dotted arrows;
 * changed: amber; a connection a client cannot use (MG-REACH-01): a red label mark. Node ids are
 * generated ({@code n0}, {@code c0}), so names never clash with Mermaid's keywords.
 */
public final class Mermaid {
  private Mermaid() {}

  static final String ADDED_COLOR = "#1a7f37";
  static final String REMOVED_COLOR = "#cf222e";
  static final String CHANGED_COLOR = "#9a6700";

  /** The diagram text, without Markdown fences. */
  public static String of(MeshGraph graph) {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    Map<String, String> ids = new HashMap<>();
    List<Node> nodes = graph.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      ids.put(nodes.get(i).id(), "n" + i);
    }
    List<String> clusters = graph.clusters();
    Map<String, List<Node>> byCluster = new HashMap<>();
    List<Node> loose = new ArrayList<>();
    for (Node node : nodes) {
      if (node.cluster() == null) {
        loose.add(node);
      } else {
        byCluster.computeIfAbsent(node.cluster(), c -> new ArrayList<>()).add(node);
      }
    }
    for (int c = 0; c < clusters.size(); c++) {
      out.append("  subgraph c").append(c).append("[\"").append(text(clusters.get(c))).append("\"]\n");
      for (Node node : byCluster.get(clusters.get(c))) {
        out.append("    ").append(node(ids.get(node.id()), node)).append('\n');
      }
      out.append("  end\n");
    }
    for (Node node : loose) {
      out.append("  ").append(node(ids.get(node.id()), node)).append('\n');
    }
    List<String> linkStyles = new ArrayList<>();
    List<Edge> edges = graph.edges();
    for (int i = 0; i < edges.size(); i++) {
      Edge edge = edges.get(i);
      String arrow = switch (edge.state()) {
        case ADDED -> "==>";
        case REMOVED -> "-.->";
        default -> "-->";
      };
      out.append("  ").append(ids.get(edge.from())).append(' ').append(arrow).append("|\"")
          .append(text(edgeLabel(edge))).append("\"| ").append(ids.get(edge.to())).append('\n');
      String style = switch (edge.state()) {
        case ADDED -> "stroke:" + ADDED_COLOR + ",stroke-width:3px";
        case REMOVED -> "stroke:" + REMOVED_COLOR + ",stroke-width:2px,stroke-dasharray:5 4";
        case CHANGED -> "stroke:" + CHANGED_COLOR + ",stroke-width:3px";
        default -> null;
      };
      if (style != null) {
        linkStyles.add("  linkStyle " + i + " " + style + "\n");
      }
    }
    out.append("  classDef added fill:#dafbe1,stroke:").append(ADDED_COLOR).append(",stroke-width:2px,color:#0f3d1d\n");
    out.append("  classDef removed fill:#ffebe9,stroke:").append(REMOVED_COLOR)
        .append(",stroke-width:2px,stroke-dasharray:5 4,color:#5c0d12\n");
    out.append("  classDef changed fill:#fff8c5,stroke:").append(CHANGED_COLOR).append(",stroke-width:2px,color:#3b2300\n");
    for (State state : List.of(State.ADDED, State.REMOVED, State.CHANGED)) {
      List<String> members = nodes.stream().filter(n -> n.state() == state).map(n -> ids.get(n.id())).toList();
      if (!members.isEmpty()) {
        out.append("  class ").append(String.join(",", members)).append(' ').append(state.id()).append('\n');
      }
    }
    linkStyles.forEach(out::append);
    return out.toString();
  }

  private static String node(String id, Node node) {
    String label = text(node.label()) + (node.detail().isEmpty() ? "" : "<br/>" + text(node.detail()));
    return id + "[\"" + label + "\"]";
  }

  /** The label, marked when broken, with the old label of a changed edge. */
  static String edgeLabel(Edge edge) {
    String label = shorten(edge.label());
    if (edge.was() != null) {
      label += " (was " + shorten(edge.was()) + ")";
    }
    return edge.broken() ? "⚠ unreachable: " + label : label;
  }

  /** Long access lists are cut: the picture names them, the diff lists them. */
  static String shorten(String label) {
    return label.length() <= 48 ? label : label.substring(0, 47) + "…";
  }

  /**
   * Text inside a quoted Mermaid label: quotes and the characters Mermaid or Markdown would read
   * are written as Mermaid's entity codes ({@code #quot;}, {@code #35;}).
   */
  static String text(String value) {
    StringBuilder s = new StringBuilder();
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> s.append("#quot;");
        case '#' -> s.append("#35;");
        case '<' -> s.append("#lt;");
        case '>' -> s.append("#gt;");
        case '|' -> s.append("#124;");
        case '`' -> s.append("#96;");
        case '\n', '\r' -> s.append(' ');
        default -> s.append(c);
      }
    }
    return s.toString();
  }
}
