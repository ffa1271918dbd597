package io.meshgate.diff;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.graph.MeshGraph;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.RenderResult;
import io.meshgate.render.RenderedObject;
import io.meshgate.render.Renderer;
import io.meshgate.report.Report;
import io.meshgate.verify.MeshModel;
import io.meshgate.verify.Verifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a change of the intents does to the environment branch, computed in memory: both sides are
 * rendered (the head on top of the base's address ledger, as the service would publish it after the
 * base), the objects of each cluster compared, address moves listed, every request either side's
 * {@code verify} makes answered on both sides, and the head checked as {@code validate} checks it.
 *
 * @param base what the base side is ({@code main (1a2b3c4)})
 * @param head what the head side is ({@code work tree} or {@code feature (5d6e7f8)})
 * @param violations the head's violations, as {@code validate} reports them
 * @param headRendered false when the head has structural errors: nothing is compared then
 * @param baseErrors structural errors of the base; the base then counts as empty
 * @param changes per cluster (only clusters with a change), the changed objects sorted by path
 * @param graph the declared connectivity of both sides, changes marked (not summarised)
 */
public record EnvironmentDiff(String base, String head, Report violations, boolean headRendered, int baseErrors,
    SortedMap<String, List<ObjectChange>> changes, List<AddressMove> addressMoves, ReachabilityDelta reachability,
    MeshGraph graph) {

  public EnvironmentDiff {
    SortedMap<String, List<ObjectChange>> copy = new TreeMap<>();
    changes.forEach((cluster, list) -> copy.put(cluster, List.copyOf(list)));
    changes = Collections.unmodifiableSortedMap(copy);
    addressMoves = List.copyOf(addressMoves);
  }

  /** Every object change, cluster by cluster. */
  public List<ObjectChange> allChanges() {
    List<ObjectChange> all = new ArrayList<>();
    changes.values().forEach(all::addAll);
    return all;
  }

  public boolean isEmpty() {
    return changes.isEmpty() && addressMoves.isEmpty() && reachability.isEmpty();
  }

  /**
   * Compares two intents folders.
   *
   * @param baseRoot the base's intents folder, or null when the base has none (everything is new)
   * @param checker checks the head as {@code validate} does
   */
  public static EnvironmentDiff compare(String baseLabel, Path baseRoot, String headLabel, Path headRoot,
      Checker checker) throws PolicyEngineException {
    LoadResult baseLoad = baseRoot == null ? null : IntentLoader.load(baseRoot);
    int baseErrors = baseLoad == null ? 0 : (int) baseLoad.violations().stream().filter(v -> v.isError()).count();
    IntentSet baseIntents = baseLoad == null || baseErrors > 0 ? null : baseLoad.intents();
    RenderResult baseRender = baseIntents == null ? null
        : new Renderer().render(baseIntents, AllocationLedger.empty()).withOverlays(baseLoad.overlays());

    CheckResult headCheck = checker.check(headRoot, baseRender == null ? AllocationLedger.empty() : baseRender.ledger());
    Report violations = new Report(headCheck.violations(), headCheck.load().files(), headCheck.load().documents().size());
    RenderResult headRender = headCheck.rendered();
    if (headRender == null) {
      return new EnvironmentDiff(baseLabel, headLabel, violations, false, baseErrors, new TreeMap<>(), List.of(),
          new ReachabilityDelta(List.of()), new MeshGraph(List.of(), List.of(), null));
    }
    IntentSet headIntents = headCheck.load().intents();

    SortedMap<String, List<ObjectChange>> changes = objectChanges(baseRender, headRender);
    List<AddressMove> moves = addressMoves(baseRender, headRender);

    Verifier.Result baseResult = null;
    Verifier baseVerifier = null;
    if (baseRender != null) {
      baseVerifier = new Verifier(baseIntents, MeshModel.build(baseIntents, baseRender.withOverlayObjects()));
      baseResult = baseVerifier.run(true);
    }
    Verifier headVerifier = new Verifier(headIntents, MeshModel.build(headIntents, headRender.withOverlayObjects()));
    Verifier.Result headResult = headVerifier.run(true);
    ReachabilityDelta reachability = ReachabilityDelta.compare(
        new ReachabilityDelta.Side(baseResult, baseVerifier == null ? null : baseVerifier.simulator()),
        new ReachabilityDelta.Side(headResult, headVerifier.simulator()));

    MeshGraph baseGraph = baseIntents == null ? new MeshGraph(List.of(), List.of(), null)
        : MeshGraph.of(baseIntents, brokenClients(baseResult));
    MeshGraph graph = MeshGraph.delta(baseGraph, MeshGraph.of(headIntents, brokenClients(headResult)));
    return new EnvironmentDiff(baseLabel, headLabel, violations, true, baseErrors, changes, moves, reachability, graph);
  }

  /** Clients with a declared request verify finds cannot reach their service. */
  public static Set<String> brokenClients(Verifier.Result result) {
    Set<String> broken = new HashSet<>();
    if (result != null) {
      result.edges().stream().filter(c -> !c.ok()).forEach(c -> broken.add(c.client()));
    }
    return broken;
  }

  private static SortedMap<String, List<ObjectChange>> objectChanges(RenderResult base, RenderResult head) {
    Set<String> clusters = new TreeSet<>(head.clusters().keySet());
    if (base != null) {
      clusters.addAll(base.clusters().keySet());
    }
    SortedMap<String, List<ObjectChange>> out = new TreeMap<>();
    for (String cluster : clusters) {
      Map<String, RenderedObject> before = byPath(base == null ? List.of() : base.objectsOf(cluster));
      Map<String, RenderedObject> after = byPath(head.objectsOf(cluster));
      Set<String> paths = new TreeSet<>(before.keySet());
      paths.addAll(after.keySet());
      List<ObjectChange> list = new ArrayList<>();
      for (String path : paths) {
        ObjectChange change = ObjectChange.compare(before.get(path), after.get(path));
        if (change != null) {
          list.add(change);
        }
      }
      if (!list.isEmpty()) {
        out.put(cluster, list);
      }
    }
    return out;
  }

  private static Map<String, RenderedObject> byPath(List<RenderedObject> objects) {
    Map<String, RenderedObject> out = new LinkedHashMap<>();
    objects.forEach(o -> out.put(o.relativePath(), o));
    return out;
  }

  private static List<AddressMove> addressMoves(RenderResult base, RenderResult head) {
    List<AddressMove> moves = new ArrayList<>();
    if (base == null) {
      return moves;
    }
    base.ledger().clusters().forEach((cluster, hosts) -> hosts.forEach((host, address) -> {
      String now = head.ledger().addressOf(cluster, host);
      if (now != null && !now.equals(address)) {
        moves.add(new AddressMove(cluster, host, address, now));
      }
    }));
    return moves;
  }
}
