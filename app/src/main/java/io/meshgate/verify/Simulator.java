package io.meshgate.verify;

import io.meshgate.intent.InboundService;
import io.meshgate.intent.Protocol;
import io.meshgate.verify.HopResult.Outcome;
import io.meshgate.verify.MeshModel.ClusterView;
import io.meshgate.verify.MeshModel.RegistryService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pushes a {@link Request} through the fixed list of {@link Hop}s over a {@link MeshModel}. Each
 * hop is a small function of the state so far that passes (with the next state), fails (with the
 * reason and the deciding object) or does not apply. A ServiceEntry with several endpoints forks
 * the request; the answer is the first branch that fails, else the first branch.
 */
public final class Simulator {

  /** Connection security as it leaves the client and arrives at the server. */
  static final String AUTO = "AUTO";
  static final String PLAINTEXT = "PLAINTEXT";
  static final String ISTIO_MUTUAL = "ISTIO_MUTUAL";
  /** No TLS from the sidecar; the bytes are the client application's own TLS (its port speaks TLS). */
  static final String APP_TLS = "APP_TLS";

  private static final List<Hop> ORDER = List.of(Hop.values());

  private final MeshModel model;
  /** Clusters whose copies of the services are down ({@code explain --fail}, verify's failover edges). */
  private final Set<String> failed;

  public Simulator(MeshModel model) {
    this(model, Set.of());
  }

  /** A simulator in which the workloads of the {@code failed} clusters are down (their gateways are not). */
  public Simulator(MeshModel model, Set<String> failed) {
    this.model = model;
    this.failed = Set.copyOf(failed);
  }

  /** The clusters whose workloads are down in this simulation. */
  public Set<String> failed() {
    return failed;
  }

  public MeshModel model() {
    return model;
  }

  /** The hop-by-hop trace of one request. */
  public Trace explain(Request request) {
    ClusterView here = model.cluster(request.from().cluster());
    State start = new State();
    start.request = request;
    start.original = request;
    start.here = here;
    if (here == null) {
      return new Trace(request, List.of(new HopResult(Hop.DNS, Outcome.FAIL,
          "no Cluster intent declares cluster " + request.from().cluster(), null)), null);
    }
    return run(start, 0, new ArrayList<>());
  }

  private Trace run(State state, int hopIndex, List<HopResult> done) {
    if (hopIndex == ORDER.size()) {
      String reached = state.external != null ? EXTERNAL + EdgeHops.externalReached(state)
          : state.workload == null ? null
          : state.workloadCluster.name + "/" + state.workload.spec().namespace() + "/" + state.workload.spec().service();
      return new Trace(state.original, done, reached, state.workload == null ? null : state.version);
    }
    Out out = hop(ORDER.get(hopIndex), state);
    if (out.result == null) {
      // A hop this request does not meet (the mesh edge's, or route without VirtualService): left out of the trace.
      return run(out.next.get(0), hopIndex + 1, done);
    }
    List<HopResult> results = new ArrayList<>(done);
    results.add(out.result);
    if (out.result.failed()) {
      return new Trace(state.original, results, null);
    }
    Trace first = null;
    java.util.LinkedHashSet<String> spread = new java.util.LinkedHashSet<>();
    for (State next : out.next) {
      Trace trace = run(next, hopIndex + 1, results);
      if (!trace.allowed()) {
        return trace;
      }
      if (first == null) {
        first = trace;
      }
      spread.addAll(trace.spread());
    }
    return first == null ? null : new Trace(first.request(), first.hops(), first.reached(), first.version(), List.copyOf(spread));
  }

  /** One hop applied to a state (called directly: no function object made per simulated hop). */
  private Out hop(Hop hop, State s) {
    return switch (hop) {
      case INGRESS_SERVER -> EdgeHops.ingressServer(model, s);
      case INGRESS_POLICY -> EdgeHops.ingressPolicy(s);
      case INGRESS_ROUTE -> EdgeHops.ingressRoute(s);
      case EGRESS -> EdgeHops.egress(s);
      case REQUEST_AUTHENTICATION -> EdgeHops.requestAuthentication(s);
      case DNS -> dns(s);
      case OUTBOUND_CLUSTER -> outboundCluster(s);
      case ROUTE -> TrafficHops.route(s);
      case DESTINATION_RULE -> destinationRule(s);
      case TLS -> clientTls(s);
      case ENDPOINT -> endpoint(s);
      case GATEWAY_SERVER -> gatewayServer(s);
      case GATEWAY_ROUTE -> gatewayRoute(s);
      case HOSTED_ENDPOINT -> hostedEndpoint(s);
      case PEER_AUTHENTICATION -> peerAuthentication(s);
      case AUTHORIZATION_POLICY -> authorizationPolicy(s);
    };
  }

  // ---- state -----------------------------------------------------------------------------------

  /** {@code reached} of a request that left the mesh: {@code external/<host>:<port>}. */
  static final String EXTERNAL = "external/";

  /** What is known about the request so far; each hop works on a copy. */
  static final class State implements Cloneable {
    /** The request as it goes on (after an ingress gateway: the gateway's request to the service). */
    Request request;
    /** The request as it was made (what the trace shows). */
    Request original;
    ClusterView here;
    String address;
    RegistryService service;
    Istio.Port port;
    /** The subset a VirtualService route chose (or the gateway's SNI names), or null for the whole host. */
    String subset;
    /** The version (spec.versions) of the pods reached, or null. */
    String version;
    Istio.DestinationRule rule;
    /** ISTIO_MUTUAL, SIMPLE, MUTUAL, PLAINTEXT, APP_TLS or AUTO (auto mTLS decides per endpoint). */
    String tls = PLAINTEXT;
    /**
     * The stream the server's application will receive is TLS: the client application's own TLS
     * (on a port that speaks TLS), or TLS the client's sidecar originated that a gateway passed
     * through. A TLS-terminating gateway server removes the outermost layer.
     */
    boolean appTls;
    /** The pods of the gateway on the path (east-west, egress, or the ingress for an external client). */
    MeshModel.GatewayPods gatewayPods;
    /** {@code host:port} once the request leaves the mesh (a MESH_EXTERNAL host, or PassthroughCluster). */
    String external;
    /** The caller is a gateway proxy (an ingress gateway forwarding): no DNS, no mesh VirtualServices. */
    boolean gatewayCaller;
    /** From a token a RequestAuthentication validated: {@code <iss>/<sub>}, audiences, claims. */
    String requestPrincipal;
    List<String> tokenAudiences = List.of();
    Map<String, List<String>> tokenClaims = Map.of();
    String sni;
    ClusterView gatewayCluster;
    int gatewayPort;
    Istio.Gateway gateway;
    Istio.Server server;
    RegistryService hosted;
    Istio.Port hostedPort;
    InboundService workload;
    ClusterView workloadCluster;
    /** The pods' port (targetPort) and the protocol the application speaks there. */
    int workloadPort;
    Protocol workloadProtocol;
    /** Who the server sidecar sees on an Istio mTLS connection, and that peer's cluster. */
    String peerPrincipal;
    ClusterView peerCluster;

    State copy() {
      try {
        return (State) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }

    Caller caller() {
      return request.from();
    }
  }

  /** @param result null: the hop is not on this request's path and is left out of the trace */
  record Out(HopResult result, List<State> next) {}

  static Out pass(Hop hop, State next, String detail, ObjectRef object) {
    return new Out(new HopResult(hop, Outcome.PASS, detail, object), List.of(next));
  }

  static Out fail(Hop hop, String detail, ObjectRef object) {
    return new Out(new HopResult(hop, Outcome.FAIL, detail, object), List.of());
  }

  static Out skip(Hop hop, State next, String detail) {
    return new Out(new HopResult(hop, Outcome.SKIP, detail, null), List.of(next));
  }

  /** The hop does not exist for this request (e.g. the ingress hops for a mesh workload, route without VirtualService). */
  static Out absent(State s) {
    return new Out(null, List.of(s));
  }

  // ---- hops ------------------------------------------------------------------------------------

