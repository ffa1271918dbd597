package io.meshgate.verify;

import io.meshgate.check.Progress;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentRef;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.Kind;
import io.meshgate.intent.Protocol;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.SourceLocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code meshgate verify}: every declared edge (each ServiceClient to its InboundService, one request
 * per method and path of each access entry, or one plain request) must be allowed and reach its
 * service; probes the intents mean to deny (another service account, another namespace, another
 * method or path, a client of another service) must be denied.
 */
public final class Verifier {

  /** The identity probes use where they need one nobody declared. */
  public static final String PROBE_NAME = "meshgate-verify-probe";

  /** Methods tried, in order, for the "another method" probe. */
  private static final List<String> PROBE_METHODS = List.of("DELETE", "PATCH", "PUT", "POST", "GET", "HEAD", "OPTIONS");

  /** How many clients of a cluster are looked at to find a "client of another service" probe. */
  private static final int FOREIGN_CANDIDATES = 16;

  /**
   * One request verify checked.
   *
   * @param probe null for a declared edge; else other-service-account, other-namespace, other-method,
   *     other-path, other-port or other-client
   * @param source where the client's intent starts, or null
   * @param problem null when the answer is the expected one; else why not
   * @param kind the kind of the intent that declares the edge ({@code client} is its name): a
   *     ServiceClient, or an IngressRoute / ExternalService / EndUserAuth of the mesh edge
   * @param field where in that intent the edge is declared (MG-REACH-01 points there)
   */
  public record Check(String client, String service, String probe, SourceLocation source, boolean expectAllowed,
      Trace trace, String problem, Kind kind, String field) {

    /** An edge or probe of a ServiceClient. */
    public Check(String client, String service, String probe, SourceLocation source, boolean expectAllowed,
        Trace trace, String problem) {
      this(client, service, probe, source, expectAllowed, trace, problem, Kind.ServiceClient, "spec.target");
    }

    public boolean ok() {
      return problem == null;
    }

    public boolean isEdge() {
      return probe == null;
    }
  }

  public record Result(List<Check> edges, List<Check> probes, List<String> warnings) {
    public Result {
      edges = List.copyOf(edges);
      probes = List.copyOf(probes);
      warnings = List.copyOf(warnings);
    }

    public boolean ok() {
      return edges.stream().allMatch(Check::ok) && probes.stream().allMatch(Check::ok);
    }

    public long failedEdges() {
      return edges.stream().filter(c -> !c.ok()).count();
    }

    public long allowedProbes() {
      return probes.stream().filter(c -> !c.ok()).count();
    }
  }

  private final IntentSet intents;
  private final Simulator simulator;
  /** InboundService name → a valid end-user token for it (its EndUserAuth), for declared edges and probes. */
  private final Map<String, Jwt> tokens;
  private final Map<String, List<ServiceClient>> clientsByTarget = new HashMap<>();
  private final Map<String, List<ServiceClient>> clientsByCluster = new HashMap<>();

  public Verifier(IntentSet intents, MeshModel model) {
    this.intents = intents;
    this.simulator = new Simulator(model);
    this.tokens = EdgeVerifier.serviceTokens(intents);
    for (ServiceClient client : intents.clients().values()) {
      clientsByTarget.computeIfAbsent(client.spec().target(), k -> new ArrayList<>()).add(client);
      clientsByCluster.computeIfAbsent(client.spec().cluster(), k -> new ArrayList<>()).add(client);
    }
  }

  /** Builds the model and verifies. */
  public static Result verify(IntentSet intents, Map<String, ? extends List<? extends Map<String, ?>>> rendered,
      boolean withProbes) {
    MeshModel model = MeshModel.build(intents, rendered);
    return new Verifier(intents, model).run(withProbes);
  }

  public Simulator simulator() {
    return simulator;
  }

  public Result run(boolean withProbes) {
    return run(withProbes, Progress.NONE);
  }

  /** As {@link #run(boolean)}, counting the requests simulated into {@code progress}. */
  public Result run(boolean withProbes, Progress progress) {
    List<Check> edges = new ArrayList<>();
    List<Check> probes = new ArrayList<>();
    for (InboundService service : intents.services().values()) {
      List<ServiceClient> clients = edgesOf(service);
      for (ServiceClient client : clients) {
        for (Request request : requests(client, service)) {
          edges.add(check(client, service, null, request, true));
        }
      }
      if (withProbes && !clients.isEmpty() && restricted(service, clients)) {
        addProbes(service, clients, probes);
      }
      progress.update("requests simulated", edges.size() + probes.size());
    }
    // The mesh edge: ingress routes, external services, end-user authentication.
    List<String> warnings = new ArrayList<>(simulator.model().warnings());
    new EdgeVerifier(intents, simulator, tokens).run(withProbes, edges, probes, warnings);
    return new Result(edges, probes, warnings);
  }

