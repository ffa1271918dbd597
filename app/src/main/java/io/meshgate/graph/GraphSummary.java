package io.meshgate.graph;

import io.meshgate.graph.MeshGraph.Edge;
import io.meshgate.graph.MeshGraph.Node;
import io.meshgate.graph.MeshGraph.State;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps a picture readable at any size. A graph within the limits is drawn whole. Above them, a
 * delta graph keeps its changes: the changed connections, their services, and the unchanged
 * connections between those services. When that is still too much (or nothing changed), services
 * are folded into their clusters: one node per cluster, one edge per pair of clusters with the number
 * of connections and how many were added or removed. Cluster pairs beyond the edge limit are left
 * out, changed pairs and the busiest first. What was left out is said in the graph's note.
 */
public final class GraphSummary {
  private GraphSummary() {}

  /** The edge limit for a node limit: Mermaid refuses 500 edges or more by default (maxEdges). */
  static int maxEdges(int maxNodes) {
    return Math.min(400, Math.max(3 * maxNodes, 20));
  }

  /** @param maxNodes 0 for no limit */
  public static MeshGraph fit(MeshGraph graph, int maxNodes) {
    if (maxNodes <= 0 || fits(graph, maxNodes)) {
      return graph;
    }
    if (graph.hasChanges()) {
      MeshGraph focus = changesOnly(graph);
      if (fits(focus, maxNodes)) {
        int nodesLeft = graph.nodes().size() - focus.nodes().size();
        int edgesLeft = graph.edges().size() - focus.edges().size();
        return focus.withNote("Showing the changed connections and their services; " + plural(nodesLeft, "service")
            + " and " + plural(edgesLeft, "connection") + " without changes are left out.");
      }
    }
    return byCluster(graph, maxEdges(maxNodes));
  }

  private static boolean fits(MeshGraph graph, int maxNodes) {
    return graph.nodes().size() <= maxNodes && graph.edges().size() <= maxEdges(maxNodes);
  }

  private static MeshGraph changesOnly(MeshGraph graph) {
    Set<String> touched = new HashSet<>();
    graph.nodes().stream().filter(n -> n.state() != State.UNCHANGED).forEach(n -> touched.add(n.id()));
    for (Edge edge : graph.edges()) {
      if (edge.state() != State.UNCHANGED) {
        touched.add(edge.from());
        touched.add(edge.to());
      }
    }
    List<Edge> edges = graph.edges().stream()
        .filter(e -> e.state() != State.UNCHANGED || (touched.contains(e.from()) && touched.contains(e.to())))
        .toList();
    List<Node> nodes = graph.nodes().stream().filter(n -> touched.contains(n.id())).toList();
    return new MeshGraph(nodes, edges, null);
  }

  /** Counts of one cluster pair's connections. */
  private static final class Tally {
    int total;
    int added;
    int removed;
    int changed;
    boolean broken;

    State state() {
      if (added == total) {
        return State.ADDED;
      }
      if (removed == total) {
        return State.REMOVED;
      }
      return added + removed + changed > 0 ? State.CHANGED : State.UNCHANGED;
    }

    String label() {
      StringBuilder s = new StringBuilder(plural(total, "connection"));
      List<String> parts = new ArrayList<>();
      if (added > 0) {
        parts.add("+" + added);
      }
      if (removed > 0) {
        parts.add("−" + removed);
      }
      if (changed > 0) {
        parts.add("~" + changed);
      }
      if (!parts.isEmpty()) {
        s.append(" (").append(String.join(", ", parts)).append(')');
      }
      return s.toString();
    }

    void add(Edge edge) {
      total++;
      switch (edge.state()) {
        case ADDED -> added++;
        case REMOVED -> removed++;
        case CHANGED -> changed++;
        default -> { }
      }
      broken |= edge.broken();
    }
  }

  private static MeshGraph byCluster(MeshGraph graph, int maxEdges) {
    Map<String, String> clusterOf = new HashMap<>();
    Map<String, int[]> services = new TreeMap<>();
    Map<String, int[]> changedServices = new TreeMap<>();
    for (Node node : graph.nodes()) {
      clusterOf.put(node.id(), node.cluster());
      services.computeIfAbsent(node.cluster(), c -> new int[1])[0]++;
      if (node.state() != State.UNCHANGED) {
        changedServices.computeIfAbsent(node.cluster(), c -> new int[1])[0]++;
      }
    }
    Map<String, Tally> pairs = new TreeMap<>();
    Map<String, Tally> inCluster = new TreeMap<>();
    for (Edge edge : graph.edges()) {
      String from = clusterOf.get(edge.from());
      String to = clusterOf.get(edge.to());
      if (from.equals(to)) {
        inCluster.computeIfAbsent(from, c -> new Tally()).add(edge);
      } else {
        pairs.computeIfAbsent(from + "\u0000" + to, k -> new Tally()).add(edge);
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (Map.Entry<String, int[]> cluster : services.entrySet()) {
      String name = cluster.getKey();
      Tally local = inCluster.get(name);
      int changed = changedServices.containsKey(name) ? changedServices.get(name)[0] : 0;
      String detail = plural(cluster.getValue()[0], "workload")
          + (local == null ? "" : ", " + plural(local.total, "in-cluster connection"))
          + (changed > 0 ? ", " + changed + " changed" : "");
      State state = changed > 0 || (local != null && local.state() != State.UNCHANGED) ? State.CHANGED : State.UNCHANGED;
      nodes.add(new Node("cluster:" + name, null, name, detail, state));
    }
    List<Map.Entry<String, Tally>> ranked = new ArrayList<>(pairs.entrySet());
    // Changed pairs first, then the busiest; ties by name, so the choice is stable.
    ranked.sort(Comparator.comparing((Map.Entry<String, Tally> e) -> e.getValue().state() == State.UNCHANGED)
        .thenComparing(e -> -e.getValue().total)
        .thenComparing(Map.Entry::getKey));
    List<Map.Entry<String, Tally>> kept = ranked.subList(0, Math.min(maxEdges, ranked.size()));
    List<Edge> edges = new ArrayList<>();
    kept.stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      String[] ends = e.getKey().split("\u0000", 2);
      edges.add(new Edge("cluster:" + ends[0], "cluster:" + ends[1], e.getValue().label(), null,
          e.getValue().state(), e.getValue().broken));
    });
    String note = "Too large to draw service by service (" + plural(graph.nodes().size(), "workload") + ", "
        + plural(graph.edges().size(), "connection") + "): one node per cluster, one arrow per pair of clusters "
        + "with the number of connections (+ added, − removed, ~ changed)."
        + (kept.size() < ranked.size() ? " " + plural(ranked.size() - kept.size(), "cluster pair")
            + " left out (changed pairs are kept first, then the busiest)." : "")
        + " For a closer look: meshgate graph with --cluster, --namespace or --service.";
    return new MeshGraph(nodes, edges, note);
  }

  static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