  /**
   * Name resolution. {@code *.svc.cluster.local} names are answered by kube-dns for Services of the
   * client's own cluster. Any other name (a {@code .global} host) is answered only by the sidecar's
   * DNS proxy, from a ServiceEntry with an address visible to the client's namespace:
   * https://istio.io/latest/docs/ops/configuration/traffic-management/dns-proxy/ — no sidecar, or
   * DNS capture off, means no answer.
   */
  private Out dns(State s) {
    Caller c = s.caller();
    String host = s.request.host();
    State next = s.copy();
    if (s.gatewayCaller) {
      return skip(Hop.DNS, next, "the ingress gateway's route names the destination " + host + " itself: no DNS lookup");
    }
    if (Hosts.isIpAddress(host)) {
      next.address = host;
      return pass(Hop.DNS, next, "the client connects to " + host + " itself: nothing to resolve", null);
    }
    if (Hosts.isClusterLocal(host)) {
      RegistryService kube = s.here.kubeService(host);
      if (kube == null) {
        return fail(Hop.DNS, "no Service " + host + " is declared in cluster " + s.here.name
            + ": kube-dns has no answer", null);
      }
      return pass(Hop.DNS, next, "kube-dns resolves " + host + " to the Service's cluster IP", kube.ref());
    }
    if (Hosts.isPublic(host) && seen(s, s.here.services(host)).stream().noneMatch(r -> !r.addresses().isEmpty())) {
      // A name outside the mesh without a virtual address: kube-dns (or the DNS proxy) asks the
      // upstream resolvers. Whether the name exists on the Internet is not modelled.
      return pass(Hop.DNS, next, host + " is no mesh name: the cluster's DNS resolves it upstream (assumed to exist)", null);
    }
    if (!c.sidecar()) {
      return fail(Hop.DNS, "the client has no sidecar, so no DNS proxy: kube-dns does not know " + host
          + " and its virtual address is never resolved", null);
    }
    if (!s.here.facts.spec().dnsProxying()) {
      return fail(Hop.DNS, "DNS proxying is off in cluster " + s.here.name + " (Cluster dnsProxying: false): "
          + "nothing resolves " + host + " to its virtual address; turn on sidecar DNS proxying there"
          + " (ISTIO_META_DNS_CAPTURE: \"true\" in the mesh's proxy metadata) and remove dnsProxying: false from Cluster "
          + s.here.name, ObjectRef.clusterFacts(s.here.name));
    }
    List<RegistryService> all = s.here.services(host).stream().filter(r -> !r.isKube()).toList();
    List<RegistryService> visible = seen(s, all);
    List<RegistryService> withAddress = visible.stream().filter(r -> !r.addresses().isEmpty()).toList();
    if (withAddress.isEmpty()) {
      if (all.isEmpty()) {
        return fail(Hop.DNS, "no ServiceEntry for " + host + " in cluster " + s.here.name
            + ": the sidecar's DNS proxy has no answer", null);
      }
      Out notImported = notImported(s, Hop.DNS, all);
      if (notImported != null) {
        return notImported;
      }
      if (visible.isEmpty()) {
        RegistryService hidden = all.get(0);
        return fail(Hop.DNS, hidden.describe() + " is exported to " + hidden.exportTo() + ", not to namespace "
            + c.namespace() + ": the client's sidecar does not see " + host, hidden.ref());
      }
      return fail(Hop.DNS, visible.get(0).describe() + " has no addresses: the DNS proxy answers only hosts with a "
          + "virtual address", visible.get(0).ref());
    }
    RegistryService picked = preferNamespace(withAddress, c.namespace());
    next.address = picked.addresses().get(0);
    return pass(Hop.DNS, next, "the sidecar's DNS proxy answers " + host + " with " + next.address, picked.ref());
  }

  /**
   * The client sidecar's outbound listener and cluster {@code outbound|<port>||<host>}: a Service or
   * ServiceEntry for the host (or, for TCP, the address) exported to the client's namespace, with the
   * port. https://istio.io/latest/docs/reference/config/networking/service-entry/ (hosts, addresses,
   * ports, exportTo). Without a sidecar, kube-proxy forwards to the Service directly.
   */
  private Out outboundCluster(State s) {
    Caller c = s.caller();
    String host = s.request.host();
    List<RegistryService> all = Hosts.isIpAddress(host)
        ? s.here.servicesAt(host)
        : s.here.services(host);
    if (!c.sidecar() && Hosts.isPublic(host)) {
      State next = s.copy();
      int port = s.request.port() != null ? s.request.port() : 80;
      next.port = new Istio.Port(port, null, port == 443 ? "TLS" : null, null);
      next.external = host + ":" + port;
      return pass(Hop.OUTBOUND_CLUSTER, next, "no sidecar: the pod connects to " + next.external
          + " itself, outside the mesh", null);
    }
    if (!c.sidecar()) {
      RegistryService kube = Hosts.isClusterLocal(host) ? s.here.kubeService(host) : null;
      if (kube == null) {
        return fail(Hop.OUTBOUND_CLUSTER, "the client has no sidecar and " + host
            + " is no Service of its cluster: nothing routes the address", null);
      }
      return withPort(s, kube, "no sidecar: kube-proxy forwards to " + kube.describe());
    }
    List<RegistryService> visible = seen(s, all);
    if (visible.isEmpty() && Hosts.isPublic(host)) {
      return EdgeHops.unregisteredHost(s, all);
    }
    if (visible.isEmpty()) {
      if (all.isEmpty()) {
        return fail(Hop.OUTBOUND_CLUSTER, "no Service or ServiceEntry for " + host + " in cluster " + s.here.name, null);
      }
      Out notImported = notImported(s, Hop.OUTBOUND_CLUSTER, all);
      if (notImported != null) {
        return notImported;
      }
      RegistryService hidden = all.get(0);
      return fail(Hop.OUTBOUND_CLUSTER, hidden.describe() + " is exported to " + hidden.exportTo()
          + ", not to namespace " + c.namespace() + ": the client's sidecar has no cluster for " + host, hidden.ref());
    }
    RegistryService service = preferNamespace(visible, c.namespace());
    Out out = withPort(s, service, null);
    if (out.result.failed()) {
      return out;
    }
    State next = out.next.get(0);
    if (!next.port.http() && next.address != null) {
      // A TCP listener is bound to address:port; two hosts on one address cannot both have it.
      for (RegistryService other : s.here.servicesAt(next.address)) {
        if (!other.host().equals(service.host()) && other.port(next.port.number()) != null
            && !seen(s, List.of(other)).isEmpty()) {
          return fail(Hop.OUTBOUND_CLUSTER, "address " + next.address + ":" + next.port.number() + " is claimed by "
              + service.host() + " and " + other.host() + " (" + other.describe() + "): the sidecar's TCP listener "
              + "serves only one of them", other.ref());
        }
      }
    }
    return pass(Hop.OUTBOUND_CLUSTER, next, "outbound cluster outbound|" + next.port.number() + "||" + service.host()
        + " from " + service.describe() + (service.meshExternal() ? " (MESH_EXTERNAL)" : ""), service.ref());
  }

  /**
   * The entries of {@code candidates} the client's proxy has: exported to its namespace (exportTo)
   * and, when a Sidecar scopes the client, imported by that Sidecar's egress hosts
   * (https://istio.io/latest/docs/reference/config/networking/sidecar/). A gateway forwarding a
   * request is not scoped by Sidecars.
   */
  static List<RegistryService> seen(State s, List<RegistryService> candidates) {
    Caller c = s.caller();
    Istio.Sidecar sidecar = s.gatewayCaller || !c.sidecar() ? null : s.here.sidecarFor(c.namespace(), c.labels());
    return candidates.stream()
        .filter(r -> Hosts.exportedTo(r.exportTo(), r.namespace(), c.namespace()))
        .filter(r -> sidecar == null || sidecar.imports(c.namespace(), r.namespace(), r.host(), s.request.port()))
        .toList();
  }