  /** The clients of {@code service} that form an edge: both clusters are declared. */
  private List<ServiceClient> edgesOf(InboundService service) {
    List<ServiceClient> out = new ArrayList<>();
    if (!intents.clusters().containsKey(service.spec().cluster())) {
      return out;
    }
    for (ServiceClient client : clientsByTarget.getOrDefault(service.name(), List.of())) {
      if (intents.clusters().containsKey(client.spec().cluster())) {
        out.add(client);
      }
    }
    return out;
  }

  /** The host a client uses: {@code .global} from another cluster, the Service's name in its own. */
  public static String hostFor(ServiceClient client, InboundService service) {
    InboundService.Spec spec = service.spec();
    return client.spec().cluster().equals(spec.cluster())
        ? spec.service() + "." + spec.namespace() + "." + Hosts.CLUSTER_DOMAIN
        : spec.service() + "." + spec.namespace() + ".global";
  }

  static Caller callerOf(ServiceClient client) {
    ServiceClient.Spec spec = client.spec();
    return new Caller(spec.cluster(), spec.namespace(), spec.serviceAccount(), Map.of("app", spec.service()), spec.sidecar());
  }

  /**
   * The ports a client may use: every port of the service without access; else the ports its
   * entries name (every port for an entry that names none), in the service's order.
   */
  static List<InboundService.Port> portsOf(ServiceClient client, InboundService service) {
    List<ServiceClient.AccessRule> access = client.spec().access();
    if (access == null || access.isEmpty()) {
      return service.spec().ports();
    }
    Set<InboundService.Port> used = new HashSet<>();
    for (ServiceClient.AccessRule entry : access) {
      used.addAll(entryPorts(entry, service));
    }
    return service.spec().ports().stream().filter(used::contains).toList();
  }

  /** The ports an access entry applies to: those it names that exist, else every port. */
  static List<InboundService.Port> entryPorts(ServiceClient.AccessRule entry, InboundService service) {
    if (entry.ports() == null || entry.ports().isEmpty()) {
      return service.spec().ports();
    }
    List<InboundService.Port> ports = new ArrayList<>();
    for (String reference : entry.ports()) {
      InboundService.Port port = service.spec().portFor(reference);
      if (port != null && !ports.contains(port)) {
        ports.add(port);
      }
    }
    return ports;
  }

  /** The declared requests of a client, with a valid end-user token when its target requires one. */
  private List<Request> requests(ServiceClient client, InboundService service) {
    Jwt token = tokens.get(service.name());
    List<Request> out = edgeRequests(client, service);
    return token == null ? out : out.stream().map(r -> r.withJwt(token)).toList();
  }

  /**
   * Every port the client may use gets requests: on an HTTP port one per method and path of each
   * access entry that applies to it (or a plain GET /), on an opaque port one connection.
   */
  static List<Request> edgeRequests(ServiceClient client, InboundService service) {
    Caller caller = callerOf(client);
    String host = hostFor(client, service);
    List<Request> out = new ArrayList<>();
    List<ServiceClient.AccessRule> access = client.spec().access();
    for (InboundService.Port port : portsOf(client, service)) {
      if (!port.protocol().isHttp()) {
        out.add(new Request(caller, host, port.number(), null, null));
        continue;
      }
      boolean any = false;
      for (ServiceClient.AccessRule entry : access == null ? List.<ServiceClient.AccessRule>of() : access) {
        if (!entryPorts(entry, service).contains(port)) {
          continue;
        }
        any = true;
        List<String> methods = entry.methods() == null || entry.methods().isEmpty() ? List.of(defaultMethod(port)) : entry.methods();
        List<String> paths = entry.paths() == null || entry.paths().isEmpty() ? List.of("/") : entry.paths();
        for (String method : methods) {
          for (String path : paths) {
            out.add(new Request(caller, host, port.number(), method, examplePath(path)));
          }
        }
      }
      if (!any) {
        out.add(new Request(caller, host, port.number(), defaultMethod(port), "/"));
      }
    }
    return out;
  }

  /** The method of a request that names none: GET, or POST on gRPC (every gRPC call is a POST). */
  private static String defaultMethod(InboundService.Port port) {
    return !port.protocol().isHttp() ? null : port.protocol() == Protocol.GRPC ? "POST" : "GET";
  }

