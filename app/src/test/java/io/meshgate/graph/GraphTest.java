package io.meshgate.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.diff.Golden;
import io.meshgate.graph.MeshGraph.Edge;
import io.meshgate.graph.MeshGraph.Node;
import io.meshgate.graph.MeshGraph.State;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.TestRepos;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connectivity graph, its delta, filters and summaries, and the Mermaid and DOT text of the seed. */
class GraphTest {
  @TempDir Path temp;

  private static IntentSet seed() {
    return IntentLoader.load(TestRepos.seedIntents()).intents();
  }

  @Test
  void theSeedIsDrawnWholeWithAccessOnItsEdges() throws Exception {
    MeshGraph graph = MeshGraph.of(seed(), Set.of());
    assertEquals(List.of("cluster01/default/productpage", "cluster01/default/sleep", "cluster02/default/bookinfo-user",
        "cluster02/default/httpbin", "cluster02/default/sleep"), graph.nodes().stream().map(Node::id).toList());
    assertEquals(List.of("cluster01", "cluster02"), graph.clusters());
    Edge sleepToHttpbin = graph.edges().get(0);
    assertEquals("cluster01/default/sleep", sleepToHttpbin.from());
    assertEquals("cluster02/default/httpbin", sleepToHttpbin.to());
    assertEquals("GET /status*; POST /headers", sleepToHttpbin.label());
    assertEquals(graph, GraphSummary.fit(graph, 40), "small graphs are drawn whole");
    Golden.assertMatches("graph/seed.mmd", Mermaid.of(graph));
    Golden.assertMatches("graph/seed.dot", Dot.of(graph));
  }

  @Test
  void deltaMarksAddedRemovedAndChanged() {
    MeshGraph base = MeshGraph.of(seed(), Set.of());
    List<Node> nodes = new java.util.ArrayList<>(base.nodes().subList(1, 5));
    nodes.add(new Node("cluster02/pay/ledger", "cluster02", "pay/ledger", "HTTP :8080", State.UNCHANGED));
    List<Edge> edges = List.of(
        new Edge("cluster01/default/sleep", "cluster02/default/httpbin", "GET /status*", null, State.UNCHANGED, false),
        new Edge("cluster01/default/sleep", "cluster02/pay/ledger", "POST /entries", null, State.UNCHANGED, true));
    MeshGraph delta = MeshGraph.delta(base, new MeshGraph(nodes, edges, null));
    assertEquals(State.REMOVED, state(delta, "cluster01/default/productpage"));
    assertEquals(State.ADDED, state(delta, "cluster02/pay/ledger"));
    assertEquals(State.UNCHANGED, state(delta, "cluster01/default/sleep"));
    Edge changed = delta.edges().stream().filter(e -> e.to().equals("cluster02/default/httpbin")).findFirst().orElseThrow();
    assertEquals(State.CHANGED, changed.state());
    assertEquals("GET /status*; POST /headers", changed.was());
    Edge added = delta.edges().stream().filter(e -> e.to().equals("cluster02/pay/ledger")).findFirst().orElseThrow();
    assertEquals(State.ADDED, added.state());
    assertTrue(added.broken());
    assertEquals(2, delta.edges().stream().filter(e -> e.state() == State.REMOVED).count());
    String mermaid = Mermaid.of(delta);
    assertTrue(mermaid.contains("==>|\"⚠ unreachable: POST /entries\"|"), mermaid);
    assertTrue(mermaid.contains("-.->|\"GET /static*; GET /api/v1/products\"|"), mermaid);
    assertTrue(mermaid.contains("(was GET /status*; POST /headers)"), mermaid);
    assertTrue(mermaid.contains("  class n5 added\n"), mermaid);
  }

  private static State state(MeshGraph graph, String id) {
    return graph.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow().state();
  }

