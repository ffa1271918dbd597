package io.meshgate.verify;

import java.util.Map;

/**
 * The workload a request comes from.
 *
 * @param labels the pod's labels (DestinationRule workloadSelector matches them)
 * @param sidecar whether the pod runs istio-proxy
 */
public record Caller(String cluster, String namespace, String serviceAccount, Map<String, String> labels,
    boolean sidecar) {

  public Caller {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** {@code cluster/namespace/serviceAccount}, as {@code explain --from} takes it. */
  @Override
  public String toString() {
    return cluster + "/" + namespace + "/" + serviceAccount + (sidecar ? "" : " (no sidecar)");
  }
}
