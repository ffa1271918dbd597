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
   *     other-path, other-port, other-client or deny-rule N
   * @param source where the client's intent starts, or null
   * @param problem null when the answer is the expected one; else why not
   * @param kind the kind of the intent that declares the edge ({@code client} is its name): a
   *     ServiceClient, or an IngressRoute / ExternalService / EndUserAuth of the mesh edge
   * @param field where in that intent the edge is declared (MG-REACH-01 points there)
   * @param scenario for a declared edge checked in a particular way, what it is ({@code route john}: a
   *     request the route's match fits; {@code east down}: with the service's copy in cluster east down),
   *     else null
   */
  public record Check(String client, String service, String probe, SourceLocation source, boolean expectAllowed,
      Trace trace, String problem, Kind kind, String field, String scenario) {

    /** An edge or probe of a ServiceClient. */
    public Check(String client, String service, String probe, SourceLocation source, boolean expectAllowed,
        Trace trace, String problem) {
      this(client, service, probe, source, expectAllowed, trace, problem, Kind.ServiceClient, "spec.target", null);
    }

    public Check(String client, String service, String probe, SourceLocation source, boolean expectAllowed,
        Trace trace, String problem, Kind kind, String field) {
      this(client, service, probe, source, expectAllowed, trace, problem, kind, field, null);
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
  /** Per cluster, a simulator in which the copies of the services hosted there are down (failover edges). */
  private final Map<String, Simulator> failing = new HashMap<>();
  private final Map<String, List<ServiceClient>> clientsByTarget;
  /** Clients by cluster, for probes only (built on first use). */
  private Map<String, List<ServiceClient>> clientsByCluster;
  /** The declared clusters (a hash set: every client is looked up). */
  private final Set<String> declaredClusters;

  public Verifier(IntentSet intents, MeshModel model) {
    this.intents = intents;
    this.simulator = new Simulator(model);
    this.tokens = EdgeVerifier.serviceTokens(intents);
    this.declaredClusters = new HashSet<>(intents.clusters().keySet());
    this.clientsByTarget = new HashMap<>(intents.services().size() * 4 / 3 + 1);
    for (ServiceClient client : intents.clients().values()) {
      clientsByTarget.computeIfAbsent(client.spec().target(), target -> new ArrayList<>()).add(client);
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
    return run(withProbes, progress, null);
  }

  /**
   * As {@link #run(boolean, Progress)}, taking from {@code memory} the edges of every service whose
   * inputs did not change: the service, its clients, their places in the files and its end-user
   * token are equal to last time's, and no read its simulation made (each look-up in a cluster's
   * view, see {@link MeshModel.Read}) answers differently in this model than in the one {@code memory}
   * was last run on ({@link MeshModel#changedSince}). {@code memory} then keeps this run's edges, with
   * their reads, for the next.
   *
   * @param memory the last run's edges by service, or null (probes are never kept)
   */
  public Result run(boolean withProbes, Progress progress, Memory memory) {
    List<Check> edges = new ArrayList<>(memory == null ? 16 : memory.lastEdges + 16);
    List<Check> probes = new ArrayList<>();
    // Reads are recorded only for a memory: a one-off run (validate, render) keeps nothing.
    Map<String, ServiceEdges> kept = memory == null ? null : new HashMap<>(intents.services().size() * 4 / 3 + 1);
    int reused = 0;
    MeshModel model = simulator.model();
    long lastModel = memory == null ? 0 : memory.lastModel;
    for (InboundService service : intents.services().values()) {
      List<ServiceClient> clients = edgesOf(service);
      if (memory == null) {
        edges.addAll(edgesOf(service, clients));
      } else {
        ServiceEdges inputs = inputsOf(service, clients);
        ServiceEdges last = memory.byService.get(service.name());
        ServiceEdges now;
        if (last != null && last.sameInputs(inputs) && unchanged(model, lastModel, last.reads())) {
          now = last;
          reused++;
        } else {
          Set<MeshModel.Read> reads = new HashSet<>();
          List<Check> checks = MeshModel.recording(reads, () -> edgesOf(service, clients));
          now = inputs.with(ReadsByCluster.of(reads), checks);
        }
        edges.addAll(now.checks());
        kept.put(service.name(), now);
      }
      if (withProbes && !clients.isEmpty() && restricted(service, clients)) {
        addProbes(service, clients, probes);
      }
      if (withProbes && !clients.isEmpty()) {
        addDenyProbes(service, clients, probes);
      }
      progress.update("requests simulated", edges.size() + probes.size());
    }
    if (memory != null) {
      memory.byService = kept;
      memory.reusedLastRun = reused;
      memory.lastModel = model.id();
      memory.lastEdges = edges.size();
    }
    // The mesh edge: ingress routes, external services, end-user authentication.
    List<String> warnings = new ArrayList<>(simulator.model().warnings());
    new EdgeVerifier(intents, simulator, tokens, clientsByTarget).run(withProbes, edges, probes, warnings);
    return new Result(edges, probes, warnings);
  }

  /** The declared edges of {@code service}: each client's requests, its routes' and its failover's. */
  private List<Check> edgesOf(InboundService service, List<ServiceClient> clients) {
    // The Cluster intents read here besides the simulation's (trust domains, which clusters exist).
    service.spec().hostingClusters().forEach(cluster -> MeshModel.record(cluster, 'C', ""));
    clients.forEach(client -> MeshModel.record(client.spec().cluster(), 'C', ""));
    List<Check> edges = new ArrayList<>();
    for (ServiceClient client : clients) {
      for (Request request : requests(client, service)) {
        edges.add(check(client, service, null, request, true));
      }
      addRouteEdges(client, service, clients, edges);
      addFailoverEdges(client, service, edges);
    }
    return edges;
  }

  private static boolean unchanged(MeshModel model, long lastModel, ReadsByCluster reads) {
    for (int i = 0; i < reads.clusters.length; i++) {
      if (model.keptSince(lastModel, reads.clusters[i])) {
        continue; // the view is the one the reads were made in
      }
      for (MeshModel.Read read : reads.reads[i]) {
        if (model.changedSince(lastModel, read)) {
          return false;
        }
      }
    }
    return true;
  }

  /** A service's reads, grouped by cluster: most clusters keep their views, and then none of their reads is looked at. */
  private record ReadsByCluster(String[] clusters, MeshModel.Read[][] reads) {
    static final ReadsByCluster NONE = new ReadsByCluster(new String[0], new MeshModel.Read[0][]);

    static ReadsByCluster of(Set<MeshModel.Read> reads) {
      Map<String, List<MeshModel.Read>> byCluster = new HashMap<>();
      reads.forEach(read -> byCluster.computeIfAbsent(read.cluster(), k -> new ArrayList<>()).add(read));
      String[] clusters = new String[byCluster.size()];
      MeshModel.Read[][] grouped = new MeshModel.Read[byCluster.size()][];
      int i = 0;
      for (Map.Entry<String, List<MeshModel.Read>> e : byCluster.entrySet()) {
        clusters[i] = e.getKey();
        grouped[i++] = e.getValue().toArray(MeshModel.Read[]::new);
      }
      return new ReadsByCluster(clusters, grouped);
    }
  }

  /** What a service's edges are computed from, besides the clusters' models. */
  private ServiceEdges inputsOf(InboundService service, List<ServiceClient> clients) {
    List<SourceLocation> clientSources = new ArrayList<>();
    clients.forEach(c -> clientSources.add(intents.sources().get(new IntentRef(Kind.ServiceClient, c.name()))));
    return new ServiceEdges(service, intents.sources().get(new IntentRef(Kind.InboundService, service.name())),
        List.copyOf(clients), clientSources, tokens.get(service.name()), ReadsByCluster.NONE, List.of());
  }

  /**
   * The edges one run found for each service, kept for the next run over the same tree (the
   * service's sync job keeps one): a one-file change touches a few clusters, and the services whose
   * requests never consulted them keep their edges.
   */
  public static final class Memory {
    private Map<String, ServiceEdges> byService = Map.of();
    private int reusedLastRun;
    /** The id of the model the last run simulated on. */
    private long lastModel;
    private int lastEdges;

    /** Services whose edges the last run took from the one before. */
    public int reusedLastRun() {
      return reusedLastRun;
    }
  }

  /**
   * A service's edges, what they were computed from, and the reads their simulation made in the
   * model (the Cluster intents their requests depend on are among them: {@code C} reads).
   */
  private record ServiceEdges(InboundService service, SourceLocation source, List<ServiceClient> clients,
      List<SourceLocation> clientSources, Jwt token, ReadsByCluster reads, List<Check> checks) {

    boolean sameInputs(ServiceEdges other) {
      return service.equals(other.service) && java.util.Objects.equals(source, other.source)
          && clients.equals(other.clients) && clientSources.equals(other.clientSources)
          && java.util.Objects.equals(token, other.token);
    }

    ServiceEdges with(ReadsByCluster reads, List<Check> checks) {
      return new ServiceEdges(service, source, clients, clientSources, token, reads, List.copyOf(checks));
    }
  }

  /** The clients of {@code service} that form an edge: both clusters are declared. */
  private List<ServiceClient> edgesOf(InboundService service) {
    List<ServiceClient> out = new ArrayList<>();
    if (!declaredClusters.contains(service.spec().cluster())) {
      return out;
    }
    for (ServiceClient client : clientsByTarget.getOrDefault(service.name(), List.of())) {
      if (declaredClusters.contains(client.spec().cluster())) {
        out.add(client);
      }
    }
    return out;
  }

  /**
   * The host a client uses: {@code .global} from another cluster, the Service's name in its own; a
   * service hosted in several clusters is called {@code .global} everywhere (that name fails over).
   */
  public static String hostFor(ServiceClient client, InboundService service) {
    InboundService.Spec spec = service.spec();
    return client.spec().cluster().equals(spec.cluster()) && !spec.multiCluster()
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
    return check(client, service, probe, request, expectAllowed, simulator, null);
  }

  /**
   * Runs {@code request} on {@code sim} and compares with what the intents expect. The request must
   * reach the service: its copy in the caller's own cluster when that cluster hosts one (callers prefer
   * it), else a copy in a hosting cluster that is not down.
   */
  private Check check(ServiceClient client, InboundService service, String probe, Request request, boolean expectAllowed,
      Simulator sim, String scenario) {
    SourceLocation source = intents.sources().get(new IntentRef(Kind.ServiceClient, client.name()));
    String suffix = "/" + service.spec().namespace() + "/" + service.spec().service();
    List<String> expected = expectedClusters(client, service, sim.failed()).stream().map(c -> c + suffix).toList();
    return check(sim, client.name(), Kind.ServiceClient, "spec.target", service.name(), expected, probe, source, request,
        expectAllowed, scenario);
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
    return check(simulator, declaredBy, kind, field, target, List.of(expected), probe, source, request, expectAllowed, null);
  }

  /**
   * As above, with several acceptable workloads ({@code cluster/namespace/service}): every branch of an
   * allowed request (a weighted route, endpoints sharing the load) must reach one of them.
   */
  static Check check(Simulator simulator, String declaredBy, Kind kind, String field, String target,
      List<String> expectedWorkloads, String probe, SourceLocation source, Request request, boolean expectAllowed,
      String scenario) {
    Trace trace = simulator.explain(request);
    String expected = String.join(" or ", expectedWorkloads);
    boolean reachedService = trace.allowed() && trace.reached() != null && expectedWorkloads.contains(trace.reached());
    String problem = null;
    if (expectAllowed && !reachedService) {
      HopResult failure = trace.failure();
      problem = failure != null
          ? "fails at " + failure.hop().id() + ": " + failure.detail()
          : "reaches " + trace.reached() + " instead of " + expected;
    } else if (expectAllowed) {
      // Every branch counts: a share of the requests landing elsewhere (e.g. not on the caller's own
      // cluster's copy) is wrong too.
      for (String reached : trace.spread()) {
        String workload = reached.contains("@") ? reached.substring(0, reached.indexOf('@')) : reached;
        if (!expectedWorkloads.contains(workload)) {
          problem = "a share of the requests reaches " + workload + " instead of " + expected;
          break;
        }
      }
    } else if (!expectAllowed && reachedService) {
      HopResult last = trace.last();
      problem = "allowed at " + (last == null ? "?" : last.hop().id()) + ", but the intents deny it: "
          + (last == null ? "" : last.detail());
    }
    // Keep only the deciding hop: 10,000 services mean ~160,000 checks, and explain shows the rest.
    HopResult deciding = trace.failure() != null ? trace.failure() : trace.last();
    Trace kept = new Trace(trace.request(), deciding == null ? List.of() : List.of(deciding), trace.reached(),
        trace.version(), trace.spread());
    return new Check(declaredBy, target, probe, source, expectAllowed, kept, problem, kind, field, scenario);
  }

  /** Where a client's request must land: its own cluster's copy when there is one (and it is up), else any copy up. */
  private List<String> expectedClusters(ServiceClient client, InboundService service, Set<String> failed) {
    List<String> hosts = service.spec().hostingClusters().stream()
        .filter(h -> intents.clusters().containsKey(h) && !failed.contains(h)).toList();
    return hosts.contains(client.spec().cluster()) ? List.of(client.spec().cluster()) : hosts;
  }

  // ---- traffic management: routes, failover, DENY ----------------------------------------------

  /**
   * For each route with a match, a request the match fits (its first condition: exact header values,
   * a prefix as it is, uri and method), when the client's access admits it: whatever the route sends
   * it to (versions, weights) must be reachable. Regex matches are left to the plain edges.
   */
  private void addRouteEdges(ServiceClient client, InboundService service, List<ServiceClient> clients, List<Check> edges) {
    List<InboundService.Route> routes = service.spec().routes();
    if (routes.isEmpty()) {
      return;
    }
    List<Request> base = edgeRequests(client, service).stream().filter(r -> r.method() != null).toList();
    if (base.isEmpty()) {
      return;
    }
    String trustDomain = intents.clusters().get(client.spec().cluster()).spec().trustDomain();
    for (int i = 0; i < routes.size(); i++) {
      InboundService.Route route = routes.get(i);
      if (route.match().isEmpty()) {
        continue;
      }
      Request request = routeRequest(route.match().get(0), base.get(0), service);
      if (request == null || !intended(service, clients, trustDomain, client.spec().namespace(),
          client.spec().serviceAccount(), request) || denied(service, client, request)) {
        continue;
      }
      String name = route.name() != null ? route.name() : String.valueOf(i + 1);
      edges.add(check(client, service, null, request, true, simulator, "route " + name));
    }
  }

  /** A request {@code match} fits, from {@code base}; null when it cannot be written (a regex, an unknown port). */
  private static Request routeRequest(InboundService.Match match, Request base, InboundService service) {
    Map<String, String> headers = new java.util.TreeMap<>(base.headers());
    for (Map.Entry<String, InboundService.StringMatch> header : match.headers().entrySet()) {
      String value = example(header.getValue());
      if (value == null) {
        return null;
      }
      headers.put(header.getKey(), value);
    }
    String path = base.path();
    if (match.uri() != null) {
      path = example(match.uri());
    }
    String method = base.method();
    if (match.method() != null) {
      method = example(match.method());
    }
    Integer port = base.port();
    if (match.port() != null) {
      InboundService.Port p = service.spec().portFor(match.port());
      if (p == null) {
        return null;
      }
      port = p.number();
    }
    if (path == null || method == null) {
      return null;
    }
    return new Request(base.from(), base.host(), port, method, path, base.jwt(), headers);
  }

  private static String example(InboundService.StringMatch match) {
    return match.exact() != null ? match.exact() : match.prefix();
  }

  /**
   * A service hosted in several clusters: each edge again with the copy in one hosting cluster down;
   * the caller's proxy must fail over to a copy in another cluster (its gateway answers).
   */
  private void addFailoverEdges(ServiceClient client, InboundService service, List<Check> edges) {
    if (!service.spec().multiCluster()) {
      return;
    }
    if (!service.spec().versions().isEmpty() && service.spec().hostingClusters().contains(client.spec().cluster())) {
      return; // its hosting cluster's .global ServiceEntry selects the local pods only (MG-FAILOVER-04 says so)
    }
    for (String down : service.spec().hostingClusters()) {
      if (!intents.clusters().containsKey(down)) {
        continue;
      }
      Simulator sim = failing.computeIfAbsent(down, d -> new Simulator(simulator.model(), Set.of(d)));
      for (Request request : edgeRequests(client, service)) {
        edges.add(check(client, service, null, request, true, sim, down + " down"));
      }
    }
  }

  /**
   * For each DENY rule of the service (authorization.deny), a request it matches, from a declared
   * client it names (or, naming none, the first declared client its namespaces cover): denied, even
   * where the ALLOW policy would admit it (Istio evaluates DENY first).
   */
  private void addDenyProbes(InboundService service, List<ServiceClient> clients, List<Check> probes) {
    List<InboundService.DenyRule> rules = service.spec().denyRules();
    for (int i = 0; i < rules.size(); i++) {
      InboundService.DenyRule rule = rules.get(i);
      for (ServiceClient client : clients) {
        if (!client.spec().sidecar() || !sourceMatches(rule, client)) {
          continue;
        }
        List<Request> base = edgeRequests(client, service);
        Request request = base.isEmpty() ? null : denyRequest(rule, base.get(0), service);
        if (request != null) {
          probes.add(check(client, service, "deny-rule " + (i + 1), request, false));
          break;
        }
      }
    }
  }

  /** Whether a DENY rule's source (clients, namespaces, notNamespaces; none: everyone) covers the client. */
  private static boolean sourceMatches(InboundService.DenyRule rule, ServiceClient client) {
    String namespace = client.spec().namespace();
    return (rule.clients() == null || rule.clients().contains(client.name()))
        && (rule.namespaces() == null || rule.namespaces().contains(namespace))
        && (rule.notNamespaces() == null || !rule.notNamespaces().contains(namespace));
  }

  /** A request a DENY rule's operation matches (its first method and path, or ones it excludes not), or null. */
  private static Request denyRequest(InboundService.DenyRule rule, Request base, InboundService service) {
    Integer port = base.port();
    if (rule.ports() != null) {
      InboundService.Port p = service.spec().portFor(rule.ports().get(0));
      if (p == null) {
        return null;
      }
      port = p.number();
    }
    InboundService.Port p = port == null ? null : service.spec().port(port);
    if (p != null && !p.protocol().isHttp()) {
      return new Request(base.from(), base.host(), port, null, null, base.jwt());
    }
    String method = base.method() == null ? "GET" : base.method();
    if (rule.methods() != null) {
      method = rule.methods().get(0);
    } else if (rule.notMethods() != null) {
      method = PROBE_METHODS.stream().filter(m -> !rule.notMethods().contains(m)).findFirst().orElse(null);
    }
    String path = base.path() == null ? "/" : base.path();
    if (rule.paths() != null) {
      path = examplePath(rule.paths().get(0));
    } else if (rule.notPaths() != null) {
      path = "/" + PROBE_NAME;
    }
    return method == null ? null : new Request(base.from(), base.host(), port, method, path, base.jwt());
  }

  /** Whether one of the service's DENY rules matches the client's request (then it is not meant to pass). */
  private static boolean denied(InboundService service, ServiceClient client, Request request) {
    for (InboundService.DenyRule rule : service.spec().denyRules()) {
      if (!sourceMatches(rule, client)) {
        continue;
      }
      boolean methodHit = (rule.methods() == null || rule.methods().contains(request.method()))
          && (rule.notMethods() == null || !rule.notMethods().contains(request.method()));
      boolean pathHit = (rule.paths() == null || rule.paths().stream().anyMatch(p -> Authorization.pathMatches(p, request.path())))
          && (rule.notPaths() == null || rule.notPaths().stream().noneMatch(p -> Authorization.pathMatches(p, request.path())));
      boolean portHit = rule.ports() == null || rule.ports().stream().map(service.spec()::portFor)
          .anyMatch(p -> p != null && request.port() != null && p.number() == request.port());
      if (methodHit && pathHit && portHit) {
        return true;
      }
    }
    return false;
  }

  // ---- probes ----------------------------------------------------------------------------------

  /**
   * An AuthorizationPolicy is meant to stop callers only when some client has access or the service
   * lists allowedNamespaces (an empty list too: only the declared clients).
   */
  static boolean restricted(InboundService service, List<ServiceClient> clients) {
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
    if (clientsByCluster == null) {
      clientsByCluster = new HashMap<>();
      for (ServiceClient client : intents.clients().values()) {
        clientsByCluster.computeIfAbsent(client.spec().cluster(), k -> new ArrayList<>()).add(client);
      }
    }
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