  @Test
  void filtersKeepWhatTouchesTheMatchingWorkloads() {
    MeshGraph graph = MeshGraph.of(seed(), Set.of());
    MeshGraph httpbin = graph.filter(Set.of(), Set.of(), Set.of("httpbin"));
    assertEquals(List.of("cluster01/default/sleep", "cluster02/default/httpbin"),
        httpbin.nodes().stream().map(Node::id).toList());
    assertEquals(1, httpbin.edges().size());
    MeshGraph cluster01 = graph.filter(Set.of("cluster01"), Set.of(), Set.of());
    assertEquals(3, cluster01.edges().size(), "both of cluster01's workloads are in every connection");
    assertTrue(graph.filter(Set.of("cluster09"), Set.of(), Set.of()).nodes().isEmpty());
    assertEquals(graph, graph.filter(Set.of(), Set.of(), Set.of()));
    assertEquals(5, graph.filter(Set.of(), Set.of("default"), Set.of()).nodes().size());
  }

  @Test
  void threeThousandServicesAreSummarised() throws Exception {
    IntentSet base = BigMesh.load(temp.resolve("base"), 3000, 12, s -> false);
    IntentSet few = BigMesh.load(temp.resolve("few"), 3000, 12, s -> s == 5 || s == 2500);
    MeshGraph whole = MeshGraph.of(base, Set.of());
    assertEquals(6000, whole.nodes().size());
    assertEquals(3000, whole.edges().size());

    // Two changed connections: only they and their four workloads are drawn.
    MeshGraph focus = GraphSummary.fit(MeshGraph.delta(whole, MeshGraph.of(few, Set.of())), 40);
    assertEquals(4, focus.nodes().size());
    assertEquals(2, focus.edges().size());
    assertTrue(focus.edges().stream().allMatch(e -> e.state() == State.CHANGED));
    assertEquals("Showing the changed connections and their services; 5996 services and 2998 connections without "
        + "changes are left out.", focus.note());

    // Nothing changed, or too much: one node per cluster, one arrow per cluster pair with counts.
    MeshGraph clusters = GraphSummary.fit(whole, 40);
    assertEquals(12, clusters.nodes().size());
    assertTrue(clusters.nodes().stream().allMatch(n -> n.cluster() == null && n.detail().equals("500 workloads")),
        clusters.nodes().toString());
    assertEquals(12, clusters.edges().size());
    assertEquals("250 connections", clusters.edges().get(0).label());
    IntentSet many = BigMesh.load(temp.resolve("many"), 3000, 12, s -> s % 5 == 0);
    MeshGraph changed = GraphSummary.fit(MeshGraph.delta(whole, MeshGraph.of(many, Set.of())), 40);
    assertEquals(12, changed.nodes().size());
    assertTrue(changed.edges().stream().allMatch(e -> e.state() == State.CHANGED && e.label().equals("250 connections (~50)")),
        changed.edges().toString());
    assertTrue(Mermaid.of(changed).length() < 5000);

    // 0 draws everything.
    assertEquals(whole, GraphSummary.fit(whole, 0));
    assertNull(whole.note());
  }

  @Test
  void clusterPairsBeyondTheEdgeLimitAreLeftOutQuietestFirst() throws Exception {
    // 40 clusters, each service called from the next cluster: 40 cluster pairs.
    IntentSet base = BigMesh.load(temp.resolve("pairs"), 2000, 40, s -> false);
    MeshGraph whole = MeshGraph.of(base, Set.of());
    MeshGraph small = GraphSummary.fit(whole, 5);
    assertEquals(40, small.nodes().size());
    assertEquals(20, small.edges().size(), "maxEdges(5) = 20 of 40 cluster pairs");
    assertTrue(small.note().contains("20 cluster pairs left out"), small.note());
    assertFalse(small.edges().isEmpty());
  }

  @Test
  void aServiceWithSeveralPortsShowsThemAllAndAccessEntriesTheirPorts() {
    IntentSet intents = IntentLoader.load(TestRepos.root().resolve("repo-fixtures/valid/multi-port/intents")).intents();
    MeshGraph graph = MeshGraph.of(intents, Set.of());
    Node orders = graph.nodes().stream().filter(n -> n.id().equals("east/shop/orders")).findFirst().orElseThrow();
    assertEquals("HTTP :8080, GRPC :9090, TCP :5432", orders.detail());
    assertTrue(graph.edges().stream().anyMatch(e -> e.label().equals("ANY :5432")), graph.edges().toString());
  }
}
