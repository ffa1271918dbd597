package io.meshgate.render;

import io.meshgate.check.Progress;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.Intent;
import io.meshgate.intent.IntentRef;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.Kind;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.SourceLocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders one tree commit after commit, rendering again only the clusters whose objects a change
 * can touch and taking the others' objects from the last render. A cluster's objects come from the
 * services it hosts and their clients, the clients their DENY rules name, the services its clients
 * call, the Clusters, and the address ledger; so a changed InboundService re-renders the clusters
 * hosting it ({@code cluster} and {@code alsoIn}) and every cluster with a client of it, a changed
 * ServiceClient its own cluster and those hosting its target or naming it in a DENY rule, and a
 * cluster whose addresses moved is rendered again too. A change to a Cluster, any mesh-edge intent (IngressRoute, ExternalService,
 * EndUserAuth), or another previous ledger renders everything. The result equals a full render
 * (tests compare them); used by the service's sync job, one render at a time.
 */
public final class IncrementalRender {
  private final Renderer renderer = new Renderer();
  private IntentSet lastIntents;
  private RenderResult lastResult;
  private int clustersRenderedLastRun;

  /** Clusters the last render rendered (all of them when it could not reuse any). */
  public synchronized int clustersRenderedLastRun() {
    return clustersRenderedLastRun;
  }

  /** What {@link Renderer#render(IntentSet, AllocationLedger, Progress)} gives, re-rendering only what changed. */
  public synchronized RenderResult render(IntentSet intents, AllocationLedger previous, Progress progress) {
    // Another previous ledger (the environment branch after a publication) matters only where it
    // moves an address: the clusters whose addresses differ are rendered again below.
    Set<String> affected = lastResult == null ? null : affectedClusters(lastIntents, intents);
    RenderResult result;
    if (affected == null) {
      result = renderer.render(intents, previous, progress);
      clustersRenderedLastRun = intents.clusters().size();
    } else {
      RenderResult part = renderer.render(intents, previous, progress, affected::contains);
      // A cluster whose virtual addresses moved (a host's address released or taken) changes too.
      Set<String> moved = new TreeSet<>();
      for (String cluster : intents.clusters().keySet()) {
        if (!affected.contains(cluster)
            && !part.ledger().hostsOf(cluster).equals(lastResult.ledger().hostsOf(cluster))) {
          moved.add(cluster);
        }
      }
      if (!moved.isEmpty()) {
        affected.addAll(moved);
        part = renderer.render(intents, previous, progress, affected::contains);
      }
      SortedMap<String, List<RenderedObject>> clusters = new TreeMap<>();
      for (String cluster : intents.clusters().keySet()) {
        clusters.put(cluster, affected.contains(cluster)
            ? keepUnchanged(lastResult.clusters().get(cluster), part.clusters().get(cluster))
            : lastResult.clusters().get(cluster));
      }
      result = new RenderResult(clusters, part.ledger());
      clustersRenderedLastRun = affected.size();
    }
    lastIntents = intents;
    lastResult = result;
    return result;
  }

  /**
   * A re-rendered cluster's objects, each equal to one of last time's replaced by that object (and
   * the last list itself when all are): a one-file change re-renders whole clusters but changes a
   * few of their objects, and the later steps (policies, CRD answers, reachability, the writer)
   * recognise the unchanged ones by reference instead of comparing or converting them again.
   */
  static List<RenderedObject> keepUnchanged(List<RenderedObject> before, List<RenderedObject> now) {
    if (before == null || now == null || before.isEmpty()) {
      return now;
    }
    Map<RenderedObject, RenderedObject> last = new HashMap<>(before.size() * 2);
    for (RenderedObject object : before) {
      last.putIfAbsent(object, object);
    }
    List<RenderedObject> kept = new ArrayList<>(now.size());
    boolean sameList = now.size() == before.size();
    for (int i = 0; i < now.size(); i++) {
      RenderedObject object = last.getOrDefault(now.get(i), now.get(i));
      sameList = sameList && object == before.get(i);
      kept.add(object);
    }
    return sameList ? before : kept;
  }

