package io.meshgate.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A service that accepts traffic from other clusters. Defaults are filled in by the loader. */
public record InboundService(Metadata metadata, Spec spec) implements Intent {

  /**
   * @param protocol the shorthand's protocol ({@code port} + {@code protocol}), null when the file uses {@code ports}
   * @param port the shorthand's port, null when the file uses {@code ports}
   * @param ports every port of the service, never empty for a valid intent: the file's {@code ports}, or the
   *     shorthand as a one-entry list (the loader writes the same list into the document policies see)
   * @param podHostnames clients address single pods by their StatefulSet hostnames (headless services only;
   *     across clusters that is MG-HEADLESS-01)
   * @param selector the pods' labels; null means the contract's default {@code {app: <service>}}
   */
  public record Spec(
      String app,
      String service,
      String namespace,
      String cluster,
      Protocol protocol,
      Integer port,
      List<Port> ports,
      boolean headless,
      boolean podHostnames,
      boolean sidecar,
      TlsMode mutualTLS,
      TlsRef tls,
      LoadBalancing loadBalancing,
      ConnectionPool connectionPool,
      OutlierDetection outlierDetection,
      List<String> allowedNamespaces,
      String address,
      Map<String, String> selector) {

    public Spec {
      selector = selector == null || selector.isEmpty() ? Map.of("app", service) : Map.copyOf(selector);
      ports = normalizedPorts(protocol, port, ports);
      allowedNamespaces = allowedNamespaces == null ? null : List.copyOf(allowedNamespaces);
    }

    /** A one-port spec written with the shorthand, the default selector and no pod hostnames. */
    public Spec(String app, String service, String namespace, String cluster, Protocol protocol, int port,
        boolean headless, boolean sidecar, TlsMode mutualTLS, TlsRef tls, LoadBalancing loadBalancing,
        ConnectionPool connectionPool, OutlierDetection outlierDetection, List<String> allowedNamespaces,
        String address, Map<String, String> selector) {
      this(app, service, namespace, cluster, protocol, port, null, headless, false, sidecar, mutualTLS, tls,
          loadBalancing, connectionPool, outlierDetection, allowedNamespaces, address, selector);
    }

    /** The port with this number, or null. */
    public Port port(int number) {
      for (Port p : ports) {
        if (p.number() == number) {
          return p;
        }
      }
      return null;
    }

    /**
     * The port an access entry names: a number ({@code 8080}, also written {@code "8080"}) or a port
     * name ({@code grpc}); null when the service has no such port.
     */
    public Port portFor(String reference) {
      if (reference == null) {
        return null;
      }
      for (Port p : ports) {
        if (p.name().equals(reference) || String.valueOf(p.number()).equals(reference)) {
          return p;
        }
      }
      return null;
    }

    /** The first port (the only one for a service written with the shorthand). */
    public Port firstPort() {
      return ports.get(0);
    }

    /** True when a port is opaque to the sidecar (TCP, TLS, HTTPS): no HTTP request is seen there. */
    public boolean hasOpaquePort() {
      return ports.stream().anyMatch(p -> !p.protocol().isHttp());
    }

    private static List<Port> normalizedPorts(Protocol protocol, Integer port, List<Port> ports) {
      if (ports != null && !ports.isEmpty()) {
        return List.copyOf(ports);
      }
      if (port != null && protocol != null) {
        return List.of(new Port(port, null, protocol, null));
      }
      return List.of();
    }
  }

  /**
   * One port of the service, named like a Kubernetes Service port and an Istio ServicePort.
   *
   * @param number the Service's port (what callers use)
   * @param name default {@code <protocol lower>-<number>}, which also follows Istio's port naming
   *     convention (https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/)
   * @param targetPort the port the pods listen on, default {@code number}; the sidecar, PeerAuthentication
   *     and AuthorizationPolicy see this one
   */
  public record Port(int number, String name, Protocol protocol, Integer targetPort) {

    public Port {
      name = name == null || name.isEmpty() ? defaultName(protocol, number) : name;
      targetPort = targetPort == null || targetPort == 0 ? number : targetPort;
    }

    /** {@code <protocol lower>-<number>}: the name the shorthand and v1 used. */
    public static String defaultName(Protocol protocol, int number) {
      return (protocol == null ? "tcp" : protocol.name().toLowerCase(Locale.ROOT)) + "-" + number;
    }

    /** The workload port (targetPort, never null after construction). */
    public int workloadPort() {
      return targetPort;
    }
  }

  /** Names of the ports, in order. */
  public static List<String> portNames(List<Port> ports) {
    List<String> names = new ArrayList<>();
    ports.forEach(p -> names.add(p.name()));
    return names;
  }

  /** Exactly one of {@code simple} and {@code consistentHash} is set. */
  public record LoadBalancing(String simple, ConsistentHash consistentHash) {}

  /** Exactly one of the hash keys is set; {@code minimumRingSize} is optional. */
  public record ConsistentHash(HttpCookie httpCookie, String httpHeaderName, Boolean useSourceIp,
      String httpQueryParameterName, Long minimumRingSize) {}

  public record HttpCookie(String name, String path, String ttl) {}

  public record ConnectionPool(Integer maxConnections, Integer http2MaxRequests,
      Integer maxRequestsPerConnection) {}

  public record OutlierDetection(Integer consecutive5xxErrors, String interval, String baseEjectionTime) {}

  @Override
  public Kind kind() {
    return Kind.InboundService;
  }
}
