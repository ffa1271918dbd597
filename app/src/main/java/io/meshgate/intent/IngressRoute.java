package io.meshgate.intent;

import java.util.List;

/**
 * Exposes InboundServices to clients outside the mesh through a cluster's ingress gateway: an Istio
 * Gateway (hosts, TLS from a Secret, HTTP→HTTPS redirect) and a VirtualService routing by path to
 * the services, each in the cluster where the gateway runs. Defaults are filled in by the loader.
 * https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/
 */
public record IngressRoute(Metadata metadata, Spec spec) implements Intent {

  /**
   * @param cluster the Cluster whose ingress gateway serves the hosts
   * @param namespace where the Gateway and VirtualService live; default the ingress gateway's namespace
   * @param hosts the host names clients use (the Host header, and the SNI under TLS)
   * @param tls HTTPS on the gateway's https port, or null for plain HTTP only
   * @param httpsRedirect with tls: the http port answers 301 to https (default true with tls, false without)
   * @param allowPlainHttp the explicit opt-out that lets the routes be served on plain HTTP (default false)
   * @param routes tried in order, the first match wins (VirtualService http routes)
   */
  public record Spec(String cluster, String namespace, List<String> hosts, Tls tls, boolean httpsRedirect,
      boolean allowPlainHttp, List<Route> routes) {

    public Spec {
      hosts = hosts == null ? List.of() : List.copyOf(hosts);
      routes = routes == null ? List.of() : List.copyOf(routes);
    }
  }

  /**
   * The gateway server's TLS (Gateway ServerTLSSettings).
   *
   * @param mode SIMPLE (server certificate) or MUTUAL (clients must present a certificate the Secret's CA signed)
   * @param credentialName a Secret in the ingress gateway's namespace: tls.crt, tls.key, and ca.crt for MUTUAL
   */
  public record Tls(String mode, String credentialName) {}

  /**
   * One route: requests whose path matches go to an InboundService.
   *
   * @param uri the path match (exactly one of prefix and exact; default prefix "/")
   * @param service metadata.name of an InboundService
   * @param port the service port to call; default the service's port
   * @param rewrite optional path rewrite before forwarding (VirtualService HTTPRewrite.uri)
   */
  public record Route(UriMatch uri, String service, Integer port, Rewrite rewrite) {}

  public record UriMatch(String prefix, String exact) {}

  public record Rewrite(String uri) {}

  @Override
  public Kind kind() {
    return Kind.IngressRoute;
  }
}