  /** The clusters whose objects the change from {@code before} to {@code after} may touch; null: all. */
  static Set<String> affectedClusters(IntentSet before, IntentSet after) {
    if (!before.clusters().equals(after.clusters()) || !sameSources(before, after, before.clusters(), after.clusters())
        || !before.ingressRoutes().isEmpty() || !after.ingressRoutes().isEmpty()
        || !before.externalServices().isEmpty() || !after.externalServices().isEmpty()
        || !before.endUserAuths().isEmpty() || !after.endUserAuths().isEmpty()) {
      return null;
    }
    // One pass over each collection, no lookups: a push changes a few of 40,000 intents.
    Set<String> changedServices = new HashSet<>();
    Set<String> changedClients = new HashSet<>();
    IntentSet.forEachChange(before.services(), after.services(), (was, is) -> changedServices.add((is != null ? is : was).name()));
    IntentSet.forEachChange(before.clients(), after.clients(), (was, is) -> changedClients.add((is != null ? is : was).name()));
    for (IntentRef ref : movedToOtherFiles(before, after)) {
      if (ref.kind() == Kind.InboundService) {
        changedServices.add(ref.name());
      } else if (ref.kind() == Kind.ServiceClient) {
        changedClients.add(ref.name());
      }
    }
    Set<String> affected = new HashSet<>();
    for (String name : changedServices) {
      addClusterOf(before.services().get(name), affected);
      addClusterOf(after.services().get(name), affected);
    }
    if (!changedServices.isEmpty()) {
      // The clusters of the changed services' clients, before and after.
      for (IntentSet intents : new IntentSet[] {before, after}) {
        for (ServiceClient client : intents.clients().values()) {
          if (changedServices.contains(client.spec().target())) {
            affected.add(client.spec().cluster());
          }
        }
      }
    }
    for (String name : changedClients) {
      ServiceClient old = before.clients().get(name);
      ServiceClient now = after.clients().get(name);
      for (ServiceClient client : new ServiceClient[] {old, now}) {
        if (client != null) {
          affected.add(client.spec().cluster());
        }
      }
      addClusterOf(old == null ? null : before.services().get(old.spec().target()), affected);
      addClusterOf(now == null ? null : after.services().get(now.spec().target()), affected);
    }
    if (!changedClients.isEmpty()) {
      // A DENY rule names callers by principal (namespace, service account, cluster's trust domain).
      for (IntentSet intents : new IntentSet[] {before, after}) {
        for (InboundService service : intents.services().values()) {
          for (InboundService.DenyRule rule : service.spec().denyRules()) {
            if (rule.clients() != null && rule.clients().stream().anyMatch(changedClients::contains)) {
              addClusterOf(service, affected);
            }
          }
        }
      }
    }
    return affected;
  }

  /**
   * The intents in both sets whose document is in another file now (the source file is written on
   * every object, {@code meshgate.io/source}). {@link IntentSet} keeps its sources sorted, so the
   * two are walked side by side.
   */
  private static Set<IntentRef> movedToOtherFiles(IntentSet before, IntentSet after) {
    Set<IntentRef> moved = new HashSet<>();
    IntentSet.forEachChangeByKey(before.sources(), after.sources(), (ref, was, is) -> {
      if (was != null && is != null && !was.file().equals(is.file())) {
        moved.add(ref);
      }
    });
    return moved;
  }

  /** Every cluster hosting the service. */
  private static void addClusterOf(InboundService service, Set<String> affected) {
    if (service != null && service.spec().cluster() != null) {
      affected.addAll(service.spec().hostingClusters());
    }
  }

  /** The source file is written on every object (meshgate.io/source): a moved document changes them. */
  private static boolean sameSource(IntentSet before, IntentSet after, Intent old, Intent now) {
    if (old == null || now == null) {
      return old == now;
    }
    SourceLocation a = before.sourceOf(old);
    SourceLocation b = after.sourceOf(now);
    return a.file().equals(b.file());
  }

  private static boolean sameSources(IntentSet before, IntentSet after, Map<String, Cluster> old,
      Map<String, Cluster> now) {
    for (Map.Entry<String, Cluster> cluster : old.entrySet()) {
      if (!sameSource(before, after, cluster.getValue(), now.get(cluster.getKey()))) {
        return false;
      }
    }
    return true;
  }

}
