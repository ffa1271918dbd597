package io.meshgate.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.cli.CliRun;
import io.meshgate.diff.PullRequestRepo;
import io.meshgate.graph.MeshGraph.Edge;
import io.meshgate.graph.MeshGraph.Node;
import io.meshgate.graph.MeshGraph.State;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Mermaid diagram meshgate writes is valid Mermaid, checked by the real parser from npm
 * ({@link MermaidCli}): the pull-request report's block, {@code graph --format mermaid} of the seed,
 * labels full of characters Mermaid and Markdown read, and both summaries of a 3,000-service mesh.
 * A broken diagram is caught: the check is shown failing on one.
 */
class MermaidSyntaxTest {
  @TempDir Path temp;

  @Test
  void everyDiagramParses() throws Exception {
    Map<String, String> diagrams = new LinkedHashMap<>();
    Path repo = PullRequestRepo.create(temp.resolve("mesh"));
    String report = CliRun.of("report", "--repo", repo.toString(), "--base", "main", "--head", "feature").out();
    diagrams.put("report", mermaidBlock(report));
    diagrams.put("graph-seed", CliRun.of("graph", "--intents", TestRepos.seedIntents().toString()).out());
    diagrams.put("awkward-labels", Mermaid.of(awkward()));

    IntentSet base = BigMesh.load(temp.resolve("big-base"), 3000, 12, s -> false);
    IntentSet few = BigMesh.load(temp.resolve("big-few"), 3000, 12, s -> s % 1000 == 0);
    IntentSet many = BigMesh.load(temp.resolve("big-many"), 3000, 12, s -> s % 5 == 0);
    MeshGraph baseGraph = MeshGraph.of(base, Set.of());
    MeshGraph focus = GraphSummary.fit(MeshGraph.delta(baseGraph, MeshGraph.of(few, Set.of())), 40);
    MeshGraph clusters = GraphSummary.fit(MeshGraph.delta(baseGraph, MeshGraph.of(many, Set.of())), 40);
    assertTrue(focus.note().startsWith("Showing the changed connections"), focus.note());
    assertTrue(clusters.note().startsWith("Too large to draw service by service"), clusters.note());
    diagrams.put("3000-changes-only", Mermaid.of(focus));
    diagrams.put("3000-by-cluster", Mermaid.of(clusters));
    diagrams.put("3000-whole", Mermaid.of(GraphSummary.fit(baseGraph, 150)));

    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> diagram : diagrams.entrySet()) {
      Path file = temp.resolve(diagram.getKey() + ".mmd");
      Files.writeString(file, diagram.getValue());
      files.add(file);
    }
    MermaidCli.Outcome outcome = MermaidCli.parse(files);
    assertEquals(0, outcome.exit(), outcome.output());
    assertEquals(diagrams.size(), outcome.output().lines().filter(l -> l.startsWith("ok ")).count(), outcome.output());

    // The check can fail: an unbalanced label is refused.
    Path broken = temp.resolve("broken.mmd");
    Files.writeString(broken, diagrams.get("graph-seed").replaceFirst("\\|\"", "|\"\"x"));
    MermaidCli.Outcome refused = MermaidCli.parse(List.of(broken));
    assertEquals(1, refused.exit(), refused.output());
    assertTrue(refused.output().startsWith("FAIL "), refused.output());
  }

  /** Names and labels with quotes, #, |, <, >, backticks, brackets and non-ASCII text. */
  private static MeshGraph awkward() {
    List<Node> nodes = List.of(
        new Node("c\"1/ns#1/a|b", "c\"1 <prod>", "ns#1/a|b", "HTTP :80", State.ADDED),
        new Node("c\"1/ns/[x]", "c\"1 <prod>", "ns/[x] `y`", "", State.REMOVED),
        new Node("end/end/end", "end", "end/end", "TCP :5432", State.CHANGED),
        new Node("cluster:loose", null, "loose (cluster)", "3 workloads", State.UNCHANGED));
    List<Edge> edges = List.of(
        new Edge("c\"1/ns#1/a|b", "c\"1/ns/[x]", "GET /a|b#c \"q\" <tag> {x} ünï", null, State.ADDED, true),
        new Edge("c\"1/ns/[x]", "end/end/end", "TCP :5432 · SIMPLE", "all", State.CHANGED, false),
        new Edge("end/end/end", "end/end/end", "self", null, State.REMOVED, false),
        new Edge("cluster:loose", "end/end/end", "12 connections (+3, −1)", null, State.UNCHANGED, false));
    return new MeshGraph(nodes, edges, null);
  }

  static String mermaidBlock(String markdown) {
    int start = markdown.indexOf("```mermaid\n");
    assertTrue(start >= 0, markdown);
    int end = markdown.indexOf("\n```", start + 11);
    return markdown.substring(start + 11, end + 1);
  }
}