  /** Why the client's proxy does not see {@code r}: its exportTo, or the client's Sidecar. */
  static String whyHidden(State s, RegistryService r) {
    Caller c = s.caller();
    if (!Hosts.exportedTo(r.exportTo(), r.namespace(), c.namespace())) {
      return r.describe() + " is exported to " + r.exportTo() + ", not to namespace " + c.namespace();
    }
    Istio.Sidecar sidecar = s.gatewayCaller || !c.sidecar() ? null : s.here.sidecarFor(c.namespace(), c.labels());
    return r.describe() + " is not among the egress hosts of " + (sidecar == null ? "the client's Sidecar"
        : sidecar.describe() + ", which scopes the client; add " + r.namespace() + "/" + r.host() + " there");
  }

  /** The object that keeps {@code r} from the client's proxy: the client's Sidecar when it is exported there, else {@code r}. */
  static ObjectRef hiddenBy(State s, RegistryService r) {
    Caller c = s.caller();
    Istio.Sidecar sidecar = s.gatewayCaller || !c.sidecar() ? null : s.here.sidecarFor(c.namespace(), c.labels());
    return sidecar != null && Hosts.exportedTo(r.exportTo(), r.namespace(), c.namespace()) ? sidecar.ref() : r.ref();
  }

  /** The failure when entries exported to the client's namespace exist but its Sidecar imports none, else null. */
  private static Out notImported(State s, Hop hop, List<RegistryService> all) {
    Caller c = s.caller();
    Istio.Sidecar sidecar = s.gatewayCaller || !c.sidecar() ? null : s.here.sidecarFor(c.namespace(), c.labels());
    if (sidecar == null) {
      return null;
    }
    for (RegistryService r : all) {
      if (Hosts.exportedTo(r.exportTo(), r.namespace(), c.namespace())
          && !sidecar.imports(c.namespace(), r.namespace(), r.host(), s.request.port())) {
        return fail(hop, sidecar.describe() + " scopes the client and imports no " + r.namespace() + "/" + r.host()
            + " (" + r.describe() + "), so the client's sidecar knows no " + r.host()
            + (Hosts.isClusterLocal(r.host()) ? " (a connection to the Service's cluster IP would leave through the"
                + " PassthroughCluster or BlackHoleCluster, without Istio mTLS)" : "")
            + ": add " + r.namespace() + "/" + r.host() + " (or " + r.namespace() + "/*) to its egress hosts", sidecar.ref());
      }
    }
    return null;
  }

  private Out withPort(State s, RegistryService service, String passDetail) {
    Integer wanted = s.request.port();
    Istio.Port port = wanted != null ? service.port(wanted) : (service.ports().isEmpty() ? null : service.ports().get(0));
    if (port == null) {
      List<Integer> numbers = service.ports().stream().map(Istio.Port::number).toList();
      return fail(Hop.OUTBOUND_CLUSTER, service.describe() + " declares ports " + numbers + ", not "
          + (wanted == null ? "any" : wanted) + ": there is no outbound cluster for " + service.host()
          + (wanted == null ? "" : ":" + wanted), service.ref());
    }
    State next = s.copy();
    next.service = service;
    next.port = port;
    return pass(Hop.OUTBOUND_CLUSTER, next, passDetail, service.ref());
  }

  /**
   * The DestinationRule the client's sidecar applies: looked up in the client's namespace, then the
   * service's (or ServiceEntry's) namespace, then the root namespace, each honouring exportTo
   * (https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration);
   * a rule with workloadSelector applies only to matching workloads of its own namespace and is never
   * exported (https://istio.io/latest/docs/reference/config/networking/destination-rule/#DestinationRule-workload_selector).
   */
  private Out destinationRule(State s) {
    if (s.service == null) {
      return skip(Hop.DESTINATION_RULE, s.copy(), "PassthroughCluster: no DestinationRule applies");
    }
    if (!s.caller().sidecar()) {
      return skip(Hop.DESTINATION_RULE, s.copy(), "no sidecar: DestinationRules act in the caller's proxy only");
    }
    Picked picked = pickRule(s.here, s.caller().namespace(), s.caller().labels(), s.service);
    State next = s.copy();
    next.rule = picked.rule;
    if (picked.rule == null) {
      return pass(Hop.DESTINATION_RULE, next, picked.why, null);
    }
    return pass(Hop.DESTINATION_RULE, next, picked.why, picked.rule.ref());
  }

  record Picked(Istio.DestinationRule rule, String why) {}

  static Picked pickRule(ClusterView view, String namespace, Map<String, String> labels, RegistryService service) {
    String host = service.host();
    // 1. The caller's namespace: every rule there that is not exported only to other namespaces.
    List<Istio.DestinationRule> local = view.rulesFor(namespace, host).stream()
        .filter(r -> r.workloadSelector() != null || visibleInOwnNamespace(r)).toList();
    if (!local.isEmpty()) {
      return select(local, namespace, labels, "the client's namespace " + namespace, host);
    }
    // 2. and 3. Exported rules of the service's namespace, then of the root namespace.
    for (String where : List.of(service.namespace(), Hosts.ROOT_NAMESPACE)) {
      if (where.equals(namespace)) {
        continue;
      }
      List<Istio.DestinationRule> exported = view.rulesFor(where, host).stream()
          .filter(r -> r.workloadSelector() == null && !privateOnly(r) && Hosts.exportedTo(r.exportTo(), where, namespace))
          .toList();
      if (!exported.isEmpty()) {
        return select(exported, namespace, labels,
            (where.equals(Hosts.ROOT_NAMESPACE) ? "the root namespace " : "the service's namespace ") + where, host);
      }
    }
    return new Picked(null, "no DestinationRule for " + host + " applies (looked in namespaces "
        + String.join(", ", new java.util.LinkedHashSet<>(List.of(namespace, service.namespace(), Hosts.ROOT_NAMESPACE)))
        + ")");
  }

  private static Picked select(List<Istio.DestinationRule> rules, String namespace, Map<String, String> labels,
      String where, String host) {
    Istio.DestinationRule catchAll = null;
    for (Istio.DestinationRule rule : rules) {
      if (rule.workloadSelector() == null) {
        if (catchAll == null) {
          catchAll = rule;
        }
      } else if (rule.ref().namespace().equals(namespace) && LabelIndex.subset(rule.workloadSelector(), labels)) {
        return new Picked(rule, "DestinationRule " + rule.ref().namespace() + "/" + rule.ref().name() + " from " + where
            + " (its workloadSelector " + rule.workloadSelector() + " selects the client)");
      }
    }
    if (catchAll == null) {
      // Istio stops at the first namespace with rules for the host, even when none selects this pod.
      return new Picked(null, "the DestinationRules for " + host + " in " + where + " all have a workloadSelector "
          + "that does not select the client " + labels + "; the search stops there, so none applies");
    }
    return new Picked(catchAll, "DestinationRule " + catchAll.ref().namespace() + "/" + catchAll.ref().name() + " from " + where);
  }

  private static boolean visibleInOwnNamespace(Istio.DestinationRule r) {
    return r.exportTo().isEmpty() || r.exportTo().contains("*") || r.exportTo().contains(".")
        || r.exportTo().contains(r.ref().namespace());
  }

  private static boolean privateOnly(Istio.DestinationRule r) {
    return r.exportTo().size() == 1 && (r.exportTo().contains(".") || r.exportTo().contains(r.ref().namespace()));
  }

