package io.meshgate.verify;

/**
 * The object that decides a hop: an Istio object of a cluster, or a fact meshgate knows from the
 * intents (kind {@code Cluster}, {@code Service}), written {@code cluster/namespace/kind/name}.
 *
 * @param namespace empty for cluster-scoped facts
 */
public record ObjectRef(String cluster, String namespace, String kind, String name) {

  public ObjectRef {
    namespace = namespace == null ? "" : namespace;
  }

  /** A Cluster intent's facts (meshGateway, trustDomain, dnsProxying, ...). */
  public static ObjectRef clusterFacts(String cluster) {
    return new ObjectRef(cluster, "", "Cluster", cluster);
  }

  @Override
  public String toString() {
    return cluster + "/" + namespace + "/" + kind + "/" + name;
  }
}
