package io.meshgate.verify;

import io.meshgate.intent.Cluster;
import io.meshgate.verify.MeshModel.ClusterView;
import io.meshgate.verify.MeshModel.GatewayPods;
import io.meshgate.verify.MeshModel.RegistryService;
import io.meshgate.verify.Simulator.Out;
import io.meshgate.verify.Simulator.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hops of the mesh edge: a client outside the mesh through the ingress gateway
 * ({@code ingress-server}, {@code ingress-policy}, {@code ingress-route}), a host outside the mesh
 * ({@code egress}) and end-user tokens ({@code request-authentication}). A sidecar's VirtualService
 * ({@code route}) is {@link TrafficHops#route}. Each follows the Istio reference page cited on it; a hop a
 * request does not meet is left out of its trace ({@link Simulator#absent}).
 */
final class EdgeHops {
  private EdgeHops() {}

  // ---- ingress -----------------------------------------------------------------------------------

  /**
   * A client outside the mesh connects to the ingress gateway of the request's cluster (Cluster
   * {@code ingressGateway}) on the port it asked for (https: {@code httpsPort}, http: {@code httpPort}).
   * A Gateway selecting those pods must have a server on the port serving the host (SNI under TLS,
   * the Host header otherwise), whose TLS the client can complete: SIMPLE needs TLS, MUTUAL a client
   * certificate, a plain server plain HTTP; {@code httpsRedirect} answers 301 and routes nothing.
   * https://istio.io/latest/docs/reference/config/networking/gateway/
   * https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/
   */
  static Out ingressServer(MeshModel model, State s) {
    Caller c = s.caller();
    if (!c.external()) {
      return Simulator.absent(s);
    }
    ClusterView x = s.here;
    GatewayPods pods = x.ingressPods();
    Cluster.IngressGateway gw = x.facts.spec().ingressGateway();
    int port = s.request.port() != null ? s.request.port() : (c.https() ? gw.httpsPort() : gw.httpPort());
    String host = s.request.host();
    List<Istio.Gateway> gateways = x.gatewaysSelecting(pods.labels());
    if (gateways.isEmpty()) {
      return Simulator.fail(Hop.INGRESS_SERVER, "no Gateway in cluster " + x.name + " selects the ingress gateway pods "
          + pods.labels() + " (Cluster ingressGateway.selector)", ObjectRef.clusterFacts(x.name));
    }
    State next = s.copy();
    next.gatewayCluster = x;
    next.gatewayPods = pods;
    next.gatewayPort = port;
    next.tls = c.https() ? (c.clientCertificate() ? "MUTUAL" : "SIMPLE") : Simulator.PLAINTEXT;
    next.sni = c.https() ? host : null;
    String firstMiss = null;
    ObjectRef firstMissObject = null;
    List<String> onPort = new ArrayList<>();
    for (Istio.Gateway gateway : gateways) {
      for (Istio.Server server : gateway.servers()) {
        if (server.port() != port) {
          continue;
        }
        onPort.add(server.describe());
        if (server.hosts().stream().noneMatch(h -> Hosts.matches(Hosts.hostPart(h), host))) {
          continue;
        }
        ObjectRef ref = gateway.ref();
        if (server.httpsRedirect() && !c.https()) {
          return Simulator.fail(Hop.INGRESS_SERVER, "server " + server.describe() + " of Gateway " + ref.namespace() + "/"
              + ref.name() + " answers 301 with https://" + host + (s.request.path() == null ? "/" : s.request.path())
              + " (tls.httpsRedirect): the request itself reaches no service", ref);
        }
        String miss = Simulator.serverMiss(next, server);
        if (miss == null) {
          String problem = Simulator.terminationProblem(next, server);
          if (problem != null) {
            return Simulator.fail(Hop.INGRESS_SERVER, "server " + server.describe() + ": " + problem, ref);
          }
          if (!Istio.isHttp(server.protocol()) && !"HTTPS".equalsIgnoreCase(server.protocol())) {
            return Simulator.fail(Hop.INGRESS_SERVER, "server " + server.describe() + " is not an HTTP server: verify "
                + "models HTTP and HTTPS ingress only", ref);
          }
          next.gateway = gateway;
          next.server = server;
          return Simulator.pass(Hop.INGRESS_SERVER, next, "server " + server.describe() + " of Gateway "
              + ref.namespace() + "/" + ref.name() + " on the ingress gateway " + pods.labels() + " of cluster " + x.name
              + " takes the connection (" + Simulator.wire(next.tls)
              + (server.credentialName() != null ? ", certificate " + server.credentialName() : "") + ")", ref);
        }
        if (firstMiss == null) {
          firstMiss = "server " + server.describe() + ": " + miss;
          firstMissObject = ref;
        }
      }
    }
    if (firstMiss != null) {
      return Simulator.fail(Hop.INGRESS_SERVER, firstMiss, firstMissObject);
    }
    return Simulator.fail(Hop.INGRESS_SERVER, onPort.isEmpty()
        ? "no server of the Gateways selecting the ingress gateway pods " + pods.labels() + " listens on port " + port
        : "no server on port " + port + " serves host " + host + " (servers there: " + onPort + ")", gateways.get(0).ref());
  }

  /**
   * RequestAuthentication and AuthorizationPolicy of the ingress gateway's pods (their namespace and
   * the root namespace), applied before routing: an invalid token is refused (401), a policy can deny
   * (403). A validated token is removed before forwarding unless its rule sets
   * {@code forwardOriginalToken}.
   * https://istio.io/latest/docs/reference/config/security/request_authentication/
   * https://istio.io/latest/docs/reference/config/security/authorization-policy/
   */
  static Out ingressPolicy(State s) {
    if (!s.caller().external()) {
      return Simulator.absent(s);
    }
    ClusterView x = s.gatewayCluster;
    GatewayPods pods = s.gatewayPods;
    List<Istio.RequestAuthentication> authentications = x.requestAuthenticationsFor(pods.namespace(), pods.labels());
    List<Authorization.Compiled> policies = x.authorizationPoliciesFor(pods.namespace(), pods.labels());
    if (authentications.isEmpty() && policies.isEmpty()) {
      return Simulator.absent(s);
    }
    Token token = validate(authentications, s.request.jwt());
    if (!token.ok()) {
      return Simulator.fail(Hop.INGRESS_POLICY, token.detail(), token.object());
    }
    State next = s.copy();
    Authorization.Context context = new Authorization.Context(null, true,
        s.request.method() == null ? "GET" : s.request.method(), s.request.path() == null ? "/" : s.request.path(),
        s.request.host(), s.gatewayPort, token.principal(), token.audiences(), token.claims());
    Authorization.Decision decision = Authorization.evaluate(policies, context);
    if (!decision.allowed()) {
      return Simulator.fail(Hop.INGRESS_POLICY, token.detail() + "; " + decision.reason(), decision.policy());
    }
    String forwarded = "";
    if (token.principal() != null && !token.forward()) {
      next.request = next.request.withJwt(null);
      forwarded = "; the gateway removes the validated token before forwarding (forwardOriginalToken is not set)";
    }
    return Simulator.pass(Hop.INGRESS_POLICY, next, token.detail() + "; " + decision.reason() + forwarded,
        decision.policy() != null ? decision.policy() : token.object());
  }

  /**
   * A VirtualService bound to the Gateway (its {@code gateways}, exported to the gateway's namespace,
   * admitted by the server's hosts) routes the host and path: the first http route whose match fits
   * decides, else 404. The request then goes on from the ingress gateway, as a workload of its
   * namespace and service account, to the destination (path rewritten when the route says so).
   * https://istio.io/latest/docs/reference/config/networking/virtual-service/
   */
  static Out ingressRoute(State s) {
    if (!s.caller().external()) {
      return Simulator.absent(s);
    }
    ClusterView x = s.gatewayCluster;
    GatewayPods pods = s.gatewayPods;
    String host = s.request.host();
    Istio.VirtualService bound = null;
    for (Istio.VirtualService vs : x.virtualServicesBoundTo(s.gateway.ref())) {
      if (Hosts.exportedTo(vs.exportTo(), vs.ref().namespace(), pods.namespace()) && Simulator.admits(s.server, vs)
          && vs.hosts().stream().anyMatch(p -> Hosts.matches(p, host))) {
        bound = vs;
        break;
      }
    }
    if (bound == null) {
      return Simulator.fail(Hop.INGRESS_ROUTE, "404: no VirtualService bound to Gateway " + s.gateway.ref().namespace()
          + "/" + s.gateway.ref().name() + " (and visible to namespace " + pods.namespace() + ") routes host " + host,
          s.gateway.ref());
    }
    Simulator.RouteContext context = Simulator.gatewayContext(s, bound, true);
    Istio.Route route = null;
    for (Istio.Route candidate : bound.http()) {
      if (Simulator.routeMatches(candidate, context)) {
        route = candidate;
        break;
      }
    }
    String vsName = bound.ref().namespace() + "/" + bound.ref().name();
    if (route == null || route.destinations().isEmpty()) {
      return Simulator.fail(Hop.INGRESS_ROUTE, "404: VirtualService " + vsName + " has no http route for "
          + context.method() + " " + context.path(), bound.ref());
    }
    Istio.Destination destination = route.destinations().get(0);
    String path = rewrite(route, context.path());
    Caller gateway = new Caller(x.name, pods.namespace(), pods.serviceAccount(), pods.labels(), true);
    State next = s.copy();
    next.request = new Request(gateway, destination.host(), destination.port(), context.method(), path, s.request.jwt());
    next.gatewayCaller = true;
    next.subset = destination.subset();
    next.gateway = null;
    next.server = null;
    next.gatewayCluster = null;
    next.gatewayPods = null;
    next.gatewayPort = 0;
    next.tls = Simulator.PLAINTEXT;
    next.sni = null;
    return Simulator.pass(Hop.INGRESS_ROUTE, next, "VirtualService " + vsName + " routes " + host + " " + context.path()
        + " to " + destination.host() + (destination.port() == null ? "" : ":" + destination.port())
        + (path.equals(context.path()) ? "" : " as " + path) + "; the ingress gateway calls it as "
        + Simulator.principal(x, pods.namespace(), pods.serviceAccount()), bound.ref());
  }

  /** {@code rewrite.uri} replaces the matched prefix (or the whole path for an exact match). */
  private static String rewrite(Istio.Route route, String path) {
    if (route.rewriteUri() == null) {
      return path;
    }
    for (Map<String, Object> match : route.matches()) {
      Map<String, Object> uri = Fields.map(match, "uri");
      String prefix = Fields.str(uri, "prefix");
      if (prefix != null && path.startsWith(prefix)) {
        String rest = path.substring(prefix.length());
        return route.rewriteUri().endsWith("/") && rest.startsWith("/") ? route.rewriteUri() + rest.substring(1)
            : route.rewriteUri() + rest;
      }
    }
    return route.rewriteUri();
  }

  // ---- egress ------------------------------------------------------------------------------------

  /**
   * A public name that no ServiceEntry visible to the client's namespace declares: with
   * {@code outboundTrafficPolicy} ALLOW_ANY (Istio's default) the sidecar forwards it to the
   * PassthroughCluster, as the client addressed it; with REGISTRY_ONLY to the BlackHoleCluster.
   * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/#envoy-passthrough-to-external-services
   */
  static Out unregisteredHost(State s, List<RegistryService> all) {
    ClusterView x = s.here;
    String namespace = s.caller().namespace();
    String hidden = all.isEmpty() ? "" : " (" + Simulator.whyHidden(s, all.get(0)) + ")";
    if (x.facts.spec().registryOnly()) {
      return Simulator.fail(Hop.OUTBOUND_CLUSTER, "no ServiceEntry for " + s.request.host() + " is visible to namespace "
          + namespace + hidden + ": with outboundTrafficPolicy REGISTRY_ONLY the sidecar sends it to the BlackHoleCluster",
          all.isEmpty() ? ObjectRef.clusterFacts(x.name) : Simulator.hiddenBy(s, all.get(0)));
    }
    int port = s.request.port() != null ? s.request.port() : 80;
    State next = s.copy();
    next.service = null;
    next.port = new Istio.Port(port, null, port == 443 ? "TLS" : null, null);
    next.external = s.request.host() + ":" + port;
    return Simulator.pass(Hop.OUTBOUND_CLUSTER, next, "no ServiceEntry for " + s.request.host() + " is visible to "
        + "namespace " + namespace + hidden + ": with outboundTrafficPolicy ALLOW_ANY (Istio's default) the sidecar "
        + "forwards it to the PassthroughCluster, as addressed", ObjectRef.clusterFacts(x.name));
  }

  /**
   * A gateway's Service as a destination (the egress gateway a route sent the request to): the
   * connection reaches the gateway's pods, whose Gateway servers and bound VirtualServices decide
   * next. Auto mTLS is modelled as not applying to gateway pods (meshgate does not count them as
   * sidecars), so what the client's sidecar sends arrives as sent, as in Istio's egress gateway task.
   */
  static Out gatewayEndpoint(State s, RegistryService service) {
    State next = s.copy();
    next.gatewayCluster = s.here;
    next.gatewayPods = service.gateway();
    next.gatewayPort = s.port.number();
    Simulator.settleAuto(next, false);
    return Simulator.pass(Hop.ENDPOINT, next, "the pods " + service.gateway().labels() + " of the cluster's "
        + service.gateway().role() + " (" + service.describe() + ") on port " + s.port.number() + Simulator.tlsNote(next),
        service.ref());
  }

  /**
   * A MESH_EXTERNAL ServiceEntry's endpoint: the host itself (resolution DNS, no endpoints) or an
   * address that is no workload of the mesh; the client's sidecar connects there, to the port's
   * {@code targetPort} when it has one.
   * https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Location
   */
  static Out externalEndpoint(State s, RegistryService service, String address) {
    State next = s.copy();
    Simulator.settleAuto(next, false);
    int target = s.port.targetPort() != null ? s.port.targetPort() : s.port.number();
    next.external = address + ":" + target;
    return Simulator.pass(Hop.ENDPOINT, next, service.describe() + " is MESH_EXTERNAL: the sidecar connects to "
        + next.external + ", outside the mesh" + Simulator.tlsNote(next), service.ref());
  }

  /** The request leaves the mesh: where to, and what is on the wire. */
  static Out egress(State s) {
    if (s.external == null) {
      return Simulator.absent(s);
    }
    RegistryService through = s.hosted != null ? s.hosted : s.service;
    State next = s.copy();
    return Simulator.pass(Hop.EGRESS, next, "leaves the mesh to " + s.external + Simulator.tlsNote(s)
        + (s.gatewayPods != null ? " from the " + s.gatewayPods.role() : " from the client's sidecar"),
        through == null ? null : through.ref());
  }

  /** {@code host:port (wire)}: what {@code reached} says of a request that left the mesh. */
  static String externalReached(State s) {
    return s.external + " (" + Simulator.wire(s.tls) + ")";
  }

  // ---- end-user tokens ---------------------------------------------------------------------------

  /**
   * The workload's RequestAuthentications (root namespace and its own, mesh-wide or selecting its
   * pods) on an HTTP port: a token of an issuer none of them accepts, or with an audience they do not
   * allow, is refused (401); no token is accepted without a request principal; a valid token gives
   * the request principal {@code <iss>/<sub>} and its claims to the AuthorizationPolicy hop.
   * https://istio.io/latest/docs/reference/config/security/request_authentication/
   */
  static Out requestAuthentication(State s) {
    if (s.external != null || s.workload == null || !s.workload.spec().sidecar()
        || s.workloadProtocol == null || !s.workloadProtocol.isHttp()) {
      return Simulator.absent(s);
    }
    List<Istio.RequestAuthentication> authentications = s.workloadCluster.requestAuthenticationsFor(
        s.workload.spec().namespace(), s.workload.spec().selector());
    if (authentications.isEmpty() && s.request.jwt() == null) {
      return Simulator.absent(s);
    }
    Token token = validate(authentications, s.request.jwt());
    if (!token.ok()) {
      return Simulator.fail(Hop.REQUEST_AUTHENTICATION, token.detail(), token.object());
    }
    State next = s.copy();
    next.requestPrincipal = token.principal();
    next.tokenAudiences = token.audiences();
    next.tokenClaims = token.claims();
    return Simulator.pass(Hop.REQUEST_AUTHENTICATION, next, token.detail(), token.object());
  }

  /** What request authentication made of a token. */
  record Token(boolean ok, String detail, ObjectRef object, String principal, List<String> audiences,
      Map<String, List<String>> claims, boolean forward) {}

  /**
   * A token's issuer must be one a RequestAuthentication accepts, and its audiences (when the rule
   * lists any) must include one of the rule's. The signature is taken to verify against the issuer's
   * {@code jwksUri}: a forged token is what a wrong issuer stands for here.
   */
  static Token validate(List<Istio.RequestAuthentication> authentications, Jwt jwt) {
    if (authentications.isEmpty()) {
      return new Token(true, jwt == null ? "no token" : "no RequestAuthentication applies here: the token is not "
          + "validated and gives no request principal", null, null, List.of(), Map.of(), true);
    }
    ObjectRef first = authentications.get(0).ref();
    if (jwt == null) {
      return new Token(true, "no token: RequestAuthentication " + first.namespace() + "/" + first.name()
          + " accepts the request without a request principal", first, null, List.of(), Map.of(), true);
    }
    List<String> issuers = new ArrayList<>();
    for (Istio.RequestAuthentication ra : authentications) {
      for (Istio.JwtRule rule : ra.rules()) {
        issuers.add(rule.issuer());
        if (!rule.issuer().equals(jwt.issuer())) {
          continue;
        }
        String name = ra.ref().namespace() + "/" + ra.ref().name();
        if (!rule.audiences().isEmpty() && jwt.audiences().stream().noneMatch(rule.audiences()::contains)) {
          return new Token(false, "401 (Audiences in Jwt are not allowed): RequestAuthentication " + name
              + " accepts audiences " + rule.audiences() + " for issuer " + jwt.issuer() + ", the token has "
              + jwt.audiences(), ra.ref(), null, List.of(), Map.of(), false);
        }
        return new Token(true, "the token of issuer " + jwt.issuer() + " is valid (RequestAuthentication " + name
            + "): request principal " + jwt.principal(), ra.ref(), jwt.principal(), jwt.audiences(), jwt.claims(),
            rule.forwardOriginalToken());
      }
    }
    return new Token(false, "401 (Jwt issuer is not configured): no RequestAuthentication here accepts issuer "
        + jwt.issuer() + " (accepted: " + issuers + ")", first, null, List.of(), Map.of(), false);
  }
}