  /** A concrete path an access pattern admits: {@code /status*} → {@code /status}, {@code *.png} → {@code /x.png}. */
  static String examplePath(String pattern) {
    String p = pattern.replace("{**}", "x").replace("{*}", "x");
    if (p.equals("*")) {
      return "/";
    }
    if (p.endsWith("*")) {
      p = p.substring(0, p.length() - 1);
      return p.isEmpty() ? "/" : p;
    }
    if (p.startsWith("*")) {
      p = p.substring(1);
      return p.startsWith("/") ? p : "/x" + p;
    }
    return p;
  }

  private Check check(ServiceClient client, InboundService service, String probe, Request request, boolean expectAllowed) {
    SourceLocation source = intents.sources().get(new IntentRef(Kind.ServiceClient, client.name()));
    return check(simulator, client.name(), Kind.ServiceClient, "spec.target", service.name(), reachedName(service), probe,
        source, request, expectAllowed);
  }

  /** {@code cluster/namespace/service}: what {@code reached} says of a request that reached the service's pods. */
  static String reachedName(InboundService service) {
    return service.spec().cluster() + "/" + service.spec().namespace() + "/" + service.spec().service();
  }

  /**
   * One request against what the intents expect: allowed and reaching {@code expected}, or not
   * reaching it. Keeps only the deciding hop of the trace (explain shows the rest).
   */
  static Check check(Simulator simulator, String declaredBy, Kind kind, String field, String target, String expected,
      String probe, SourceLocation source, Request request, boolean expectAllowed) {
    Trace trace = simulator.explain(request);
    boolean reachedService = trace.allowed() && expected.equals(trace.reached());
    String problem = null;
    if (expectAllowed && !reachedService) {
      HopResult failure = trace.failure();
      problem = failure != null
          ? "fails at " + failure.hop().id() + ": " + failure.detail()
          : "reaches " + trace.reached() + " instead of " + expected;
    } else if (!expectAllowed && reachedService) {
      HopResult last = trace.last();
      problem = "allowed at " + (last == null ? "?" : last.hop().id()) + ", but the intents deny it: "
          + (last == null ? "" : last.detail());
    }
    // Keep only the deciding hop: 10,000 services mean ~160,000 checks, and explain shows the rest.
    HopResult deciding = trace.failure() != null ? trace.failure() : trace.last();
    Trace kept = new Trace(trace.request(), deciding == null ? List.of() : List.of(deciding), trace.reached());
    return new Check(declaredBy, target, probe, source, expectAllowed, kept, problem, kind, field);
  }

  // ---- probes ----------------------------------------------------------------------------------

  /**
   * An AuthorizationPolicy is meant to stop callers only when some client has access or the service
   * lists allowedNamespaces (an empty list too: only the declared clients).
   */
  private static boolean restricted(InboundService service, List<ServiceClient> clients) {
    return service.spec().allowedNamespaces() != null
        || clients.stream().anyMatch(c -> c.spec().access() != null && !c.spec().access().isEmpty());
  }

  /**
   * Whether the intents let a caller identity do a request on {@code service}: its namespace is in
   * allowedNamespaces, or a client with that principal has no access list or an entry that admits it
   * (its ports, and on an HTTP port its methods and paths).
   */
  private boolean intended(InboundService service, List<ServiceClient> clients, String trustDomain, String namespace,
      String serviceAccount, Request request) {
    InboundService.Port port = service.spec().port(request.port());
    boolean http = port != null && port.protocol().isHttp();
    // A gRPC request's method is always POST (Operation.methods, AuthorizationPolicy reference).
    String method = port != null && port.protocol() == Protocol.GRPC ? "POST" : request.method();
    String path = request.path();
    List<String> namespaces = service.spec().allowedNamespaces();
    if (namespaces != null && namespaces.contains(namespace)) {
      return true;
    }
    for (ServiceClient client : clients) {
      Cluster cluster = intents.clusters().get(client.spec().cluster());
      if (!cluster.spec().trustDomain().equals(trustDomain) || !client.spec().namespace().equals(namespace)
          || !client.spec().serviceAccount().equals(serviceAccount)) {
        continue;
      }
      List<ServiceClient.AccessRule> access = client.spec().access();
      if (access == null || access.isEmpty()) {
        return true;
      }
      for (ServiceClient.AccessRule entry : access) {
        if (!entryPorts(entry, service).contains(port)) {
          continue;
        }
        if (!http) {
          return true;
        }
        boolean methodOk = entry.methods() == null || entry.methods().isEmpty()
            || entry.methods().stream().anyMatch(m -> Authorization.valueMatches(m, method));
        boolean pathOk = entry.paths() == null || entry.paths().isEmpty()
            || entry.paths().stream().anyMatch(p -> Authorization.pathMatches(p, path));
        if (methodOk && pathOk) {
          return true;
        }
      }
    }
    return false;
  }

