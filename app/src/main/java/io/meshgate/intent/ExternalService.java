package io.meshgate.intent;

import java.util.List;

/**
 * A host outside the mesh that workloads may call: a ServiceEntry (MESH_EXTERNAL) in each listed
 * cluster, visible to the listed namespaces, optionally with TLS originated by Istio and optionally
 * through the cluster's egress gateway. Defaults are filled in by the loader.
 * https://istio.io/latest/docs/tasks/traffic-management/egress/
 */
public record ExternalService(Metadata metadata, Spec spec) implements Intent {

  /**
   * @param host the external DNS name (exact, no wildcard)
   * @param ports the ports callers use; HTTP is plain HTTP, HTTPS and TLS are passed through by SNI
   * @param tlsOrigination callers send plain HTTP on this port and Istio originates TLS, or null
   * @param egressGateway the traffic leaves through the cluster's egress gateway (default false)
   * @param clusters where callers run (a ServiceEntry is rendered in each)
   * @param namespaces the callers' namespaces (the objects' exportTo); null = every namespace
   */
  public record Spec(String host, List<Port> ports, TlsOrigination tlsOrigination, boolean egressGateway,
      List<String> clusters, List<String> namespaces) {

    public Spec {
      ports = ports == null ? List.of() : List.copyOf(ports);
      clusters = clusters == null ? List.of() : List.copyOf(clusters);
      namespaces = namespaces == null ? null : List.copyOf(namespaces);
    }

    /** The port with this number, or null. */
    public Port port(int number) {
      return ports.stream().filter(p -> p.number() == number).findFirst().orElse(null);
    }
  }

  /** @param protocol HTTP, HTTPS or TLS */
  public record Port(int number, String protocol) {}

  /**
   * TLS origination (Istio's "Egress TLS Origination" task): the ServiceEntry port {@code port}
   * forwards to {@code targetPort} and a DestinationRule originates SIMPLE TLS with {@code sni}.
   *
   * @param port an HTTP port of {@code ports}
   * @param targetPort the external host's TLS port (default 443)
   * @param sni the server name sent (default: the host)
   */
  public record TlsOrigination(int port, int targetPort, String sni) {}

  @Override
  public Kind kind() {
    return Kind.ExternalService;
  }
}
