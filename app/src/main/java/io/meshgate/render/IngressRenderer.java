package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.Gateway;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRewrite;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.Port;
import io.fabric8.istio.api.api.networking.v1alpha3.PortSelector;
import io.fabric8.istio.api.api.networking.v1alpha3.Server;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchExact;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchPrefix;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IngressRoute;
import io.meshgate.intent.IntentIndex;
import io.meshgate.render.IstioResources.ApiVersions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * An IngressRoute, in the cluster whose ingress gateway serves it, as Istio's ingress tasks write it
 * (https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/ and
 * .../secure-ingress/): a {@code Gateway} selecting the ingress gateway's pods, with an HTTPS server
 * (SIMPLE or MUTUAL TLS from a {@code credentialName} Secret in the gateway's namespace) and an HTTP
 * server that redirects to HTTPS ({@code tls.httpsRedirect}) or, opted in, serves plain HTTP; and a
 * {@code VirtualService} bound to that Gateway routing by path to the service: its
 * {@code <service>.<ns>.svc.cluster.local} name in the same cluster, its {@code <service>.<ns>.global}
 * name (through the hosting cluster's mesh gateway) in another.
 * https://istio.io/latest/docs/reference/config/networking/gateway/
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
final class IngressRenderer {
  private IngressRenderer() {}

  /** {@code meshgate-ingress-<name>}: the Gateway and VirtualService of an IngressRoute. */
  static String objectName(IngressRoute route) {
    return EdgeRenderer.INGRESS + route.name();
  }

  static void render(IntentIndex index, List<EdgeRenderer.Placed> out) {
    for (IngressRoute route : index.intents().ingressRoutes().values()) {
      Cluster cluster = index.cluster(route.spec().cluster());
      if (cluster == null || route.spec().namespace() == null) {
        continue; // MG-REF-01
      }
      String file = index.intents().sourceOf(route).file();
      ApiVersions versions = ApiVersions.of(cluster);
      Cluster.IngressGateway gw = cluster.spec().ingressGateway();
      String namespace = route.spec().namespace();
      String name = objectName(route);

      Gateway gateway = new Gateway();
      gateway.setSelector(new TreeMap<>(gw.selector()));
      gateway.setServers(servers(route, gw));
      out.add(new EdgeRenderer.Placed(cluster.name(),
          IstioResources.gateway(versions, Renderer.meta(name, namespace, file), gateway)));

      List<HTTPRoute> http = new ArrayList<>();
      for (IngressRoute.Route r : route.spec().routes()) {
        InboundService service = index.intents().services().get(r.service());
        if (service == null || index.hostOf(service) == null) {
          continue; // MG-REF-01
        }
        http.add(httpRoute(cluster, r, service));
      }
      if (http.isEmpty()) {
        continue;
      }
      VirtualService vs = new VirtualService();
      vs.setHosts(route.spec().hosts());
      vs.setGateways(List.of(namespace + "/" + name));
      // Only the ingress gateway reads it: its own namespace, and the gateway's when they differ.
      vs.setExportTo(namespace.equals(gw.namespace()) ? List.of(".") : List.of(".", gw.namespace()));
      vs.setHttp(http);
      out.add(new EdgeRenderer.Placed(cluster.name(),
          IstioResources.virtualService(versions, Renderer.meta(name, namespace, file), vs)));
    }
  }

  /**
   * HTTPS with the route's certificate; HTTP redirecting to it (301), or plain HTTP when opted in
   * (or when there is no TLS at all: MG-INGRESS-02 decides whether that may be published).
   */
  private static List<Server> servers(IngressRoute route, Cluster.IngressGateway gw) {
    List<Server> servers = new ArrayList<>();
    IngressRoute.Spec spec = route.spec();
    if (spec.tls() != null) {
      ServerTLSSettings tls = new ServerTLSSettings();
      tls.setMode(ServerTLSSettingsTLSmode.valueOf(spec.tls().mode() == null ? "SIMPLE" : spec.tls().mode()));
      tls.setCredentialName(spec.tls().credentialName());
      servers.add(server(gw.httpsPort(), "https", "HTTPS", spec.hosts(), tls));
    }
    if (spec.tls() != null && spec.httpsRedirect()) {
      ServerTLSSettings redirect = new ServerTLSSettings();
      redirect.setHttpsRedirect(true);
      servers.add(server(gw.httpPort(), "http", "HTTP", spec.hosts(), redirect));
    } else if (spec.tls() == null || spec.allowPlainHttp()) {
      servers.add(server(gw.httpPort(), "http", "HTTP", spec.hosts(), null));
    }
    return servers;
  }

  /** A Gateway server: its port (number, name, protocol), hosts and TLS settings. */
  static Server server(int number, String portName, String protocol, List<String> hosts, ServerTLSSettings tls) {
    Port port = new Port();
    port.setNumber((long) number);
    port.setName(portName);
    port.setProtocol(protocol);
    Server server = new Server();
    server.setPort(port);
    server.setHosts(hosts);
    server.setTls(tls);
    return server;
  }

  private static HTTPRoute httpRoute(Cluster ingressCluster, IngressRoute.Route r, InboundService service) {
    HTTPMatchRequest match = new HTTPMatchRequest();
    IngressRoute.UriMatch uri = r.uri() == null ? new IngressRoute.UriMatch("/", null) : r.uri();
    match.setUri(new StringMatch(uri.exact() != null ? new StringMatchExact(uri.exact())
        : new StringMatchPrefix(uri.prefix())));
    PortSelector port = new PortSelector();
    port.setNumber((long) service.spec().ingressPort(r.port()));
    Destination destination = new Destination();
    destination.setHost(EdgeRenderer.hostFrom(ingressCluster, service));
    destination.setPort(port);
    HTTPRouteDestination to = new HTTPRouteDestination();
    to.setDestination(destination);
    HTTPRoute http = new HTTPRoute();
    http.setMatch(List.of(match));
    if (r.rewrite() != null) {
      HTTPRewrite rewrite = new HTTPRewrite();
      rewrite.setUri(r.rewrite().uri());
      http.setRewrite(rewrite);
    }
    http.setRoute(List.of(to));
    return http;
  }
}
