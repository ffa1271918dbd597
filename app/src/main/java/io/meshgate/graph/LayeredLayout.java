package io.meshgate.graph;

import io.meshgate.graph.MeshGraph.Edge;
import io.meshgate.graph.MeshGraph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A layered left-to-right layout, computed without Graphviz: callers left of what they call (the
 * longest path from a workload nobody calls decides the column; a cycle is broken at its first node
 * by name), one horizontal lane per cluster, and within a lane and column the nodes ordered by the
 * mean row of their callers (fewer crossings). Linear in nodes and edges apart from sorting.
 */
final class LayeredLayout {
  static final double MARGIN = 24;
  static final double LANE_HEADER = 26;
  static final double LANE_PAD = 14;
  static final double NODE_HEIGHT = 40;
  static final double ROW_GAP = 16;
  static final double CHAR_WIDTH = 7.2;

  record Box(double x, double y, double w, double h) {
    double right() {
      return x + w;
    }

    double midY() {
      return y + h / 2;
    }
  }

  record Lane(String cluster, Box box) {}

  record Route(Edge edge, String path, double labelX, double labelY) {}

  record Result(double width, double height, List<Lane> lanes, Map<String, Box> boxes, List<Route> routes) {}

  private LayeredLayout() {}

  static Result of(MeshGraph graph) {
    List<Node> nodes = graph.nodes();
    int n = nodes.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(nodes.get(i).id(), i);
    }
    List<List<Integer>> preds = new ArrayList<>();
    List<List<Integer>> succs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      preds.add(new ArrayList<>());
      succs.add(new ArrayList<>());
    }
    for (Edge edge : graph.edges()) {
      int from = index.get(edge.from());
      int to = index.get(edge.to());
      if (from != to) {
        succs.get(from).add(to);
        preds.get(to).add(from);
      }
    }
    int[] layer = layers(n, preds, succs);

    // Lanes: clusters by name, loose nodes (whole clusters) in one lane without a box.
    List<String> laneNames = new ArrayList<>(graph.clusters());
    boolean loose = nodes.stream().anyMatch(node -> node.cluster() == null);
    if (loose) {
      laneNames.add(null);
    }
    Map<String, Integer> laneOf = new HashMap<>();
    for (int i = 0; i < laneNames.size(); i++) {
      laneOf.put(laneNames.get(i), i);
    }
    int layers = Arrays.stream(layer).max().orElse(-1) + 1;
    // Buckets (lane, layer), filled layer by layer ordered by the callers' mean row.
    List<List<List<Integer>>> buckets = new ArrayList<>();
    for (int l = 0; l < laneNames.size(); l++) {
      List<List<Integer>> perLayer = new ArrayList<>();
      for (int c = 0; c < layers; c++) {
        perLayer.add(new ArrayList<>());
      }
      buckets.add(perLayer);
    }
    for (int i = 0; i < n; i++) {
      buckets.get(laneOf.get(nodes.get(i).cluster())).get(layer[i]).add(i);
    }
    double[] rank = new double[n];
    for (int c = 0; c < layers; c++) {
      for (int l = 0; l < laneNames.size(); l++) {
        List<Integer> bucket = buckets.get(l).get(c);
        final int lane = l;
        double[] key = new double[n];
        for (int i : bucket) {
          double sum = 0;
          int count = 0;
          for (int p : preds.get(i)) {
            if (layer[p] < c) {
              sum += rank[p];
              count++;
            }
          }
          key[i] = count == 0 ? Double.MAX_VALUE : sum / count;
        }
        bucket.sort(Comparator.comparingDouble((Integer i) -> key[i]).thenComparing(i -> nodes.get(i).label())
            .thenComparing(i -> nodes.get(i).id()));
        for (int row = 0; row < bucket.size(); row++) {
          rank[bucket.get(row)] = lane * 1_000_000.0 + row;
        }
      }
    }

    // Columns: as wide as their widest node; gaps wide enough for the labels of the edges entering them.
    double[] columnWidth = new double[Math.max(layers, 1)];
    for (int i = 0; i < n; i++) {
      columnWidth[layer[i]] = Math.max(columnWidth[layer[i]], nodeWidth(nodes.get(i)));
    }
    double[] gap = new double[Math.max(layers, 1)];
    Arrays.fill(gap, 80);
    for (Edge edge : graph.edges()) {
      int to = layer[index.get(edge.to())];
      gap[to] = Math.min(340, Math.max(gap[to], Mermaid.edgeLabel(edge).length() * CHAR_WIDTH * 0.9 + 30));
    }
    double[] columnX = new double[Math.max(layers, 1)];
    double x = MARGIN + 10;
    for (int c = 0; c < layers; c++) {
      if (c > 0) {
        x += gap[c];
      }
      columnX[c] = x;
      x += columnWidth[c];
    }
    double contentRight = x + 70; // room for edges that loop back on the right
    Map<String, Box> boxes = new HashMap<>();
    List<Lane> lanes = new ArrayList<>();
    double y = MARGIN;
    for (int l = 0; l < laneNames.size(); l++) {
      int rows = 0;
      for (List<Integer> bucket : buckets.get(l)) {
        rows = Math.max(rows, bucket.size());
      }
      double top = y;
      double header = laneNames.get(l) == null ? 0 : LANE_HEADER;
      for (int c = 0; c < layers; c++) {
        List<Integer> bucket = buckets.get(l).get(c);
        for (int row = 0; row < bucket.size(); row++) {
          int i = bucket.get(row);
          boxes.put(nodes.get(i).id(), new Box(columnX[c], top + header + LANE_PAD / 2 + row * (NODE_HEIGHT + ROW_GAP),
              columnWidth[c], NODE_HEIGHT));
        }
      }
      double height = header + LANE_PAD + Math.max(rows, 1) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;
      lanes.add(new Lane(laneNames.get(l), new Box(MARGIN, top, contentRight - MARGIN, height)));
      y = top + height + 18;
    }
    List<Route> routes = new ArrayList<>();
    for (Edge edge : graph.edges()) {
      routes.add(route(edge, boxes.get(edge.from()), boxes.get(edge.to())));
    }
    return new Result(contentRight + MARGIN, y + MARGIN, lanes, boxes, separateLabels(routes));
  }

  static final double LABEL_HEIGHT = 14;

  /**
   * Moves edge labels down until none overlaps a label placed before it (in order of position, so
   * the result is stable): crossing curves put their midpoints close together.
   */
  private static List<Route> separateLabels(List<Route> routes) {
    List<Route> ordered = new ArrayList<>(routes);
    ordered.sort(Comparator.comparingDouble(Route::labelY).thenComparingDouble(Route::labelX));
    // Placed labels by row band, so each label is checked against its neighbours only.
    Map<Long, List<double[]>> bands = new HashMap<>();
    Map<Route, Route> moved = new HashMap<>();
    for (Route route : ordered) {
      double half = Mermaid.edgeLabel(route.edge()).length() * CHAR_WIDTH * 0.45;
      double x0 = route.labelX() - half;
      double x1 = route.labelX() + half;
      double y = route.labelY();
      for (int tries = 0; tries < 40 && overlaps(bands, x0, x1, y); tries++) {
        y += LABEL_HEIGHT + 1;
      }
      bands.computeIfAbsent(band(y), k -> new ArrayList<>()).add(new double[] {x0, x1, y});
      moved.put(route, new Route(route.edge(), route.path(), route.labelX(), y));
    }
    return routes.stream().map(moved::get).toList();
  }

  private static long band(double y) {
    return (long) Math.floor(y / LABEL_HEIGHT);
  }

  private static boolean overlaps(Map<Long, List<double[]>> bands, double x0, double x1, double y) {
    for (long b = band(y) - 1; b <= band(y) + 1; b++) {
      for (double[] placed : bands.getOrDefault(b, List.of())) {
        if (x0 < placed[1] && placed[0] < x1 && Math.abs(y - placed[2]) < LABEL_HEIGHT) {
          return true;
        }
      }
    }
    return false;
  }

  static double nodeWidth(Node node) {
    int chars = Math.max(node.label().length(), node.detail().length());
    return Math.min(340, Math.max(120, chars * CHAR_WIDTH + 24));
  }

  /**
   * Longest-path layers over the edges, Kahn's order; when only cycles are left, the first
   * remaining node (by index, so by id) is taken and its unprocessed callers count as back edges.
   */
  private static int[] layers(int n, List<List<Integer>> preds, List<List<Integer>> succs) {
    int[] indegree = new int[n];
    for (int i = 0; i < n; i++) {
      indegree[i] = preds.get(i).size();
    }
    int[] layer = new int[n];
    boolean[] done = new boolean[n];
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (indegree[i] == 0) {
        ready.add(i);
      }
    }
    int next = 0;
    int processed = 0;
    while (processed < n) {
      if (ready.isEmpty()) {
        while (done[next]) {
          next++;
        }
        ready.add(next);
        indegree[next] = 0;
      }
      int v = ready.poll();
      if (done[v]) {
        continue;
      }
      done[v] = true;
      processed++;
      int l = 0;
      for (int p : preds.get(v)) {
        if (done[p] && p != v) {
          l = Math.max(l, layer[p] + 1);
        }
      }
      layer[v] = l;
      for (int s : succs.get(v)) {
        if (!done[s] && --indegree[s] == 0) {
          ready.add(s);
        }
      }
    }
    return layer;
  }

  private static Route route(Edge edge, Box from, Box to) {
    if (from == to) {
      double r = from.right();
      double yy = from.midY();
      return new Route(edge, String.format(java.util.Locale.ROOT, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f",
          r, yy - 8, r + 46, yy - 34, r + 46, yy + 34, r, yy + 8), r + 50, yy);
    }
    if (to.x() > from.x()) {
      double x1 = from.right();
      double y1 = from.midY();
      double x2 = to.x() - 2;
      double y2 = to.midY();
      double dx = Math.max(30, (x2 - x1) / 2);
      // The label sits at the curve's midpoint; separateLabels moves it when another is there.
      return new Route(edge, String.format(java.util.Locale.ROOT, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f",
          x1, y1, x1 + dx, y1, x2 - dx, y2, x2, y2), (x1 + x2) / 2, (y1 + y2) / 2 - 4);
    }
    // Same column or back: leave and enter on the right side.
    double x1 = from.right();
    double y1 = from.midY();
    double x2 = to.right() + 2;
    double y2 = to.midY();
    double bulge = Math.max(x1, x2) + 60;
    return new Route(edge, String.format(java.util.Locale.ROOT, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f",
        x1, y1, bulge, y1, bulge, y2, x2, y2), bulge - 10, (y1 + y2) / 2);
  }
}