  /**
   * TLS origination from the DestinationRule's tls (port-level first). ISTIO_MUTUAL sends SNI
   * {@code outbound_.<port>_._.<host>} unless {@code sni} is set; SIMPLE/MUTUAL send {@code sni} (or
   * the HTTP host). {@code credentialName} counts on a sidecar only with a workloadSelector; without
   * a CA the server certificate is checked against the OS CAs:
   * https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings .
   * No tls settings: auto mTLS
   * (https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/#auto-mtls).
   */
  private Out clientTls(State s) {
    State next = s.copy();
    if (s.service == null) {
      next.appTls = s.port != null && s.port.appTls();
      leaveAsSent(next);
      return skip(Hop.TLS, next, "PassthroughCluster: the application's bytes leave as they are (" + wire(next.tls) + ")");
    }
    // On a port that speaks TLS (HTTPS, TLS) the client's application sends TLS itself, unless its
    // sidecar is told to originate SIMPLE/MUTUAL TLS (meshgate's meaning of those modes).
    boolean appSpeaksTls = s.port.appTls();
    next.appTls = appSpeaksTls;
    String app = appSpeaksTls ? "the application's own TLS" : "plain text";
    if (!s.caller().sidecar()) {
      leaveAsSent(next);
      return skip(Hop.TLS, next, "no sidecar: the application's bytes leave as they are (" + app + ")");
    }
    Istio.ClientTls tls = s.rule == null ? null : s.rule.tlsFor(s.port.number(), s.subset);
    ObjectRef rule = s.rule == null ? null : s.rule.ref();
    if (tls == null) {
      if (s.service.meshExternal()) {
        leaveAsSent(next);
        return pass(Hop.TLS, next, "no TLS settings and the service is MESH_EXTERNAL: " + app + " (no auto mTLS)", rule);
      }
      next.tls = AUTO;
      next.sni = Hosts.istioSni(s.port.number(), s.subset, s.service.host());
      return pass(Hop.TLS, next, "no TLS settings: auto mTLS sends Istio mTLS to endpoints known to have a sidecar, "
          + app + " to others", rule);
    }
    switch (tls.mode()) {
      case "DISABLE" -> {
        leaveAsSent(next);
        return pass(Hop.TLS, next, "tls mode DISABLE: " + app, rule);
      }
      case ISTIO_MUTUAL -> {
        next.tls = ISTIO_MUTUAL;
        next.sni = tls.sni() != null ? tls.sni() : Hosts.istioSni(s.port.number(), s.subset, s.service.host());
        return pass(Hop.TLS, next, "Istio mTLS with SNI " + next.sni, rule);
      }
      case "SIMPLE", "MUTUAL" -> {
        boolean honoured = tls.credentialName() != null && s.rule.workloadSelector() != null;
        String ignored = tls.credentialName() != null && !honoured
            ? "credentialName " + tls.credentialName() + " is ignored: on a sidecar it counts only in a DestinationRule "
              + "with a workloadSelector" : null;
        if (tls.mode().equals("MUTUAL") && !honoured && tls.clientCertificate() == null) {
          return fail(Hop.TLS, "MUTUAL without a client certificate: " + (ignored != null ? ignored
              : "neither credentialName nor clientCertificate is set"), rule);
        }
        // A host outside the mesh presents a public certificate: the OS CA bundle is the right trust
        // store there (Istio's TLS origination task names no CA). A mesh gateway's certificate is not.
        if (!honoured && tls.caCertificates() == null && !tls.insecureSkipVerify() && !s.service.meshExternal()) {
          return fail(Hop.TLS, tls.mode() + " TLS would check the gateway's certificate against the OS CA bundle: "
              + (ignored != null ? ignored : "no credentialName or caCertificates names the CA that signed it"), rule);
        }
        next.tls = tls.mode();
        next.appTls = false; // the sidecar does the TLS: the application sends plain text
        next.sni = tls.sni() != null ? tls.sni()
            : (s.port.http() && !Hosts.isIpAddress(s.request.host()) ? s.request.host() : null);
        return pass(Hop.TLS, next, tls.mode() + " TLS" + (next.sni == null ? " without SNI" : " with SNI " + next.sni)
            + (honoured ? ", client credential " + tls.credentialName() : ""), rule);
      }
      default -> {
        return fail(Hop.TLS, "tls mode " + tls.mode() + " is not one Istio knows", rule);
      }
    }
  }

  /** No TLS from the sidecar: plain text, or the application's own TLS with the host as SNI. */
  static void leaveAsSent(State s) {
    if (s.appTls) {
      s.tls = APP_TLS;
      s.sni = Hosts.isIpAddress(s.request.host()) ? null : s.request.host();
    } else {
      s.tls = PLAINTEXT;
    }
  }

  /**
   * The endpoint: a ServiceEntry's endpoints (address, and the port its {@code ports} map gives the
   * service port's name, else targetPort, else the port number) or a Service's pods.
   * https://istio.io/latest/docs/reference/config/networking/service-entry/#WorkloadEntry
   */
  private Out endpoint(State s) {
    RegistryService service = s.service;
    if (service == null) {
      return skip(Hop.ENDPOINT, s.copy(), "PassthroughCluster: the connection goes to the address the client resolved");
    }
    if (service.gateway() != null) {
      return EdgeHops.gatewayEndpoint(s, service);
    }
    if (service.external() && service.endpoints().isEmpty()) {
      return EdgeHops.externalEndpoint(s, service, service.host());
    }
    if (!service.isKube() && service.workloadSelector() == null && service.endpoints().isEmpty()) {
      RegistryService kube = service.resolution().equals("DNS") ? s.here.kubeService(service.host()) : null;
      if (kube == null) {
        return fail(Hop.ENDPOINT, service.describe() + " has no endpoints (resolution " + service.resolution()
            + "), and " + service.host() + " names no workload", service.ref());
      }
      State next = s.copy();
      reachWorkload(next, s.here, kube.kube(), s.port.number());
      settleAuto(next, false);
      String mismatch = applicationMismatch(next);
      if (mismatch != null) {
        return fail(Hop.ENDPOINT, mismatch, kube.ref());
      }
      return pass(Hop.ENDPOINT, next, "DNS resolves " + service.host() + " to " + kube.describe() + tlsNote(next), kube.ref());
    }
    // The caller's proxy picks the endpoints (its DestinationRule's subset and locality settings);
    // without a sidecar kube-proxy spreads over the Service's pods.
    TrafficHops.Selection selection = TrafficHops.select(model, failed, s.here, service,
        s.caller().sidecar() ? s.rule : null, s.subset, s.here.locality());
    if (selection.failure() != null) {
      return fail(Hop.ENDPOINT, selection.failure(), selection.object());
    }
    List<State> branches = new ArrayList<>();
    List<String> details = new ArrayList<>();
    if (!selection.detail().isEmpty()) {
      details.add(selection.detail());
    }
    for (TrafficHops.Candidate candidate : selection.chosen()) {
      State next = s.copy();
      if (candidate.pods() != null) {
        MeshModel.Pods pods = candidate.pods();
        reachWorkload(next, s.here, pods.service(), s.port.number());
        next.version = pods.version();
        settleAuto(next, pods.service().spec().sidecar());
        String mismatch = applicationMismatch(next);
        if (mismatch != null) {
          return fail(Hop.ENDPOINT, mismatch, service.ref());
        }
        details.add("the " + pods.describe() + " on port " + next.workloadPort + tlsNote(next) + applicationNote(next));
        branches.add(next);
        continue;
      }
      Istio.WorkloadEndpoint endpoint = candidate.endpoint();
      int target = targetPort(endpoint, s.port);
      ClusterView gateway = candidate.gateway();
      if (gateway != null) {
        next.gatewayCluster = gateway;
        next.gatewayPods = gateway.eastWestPods();
        next.gatewayPort = target;
        settleAuto(next, "istio".equals(endpoint.labels().get("security.istio.io/tlsMode")));
        details.add(endpoint.address() + ":" + target + " is the mesh gateway of cluster " + gateway.name + tlsNote(next));
        branches.add(next);
        continue;
      }
      RegistryService kube = endpoint.address() == null ? null : s.here.kubeService(endpoint.address());
      if (kube == null && service.external()) {
        return EdgeHops.externalEndpoint(s, service, endpoint.address());
      }
      if (kube == null) {
        return fail(Hop.ENDPOINT, "endpoint " + endpoint.address() + " of " + service.describe() + " is neither a "
            + "cluster's meshGateway.address nor a Service declared in cluster " + s.here.name, service.ref());
      }
      if (kube.port(target) == null) {
        return fail(Hop.ENDPOINT, "endpoint " + endpoint.address() + ":" + target + " of " + service.describe()
            + ": " + kube.describe() + " listens on " + kube.ports().get(0).number() + ", not " + target, service.ref());
      }
      reachWorkload(next, s.here, kube.kube(), target);
      settleAuto(next, "istio".equals(endpoint.labels().get("security.istio.io/tlsMode")));
      String mismatch = applicationMismatch(next);
      if (mismatch != null) {
        return fail(Hop.ENDPOINT, mismatch, kube.ref());
      }
      details.add(endpoint.address() + ":" + target + " is " + kube.describe() + tlsNote(next));
      branches.add(next);
    }
    return new Out(new HopResult(Hop.ENDPOINT, Outcome.PASS, String.join("; ", details), service.ref()), branches);
  }

