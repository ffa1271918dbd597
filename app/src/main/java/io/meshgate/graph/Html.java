package io.meshgate.graph;

import io.meshgate.report.Xml;

/**
 * One self-contained HTML page: the SVG inline, a search box that highlights the workloads whose
 * name contains the text (and their connections), and nothing fetched from anywhere.
 */
public final class Html {
  private Html() {}

  public static String of(MeshGraph graph, String title) {
    long changed = graph.nodes().stream().filter(n -> n.state() != MeshGraph.State.UNCHANGED).count()
        + graph.edges().stream().filter(e -> e.state() != MeshGraph.State.UNCHANGED).count();
    String summary = GraphSummary.plural(graph.nodes().size(), "node") + ", "
        + GraphSummary.plural(graph.edges().size(), "connection")
        + (changed > 0 ? ", " + changed + " changed" : "");
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>" + Xml.escape(title) + "</title>\n"
        + "<style>\n"
        + "  body { font-family: " + Svg.FONT + "; margin: 0; color: #24292f; }\n"
        + "  header { padding: 12px 24px; border-bottom: 1px solid #d0d7de; display: flex; gap: 16px; align-items: center; }\n"
        + "  h1 { font-size: 18px; margin: 0; }\n"
        + "  main { overflow: auto; }\n"
        + "  input { font: inherit; padding: 4px 8px; width: 18em; }\n"
        + "  svg .dim { opacity: 0.15; }\n"
        + "  svg .hit rect { stroke: #0969da; stroke-width: 3; }\n"
        + "</style>\n</head>\n<body>\n<header><h1>" + Xml.escape(title) + "</h1><span>" + Xml.escape(summary) + "</span>"
        + "<input id=\"find\" type=\"search\" placeholder=\"highlight a workload, e.g. default/httpbin\" "
        + "aria-label=\"highlight a workload\"></header>\n<main>\n"
        + Svg.element(graph, title)
        + "</main>\n<script>\n"
        + "const input = document.getElementById('find');\n"
        + "input.addEventListener('input', () => {\n"
        + "  const q = input.value.trim().toLowerCase();\n"
        + "  const hits = new Set();\n"
        + "  document.querySelectorAll('g.node').forEach(n => {\n"
        + "    const hit = q !== '' && n.dataset.id.toLowerCase().includes(q);\n"
        + "    n.classList.toggle('hit', hit);\n"
        + "    if (hit) hits.add(n.dataset.id);\n"
        + "  });\n"
        + "  const near = new Set(hits);\n"
        + "  document.querySelectorAll('g.edge').forEach(e => {\n"
        + "    const on = hits.has(e.dataset.from) || hits.has(e.dataset.to);\n"
        + "    e.classList.toggle('dim', q !== '' && !on);\n"
        + "    if (on) { near.add(e.dataset.from); near.add(e.dataset.to); }\n"
        + "  });\n"
        + "  document.querySelectorAll('g.node').forEach(n => n.classList.toggle('dim', q !== '' && !near.has(n.dataset.id)));\n"
        + "});\n"
        + "</script>\n</body>\n</html>\n";
  }
}
