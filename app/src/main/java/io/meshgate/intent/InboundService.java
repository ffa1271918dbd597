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
   * @param versions the versions of the pods (DestinationRule subsets), empty when none are declared
   * @param routes how callers' sidecars route requests (VirtualService http routes, in order), empty when none
   * @param authorization the service's own request-level rules (DENY), or null
   * @param alsoIn the other clusters that host the same Service (locality failover), empty when none
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
      Map<String, String> selector,
      List<Version> versions,
      List<Route> routes,
      Authorization authorization,
      List<String> alsoIn) {

    public Spec {
      selector = selector == null || selector.isEmpty() ? Map.of("app", service) : Map.copyOf(selector);
      ports = normalizedPorts(protocol, port, ports);
      allowedNamespaces = allowedNamespaces == null ? null : List.copyOf(allowedNamespaces);
      versions = versions == null ? List.of() : List.copyOf(versions);
      routes = routes == null ? List.of() : List.copyOf(routes);
      alsoIn = alsoIn == null ? List.of() : List.copyOf(alsoIn);
    }

    /** Without traffic management (versions, routes, authorization, alsoIn). */
    public Spec(String app, String service, String namespace, String cluster, Protocol protocol, Integer port,
        List<Port> ports, boolean headless, boolean podHostnames, boolean sidecar, TlsMode mutualTLS, TlsRef tls,
        LoadBalancing loadBalancing, ConnectionPool connectionPool, OutlierDetection outlierDetection,
        List<String> allowedNamespaces, String address, Map<String, String> selector) {
      this(app, service, namespace, cluster, protocol, port, ports, headless, podHostnames, sidecar, mutualTLS, tls,
          loadBalancing, connectionPool, outlierDetection, allowedNamespaces, address, selector, null, null, null, null);
    }

    /** A one-port spec written with the shorthand, the default selector and no pod hostnames. */
    public Spec(String app, String service, String namespace, String cluster, Protocol protocol, int port,
        boolean headless, boolean sidecar, TlsMode mutualTLS, TlsRef tls, LoadBalancing loadBalancing,
        ConnectionPool connectionPool, OutlierDetection outlierDetection, List<String> allowedNamespaces,
        String address, Map<String, String> selector) {
      this(app, service, namespace, cluster, protocol, port, null, headless, false, sidecar, mutualTLS, tls,
          loadBalancing, connectionPool, outlierDetection, allowedNamespaces, address, selector);
    }

    /** Every cluster that hosts the Service: {@code cluster}, then {@code alsoIn} in order. */
    public List<String> hostingClusters() {
      if (alsoIn.isEmpty()) {
        return java.util.Collections.singletonList(cluster); // most services: no list to build
      }
      List<String> all = new ArrayList<>();
      all.add(cluster);
      alsoIn.forEach(c -> {
        if (!all.contains(c)) {
          all.add(c);
        }
      });
      return all;
    }

    /** True when the Service runs in more than one cluster ({@code alsoIn}). */
    public boolean multiCluster() {
      return !alsoIn.isEmpty();
    }

    /** The version with this name, or null. */
    public Version version(String name) {
      for (Version v : versions) {
        if (v.name().equals(name)) {
          return v;
        }
      }
      return null;
    }

    /** The DENY rules, empty when none. */
    public List<DenyRule> denyRules() {
      return authorization == null || authorization.deny() == null ? List.of() : authorization.deny();
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

    /**
     * The port an ingress route calls: {@code requested} when it names one, else the first HTTP port
     * (else the first).
     */
    public int ingressPort(Integer requested) {
      if (requested != null) {
        return requested;
      }
      return ports.stream().filter(p -> p.protocol().isHttp()).findFirst().orElse(firstPort()).number();
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

  /**
   * A version of the service's pods: a DestinationRule subset.
   * https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset
   *
   * @param labels the labels of this version's pods (besides the service's selector)
   */
  public record Version(String name, Map<String, String> labels) {
    public Version {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }

  /**
   * One route of callers' sidecars (a VirtualService HTTPRoute).
   * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
   *
   * @param match any of these conditions; empty: every request
   * @param route destinations with weights (never empty for a valid intent)
   */
  public record Route(String name, List<Match> match, List<Destination> route, String timeout, Retries retries,
      Fault fault, Mirror mirror) {
    public Route {
      match = match == null ? List.of() : List.copyOf(match);
      route = route == null ? List.of() : List.copyOf(route);
    }
  }

  /**
   * An HTTPMatchRequest: every condition given must fit.
   *
   * @param headers by lower-case header name
   * @param port a port of the service by number or name, or null
   */
  public record Match(Map<String, StringMatch> headers, StringMatch uri, StringMatch method, String port) {
    public Match {
      headers = headers == null ? Map.of() : java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(headers));
    }
  }

  /** Exactly one of {@code exact}, {@code prefix} and {@code regex}. */
  public record StringMatch(String exact, String prefix, String regex) {}

  /** @param version a name of {@code versions}, or null for the whole service; @param weight percent, or null */
  public record Destination(String version, Integer weight) {}

  public record Retries(Integer attempts, String perTryTimeout, String retryOn) {}

  public record Fault(Delay delay, Abort abort) {}

  public record Delay(String fixedDelay, Double percentage) {}

  public record Abort(Integer httpStatus, String grpcStatus, Double percentage) {}

  /** @param percentage null: every request is copied */
  public record Mirror(String version, Double percentage) {}

  /** The service's own request-level rules. */
  public record Authorization(List<DenyRule> deny) {
    public Authorization {
      deny = deny == null ? List.of() : List.copyOf(deny);
    }
  }

  /**
   * A DENY rule: callers ({@code clients}, {@code namespaces}, {@code notNamespaces}; none: all) and
   * operations ({@code methods}, {@code notMethods}, {@code paths}, {@code notPaths}, {@code ports};
   * none: all). https://istio.io/latest/docs/reference/config/security/authorization-policy/
   */
  public record DenyRule(List<String> clients, List<String> namespaces, List<String> notNamespaces,
      List<String> methods, List<String> notMethods, List<String> paths, List<String> notPaths, List<String> ports) {}

  @Override
  public Kind kind() {
    return Kind.InboundService;
  }
}
