package io.meshgate.intent;

import java.util.List;
import java.util.Map;

/** A service that accepts traffic from other clusters. Defaults are filled in by the loader. */
public record InboundService(Metadata metadata, Spec spec) implements Intent {

  public record Spec(
      String app,
      String service,
      String namespace,
      String cluster,
      Protocol protocol,
      int port,
      boolean headless,
      boolean sidecar,
      TlsMode mutualTLS,
      TlsRef tls,
      LoadBalancing loadBalancing,
      ConnectionPool connectionPool,
      OutlierDetection outlierDetection,
      List<String> allowedNamespaces,
      String address,
      Map<String, String> selector) {

    /** @param selector the pods' labels; null means the contract's default {@code {app: <service>}} */
    public Spec {
      selector = selector == null || selector.isEmpty() ? Map.of("app", service) : Map.copyOf(selector);
    }

    /** A spec with the default selector {@code {app: <service>}}. */
    public Spec(String app, String service, String namespace, String cluster, Protocol protocol, int port,
        boolean headless, boolean sidecar, TlsMode mutualTLS, TlsRef tls, LoadBalancing loadBalancing,
        ConnectionPool connectionPool, OutlierDetection outlierDetection, List<String> allowedNamespaces,
        String address) {
      this(app, service, namespace, cluster, protocol, port, headless, sidecar, mutualTLS, tls, loadBalancing,
          connectionPool, outlierDetection, allowedNamespaces, address, null);
    }
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
