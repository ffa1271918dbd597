package io.meshgate.intent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ingress gateway that an IngressRoute sends to an InboundService is, to Istio, one more client
 * of that service: a workload of the gateway's cluster, namespace and service account, with a
 * sidecar-like proxy that speaks Istio mTLS. Rendering it as such gives the service everything a
 * client gets, by the same rules: a rule admitting the gateway's identity in the service's ALLOW
 * AuthorizationPolicy (an ALLOW policy refuses every caller it does not name) for the ports and paths
 * its routes send (its access list, which never turns that policy on by itself), and, when the service
 * runs in another cluster, its {@code .global} ServiceEntry and DestinationRule in the gateway's
 * cluster and the {@code .global} pair and AUTO_PASSTHROUGH Gateway in the hosting cluster.
 *
 * <p>These derived clients exist only in {@link IntentIndex}, for the renderer: they are no intents
 * (policies do not see them; MG-INGRESS rules check the routes) and their names, {@code ingress:<name>},
 * are never a DNS label, so they cannot clash with a ServiceClient.
 */
public final class IngressClients {
  /** Name prefix of a derived client; ':' never appears in a metadata.name. */
  public static final String PREFIX = "ingress:";

  private IngressClients() {}

  /** One client per (IngressRoute, routed service), by IngressRoute name, routes in order. */
  public static List<ServiceClient> of(IntentSet intents) {
    List<ServiceClient> out = new ArrayList<>();
    for (IngressRoute route : intents.ingressRoutes().values()) {
      Cluster cluster = intents.clusters().get(route.spec().cluster());
      if (cluster == null) {
        continue; // MG-REF-01
      }
      Map<String, List<ServiceClient.AccessRule>> accessByTarget = new LinkedHashMap<>();
      for (IngressRoute.Route r : route.spec().routes()) {
        InboundService service = intents.services().get(r.service());
        if (service == null) {
          continue; // MG-REF-01
        }
        accessByTarget.computeIfAbsent(r.service(), k -> new ArrayList<>()).add(new ServiceClient.AccessRule(null,
            List.of(pathSeen(r)), List.of(String.valueOf(service.spec().ingressPort(r.port())))));
      }
      Cluster.IngressGateway gateway = cluster.spec().ingressGateway();
      accessByTarget.forEach((target, access) -> {
        String app = gateway.selector().getOrDefault("app", "istio-ingressgateway");
        out.add(new ServiceClient(new Metadata(PREFIX + route.name(), null, Map.of()),
            new ServiceClient.Spec(null, app, gateway.namespace(), cluster.name(), gateway.serviceAccount(), true, false,
                target, TlsMode.ISTIO_MUTUAL, null, List.copyOf(access))));
      });
    }
    return out;
  }

  /**
   * The paths of the requests a route sends, as the service sees them (an AuthorizationPolicy path):
   * the exact path, or the prefix followed by anything; with {@code rewrite.uri}, that value in place
   * of the matched path or prefix
   * (https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite).
   */
  static String pathSeen(IngressRoute.Route r) {
    IngressRoute.UriMatch uri = r.uri();
    String rewritten = r.rewrite() == null ? null : r.rewrite().uri();
    if (uri != null && uri.exact() != null) {
      return rewritten != null ? rewritten : uri.exact();
    }
    String prefix = rewritten != null ? rewritten : uri == null || uri.prefix() == null ? "/" : uri.prefix();
    return prefix + "*";
  }

  /** True for a client derived from an IngressRoute. */
  public static boolean derived(ServiceClient client) {
    return client.name().startsWith(PREFIX);
  }
}