  private static int targetPort(Istio.WorkloadEndpoint endpoint, Istio.Port port) {
    Integer mapped = port.name() == null ? null : endpoint.ports().get(port.name());
    if (mapped != null) {
      return mapped;
    }
    return port.targetPort() != null ? port.targetPort() : port.number();
  }

  /** Auto mTLS settles per endpoint: Istio mTLS when the endpoint is known to have a sidecar. */
  static void settleAuto(State s, boolean endpointHasSidecar) {
    if (AUTO.equals(s.tls)) {
      if (endpointHasSidecar) {
        s.tls = ISTIO_MUTUAL;
      } else {
        leaveAsSent(s);
      }
    }
    if (ISTIO_MUTUAL.equals(s.tls) && s.peerPrincipal == null) {
      s.peerPrincipal = principal(s.here, s.caller().namespace(), s.caller().serviceAccount());
      s.peerCluster = s.here;
    }
  }

  static String tlsNote(State s) {
    return " (" + wire(s.tls) + ")";
  }

  /** For an application that terminates TLS itself: whose TLS it gets. */
  private static String applicationNote(State s) {
    return s.workloadProtocol != null && s.workloadProtocol.isAppTls() ? "; the application receives the client's TLS" : "";
  }

  /** What is on the wire, in words. */
  static String wire(String tls) {
    return switch (tls) {
      case ISTIO_MUTUAL -> "Istio mTLS";
      case PLAINTEXT -> "plain text";
      case APP_TLS -> "the application's own TLS";
      default -> tls + " TLS";
    };
  }

  /** The request reaches the pods of {@code workload} on its Service port {@code port}. */
  private static void reachWorkload(State s, ClusterView cluster, InboundService workload, int port) {
    InboundService.Port p = workload.spec().port(port);
    s.workload = workload;
    s.workloadCluster = cluster;
    s.workloadPort = p == null ? port : p.workloadPort();
    s.workloadProtocol = p == null ? null : p.protocol();
  }

  /**
   * What the application behind the port receives against what it speaks, once the sidecar has
   * removed Istio mTLS; null when they agree. An application that serves TLS itself (HTTPS, TLS)
   * needs TLS, an HTTP one plain text; a TCP port takes anything. A TLS layer the client's sidecar
   * originated straight to the pod is not the server sidecar's to remove: the application gets it.
   */
  static String applicationMismatch(State s) {
    if (s.workloadProtocol == null) {
      return null;
    }
    boolean receivesTls = s.appTls || (s.gateway == null && ("SIMPLE".equals(s.tls) || "MUTUAL".equals(s.tls)));
    String where = "the application of Service " + s.workload.spec().namespace() + "/" + s.workload.spec().service()
        + " in cluster " + s.workloadCluster.name + " on port " + s.workloadPort + " (" + s.workloadProtocol + ")";
    if (s.workloadProtocol.isAppTls() && !receivesTls) {
      return where + " terminates TLS itself but would receive plain text"
          + (s.server != null && s.server.tlsMode() != null && !s.server.tlsMode().endsWith("PASSTHROUGH")
              ? ": the gateway's TLS server " + s.server.describe() + " terminated the TLS meant for it (a PASSTHROUGH "
                + "server routing by SNI keeps it)" : "");
    }
    if (s.workloadProtocol.isHttp() && receivesTls) {
      return where + " speaks plain HTTP but would receive TLS that nothing in between terminates";
    }
    return null;
  }

