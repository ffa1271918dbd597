package io.meshgate.verify;

import io.meshgate.intent.Cluster;
import io.meshgate.intent.EndUserAuth;
import io.meshgate.intent.ExternalService;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IngressClients;
import io.meshgate.intent.IngressRoute;
import io.meshgate.intent.IntentRef;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.Kind;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.SourceLocation;
import io.meshgate.verify.Verifier.Check;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code verify} checks of the mesh edge.
 *
 * <ul>
 *   <li>IngressRoute: per route, a request from outside (https with TLS, a client certificate for
 *       MUTUAL, a valid token where an EndUserAuth asks for one) to its first host and the route's path
 *       must reach the service. Probes: plain http when https redirects, no client certificate for
 *       MUTUAL, a path no route serves.
 *   <li>ExternalService: per listed cluster, caller namespace and port, a request from a workload of
 *       that namespace must leave the mesh to the host, on the expected port and with the expected TLS
 *       (the application's own, or SIMPLE where Istio originates it). Probes, in clusters whose
 *       outboundTrafficPolicy is REGISTRY_ONLY: a namespace not listed, a cluster not listed (with
 *       ALLOW_ANY every workload may call any host, which verify reports as a warning).
 *   <li>EndUserAuth: the declared edges to its target carry a valid token; probes without token, with
 *       an issuer it does not accept, without each required claim must be denied; a public path is an
 *       edge without token.
 * </ul>
 */
final class EdgeVerifier {

  /** An issuer no EndUserAuth accepts (a token of it is what a forged or foreign token stands for). */
  static final String FOREIGN_ISSUER = "https://" + Verifier.PROBE_NAME + ".invalid";
  /** The subject of verify's tokens. */
  static final String SUBJECT = Verifier.PROBE_NAME;

  private final IntentSet intents;
  private final Simulator simulator;
  private final Map<String, Jwt> serviceTokens;
  /** InboundService name → its declared clients. */
  private final Map<String, List<ServiceClient>> clientsByTarget;
  /** InboundService name → the ingress gateways routing to it (derived clients with their routes' access). */
  private Map<String, List<ServiceClient>> ingressCallers;

  EdgeVerifier(IntentSet intents, Simulator simulator, Map<String, Jwt> serviceTokens,
      Map<String, List<ServiceClient>> clientsByTarget) {
    this.intents = intents;
    this.simulator = simulator;
    this.serviceTokens = serviceTokens;
    this.clientsByTarget = clientsByTarget;
  }

  /** InboundService name → a token its EndUserAuths accept (the first by name decides the issuer). */
  static Map<String, Jwt> serviceTokens(IntentSet intents) {
    Map<String, Jwt> out = new HashMap<>();
    for (EndUserAuth auth : intents.endUserAuths().values()) {
      String service = auth.spec().target().service();
      if (service != null && intents.services().containsKey(service)) {
        out.putIfAbsent(service, validToken(auth));
      }
    }
    return out;
  }

  /** A token of the first issuer, with its first audience and every required claim. */
  static Jwt validToken(EndUserAuth auth) {
    EndUserAuth.JwtRule rule = auth.spec().jwtRules().get(0);
    Map<String, List<String>> claims = new TreeMap<>();
    if (auth.spec().claims() != null) {
      auth.spec().claims().forEach(c -> claims.put(c.name(), List.of(c.values().get(0))));
    }
    return new Jwt(rule.issuer(), SUBJECT, rule.audiences() == null ? List.of() : List.of(rule.audiences().get(0)),
        claims);
  }

  void run(boolean withProbes, List<Check> edges, List<Check> probes, List<String> warnings) {
    Map<String, Request> ingressBases = new HashMap<>();
    for (IngressRoute route : intents.ingressRoutes().values()) {
      ingress(route, withProbes, edges, probes, ingressBases);
    }
    for (ExternalService external : intents.externalServices().values()) {
      egress(external, withProbes, edges, probes, warnings);
    }
    if (withProbes) {
      for (EndUserAuth auth : intents.endUserAuths().values()) {
        endUserAuth(auth, edges, probes, ingressBases);
      }
    }
  }

  // ---- ingress -----------------------------------------------------------------------------------

  private void ingress(IngressRoute route, boolean withProbes, List<Check> edges, List<Check> probes,
      Map<String, Request> bases) {
    IngressRoute.Spec spec = route.spec();
    Cluster cluster = intents.clusters().get(spec.cluster());
    if (cluster == null || spec.hosts().isEmpty()) {
      return;
    }
    SourceLocation source = sourceOf(Kind.IngressRoute, route.name());
    String host = concreteHost(spec.hosts().get(0));
    boolean https = spec.tls() != null;
    boolean mutual = https && "MUTUAL".equals(spec.tls().mode());
    Jwt ingressToken = ingressToken(route);
    Request first = null;
    for (int i = 0; i < spec.routes().size(); i++) {
      IngressRoute.Route r = spec.routes().get(i);
      InboundService service = intents.services().get(r.service());
      if (service == null || !intents.clusters().containsKey(service.spec().cluster())) {
        continue; // MG-REF-01
      }
      Jwt token = merge(ingressToken, serviceTokens.get(service.name()));
      String field = "spec.routes[" + i + "]";
      Request request = new Request(Caller.external(cluster.name(), https, mutual), host, null, "GET",
          examplePath(r.uri()), token);
      edges.add(check(route, field, service, null, source, request, true));
      if (first == null) {
        first = request;
      }
      if (https && spec.allowPlainHttp() && !spec.httpsRedirect()) {
        edges.add(check(route, field, service, null, source,
            request.from(Caller.external(cluster.name(), false, false)), true));
      }
      if (!withProbes || i > 0) {
        continue;
      }
      if (https && spec.httpsRedirect()) {
        probes.add(check(route, field, service, "plain-http", source,
            request.from(Caller.external(cluster.name(), false, false)), false));
      }
      if (mutual) {
        probes.add(check(route, field, service, "no-client-certificate", source,
            request.from(Caller.external(cluster.name(), true, false)), false));
      }
    }
    if (first == null) {
      return;
    }
    bases.put(route.name(), first);
    String unrouted = "/" + Verifier.PROBE_NAME;
    if (withProbes && spec.routes().stream().noneMatch(r -> matches(r.uri(), unrouted))) {
      InboundService firstService = intents.services().get(spec.routes().get(0).service());
      probes.add(check(route, "spec.routes", firstService, "unrouted-path", source,
          new Request(first.from(), first.host(), first.port(), "GET", unrouted, first.jwt()), false));
    }
    if (withProbes) {
      java.util.Set<String> probed = new java.util.HashSet<>();
      for (int i = 0; i < spec.routes().size(); i++) {
        IngressRoute.Route r = spec.routes().get(i);
        InboundService service = intents.services().get(r.service());
        if (service != null && intents.clusters().containsKey(service.spec().cluster()) && probed.add(r.service())) {
          probeGatewayIdentity(route, i, cluster, source, probes);
        }
      }
    }
  }

  /**
   * The ingress gateway's identity is admitted on a routed service only for the ports and paths its
   * routes send: the gateway's own request for a path no route sends to that service (as a
   * hand-written route on the gateway would make) must be denied, where the service has an ALLOW
   * policy and nothing else admits the gateway's namespace or identity there.
   */
  private void probeGatewayIdentity(IngressRoute route, int index, Cluster cluster, SourceLocation source,
      List<Check> probes) {
    IngressRoute.Route r = route.spec().routes().get(index);
    InboundService service = intents.services().get(r.service());
    Cluster.IngressGateway gw = cluster.spec().ingressGateway();
    List<ServiceClient> declared = clientsByTarget.getOrDefault(service.name(), List.of());
    if (!Verifier.restricted(service, declared)
        || (service.spec().allowedNamespaces() != null && service.spec().allowedNamespaces().contains(gw.namespace()))) {
      return;
    }
    String path = "/" + Verifier.PROBE_NAME;
    int port = service.spec().ingressPort(r.port());
    List<ServiceClient> sameIdentity = new ArrayList<>(declared);
    sameIdentity.addAll(ingressCallers().getOrDefault(service.name(), List.of()));
    for (ServiceClient c : sameIdentity) {
      if (c.spec().namespace().equals(gw.namespace()) && c.spec().serviceAccount().equals(gw.serviceAccount())
          && (c.spec().access() == null || c.spec().access().stream().anyMatch(a -> a.paths() == null
              || a.paths().stream().anyMatch(p -> Authorization.pathMatches(p, path))))) {
        return; // the intents admit the gateway's identity on that path
      }
    }
    // As the gateway's route names it (EdgeRenderer.hostFrom): the Service in its own cluster, else .global.
    String host = cluster.name().equals(service.spec().cluster())
        ? service.spec().service() + "." + service.spec().namespace() + "." + Hosts.CLUSTER_DOMAIN
        : io.meshgate.intent.IntentIndex.globalHost(service);
    Caller gateway = new Caller(cluster.name(), gw.namespace(), gw.serviceAccount(), gw.selector(), true);
    probes.add(check(route, "spec.routes[" + index + "]", service, "gateway-unrouted-path", source,
        new Request(gateway, host, port, "GET", path, merge(ingressToken(route), serviceTokens.get(service.name()))), false));
  }

  private Map<String, List<ServiceClient>> ingressCallers() {
    if (ingressCallers == null) {
      ingressCallers = new HashMap<>();
      for (ServiceClient c : IngressClients.of(intents)) {
        ingressCallers.computeIfAbsent(c.spec().target(), k -> new ArrayList<>()).add(c);
      }
    }
    return ingressCallers;
  }

  /** A token for an ingress an EndUserAuth protects, else null. */
  private Jwt ingressToken(IngressRoute route) {
    for (EndUserAuth auth : intents.endUserAuths().values()) {
      if (route.name().equals(auth.spec().target().ingress())) {
        return validToken(auth);
      }
    }
    return null;
  }

  /**
   * One token for both the ingress's and the service's EndUserAuth: the first's issuer, both audiences
   * and claims (when the two accept different issuers no token passes both, and verify says so).
   */
  static Jwt merge(Jwt first, Jwt second) {
    if (first == null || second == null) {
      return first == null ? second : first;
    }
    List<String> audiences = new ArrayList<>(first.audiences());
    second.audiences().stream().filter(a -> !audiences.contains(a)).forEach(audiences::add);
    Map<String, List<String>> claims = new TreeMap<>(second.claims());
    claims.putAll(first.claims());
    return new Jwt(first.issuer(), SUBJECT, audiences, claims);
  }

  /** {@code *.example.com} → {@code meshgate-verify-probe.example.com}: a name a wildcard host serves. */
  private static String concreteHost(String host) {
    if (host.equals("*")) {
      return Verifier.PROBE_NAME + ".example";
    }
    return host.startsWith("*.") ? Verifier.PROBE_NAME + host.substring(1) : host;
  }

  /** A path the route's match admits: the exact path, or the prefix itself. */
  static String examplePath(IngressRoute.UriMatch uri) {
    if (uri == null) {
      return "/";
    }
    return uri.exact() != null ? uri.exact() : uri.prefix();
  }

  private static boolean matches(IngressRoute.UriMatch uri, String path) {
    if (uri == null) {
      return true;
    }
    return uri.exact() != null ? uri.exact().equals(path) : path.startsWith(uri.prefix());
  }

  private Check check(IngressRoute route, String field, InboundService service, String probe, SourceLocation source,
      Request request, boolean expectAllowed) {
    return Verifier.check(simulator, route.name(), Kind.IngressRoute, field, service.name(),
        Verifier.reachedName(service), probe, source, request, expectAllowed);
  }

  // ---- egress ------------------------------------------------------------------------------------

  private void egress(ExternalService external, boolean withProbes, List<Check> edges, List<Check> probes,
      List<String> warnings) {
    ExternalService.Spec spec = external.spec();
    SourceLocation source = sourceOf(Kind.ExternalService, external.name());
    List<String> namespaces = spec.namespaces() == null ? List.of("default") : spec.namespaces();
    for (int c = 0; c < spec.clusters().size(); c++) {
      Cluster cluster = intents.clusters().get(spec.clusters().get(c));
      if (cluster == null) {
        continue; // MG-REF-01
      }
      for (String namespace : namespaces) {
        for (ExternalService.Port port : spec.ports()) {
          edges.add(egressCheck(external, source, "spec.ports", null, caller(cluster, namespace), port, true));
        }
      }
      if (!withProbes) {
        continue;
      }
      ExternalService.Port first = spec.ports().get(0);
      if (spec.namespaces() != null) {
        if (cluster.spec().registryOnly()) {
          probes.add(egressCheck(external, source, "spec.namespaces", "other-namespace",
              caller(cluster, Verifier.PROBE_NAME), first, false));
        } else {
          warnings.add(cluster.name() + ": outboundTrafficPolicy is ALLOW_ANY, so workloads of every namespace reach "
              + spec.host() + " through the PassthroughCluster: ExternalService " + external.name()
              + "'s namespaces restrict nothing there (set Cluster outboundTrafficPolicy: REGISTRY_ONLY to enforce them)");
        }
      }
    }
    if (!withProbes || spec.ports().isEmpty()) {
      return;
    }
    for (Cluster other : intents.clusters().values()) {
      if (!spec.clusters().contains(other.name()) && other.spec().registryOnly()) {
        probes.add(egressCheck(external, source, "spec.clusters", "other-cluster " + other.name(),
            caller(other, namespaces.get(0)), spec.ports().get(0), false));
        break;
      }
    }
  }

  private static Caller caller(Cluster cluster, String namespace) {
    return new Caller(cluster.name(), namespace, "default", Map.of(), true);
  }

  private Check egressCheck(ExternalService external, SourceLocation source, String field, String probe, Caller caller,
      ExternalService.Port port, boolean expectAllowed) {
    ExternalService.Spec spec = external.spec();
    boolean http = port.protocol().equals("HTTP");
    Request request = new Request(caller, spec.host(), port.number(), http ? "GET" : null, http ? "/" : null);
    return Verifier.check(simulator, external.name(), Kind.ExternalService, field, spec.host(),
        Simulator.EXTERNAL + expectedExternal(spec, port), probe, source, request, expectAllowed);
  }

  /**
   * Where the request must leave the mesh to and what must be on the wire: the host on the port (on
   * the origination's targetPort with SIMPLE TLS), the application's own TLS on an HTTPS/TLS port.
   */
  static String expectedExternal(ExternalService.Spec spec, ExternalService.Port port) {
    ExternalService.TlsOrigination origination = spec.tlsOrigination();
    if (origination != null && origination.port() == port.number()) {
      return spec.host() + ":" + origination.targetPort() + " (" + Simulator.wire("SIMPLE") + ")";
    }
    String wire = port.protocol().equals("HTTP") ? Simulator.PLAINTEXT : Simulator.APP_TLS;
    return spec.host() + ":" + port.number() + " (" + Simulator.wire(wire) + ")";
  }

  // ---- end-user authentication -------------------------------------------------------------------

  /**
   * Probes of an EndUserAuth, from a declared request to its target (the first declared edge of the
   * service, or the first route of the ingress) that is allowed: the same request without a token,
   * with a foreign issuer, and without each required claim must be denied; with a token, a public
   * path must be allowed without one (an edge).
   */
  private void endUserAuth(EndUserAuth auth, List<Check> edges, List<Check> probes, Map<String, Request> ingressBases) {
    SourceLocation source = sourceOf(Kind.EndUserAuth, auth.name());
    EndUserAuth.Target target = auth.spec().target();
    Request base = null;
    InboundService reached = null;
    if (target.ingress() != null) {
      base = ingressBases.get(target.ingress());
      IngressRoute route = intents.ingressRoutes().get(target.ingress());
      reached = route == null || route.spec().routes().isEmpty() ? null
          : intents.services().get(route.spec().routes().get(0).service());
    } else {
      reached = intents.services().get(target.service());
      if (reached != null) {
        String name = reached.name();
        base = edges.stream().filter(e -> e.service().equals(name) && e.ok()).map(e -> e.trace().request())
            .findFirst().orElse(null);
      }
    }
    if (base == null || reached == null) {
      return; // nothing declares a caller of the target: no request to vary
    }
    if (auth.spec().paths() != null) {
      // Only these paths need a token: the probes ask for the first of them (through an ingress, of the
      // service the route matching it reaches), and the declared request's own path must stay open.
      String path = Verifier.examplePath(auth.spec().paths().get(0));
      InboundService protectedService = target.ingress() == null ? reached : serviceRoutedTo(target.ingress(), path);
      if (protectedService == null) {
        return;
      }
      String declaredPath = base.path();
      if (auth.spec().paths().stream().noneMatch(p -> Authorization.pathMatches(p, declaredPath))
          && !anotherTokenRequirement(auth, reached, base)) {
        edges.add(Verifier.check(simulator, auth.name(), Kind.EndUserAuth, "spec.paths", reached.name(),
            Verifier.reachedName(reached), null, source, base.withJwt(null), true));
      }
      // A declared request of a mesh client to a protected path, when there is one: its access admits
      // it, so only the token requirement can refuse the probes made of it.
      InboundService service = reached;
      Request declaredProtected = target.service() == null ? null : edges.stream()
          .filter(e -> e.ok() && e.service().equals(service.name()) && !e.trace().request().from().external())
          .map(e -> e.trace().request())
          .filter(r -> auth.spec().paths().stream().anyMatch(p -> Authorization.pathMatches(p, r.path())))
          .findFirst().orElse(null);
      if (declaredProtected != null) {
        base = declaredProtected;
      } else {
        String sent = target.service() != null ? pathToSend(base, reached, path) : path;
        if (sent == null) {
          return; // no route of the ingress the declared request comes through reaches that path of the service
        }
        reached = protectedService;
        base = new Request(base.from(), base.host(), base.port(), base.method() == null ? "GET" : base.method(), sent,
            base.jwt(), base.headers());
      }
    }
    String expected = Verifier.reachedName(reached);
    Jwt valid = validToken(auth);
    probes.add(Verifier.check(simulator, auth.name(), Kind.EndUserAuth, "spec.jwtRules", reached.name(), expected,
        "no-token", source, base.withJwt(null), false));
    probes.add(Verifier.check(simulator, auth.name(), Kind.EndUserAuth, "spec.jwtRules", reached.name(), expected,
        "wrong-issuer", source, base.withJwt(new Jwt(FOREIGN_ISSUER, SUBJECT, valid.audiences(), valid.claims())), false));
    if (auth.spec().claims() != null) {
      for (int i = 0; i < auth.spec().claims().size(); i++) {
        EndUserAuth.Claim claim = auth.spec().claims().get(i);
        Map<String, List<String>> without = new TreeMap<>(valid.claims());
        without.remove(claim.name());
        probes.add(Verifier.check(simulator, auth.name(), Kind.EndUserAuth, "spec.claims[" + i + "]", reached.name(),
            expected, "missing-claim " + claim.name(), source,
            base.withJwt(new Jwt(valid.issuer(), SUBJECT, valid.audiences(), without)), false));
      }
    }
    if (auth.spec().publicPaths() != null) {
      String path = Verifier.examplePath(auth.spec().publicPaths().get(0));
      InboundService open = reached;
      String sent = path;
      if (target.ingress() != null) {
        open = serviceRoutedTo(target.ingress(), path);
      } else {
        sent = pathToSend(base, reached, path);
      }
      if (open != null && sent != null) {
        edges.add(Verifier.check(simulator, auth.name(), Kind.EndUserAuth, "spec.publicPaths[0]", open.name(),
            Verifier.reachedName(open), null, source, new Request(base.from(), base.host(), base.port(), "GET", sent, null),
            true));
      }
    }
  }

  /**
   * The path to send in a request like {@code base} so that {@code service} sees {@code servicePath}.
   * A request from inside the mesh sends it as it is. One from outside goes through an ingress, whose
   * route may rewrite it: the path before the rewrite, provided the first route matching it is one to
   * {@code service}; null when no route of that ingress gets the path there.
   */
  private String pathToSend(Request base, InboundService service, String servicePath) {
    if (!base.from().external()) {
      return servicePath;
    }
    for (IngressRoute ingress : intents.ingressRoutes().values()) {
      if (!ingress.spec().cluster().equals(base.from().cluster()) || !ingress.spec().hosts().contains(base.host())) {
        continue;
      }
      for (IngressRoute.Route r : ingress.spec().routes()) {
        if (!r.service().equals(service.name())) {
          continue;
        }
        String before = beforeRewrite(r, servicePath);
        if (before != null && ingress.spec().routes().stream().filter(other -> matches(other.uri(), before)).findFirst()
            .map(other -> other == r).orElse(false)) {
          return before;
        }
      }
    }
    return null;
  }

  /** The path a route receives that its rewrite turns into {@code seen}, or null when it cannot. */
  private static String beforeRewrite(IngressRoute.Route r, String seen) {
    IngressRoute.UriMatch uri = r.uri();
    String rewrite = r.rewrite() == null ? null : r.rewrite().uri();
    if (uri != null && uri.exact() != null) {
      return (rewrite == null ? uri.exact() : rewrite).equals(seen) ? uri.exact() : null;
    }
    String prefix = uri == null || uri.prefix() == null ? "/" : uri.prefix();
    if (rewrite == null) {
      return seen.startsWith(prefix) ? seen : null;
    }
    return seen.startsWith(rewrite) ? prefix + seen.substring(rewrite.length()) : null;
  }

  /** EndUserAuths per target service and per host of a targeted IngressRoute, counted once (linear). */
  private Map<String, Integer> tokenRequirements;

  /**
   * Whether another EndUserAuth may ask the same request for a token: one of the same service, or,
   * for a request from outside, one of an IngressRoute serving its host. Then a request without a
   * token proves nothing about {@code auth}'s paths.
   */
  private boolean anotherTokenRequirement(EndUserAuth auth, InboundService service, Request request) {
    if (tokenRequirements == null) {
      tokenRequirements = new java.util.HashMap<>();
      for (EndUserAuth each : intents.endUserAuths().values()) {
        EndUserAuth.Target t = each.spec().target();
        IngressRoute route = t.ingress() == null ? null : intents.ingressRoutes().get(t.ingress());
        if (t.service() != null) {
          tokenRequirements.merge("service " + t.service(), 1, Integer::sum);
        } else if (route != null) {
          route.spec().hosts().forEach(h -> tokenRequirements.merge("host " + h, 1, Integer::sum));
        }
      }
    }
    EndUserAuth.Target own = auth.spec().target();
    int onService = tokenRequirements.getOrDefault("service " + service.name(), 0)
        - (service.name().equals(own.service()) ? 1 : 0);
    IngressRoute ownRoute = own.ingress() == null ? null : intents.ingressRoutes().get(own.ingress());
    int onHost = !request.from().external() ? 0 : tokenRequirements.getOrDefault("host " + request.host(), 0)
        - (ownRoute != null && ownRoute.spec().hosts().contains(request.host()) ? 1 : 0);
    return onService > 0 || onHost > 0;
  }

  /** Through an ingress the path decides which service a request reaches: the first route matching it. */
  private InboundService serviceRoutedTo(String ingress, String path) {
    IngressRoute route = intents.ingressRoutes().get(ingress);
    return route == null ? null : route.spec().routes().stream().filter(r -> matches(r.uri(), path)).findFirst()
        .map(r -> intents.services().get(r.service())).orElse(null);
  }

  private SourceLocation sourceOf(Kind kind, String name) {
    return intents.sources().get(new IntentRef(kind, name));
  }

  /** The checks of one kind, for tests. */
  static List<Check> declaredBy(Kind kind, List<Check> checks) {
    List<Check> out = new ArrayList<>();
    checks.stream().filter(c -> c.kind() == kind).forEach(out::add);
    return out;
  }
}
