package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.Gateway;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.PortSelector;
import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.Server;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryLocation;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryResolution;
import io.fabric8.istio.api.api.networking.v1alpha3.ServicePort;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.TLSMatchAttributes;
import io.fabric8.istio.api.api.networking.v1alpha3.TLSRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicyPortTrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.ExternalService;
import io.meshgate.intent.IntentIndex;
import io.meshgate.render.IstioResources.ApiVersions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An ExternalService, in each cluster its callers run in, as Istio's egress tasks write it.
 *
 * <ul>
 *   <li>A {@code ServiceEntry} for the host, {@code location: MESH_EXTERNAL}, {@code resolution: DNS}
 *       (https://istio.io/latest/docs/reference/config/networking/service-entry/), exported to the
 *       callers' namespaces (and the egress gateway's);
 *   <li>with {@code tlsOrigination}: the port forwards to {@code targetPort} and a
 *       {@code DestinationRule} originates TLS there ({@code tls.mode: SIMPLE} with {@code sni}), at the
 *       caller's sidecar (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/)
 *       or, through the egress gateway, at the gateway
 *       (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/);
 *   <li>with {@code egressGateway: true} (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/):
 *       a {@code Gateway} on the egress gateway's pods (HTTP on its http port; TLS PASSTHROUGH on its
 *       tls port), one {@code DestinationRule} per cluster for the egress gateway's Service with a subset
 *       per ExternalService, and a {@code VirtualService} bound to {@code mesh} and to the Gateway that
 *       sends the callers' requests to the egress gateway and the gateway's on to the host.
 * </ul>
 *
 * <p>The objects live in the root namespace {@code istio-system} (it always exists; DestinationRule
 * lookup finds rules in the ServiceEntry's namespace), the Gateway in the egress gateway's namespace.
 * Through the egress gateway, HTTP ports use the gateway's port 80 and TLS ports its port 443 (the
 * ports of Istio's egress gateway Service), so an ExternalService has at most one of each there
 * (MG-EGRESS-03).
 */
final class EgressRenderer {
  private EgressRenderer() {}

  /** Ports of the egress gateway's Service (istioctl's egress gateway). */
  static final int GATEWAY_HTTP_PORT = 80;
  static final int GATEWAY_TLS_PORT = 443;
  /** One DestinationRule per cluster for the egress gateway's Service, with a subset per ExternalService. */
  static final String GATEWAY_RULE = Renderer.NAME_PREFIX + "egressgateway";
  /** The subset of an external host whose traffic the egress gateway originates TLS for. */
  static final String ORIGINATION_SUBSET = "tls-origination";

  static String objectName(ExternalService service) {
    return EdgeRenderer.EGRESS + service.name();
  }

  static String portName(ExternalService.Port port) {
    return port.protocol().toLowerCase(Locale.ROOT) + "-" + port.number();
  }

  static void render(IntentIndex index, List<EdgeRenderer.Placed> out) {
    // cluster -> the ExternalServices through its egress gateway (for the one gateway DestinationRule)
    SortedMap<String, List<ExternalService>> viaGateway = new TreeMap<>();
    for (ExternalService external : index.intents().externalServices().values()) {
      for (String clusterName : new TreeSet<>(external.spec().clusters())) {
        Cluster cluster = index.cluster(clusterName);
        if (cluster == null) {
          continue; // MG-REF-01
        }
        renderIn(index, external, cluster, out);
        if (external.spec().egressGateway()) {
          viaGateway.computeIfAbsent(clusterName, k -> new ArrayList<>()).add(external);
        }
      }
    }
    viaGateway.forEach((clusterName, externals) -> out.add(new EdgeRenderer.Placed(clusterName,
        gatewayRule(index, index.cluster(clusterName), externals))));
  }

  private static void renderIn(IntentIndex index, ExternalService external, Cluster cluster,
      List<EdgeRenderer.Placed> out) {
    ExternalService.Spec spec = external.spec();
    String file = index.intents().sourceOf(external).file();
    ApiVersions versions = ApiVersions.of(cluster);
    Cluster.EgressGateway gw = cluster.spec().egressGateway();
    boolean viaGateway = spec.egressGateway();
    String name = objectName(external);
    String namespace = Renderer.ROOT_NAMESPACE;
    ExternalService.TlsOrigination origination = spec.tlsOrigination();

    ServiceEntry se = new ServiceEntry();
    se.setHosts(List.of(spec.host()));
    se.setLocation(ServiceEntryLocation.MESH_EXTERNAL);
    se.setResolution(ServiceEntryResolution.DNS);
    List<ServicePort> ports = new ArrayList<>();
    for (ExternalService.Port p : spec.ports()) {
      ServicePort port = new ServicePort();
      port.setNumber((long) p.number());
      port.setName(portName(p));
      port.setProtocol(p.protocol());
      if (origination != null && !viaGateway && origination.port() == p.number()) {
        port.setTargetPort((long) origination.targetPort()); // the sidecar connects to the TLS port
      }
      ports.add(port);
    }
    if (origination != null && viaGateway && spec.port(origination.targetPort()) == null) {
      // The gateway calls host:targetPort: its outbound cluster needs the port declared.
      ServicePort tlsPort = new ServicePort();
      tlsPort.setNumber((long) origination.targetPort());
      tlsPort.setName("https-" + origination.targetPort());
      tlsPort.setProtocol("HTTPS");
      ports.add(tlsPort);
    }
    se.setPorts(ports);
    se.setExportTo(exportTo(spec, viaGateway ? gw.namespace() : null));
    out.add(new EdgeRenderer.Placed(cluster.name(),
        IstioResources.serviceEntry(versions, Renderer.meta(name, namespace, file), se)));

    if (origination != null) {
      // Where TLS is originated: the caller's sidecar on the port it uses, or the egress gateway on
      // the port it calls. No CA is named: the public host's certificate is checked against the
      // proxy's OS trust store. At the gateway the setting belongs to a subset that only the
      // origination route uses, so TLS callers passed through to the same port are not wrapped twice.
      ClientTLSSettings tls = new ClientTLSSettings();
      tls.setMode(ClientTLSSettingsTLSmode.SIMPLE);
      tls.setSni(origination.sni() == null ? spec.host() : origination.sni());
      PortSelector at = new PortSelector();
      at.setNumber((long) (viaGateway ? origination.targetPort() : origination.port()));
      TrafficPolicyPortTrafficPolicy portPolicy = new TrafficPolicyPortTrafficPolicy();
      portPolicy.setPort(at);
      portPolicy.setTls(tls);
      TrafficPolicy policy = new TrafficPolicy();
      policy.setPortLevelSettings(List.of(portPolicy));
      DestinationRule dr = new DestinationRule();
      dr.setHost(spec.host());
      if (viaGateway) {
        Subset subset = new Subset();
        subset.setName(ORIGINATION_SUBSET);
        subset.setTrafficPolicy(policy);
        dr.setSubsets(List.of(subset));
      } else {
        dr.setTrafficPolicy(policy);
      }
      dr.setExportTo(viaGateway ? List.of(gw.namespace()) : exportTo(spec, null));
      out.add(new EdgeRenderer.Placed(cluster.name(),
          IstioResources.destinationRule(versions, Renderer.meta(name, namespace, file), dr)));
    }

    if (!viaGateway) {
      return;
    }
    List<Server> servers = new ArrayList<>();
    List<HTTPRoute> http = new ArrayList<>();
    List<TLSRoute> tlsRoutes = new ArrayList<>();
    String gatewayRef = gw.namespace() + "/" + name;
    for (ExternalService.Port p : spec.ports()) {
      boolean plain = p.protocol().equals("HTTP");
      int gatewayPort = plain ? GATEWAY_HTTP_PORT : GATEWAY_TLS_PORT;
      ServerTLSSettings passthrough = null;
      if (!plain) {
        passthrough = new ServerTLSSettings();
        passthrough.setMode(ServerTLSSettingsTLSmode.PASSTHROUGH);
      }
      servers.add(IngressRenderer.server(gatewayPort, plain ? "http" : "tls", plain ? "HTTP" : "TLS", List.of(spec.host()),
          passthrough));
      int externalPort = origination != null && origination.port() == p.number() ? origination.targetPort() : p.number();
      if (plain) {
        boolean originated = origination != null && origination.port() == p.number();
        http.add(httpRoute("mesh", p.number(), gw.host(), external.name(), gatewayPort));
        http.add(httpRoute(gatewayRef, gatewayPort, spec.host(), originated ? ORIGINATION_SUBSET : null, externalPort));
      } else {
        tlsRoutes.add(tlsRoute("mesh", p.number(), spec.host(), gw.host(), external.name(), gatewayPort));
        tlsRoutes.add(tlsRoute(gatewayRef, gatewayPort, spec.host(), spec.host(), null, externalPort));
      }
    }
    Gateway gateway = new Gateway();
    gateway.setSelector(new TreeMap<>(gw.selector()));
    gateway.setServers(servers);
    out.add(new EdgeRenderer.Placed(cluster.name(),
        IstioResources.gateway(versions, Renderer.meta(name, gw.namespace(), file), gateway)));

    VirtualService vs = new VirtualService();
    vs.setHosts(List.of(spec.host()));
    vs.setGateways(List.of("mesh", gatewayRef));
    vs.setExportTo(exportTo(spec, gw.namespace()));
    vs.setHttp(http);
    vs.setTls(tlsRoutes);
    out.add(new EdgeRenderer.Placed(cluster.name(),
        IstioResources.virtualService(versions, Renderer.meta(name, namespace, file), vs)));
  }

  /**
   * The egress gateway's Service with one (empty) subset per ExternalService leaving through it, as
   * the task names them; one rule per cluster, since several DestinationRules for one host in one
   * namespace would be merged in creation order.
   */
  private static io.fabric8.kubernetes.api.model.HasMetadata gatewayRule(IntentIndex index, Cluster cluster,
      List<ExternalService> externals) {
    Cluster.EgressGateway gw = cluster.spec().egressGateway();
    List<Subset> subsets = new ArrayList<>();
    Set<String> exportTo = new LinkedHashSet<>();
    for (ExternalService external : externals) {
      Subset subset = new Subset();
      subset.setName(external.name());
      subsets.add(subset);
      exportTo.addAll(exportTo(external.spec(), gw.namespace()));
    }
    DestinationRule dr = new DestinationRule();
    dr.setHost(gw.host());
    dr.setSubsets(subsets);
    dr.setExportTo(exportTo.contains("*") ? List.of("*") : new ArrayList<>(new TreeSet<>(exportTo)));
    String file = index.intents().sourceOf(externals.get(0)).file();
    return IstioResources.destinationRule(ApiVersions.of(cluster),
        Renderer.meta(GATEWAY_RULE, Renderer.ROOT_NAMESPACE, file), dr);
  }

  /** The callers' namespaces (every namespace when none are listed), plus the gateway's when it reads the object. */
  private static List<String> exportTo(ExternalService.Spec spec, String gatewayNamespace) {
    if (spec.namespaces() == null) {
      return List.of("*");
    }
    Set<String> out = new LinkedHashSet<>(spec.namespaces());
    if (gatewayNamespace != null) {
      out.add(gatewayNamespace);
    }
    return new ArrayList<>(out);
  }


  private static Destination destination(String host, String subset, int port) {
    PortSelector selector = new PortSelector();
    selector.setNumber((long) port);
    Destination destination = new Destination();
    destination.setHost(host);
    destination.setSubset(subset);
    destination.setPort(selector);
    return destination;
  }

  private static HTTPRoute httpRoute(String gateway, int port, String host, String subset, int destinationPort) {
    HTTPMatchRequest match = new HTTPMatchRequest();
    match.setGateways(List.of(gateway));
    match.setPort((long) port);
    HTTPRouteDestination to = new HTTPRouteDestination();
    to.setDestination(destination(host, subset, destinationPort));
    HTTPRoute route = new HTTPRoute();
    route.setMatch(List.of(match));
    route.setRoute(List.of(to));
    return route;
  }

  private static TLSRoute tlsRoute(String gateway, int port, String sniHost, String host, String subset,
      int destinationPort) {
    TLSMatchAttributes match = new TLSMatchAttributes();
    match.setGateways(List.of(gateway));
    match.setPort((long) port);
    match.setSniHosts(List.of(sniHost));
    RouteDestination to = new RouteDestination();
    to.setDestination(destination(host, subset, destinationPort));
    TLSRoute route = new TLSRoute();
    route.setMatch(List.of(match));
    route.setRoute(List.of(to));
    return route;
  }
}