  private void addProbes(InboundService service, List<ServiceClient> clients, List<Check> probes) {
    for (ServiceClient client : clients) {
      List<Request> requests = requests(client, service);
      if (requests.isEmpty()) {
        continue; // an access list naming no port of the service (MG-REF-01)
      }
      Request base = requests.get(0);
      Caller own = base.from();
      String trustDomain = intents.clusters().get(own.cluster()).spec().trustDomain();
      Caller otherAccount = new Caller(own.cluster(), own.namespace(), PROBE_NAME, Map.of("app", PROBE_NAME), true);
      if (!intended(service, clients, trustDomain, own.namespace(), PROBE_NAME, base)) {
        probes.add(check(client, service, "other-service-account", withCaller(base, otherAccount), false));
      }
      Caller otherNamespace = new Caller(own.cluster(), PROBE_NAME, own.serviceAccount(), own.labels(), true);
      if (!intended(service, clients, trustDomain, PROBE_NAME, own.serviceAccount(), base)) {
        probes.add(check(client, service, "other-namespace", withCaller(base, otherNamespace), false));
      }
      probePort(service, clients, client, base, trustDomain, probes);
      InboundService.Port port = service.spec().port(base.port());
      if (port == null || !port.protocol().isHttp() || client.spec().access() == null || client.spec().access().isEmpty()) {
        continue;
      }
      if (port.protocol() != Protocol.GRPC) {
        probeMethod(service, clients, client, base, trustDomain, probes);
      }
      Request otherPath = new Request(own, base.host(), base.port(), base.method(), "/" + PROBE_NAME, base.jwt());
      if (!intended(service, clients, trustDomain, own.namespace(), own.serviceAccount(), otherPath)) {
        probes.add(check(client, service, "other-path", otherPath, false));
      }
    }
    probeForeignClient(service, clients, probes);
  }

  private void probeMethod(InboundService service, List<ServiceClient> clients, ServiceClient client, Request base,
      String trustDomain, List<Check> probes) {
    Caller own = base.from();
    for (String method : PROBE_METHODS) {
      Request other = new Request(own, base.host(), base.port(), method, base.path(), base.jwt());
      if (!intended(service, clients, trustDomain, own.namespace(), own.serviceAccount(), other)) {
        probes.add(check(client, service, "other-method", other, false));
        return;
      }
    }
  }

  /** A port of the service no access entry of the client names (the first one). */
  private void probePort(InboundService service, List<ServiceClient> clients, ServiceClient client, Request base,
      String trustDomain, List<Check> probes) {
    Caller own = base.from();
    List<InboundService.Port> ownPorts = portsOf(client, service);
    for (InboundService.Port port : service.spec().ports()) {
      if (ownPorts.contains(port)) {
        continue;
      }
      Request other = new Request(own, base.host(), port.number(), defaultMethod(port), port.protocol().isHttp() ? "/" : null,
          base.jwt());
      if (!intended(service, clients, trustDomain, own.namespace(), own.serviceAccount(), other)) {
        probes.add(check(client, service, "other-port", other, false));
        return;
      }
    }
  }

  /** A declared client of another service, in a cluster where this service is reachable, calling it. */
  private void probeForeignClient(InboundService service, List<ServiceClient> clients, List<Check> probes) {
    ServiceClient near = clients.get(0);
    List<Request> nearRequests = requests(near, service);
    if (nearRequests.isEmpty()) {
      return;
    }
    Request base = nearRequests.get(0);
    List<ServiceClient> sameCluster = clientsByCluster.getOrDefault(near.spec().cluster(), List.of());
    int offset = Math.floorMod(service.name().hashCode(), Math.max(1, sameCluster.size()));
    for (int i = 0; i < Math.min(FOREIGN_CANDIDATES, sameCluster.size()); i++) {
      ServiceClient other = sameCluster.get((offset + i) % sameCluster.size());
      if (other.spec().target().equals(service.name()) || !other.spec().sidecar()) {
        continue;
      }
      Caller caller = callerOf(other);
      String trustDomain = intents.clusters().get(caller.cluster()).spec().trustDomain();
      if (!intended(service, clients, trustDomain, caller.namespace(), caller.serviceAccount(), base)) {
        probes.add(check(near, service, "other-client " + other.name(), withCaller(base, caller), false));
        return;
      }
    }
  }

  private static Request withCaller(Request request, Caller caller) {
    return request.from(caller);
  }
}
