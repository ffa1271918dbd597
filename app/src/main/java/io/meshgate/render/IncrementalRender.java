package io.meshgate.render;

import io.meshgate.check.Progress;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.Intent;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.SourceLocation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        clusters.put(cluster, affected.contains(cluster) ? part.clusters().get(cluster)
            : lastResult.clusters().get(cluster));
      }
      result = new RenderResult(clusters, part.ledger());
      clustersRenderedLastRun = affected.size();
    }
    lastIntents = intents;
    lastResult = result;
    return result;
  }

  /** The clusters whose objects the change from {@code before} to {@code after} may touch; null: all. */
  static Set<String> affectedClusters(IntentSet before, IntentSet after) {
    if (!before.clusters().equals(after.clusters()) || !sameSources(before, after, before.clusters(), after.clusters())
        || !before.ingressRoutes().isEmpty() || !after.ingressRoutes().isEmpty()
        || !before.externalServices().isEmpty() || !after.externalServices().isEmpty()
        || !before.endUserAuths().isEmpty() || !after.endUserAuths().isEmpty()) {
      return null;
    }
    Set<String> affected = new HashSet<>();
    Map<String, Set<String>> clientClustersBefore = clientClustersByTarget(before);
    Map<String, Set<String>> clientClustersAfter = clientClustersByTarget(after);
    Map<String, Set<String>> denyingClustersBefore = clustersDenyingByClient(before);
    Map<String, Set<String>> denyingClustersAfter = clustersDenyingByClient(after);
    for (String name : union(before.services().keySet(), after.services().keySet())) {
      InboundService old = before.services().get(name);
      InboundService now = after.services().get(name);
      if (Objects.equals(old, now) && sameSource(before, after, old, now)) {
        continue;
      }
      addClusterOf(old, affected);
      addClusterOf(now, affected);
      affected.addAll(clientClustersBefore.getOrDefault(name, Set.of()));
      affected.addAll(clientClustersAfter.getOrDefault(name, Set.of()));
    }
    for (String name : union(before.clients().keySet(), after.clients().keySet())) {
      ServiceClient old = before.clients().get(name);
      ServiceClient now = after.clients().get(name);
      if (Objects.equals(old, now) && sameSource(before, after, old, now)) {
        continue;
      }
      for (ServiceClient client : new ServiceClient[] {old, now}) {
        if (client != null) {
          affected.add(client.spec().cluster());
        }
      }
      addClusterOf(old == null ? null : before.services().get(old.spec().target()), affected);
      addClusterOf(now == null ? null : after.services().get(now.spec().target()), affected);
      // A DENY rule names callers by principal (namespace, service account, cluster's trust domain).
      affected.addAll(denyingClustersBefore.getOrDefault(name, Set.of()));
      affected.addAll(denyingClustersAfter.getOrDefault(name, Set.of()));
    }
    return affected;
  }

  /** Every cluster hosting the service. */
  private static void addClusterOf(InboundService service, Set<String> affected) {
    if (service != null && service.spec().cluster() != null) {
      affected.addAll(service.spec().hostingClusters());
    }
  }

  /** Client name -> the clusters hosting a service whose DENY rules name that client. */
  private static Map<String, Set<String>> clustersDenyingByClient(IntentSet intents) {
    Map<String, Set<String>> clusters = new HashMap<>();
    for (InboundService service : intents.services().values()) {
      for (InboundService.DenyRule rule : service.spec().denyRules()) {
        if (rule.clients() == null) {
          continue;
        }
        for (String client : rule.clients()) {
          addClusterOf(service, clusters.computeIfAbsent(client, name -> new HashSet<>()));
        }
      }
    }
    return clusters;
  }

  private static Map<String, Set<String>> clientClustersByTarget(IntentSet intents) {
    Map<String, Set<String>> clusters = new HashMap<>();
    for (ServiceClient client : intents.clients().values()) {
      clusters.computeIfAbsent(client.spec().target(), target -> new HashSet<>()).add(client.spec().cluster());
    }
    return clusters;
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

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
