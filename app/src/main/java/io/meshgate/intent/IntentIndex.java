package io.meshgate.intent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The look-ups every consumer of an {@link IntentSet} needs, built once in one pass over the
 * intents, so that nothing downstream scans all clients per service (10,000 services with 30,000
 * clients is a normal repository). Lists keep the set's order (by {@code metadata.name}).
 */
public final class IntentIndex {

  private final IntentSet intents;
  private final Map<String, List<ServiceClient>> clientsByTarget;
  private final Map<String, List<ServiceClient>> clientsByCluster;
  private final Map<String, List<InboundService>> servicesByCluster;
  private final Map<String, List<InboundService>> servicesByGlobalHost;

  private IntentIndex(IntentSet intents) {
    this.intents = intents;
    Map<String, List<ServiceClient>> byTarget = new TreeMap<>();
    Map<String, List<ServiceClient>> byClientCluster = new TreeMap<>();
    List<ServiceClient> callers = new ArrayList<>(intents.clients().values());
    // After the declared clients: the ingress gateways IngressRoutes send to a service (see IngressClients).
    callers.addAll(IngressClients.of(intents));
    for (ServiceClient client : callers) {
      if (client.spec().target() != null) {
        byTarget.computeIfAbsent(client.spec().target(), k -> new ArrayList<>()).add(client);
      }
      if (client.spec().cluster() != null) {
        byClientCluster.computeIfAbsent(client.spec().cluster(), k -> new ArrayList<>()).add(client);
      }
    }
    Map<String, List<InboundService>> byServiceCluster = new TreeMap<>();
    Map<String, List<InboundService>> byHost = new TreeMap<>();
    for (InboundService service : intents.services().values()) {
      byServiceCluster.computeIfAbsent(service.spec().cluster(), k -> new ArrayList<>()).add(service);
      byHost.computeIfAbsent(globalHost(service), k -> new ArrayList<>()).add(service);
    }
    this.clientsByTarget = frozen(byTarget);
    this.clientsByCluster = frozen(byClientCluster);
    this.servicesByCluster = frozen(byServiceCluster);
    this.servicesByGlobalHost = frozen(byHost);
  }

  /** Indexes {@code intents} in one pass over its services and one over its clients. */
  public static IntentIndex of(IntentSet intents) {
    return new IntentIndex(intents);
  }

  /** {@code <service>.<namespace>.global}: the name clients in other clusters use. */
  public static String globalHost(InboundService service) {
    return service.spec().service() + "." + service.spec().namespace() + ".global";
  }

  public IntentSet intents() {
    return intents;
  }

  /** The Cluster named {@code name}, or null. */
  public Cluster cluster(String name) {
    return name == null ? null : intents.clusters().get(name);
  }

  /** The Cluster a service is hosted in, or null when it names an unknown one. */
  public Cluster hostOf(InboundService service) {
    return cluster(service.spec().cluster());
  }

  /** The Cluster a client runs in, or null when it names an unknown one. */
  public Cluster clusterOf(ServiceClient client) {
    return cluster(client.spec().cluster());
  }

  /** The InboundService a client calls, or null when it names an unknown one. */
  public InboundService targetOf(ServiceClient client) {
    return client.spec().target() == null ? null : intents.services().get(client.spec().target());
  }

  /**
   * Every client whose {@code spec.target} is the service's {@code metadata.name}, by client name,
   * then the ingress gateways that route to it ({@link IngressClients}).
   */
  public List<ServiceClient> clientsOf(InboundService service) {
    return clientsByTarget.getOrDefault(service.name(), List.of());
  }

  /** Every client running in the named cluster, by client name. */
  public List<ServiceClient> clientsIn(String cluster) {
    return clientsByCluster.getOrDefault(cluster, List.of());
  }

  /** Every service hosted in the named cluster, by service name. */
  public List<InboundService> servicesIn(String cluster) {
    return servicesByCluster.getOrDefault(cluster, List.of());
  }

  /** The services publishing {@code host} ({@code <service>.<namespace>.global}), by name. */
  public List<InboundService> servicesWithHost(String host) {
    return servicesByGlobalHost.getOrDefault(host, List.of());
  }

  /**
   * The clients of {@code service} that run in a known cluster that does not host it (neither its
   * {@code cluster} nor one of {@code alsoIn}), grouped by that cluster (sorted), each group by client
   * name: the clusters that need the service's {@code .global} objects pointing at a mesh gateway.
   */
  public SortedMap<String, List<ServiceClient>> remoteClientsByCluster(InboundService service) {
    SortedMap<String, List<ServiceClient>> out = new TreeMap<>();
    List<String> hosts = service.spec().hostingClusters();
    for (ServiceClient client : clientsOf(service)) {
      String cluster = client.spec().cluster();
      if (cluster != null && !hosts.contains(cluster) && intents.clusters().containsKey(cluster)) {
        out.computeIfAbsent(cluster, k -> new ArrayList<>()).add(client);
      }
    }
    return out;
  }

  private static <V> Map<String, List<V>> frozen(Map<String, List<V>> map) {
    map.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return Collections.unmodifiableMap(map);
  }
}
