package io.meshgate.check;

import io.meshgate.intent.IntentSet;
import io.meshgate.intent.Kind;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.OverlayObject;
import io.meshgate.intent.SourceLocation;
import io.meshgate.render.RenderResult;
import io.meshgate.render.RenderedObject;
import io.meshgate.verify.HopResult;
import io.meshgate.verify.MeshModel;
import io.meshgate.verify.Verifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * MG-REACH-01: the pipeline refuses output in which a declared client cannot reach its service. One
 * error per client, at its intent, naming the first failing request, the hop and the deciding object.
 */
final class Reachability {
  private Reachability() {}

  /**
   * @param memory what the last check of this tree kept (edges of services whose inputs and clusters
   *     did not change are taken from it), or null
   */
  static List<Violation> check(LoadResult load, RenderResult rendered, Memory memory, Progress progress) {
    Verifier.Result result = memory != null ? memory.run(load, rendered, progress)
        : new Verifier(load.intents(), MeshModel.build(load.intents(), rendered.withOverlayObjects()))
            .run(false, progress);
    // One error per declaring intent (a ServiceClient, or an IngressRoute, ExternalService or EndUserAuth).
    Map<String, List<Verifier.Check>> failedByIntent = new LinkedHashMap<>();
    for (Verifier.Check edge : result.edges()) {
      if (!edge.ok()) {
        failedByIntent.computeIfAbsent(edge.kind() + "/" + edge.client(), k -> new ArrayList<>()).add(edge);
      }
    }
    List<Violation> violations = new ArrayList<>();
    failedByIntent.forEach((key, failed) -> {
      Verifier.Check first = failed.get(0);
      String client = first.client();
      HopResult failure = first.trace().failure();
      String object = failure == null || failure.object() == null ? "" : " [" + failure.object() + "]";
      String more = failed.size() == 1 ? "" : " (and " + (failed.size() - 1) + " more of its requests)";
      String who = first.kind() == Kind.ServiceClient ? "client " + client : first.kind() + " " + client;
      String message = who + " cannot reach " + first.service() + ": "
          + first.trace().request().describe() + " " + first.problem() + object + more
          + "; run `meshgate explain` for the whole trace";
      SourceLocation at = load.locate(first.kind(), client, first.field());
      violations.add(new Violation(Violation.REACH_RULE, Severity.ERROR, message,
          at == null ? null : at.file(), at == null ? 0 : at.line(), at == null ? 0 : at.column(),
          first.kind().name(), client, first.field()));
    });
    return violations;
  }

  /**
   * What reachability keeps between checks of one tree: the last run's model, each service's edges
   * with every read their simulation made in it ({@link MeshModel.Read}: a host, an address, a
   * namespace's policies, ... in one cluster's view), and what each cluster's view was built from
   * (rendered and overlay objects, the intents placed there). A cluster whose rendered objects are the
   * very objects of last time (the incremental render keeps the clusters a change does not touch),
   * whose overlays and intents are equal, keeps its view; the other views are built again and compared
   * with the last ones read by read (see {@link MeshModel#build(IntentSet, Map, MeshModel, Predicate)}).
   * A service keeps its edges while it, its clients, their places in the files and its end-user token
   * are equal and none of its reads answers differently; the mesh edge's own requests (IngressRoute,
   * ExternalService, EndUserAuth) are checked in full every time.
   */
  static final class Memory {
    private final Verifier.Memory edges = new Verifier.Memory();
    private MeshModel model;
    private Map<String, List<RenderedObject>> objects = Map.of();
    private Map<String, List<Map<String, Object>>> overlays = Map.of();
    private IntentSet lastIntents;

    /** Services whose edges the last check took from the one before. */
    int reusedLastRun() {
      return edges.reusedLastRun();
    }

    synchronized Verifier.Result run(LoadResult load, RenderResult rendered, Progress progress) {
      IntentSet intents = load.intents();
      Map<String, List<Map<String, Object>>> overlaysNow = overlayContents(rendered);
      Set<String> placedChanged = placedChanged(lastIntents, intents);
      Map<String, List<RenderedObject>> lastObjects = objects;
      Map<String, List<Map<String, Object>>> lastOverlays = overlays;
      Predicate<String> unchanged = cluster -> placedChanged != null && !placedChanged.contains(cluster)
          && sameObjects(lastObjects.get(cluster), rendered.objectsOf(cluster))
          && Objects.equals(lastOverlays.get(cluster), overlaysNow.get(cluster));
      // The model keeps the views of unchanged clusters and compares the others with the last ones; a
      // service keeps its edges while none of its reads answers differently.
      MeshModel now = MeshModel.build(intents, rendered.withOverlayObjects(), model, unchanged);
      Verifier.Result result = new Verifier(intents, now).run(false, progress, edges);
      model = now;
      objects = rendered.clusters();
      overlays = overlaysNow;
      lastIntents = intents;
      return result;
    }

    /**
     * The clusters in which an intent a view is built from, besides its objects, was added, removed
     * or changed (see {@link MeshModel}): the Services hosted there, the clients running there, the
     * mesh edge's IngressRoutes and ExternalServices placed there (their namespaces); null when there
     * was no last check. Unchanged files keep their intents, so most compare by identity.
     */
    private static Set<String> placedChanged(IntentSet last, IntentSet now) {
      if (last == null) {
        return null;
      }
      Set<String> out = new HashSet<>();
      changed(last.services(), now.services(), service -> service.spec().hostingClusters(), out);
      changed(last.clients(), now.clients(), client -> List.of(client.spec().cluster()), out);
      changed(last.ingressRoutes(), now.ingressRoutes(), route -> List.of(route.spec().cluster()), out);
      changed(last.externalServices(), now.externalServices(), external -> external.spec().clusters(), out);
      return out;
    }

    private static <T> void changed(java.util.SortedMap<String, T> before, java.util.SortedMap<String, T> after,
        Function<T, List<String>> clusters, Set<String> into) {
      IntentSet.forEachChange(before, after, (was, now) -> {
        if (was != null) {
          into.addAll(clusters.apply(was));
        }
        if (now != null) {
          into.addAll(clusters.apply(now));
        }
      });
    }

    /** The same objects (the same instances) in the same order. */
    private static boolean sameObjects(List<RenderedObject> last, List<RenderedObject> now) {
      if (last == null || last.size() != now.size()) {
        return false;
      }
      for (int i = 0; i < now.size(); i++) {
        if (last.get(i) != now.get(i)) {
          return false;
        }
      }
      return true;
    }

    private static Map<String, List<Map<String, Object>>> overlayContents(RenderResult rendered) {
      Map<String, List<Map<String, Object>>> out = new HashMap<>();
      rendered.clusters().keySet().forEach(cluster ->
          out.put(cluster, rendered.overlays().objectsOf(cluster).stream().map(OverlayObject::content).toList()));
      return out;
    }
  }
}
