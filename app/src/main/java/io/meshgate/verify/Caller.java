package io.meshgate.verify;

import java.util.Map;

/**
 * The workload a request comes from, or a client outside the mesh ({@link #external}).
 *
 * @param labels the pod's labels (DestinationRule workloadSelector matches them)
 * @param sidecar whether the pod runs istio-proxy
 * @param external a client outside the mesh reaching {@code cluster}'s ingress gateway; then
 *     {@code namespace} and {@code serviceAccount} are empty
 * @param https the external client speaks TLS (https) to the ingress gateway
 * @param clientCertificate the external client presents a certificate (for MUTUAL servers)
 */
public record Caller(String cluster, String namespace, String serviceAccount, Map<String, String> labels,
    boolean sidecar, boolean external, boolean https, boolean clientCertificate) {

  public Caller {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A workload of the mesh. */
  public Caller(String cluster, String namespace, String serviceAccount, Map<String, String> labels, boolean sidecar) {
    this(cluster, namespace, serviceAccount, labels, sidecar, false, false, false);
  }

  /** A client outside the mesh calling {@code cluster}'s ingress gateway, over https or plain http. */
  public static Caller external(String cluster, boolean https, boolean clientCertificate) {
    return new Caller(cluster, "", "", Map.of(), false, true, https, clientCertificate);
  }

  /** {@code cluster/namespace/serviceAccount}, as {@code explain --from} takes it; {@code external/cluster}. */
  @Override
  public String toString() {
    if (external) {
      return "external/" + cluster + " (" + (https ? "https" + (clientCertificate ? ", client certificate" : "") : "http")
          + ")";
    }
    return cluster + "/" + namespace + "/" + serviceAccount + (sidecar ? "" : " (no sidecar)");
  }
}
