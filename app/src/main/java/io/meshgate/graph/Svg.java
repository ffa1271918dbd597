package io.meshgate.graph;

import io.meshgate.graph.LayeredLayout.Box;
import io.meshgate.graph.MeshGraph.Node;
import io.meshgate.graph.MeshGraph.State;
import io.meshgate.report.Xml;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained SVG of the graph (no fonts, scripts or links to fetch), laid out by
 * {@link LayeredLayout}: clusters as labelled lanes, workloads as boxes, connections as curves with
 * their access, the same colours as the Mermaid diagram, a legend and the summary note.
 */
public final class Svg {
  private Svg() {}

  static final String FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";

  /** A standalone SVG document (with XML declaration). */
  public static String of(MeshGraph graph, String title) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element(graph, title);
  }

  /** The {@code <svg>} element alone, for embedding in HTML. */
  static String element(MeshGraph graph, String title) {
    LayeredLayout.Result layout = LayeredLayout.of(graph);
    double legendHeight = 34 + (graph.note() == null ? 0 : 20);
    double width = Math.max(layout.width(), 800);
    double height = layout.height() + legendHeight;
    StringBuilder out = new StringBuilder();
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(num(width)).append("\" height=\"")
        .append(num(height)).append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
        .append("\" font-family=\"").append(Xml.escape(FONT)).append("\" font-size=\"12\">\n");
    out.append("  <title>").append(Xml.escape(title)).append("</title>\n");
    out.append("  <defs>\n");
    for (State state : State.values()) {
      out.append("    <marker id=\"arrow-").append(state.id()).append("\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" ")
          .append("markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"")
          .append(edgeColor(state)).append("\"/></marker>\n");
    }
    out.append("  </defs>\n");
    out.append("  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    for (LayeredLayout.Lane lane : layout.lanes()) {
      if (lane.cluster() == null) {
        continue;
      }
      Box b = lane.box();
      out.append("  <g class=\"cluster\" data-cluster=\"").append(Xml.escape(lane.cluster())).append("\">")
          .append("<rect x=\"").append(num(b.x())).append("\" y=\"").append(num(b.y())).append("\" width=\"")
          .append(num(b.w())).append("\" height=\"").append(num(b.h()))
          .append("\" rx=\"8\" fill=\"#f6f8fa\" stroke=\"#8c959f\"/>")
          .append("<text x=\"").append(num(b.x() + 10)).append("\" y=\"").append(num(b.y() + 17))
          .append("\" font-weight=\"600\" fill=\"#24292f\">").append(Xml.escape(lane.cluster())).append("</text></g>\n");
    }
    for (LayeredLayout.Route route : layout.routes()) {
      MeshGraph.Edge edge = route.edge();
      String color = edgeColor(edge.state());
      String label = Mermaid.edgeLabel(edge);
      out.append("  <g class=\"edge ").append(edge.state().id()).append(edge.broken() ? " broken" : "")
          .append("\" data-from=\"").append(Xml.escape(edge.from())).append("\" data-to=\"").append(Xml.escape(edge.to())).append("\">")
          .append("<title>").append(Xml.escape(edge.from() + " → " + edge.to() + ": " + edge.label()
              + (edge.was() == null ? "" : " (was " + edge.was() + ")") + " [" + edge.state().id() + "]"))
          .append("</title><path d=\"").append(route.path()).append("\" fill=\"none\" stroke=\"").append(color)
          .append("\" stroke-width=\"").append(edge.state() == State.UNCHANGED ? "1.5" : "2.5").append('"')
          .append(edge.state() == State.REMOVED ? " stroke-dasharray=\"6 4\"" : "")
          .append(" marker-end=\"url(#arrow-").append(edge.state().id()).append(")\"/>")
          .append("<text x=\"").append(num(route.labelX())).append("\" y=\"").append(num(route.labelY()))
          .append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"").append(edge.broken() ? Mermaid.REMOVED_COLOR : "#24292f")
          .append("\" stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\">").append(Xml.escape(label))
          .append("</text></g>\n");
    }
    for (Node node : graph.nodes()) {
      Box b = layout.boxes().get(node.id());
      out.append("  <g class=\"node ").append(node.state().id()).append("\" data-id=\"").append(Xml.escape(node.id())).append("\">")
          .append("<title>").append(Xml.escape(node.id() + (node.detail().isEmpty() ? "" : " · " + node.detail())
              + " [" + node.state().id() + "]")).append("</title>")
          .append("<rect x=\"").append(num(b.x())).append("\" y=\"").append(num(b.y())).append("\" width=\"")
          .append(num(b.w())).append("\" height=\"").append(num(b.h())).append("\" rx=\"6\" fill=\"")
          .append(nodeFill(node.state())).append("\" stroke=\"").append(nodeStroke(node.state()))
          .append("\" stroke-width=\"").append(node.state() == State.UNCHANGED ? "1" : "2").append('"')
          .append(node.state() == State.REMOVED ? " stroke-dasharray=\"5 4\"" : "").append("/>");
      double cx = b.x() + b.w() / 2;
      if (node.detail().isEmpty()) {
        out.append(text(cx, b.midY() + 4, node.label(), "#24292f", "12"));
      } else {
        out.append(text(cx, b.y() + 16, node.label(), "#24292f", "12"))
            .append(text(cx, b.y() + 31, node.detail(), "#57606a", "11"));
      }
      out.append("</g>\n");
    }
    double y = layout.height() + 4;
    out.append("  <g class=\"legend\" font-size=\"11\" fill=\"#57606a\">");
    double x = LayeredLayout.MARGIN;
    for (State state : List.of(State.ADDED, State.REMOVED, State.CHANGED, State.UNCHANGED)) {
      out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"14\" height=\"10\" rx=\"2\" fill=\"")
          .append(nodeFill(state)).append("\" stroke=\"").append(nodeStroke(state)).append("\"/>")
          .append("<text x=\"").append(num(x + 19)).append("\" y=\"").append(num(y + 9)).append("\">").append(state.id())
          .append("</text>");
      x += 96;
    }
    out.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y + 9)).append("\" fill=\"")
        .append(Mermaid.REMOVED_COLOR).append("\">⚠ unreachable: a client cannot reach its service (MG-REACH-01)</text>");
    if (graph.note() != null) {
      out.append("<text x=\"").append(num(LayeredLayout.MARGIN)).append("\" y=\"").append(num(y + 29)).append("\">")
          .append(Xml.escape(graph.note())).append("</text>");
    }
    out.append("</g>\n</svg>\n");
    return out.toString();
  }

  private static String text(double x, double y, String value, String fill, String size) {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"middle\" font-size=\"" + size + "\" fill=\""
        + fill + "\">" + Xml.escape(value) + "</text>";
  }

  static String edgeColor(State state) {
    return switch (state) {
      case ADDED -> Mermaid.ADDED_COLOR;
      case REMOVED -> Mermaid.REMOVED_COLOR;
      case CHANGED -> Mermaid.CHANGED_COLOR;
      case UNCHANGED -> "#57606a";
    };
  }

  static String nodeFill(State state) {
    return switch (state) {
      case ADDED -> "#dafbe1";
      case REMOVED -> "#ffebe9";
      case CHANGED -> "#fff8c5";
      case UNCHANGED -> "#ffffff";
    };
  }

  static String nodeStroke(State state) {
    return state == State.UNCHANGED ? "#8c959f" : edgeColor(state);
  }

  static String num(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }


}