  static String principal(ClusterView cluster, String namespace, String serviceAccount) {
    return cluster.facts.spec().trustDomain() + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /**
   * The remote east-west gateway: a Gateway of that cluster whose selector matches the gateway pods
   * (Cluster meshGateway.selector) with a server on the port. AUTO_PASSTHROUGH takes only Istio mTLS
   * whose SNI names a destination; SIMPLE/MUTUAL servers terminate TLS with their credentialName and
   * pick by SNI among their hosts: https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSmode
   */
  private Out gatewayServer(State s) {
    if (s.gatewayCluster == null) {
      return skip(Hop.GATEWAY_SERVER, s.copy(), "the endpoint is in the client's cluster: no gateway on this path");
    }
    ClusterView h = s.gatewayCluster;
    Map<String, String> pods = s.gatewayPods.labels();
    List<Istio.Gateway> gateways = h.gatewaysSelecting(pods);
    if (gateways.isEmpty()) {
      return fail(Hop.GATEWAY_SERVER, "no Gateway in cluster " + h.name + " selects the gateway pods " + pods
          + " (Cluster " + s.gatewayPods.role() + ".selector)", ObjectRef.clusterFacts(h.name));
    }
    List<Istio.Gateway> owners = new ArrayList<>();
    List<Istio.Server> servers = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    for (Istio.Gateway gateway : gateways) {
      for (Istio.Server server : gateway.servers()) {
        if (server.port() == s.gatewayPort) {
          owners.add(gateway);
          servers.add(server);
        } else {
          elsewhere.add(server.port() + "");
        }
      }
    }
    if (servers.isEmpty()) {
      return fail(Hop.GATEWAY_SERVER, "no server of Gateway " + gateways.get(0).ref().namespace() + "/"
          + gateways.get(0).ref().name() + " listens on port " + s.gatewayPort + " (servers on " + elsewhere + ")",
          gateways.get(0).ref());
    }
    String firstMiss = null;
    ObjectRef firstMissObject = null;
    for (int i = 0; i < servers.size(); i++) {
      Istio.Server server = servers.get(i);
      ObjectRef ref = owners.get(i).ref();
      String miss = serverMiss(s, server);
      if (miss == null) {
        String problem = terminationProblem(s, server);
        if (problem != null) {
          return fail(Hop.GATEWAY_SERVER, "server " + server.describe() + ": " + problem, ref);
        }
        State next = s.copy();
        next.gateway = owners.get(i);
        next.server = server;
        return pass(Hop.GATEWAY_SERVER, next, "server " + server.describe() + " of Gateway " + ref.namespace() + "/"
            + ref.name() + " in cluster " + h.name + " takes the connection", ref);
      }
      if (firstMiss == null) {
        firstMiss = "server " + server.describe() + ": " + miss;
        firstMissObject = ref;
      }
    }
    return fail(Hop.GATEWAY_SERVER, firstMiss, firstMissObject);
  }

  /** Why {@code server}'s filter chain does not take the connection, or null when it does. */
  static String serverMiss(State s, Istio.Server server) {
    if (PLAINTEXT.equals(s.tls)) {
      return server.tlsMode() == null ? null
          : "it expects TLS (" + server.tlsMode() + "), the client sends plain text";
    }
    if (server.tlsMode() == null) {
      return "it expects plain " + server.protocol() + ", the client sends " + wire(s.tls);
    }
    if (server.tlsMode().equals("AUTO_PASSTHROUGH")) {
      Hosts.ParsedSni sni = Hosts.parseIstioSni(s.sni);
      if (!ISTIO_MUTUAL.equals(s.tls) || sni == null) {
        return "AUTO_PASSTHROUGH forwards only Istio mTLS whose SNI names the destination "
            + "(outbound_.<port>_._.<host>); the client sends " + wire(s.tls) + " with SNI " + s.sni;
      }
      for (String host : server.hosts()) {
        if (Hosts.matches(Hosts.hostPart(host), sni.host())) {
          return null;
        }
      }
      return "SNI host " + sni.host() + " matches none of its hosts " + server.hosts();
    }
    if (s.sni == null) {
      return "the client sends no SNI, and the server picks by SNI among " + server.hosts();
    }
    for (String host : server.hosts()) {
      if (Hosts.matches(Hosts.hostPart(host), s.sni)) {
        return null;
      }
    }
    return "SNI " + s.sni + " matches none of its hosts " + server.hosts();
  }

  /** A server that terminates TLS: what stops the handshake, or null. */
  static String terminationProblem(State s, Istio.Server server) {
    String mode = server.tlsMode();
    if (mode == null || mode.equals("AUTO_PASSTHROUGH") || mode.equals("PASSTHROUGH")) {
      return null;
    }
    if (mode.equals(ISTIO_MUTUAL)) {
      return ISTIO_MUTUAL.equals(s.tls) ? null : "it takes only Istio mTLS, the client sends " + wire(s.tls);
    }
    if (server.credentialName() == null && !server.serverCertificate()) {
      return "it terminates TLS (" + mode + ") but names no credentialName for its certificate";
    }
    if (ISTIO_MUTUAL.equals(s.tls)) {
      return "it terminates TLS with certificate " + server.credentialName() + "; the client originates Istio mTLS "
          + "and trusts only the mesh CA, so the handshake fails";
    }
    if (mode.equals("MUTUAL") && !"MUTUAL".equals(s.tls)) {
      return "MUTUAL requires a client certificate; the client sends " + wire(s.tls);
    }
    return null;
  }

  /**
   * Where the gateway sends the connection. AUTO_PASSTHROUGH: the SNI {@code outbound_.<port>_.<subset>_.<host>}
   * must name a mesh-internal service the gateway can see (exported to its namespace) with that port
   * (Gateway reference, AUTO_PASSTHROUGH; Istio builds one filter chain per such service). A TLS-terminating
   * or plain server: a VirtualService bound to the Gateway routes the host
   * (https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-gateways),
   * and the gateway opens a new connection as itself.
   */
  private Out gatewayRoute(State s) {
    if (s.gateway == null) {
      return skip(Hop.GATEWAY_ROUTE, s.copy(), "no gateway on this path");
    }
    ClusterView h = s.gatewayCluster;
    String gatewayNamespace = s.gatewayPods.namespace();
    if ("AUTO_PASSTHROUGH".equals(s.server.tlsMode())) {
      Hosts.ParsedSni sni = Hosts.parseIstioSni(s.sni);
      List<RegistryService> all = h.services(sni.host());
      List<RegistryService> usable = all.stream()
          .filter(r -> Hosts.exportedTo(r.exportTo(), r.namespace(), gatewayNamespace) && !r.meshExternal()
              && r.port(sni.port()) != null)
          .toList();
      if (usable.isEmpty()) {
        if (all.isEmpty()) {
          return fail(Hop.GATEWAY_ROUTE, "no ServiceEntry or Service for " + sni.host() + " exists in cluster " + h.name
              + ": the gateway has no filter chain for SNI " + s.sni, s.gateway.ref());
        }
        RegistryService first = all.get(0);
        String why = !Hosts.exportedTo(first.exportTo(), first.namespace(), gatewayNamespace)
            ? " is exported to " + first.exportTo() + ", not to the gateway's namespace " + gatewayNamespace
            : first.meshExternal() ? " is MESH_EXTERNAL: AUTO_PASSTHROUGH serves only mesh-internal services"
            : " has no port " + sni.port();
        return fail(Hop.GATEWAY_ROUTE, first.describe() + " in cluster " + h.name + why
            + ", so SNI " + s.sni + " has no route", first.ref());
      }
      RegistryService service = preferNamespace(usable, gatewayNamespace);
      if (!sni.subset().isEmpty()) {
        // The gateway's cluster for the SNI is the subset's: a DestinationRule the gateway sees must define it.
        Picked picked = pickRule(h, gatewayNamespace, s.gatewayPods.labels(), service);
        if (picked.rule == null || !picked.rule.subsets().containsKey(sni.subset())) {
          return fail(Hop.GATEWAY_ROUTE, "SNI names subset " + sni.subset() + ", which no DestinationRule visible to the "
              + "gateway defines for " + service.host() + ": the gateway has no filter chain for SNI " + s.sni,
              picked.rule == null ? service.ref() : picked.rule.ref());
        }
      }
      State next = s.copy();
      next.hosted = service;
      next.hostedPort = service.port(sni.port());
      next.subset = sni.subset().isEmpty() ? null : sni.subset();
      return pass(Hop.GATEWAY_ROUTE, next, "SNI " + s.sni + " routes to outbound|" + sni.port() + "|" + sni.subset() + "|"
          + service.host()
          + " (" + service.describe() + "); passthrough keeps the client's mTLS end to end", service.ref());
    }
    boolean passthrough = "PASSTHROUGH".equals(s.server.tlsMode());
    String routeHost = PLAINTEXT.equals(s.tls) ? s.request.host() : s.sni;
    if (routeHost == null) {
      routeHost = s.request.host();
    }
    final String host = routeHost;
    Istio.VirtualService bound = null;
    for (Istio.VirtualService vs : h.virtualServicesBoundTo(s.gateway.ref())) {
      if (Hosts.exportedTo(vs.exportTo(), vs.ref().namespace(), gatewayNamespace) && admits(s.server, vs)
          && vs.hosts().stream().anyMatch(p -> Hosts.matches(p, host))) {
        bound = vs;
        break;
      }
    }
    if (bound == null) {
      return fail(Hop.GATEWAY_ROUTE, "no VirtualService bound to Gateway " + s.gateway.ref().namespace() + "/"
          + s.gateway.ref().name() + " routes host " + routeHost, s.gateway.ref());
    }
    boolean httpServer = Istio.isHttp(s.server.protocol()) || "HTTPS".equalsIgnoreCase(s.server.protocol());
    List<Istio.Route> routes = passthrough ? bound.tls() : httpServer ? bound.http() : bound.tcp();
    Istio.Route route = null;
    for (Istio.Route candidate : routes) {
      if (routeMatches(candidate, s, bound, httpServer && !passthrough)) {
        route = candidate;
        break;
      }
    }
    String routeKind = passthrough ? "tls" : httpServer ? "http" : "tcp";
    if (route == null || route.destinations().isEmpty()) {
      return fail(Hop.GATEWAY_ROUTE, "VirtualService " + bound.ref().namespace() + "/" + bound.ref().name() + " has no "
          + routeKind + " route that matches this request", bound.ref());
    }
    Istio.Destination destination = route.destinations().get(0);
    List<RegistryService> targets = h.services(destination.host()).stream()
        .filter(r -> Hosts.exportedTo(r.exportTo(), r.namespace(), gatewayNamespace)).toList();
    if (targets.isEmpty()) {
      return fail(Hop.GATEWAY_ROUTE, "VirtualService " + bound.ref().namespace() + "/" + bound.ref().name() + " routes to "
          + destination.host() + ", which is no Service or ServiceEntry the gateway can see in cluster " + h.name,
          bound.ref());
    }
    RegistryService target = preferNamespace(targets, gatewayNamespace);
    Integer number = destination.port() != null ? destination.port()
        : (target.ports().size() == 1 ? target.ports().get(0).number() : null);
    Istio.Port port = number == null ? null : target.port(number);
    if (port == null) {
      return fail(Hop.GATEWAY_ROUTE, "VirtualService " + bound.ref().namespace() + "/" + bound.ref().name() + " routes to "
          + destination.host() + ":" + number + ", a port " + target.describe() + " does not have", bound.ref());
    }
    State next = s.copy();
    next.hosted = target;
    next.hostedPort = port;
    if (passthrough) {
      // The client's TLS, whoever originated it, travels on as the payload: the application gets it.
      next.appTls = !PLAINTEXT.equals(s.tls);
    } else if (APP_TLS.equals(s.tls)) {
      next.appTls = false; // the server terminated the client application's own TLS
    }
    // Either way the gateway is now the client, with its own DestinationRule lookup and auto mTLS
    // (its upstream clusters carry Istio's mTLS transport socket for endpoints with a sidecar).
    Picked picked = pickRule(h, gatewayNamespace, s.gatewayPods.labels(), target);
    Istio.ClientTls tls = picked.rule == null ? null : picked.rule.tlsFor(port.number(), destination.subset());
    next.tls = tls == null ? (target.meshExternal() ? PLAINTEXT : AUTO)
        : tls.mode().equals("DISABLE") ? PLAINTEXT : tls.mode();
    next.sni = tls != null && !tls.mode().equals(ISTIO_MUTUAL) ? (tls.sni() != null ? tls.sni() : target.host())
        : Hosts.istioSni(port.number(), destination.subset(), target.host());
    next.peerPrincipal = principal(h, gatewayNamespace, s.gatewayPods.serviceAccount());
    next.peerCluster = h;
    String tlsWhy = (passthrough ? "the gateway passes the client's TLS through unopened"
        : PLAINTEXT.equals(s.tls) ? "the gateway reads the client's plain text" : "the gateway terminates the client's TLS")
        + " and opens a new connection to " + target.host() + ":" + port.number() + " as " + next.peerPrincipal
        + " (" + (tls == null ? "auto mTLS" : "tls " + tls.mode()) + ")";
    return pass(Hop.GATEWAY_ROUTE, next, "VirtualService " + bound.ref().namespace() + "/" + bound.ref().name()
        + " routes " + routeHost + " to " + target.describe() + ":" + port.number() + "; " + tlsWhy, bound.ref());
  }

  /** Server hosts written {@code namespace/host} admit only VirtualServices of that namespace. */
  static boolean admits(Istio.Server server, Istio.VirtualService vs) {
    for (String host : server.hosts()) {
      int slash = host.indexOf('/');
      String namespace = slash < 0 ? "*" : host.substring(0, slash);
      if (namespace.equals("*") || namespace.equals(vs.ref().namespace())) {
        String pattern = Hosts.hostPart(host);
        if (vs.hosts().stream().anyMatch(h -> Hosts.matches(pattern, h) || Hosts.matches(h, pattern) || pattern.equals("*"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** HTTPMatchRequest (uri, method, port), L4 match (port) and TLS match (sniHosts, port); none means all. */
  /**
   * Where a route is tried: the gateway ({@code <namespace>/<name>}, or {@code mesh} for sidecars), the
   * port the connection arrived on, its SNI, and for HTTP the method and path.
   */
  record RouteContext(String gateway, String vsNamespace, int port, String sni, boolean http, String method, String path) {}

  /** The context of a gateway's route lookup. */
  static RouteContext gatewayContext(State s, Istio.VirtualService vs, boolean http) {
    return new RouteContext(s.gateway.ref().namespace() + "/" + s.gateway.ref().name(), vs.ref().namespace(),
        s.server.port(), s.sni, http, s.request.method() == null ? "GET" : s.request.method(),
        s.request.path() == null ? "/" : s.request.path());
  }

  private static boolean routeMatches(Istio.Route route, State s, Istio.VirtualService vs, boolean http) {
    return routeMatches(route, gatewayContext(s, vs, http));
  }

  /**
   * HTTPMatchRequest (uri, method, port, gateways), L4 match (port, gateways) and TLS match
   * (sniHosts, port, gateways); no match means all. A match's {@code gateways} restricts it to those
   * gateways ({@code mesh}: sidecars), overriding the VirtualService's list:
   * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
   */
  static boolean routeMatches(Istio.Route route, RouteContext c) {
    if (route.matches().isEmpty()) {
      return true;
    }
    for (Map<String, Object> match : route.matches()) {
      Integer port = Fields.integer(match.get("port"));
      if (port != null && port != c.port()) {
        continue;
      }
      List<String> gateways = Fields.strings(match.get("gateways"));
      if (!gateways.isEmpty() && gateways.stream().noneMatch(g -> g.equals(c.gateway())
          || (!g.contains("/") && (c.vsNamespace() + "/" + g).equals(c.gateway())))) {
        continue;
      }
      List<String> sniHosts = Fields.strings(match.get("sniHosts"));
      if (!sniHosts.isEmpty() && sniHosts.stream().noneMatch(p -> Hosts.matches(p, c.sni()))) {
        continue;
      }
      if (c.http() && !(stringMatch(Fields.map(match, "uri"), c.path()) && stringMatch(Fields.map(match, "method"), c.method()))) {
        continue;
      }
      return true;
    }
    return false;
  }

  static boolean stringMatch(Map<String, Object> match, String value) {
    if (match.isEmpty()) {
      return true;
    }
    String exact = Fields.str(match, "exact");
    String prefix = Fields.str(match, "prefix");
    String regex = Fields.str(match, "regex");
    try {
      return (exact == null || exact.equals(value)) && (prefix == null || value.startsWith(prefix))
          && (regex == null || value.matches(regex));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Behind the gateway: the routed service's endpoint must be a Service of that cluster on the port
   * (for the {@code .global} ServiceEntry, its {@code <service>.<namespace>.svc.cluster.local} endpoint).
   * AUTO_PASSTHROUGH forwards only to endpoints with a sidecar (plain-text endpoints are left out).
   */
  private Out hostedEndpoint(State s) {
    if (s.hosted == null) {
      return skip(Hop.HOSTED_ENDPOINT, s.copy(), "no gateway on this path: the endpoint hop reached the "
          + (s.external != null ? "host outside the mesh" : "workload"));
    }
    ClusterView h = s.gatewayCluster;
    RegistryService service = s.hosted;
    if (service.external()) {
      State next = s.copy();
      if (PLAINTEXT.equals(next.tls) && next.appTls) {
        next.tls = APP_TLS; // passed through: the client application's own TLS leaves the mesh
      }
      next.external = service.host() + ":" + (s.hostedPort.targetPort() != null ? s.hostedPort.targetPort()
          : s.hostedPort.number());
      return pass(Hop.HOSTED_ENDPOINT, next, "the gateway connects to " + next.external + ", outside the mesh ("
          + service.describe() + " is MESH_EXTERNAL)" + tlsNote(next), service.ref());
    }
    boolean autoPassthrough = "AUTO_PASSTHROUGH".equals(s.server.tlsMode());
    if (!service.isKube() && service.workloadSelector() == null && service.endpoints().isEmpty()) {
      return fail(Hop.HOSTED_ENDPOINT, service.describe() + " in cluster " + h.name + " has no endpoints, and "
          + service.host() + " names no workload there", service.ref());
    }
    // The gateway's proxy picks the endpoints with its own DestinationRule (subset, locality).
    Picked picked = pickRule(h, s.gatewayPods.namespace(), s.gatewayPods.labels(), service);
    TrafficHops.Selection selection = TrafficHops.select(model, failed, h, service, picked.rule, s.subset, h.locality());
    if (selection.failure() != null) {
      return fail(Hop.HOSTED_ENDPOINT, selection.failure(), selection.object());
    }
    List<State> branches = new ArrayList<>();
    List<String> details = new ArrayList<>();
    if (!selection.detail().isEmpty()) {
      details.add(selection.detail());
    }
    for (TrafficHops.Candidate candidate : selection.chosen()) {
      State next = s.copy();
      if (candidate.pods() != null) {
        MeshModel.Pods pods = candidate.pods();
        if (autoPassthrough && !pods.service().spec().sidecar()) {
          return fail(Hop.HOSTED_ENDPOINT, "AUTO_PASSTHROUGH forwards only to endpoints with an Istio sidecar; the "
              + pods.describe() + " have none", service.ref());
        }
        reachWorkload(next, h, pods.service(), s.hostedPort.number());
        next.version = pods.version();
        settleAutoAt(next, pods.service().spec().sidecar());
        String mismatch = applicationMismatch(next);
        if (mismatch != null) {
          return fail(Hop.HOSTED_ENDPOINT, mismatch, service.ref());
        }
        details.add("the " + pods.describe() + " in cluster " + h.name + " on port " + next.workloadPort + tlsNote(next)
            + applicationNote(next));
        branches.add(next);
        continue;
      }
      Istio.WorkloadEndpoint endpoint = candidate.endpoint();
      if (candidate.gateway() != null) {
        // A gateway that forwards to another cluster's gateway: two of them can hand a connection back
        // and forth; meshgate pins each gateway to its own cluster's copy (locality distribute).
        return fail(Hop.HOSTED_ENDPOINT, "the east-west gateway of cluster " + h.name + " would pass the connection on to "
            + "the gateway of cluster " + candidate.gateway().name + " (" + endpoint.address() + "), which may hand it back: "
            + "no DestinationRule keeps the gateway on " + h.name + "'s own copy", picked.rule == null ? service.ref()
            : picked.rule.ref());
      }
      int target = targetPort(endpoint, s.hostedPort);
      RegistryService kube = endpoint.address() == null ? null : h.kubeService(endpoint.address());
      if (kube == null) {
        return fail(Hop.HOSTED_ENDPOINT, "endpoint " + endpoint.address() + " of " + service.describe() + " in cluster "
            + h.name + " is not a Service declared there", service.ref());
      }
      if (kube.port(target) == null) {
        return fail(Hop.HOSTED_ENDPOINT, "endpoint " + endpoint.address() + ":" + target + " of " + service.describe()
            + ": " + kube.describe() + " listens on " + kube.ports().get(0).number() + ", not " + target, service.ref());
      }
      reachWorkload(next, h, kube.kube(), target);
      settleAutoAt(next, "istio".equals(endpoint.labels().get("security.istio.io/tlsMode")));
      String mismatch = applicationMismatch(next);
      if (mismatch != null) {
        return fail(Hop.HOSTED_ENDPOINT, mismatch, kube.ref());
      }
      details.add(endpoint.address() + ":" + target + " is " + kube.describe() + " in cluster " + h.name + tlsNote(next));
      branches.add(next);
    }
    return new Out(new HopResult(Hop.HOSTED_ENDPOINT, Outcome.PASS, String.join("; ", details), service.ref()), branches);
  }

  /** After a gateway re-originates, auto mTLS settles for the gateway's own connection. */
  private static void settleAutoAt(State s, boolean endpointHasSidecar) {
    if (AUTO.equals(s.tls)) {
      s.tls = endpointHasSidecar ? ISTIO_MUTUAL : PLAINTEXT; // the gateway's own bytes: no application TLS layer of its own
    }
  }

  /**
   * The server sidecar's PeerAuthentication: the workload's own (selector) beats the namespace's,
   * which beats the mesh's in the root namespace; UNSET inherits; nothing means PERMISSIVE
   * (https://istio.io/latest/docs/reference/config/security/peer_authentication/ and
   * https://istio.io/latest/docs/concepts/security/#peer-authentication). STRICT takes only Istio mTLS.
   * An Istio mTLS peer must share the root CA (logical cloud) and come from the trust domain or an
   * alias (Istio validates the peer's trust domain unless PILOT_SKIP_VALIDATE_TRUST_DOMAIN).
   */
  private Out peerAuthentication(State s) {
    if (s.external != null) {
      return absent(s);
    }
    InboundService w = s.workload;
    ClusterView x = s.workloadCluster;
    ObjectRef serviceRef = new ObjectRef(x.name, w.spec().namespace(), "Service", w.spec().service());
    boolean mtls = ISTIO_MUTUAL.equals(s.tls);
    if (!w.spec().sidecar()) {
      if (mtls) {
        return fail(Hop.PEER_AUTHENTICATION, "the pods of Service " + w.spec().namespace() + "/" + w.spec().service()
            + " have no sidecar: nothing terminates the Istio mTLS the caller sends", serviceRef);
      }
      return pass(Hop.PEER_AUTHENTICATION, s.copy(), "no sidecar: the application receives the connection as sent ("
          + wire(s.tls) + ")", serviceRef);
    }
    Istio.PeerAuthentication decided = null;
    String mode = "UNSET";
    LabelIndex<Istio.PeerAuthentication> namespaceIndex = x.peerAuthenticationsIn(w.spec().namespace());
    LabelIndex<Istio.PeerAuthentication> rootIndex = x.peerAuthenticationsIn(Hosts.ROOT_NAMESPACE);
    List<Istio.PeerAuthentication> chain = new ArrayList<>();
    boolean inRoot = w.spec().namespace().equals(Hosts.ROOT_NAMESPACE);
    if (namespaceIndex != null) {
      // "PeerAuthentication policies with workload selectors are ignored when deployed in the root
      // namespace": a workload living there has only the mesh's policy.
      if (!inRoot) {
        namespaceIndex.selecting(w.spec().selector()).stream().findFirst().ifPresent(chain::add);
      }
      namespaceIndex.unselective().stream().findFirst().ifPresent(chain::add);
    }
    if (rootIndex != null && !inRoot) {
      rootIndex.unselective().stream().findFirst().ifPresent(chain::add); // root policies with a selector are ignored
    }
    for (Istio.PeerAuthentication pa : chain) {
      // Port-level mTLS counts only on a policy with a selector.
      String m = pa.selector() != null ? pa.portModes().getOrDefault(s.workloadPort, pa.mode()) : pa.mode();
      if (!m.equals("UNSET")) {
        mode = m;
        decided = pa;
        break;
      }
    }
    if (mode.equals("UNSET")) {
      mode = "PERMISSIVE";
    }
    ObjectRef paRef = decided == null ? null : decided.ref();
    String source = decided == null ? "no PeerAuthentication applies, so PERMISSIVE" : "mTLS " + mode + " from PeerAuthentication "
        + paRef.namespace() + "/" + paRef.name();
    if (mode.equals("STRICT") && !mtls) {
      return fail(Hop.PEER_AUTHENTICATION, source + ": the sidecar accepts only Istio mTLS, the connection arrives as "
          + wire(s.tls), paRef);
    }
    if (mode.equals("DISABLE") && mtls) {
      return fail(Hop.PEER_AUTHENTICATION, source + ": the sidecar does not terminate mTLS, but the caller sends Istio mTLS",
          paRef);
    }
    if (mtls) {
      ClusterView peer = s.peerCluster;
      if (!peer.facts.spec().logicalCloud().equals(x.facts.spec().logicalCloud())) {
        return fail(Hop.PEER_AUTHENTICATION, "the peer's cluster " + peer.name + " is in logical cloud "
            + peer.facts.spec().logicalCloud() + ", the workload's in " + x.facts.spec().logicalCloud()
            + ": different root CAs, the mTLS handshake fails", ObjectRef.clusterFacts(x.name));
      }
      String domain = peer.facts.spec().trustDomain();
      if (!x.trustDomains.contains(domain)) {
        return fail(Hop.PEER_AUTHENTICATION, "the peer's trust domain " + domain + " is neither cluster " + x.name
            + "'s trust domain nor in its trustDomainAliases " + x.facts.spec().trustDomainAliases()
            + ": the sidecar rejects the certificate", ObjectRef.clusterFacts(x.name));
      }
    }
    return pass(Hop.PEER_AUTHENTICATION, s.copy(), source + "; " + (mtls ? "peer " + s.peerPrincipal
        : "the connection arrives as " + wire(s.tls) + " (no principal)"), paRef);
  }

  /**
   * AuthorizationPolicies of the root namespace and of the workload's namespace that select it (no
   * selector: all), evaluated by {@link Authorization}. A workload without sidecar enforces none.
   */
  private Out authorizationPolicy(State s) {
    if (s.external != null) {
      return absent(s);
    }
    InboundService w = s.workload;
    ClusterView x = s.workloadCluster;
    if (!w.spec().sidecar()) {
      return pass(Hop.AUTHORIZATION_POLICY, s.copy(), "no sidecar: nothing enforces AuthorizationPolicy", null);
    }
    List<Authorization.Compiled> policies = x.authorizationPoliciesFor(w.spec().namespace(), w.spec().selector());
    boolean http = s.workloadProtocol != null && s.workloadProtocol.isHttp();
    Authorization.Context context = new Authorization.Context(
        ISTIO_MUTUAL.equals(s.tls) ? s.peerPrincipal : null, http,
        http ? (s.workloadProtocol == Protocol.GRPC ? "POST" : s.request.method() == null ? "GET" : s.request.method()) : null,
        http ? (s.request.path() == null ? "/" : s.request.path()) : null,
        s.request.host(), s.workloadPort, s.requestPrincipal, s.tokenAudiences, s.tokenClaims);
    Authorization.Decision decision = Authorization.evaluate(policies, context);
    State next = s.copy();
    return decision.allowed()
        ? pass(Hop.AUTHORIZATION_POLICY, next, decision.reason(), decision.policy())
        : fail(Hop.AUTHORIZATION_POLICY, decision.reason(), decision.policy());
  }

  private static RegistryService preferNamespace(List<RegistryService> services, String namespace) {
    for (RegistryService service : services) {
      if (service.namespace().equals(namespace)) {
        return service;
      }
    }
    return services.get(0);
  }
}
