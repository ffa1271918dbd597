package io.meshgate.verify;

import io.meshgate.verify.MeshModel.ClusterView;
import io.meshgate.verify.MeshModel.Pods;
import io.meshgate.verify.MeshModel.RegistryService;
import io.meshgate.verify.Simulator.Out;
import io.meshgate.verify.Simulator.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Traffic management in the hops: a sidecar's VirtualService ({@code route}), and which endpoints
 * of a host take a request ({@link #select}): the DestinationRule subset's labels, locality load
 * balancing with outlier detection (failover), {@code distribute} weights, and workloads that are
 * down ({@code --fail}). Used by the endpoint hops of {@link Simulator}, on the caller's side and
 * behind a gateway.
 */
final class TrafficHops {

  private TrafficHops() {}

  // ---- route -----------------------------------------------------------------------------------

  /**
   * The VirtualServices for sidecars ({@code gateways} empty or {@code mesh}) that name the host and
   * are exported to the client's namespace: the first route whose match fits (headers, uri, method,
   * port) sends the request to its destinations, each with a weight above 0 followed as a branch
   * (the shares are in the detail); a destination's subset must be defined by the DestinationRule the
   * client uses, else Istio has no cluster for it (503). A fault abort of every request stops the
   * request here; delays, partial aborts, retries, timeouts and mirrors are reported. No such
   * VirtualService: the hop is left out (the default route).
   * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute and
   * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
   */
  static Out route(State s) {
    if (s.service == null || s.gatewayCaller || !s.caller().sidecar()) {
      return Simulator.absent(s); // a gateway's own routes are its Gateway's VirtualServices
    }
    String namespace = s.caller().namespace();
    Istio.VirtualService vs = null;
    for (Istio.VirtualService candidate : s.here.meshVirtualServicesFor(s.service.host())) {
      if (Hosts.exportedTo(candidate.exportTo(), candidate.ref().namespace(), namespace)) {
        vs = candidate;
        break;
      }
    }
    if (vs == null) {
      return Simulator.absent(s);
    }
    boolean http = s.port.http();
    List<Istio.Route> routes = http ? vs.http() : s.port.appTls() ? vs.tls() : vs.tcp();
    if (routes.isEmpty()) {
      return Simulator.absent(s); // no route of this kind: Istio's default route for the port
    }
    String vsName = vs.ref().namespace() + "/" + vs.ref().name();
    Istio.Route route = null;
    int index = 0;
    for (int i = 0; i < routes.size(); i++) {
      if (matches(routes.get(i), s, http)) {
        route = routes.get(i);
        index = i;
        break;
      }
    }
    if (route == null) {
      return Simulator.fail(Hop.ROUTE, (http ? "404: " : "") + "no route of VirtualService " + vsName + " matches "
          + describeRequest(s, http) + ", and it has no route without match", vs.ref());
    }
    String label = route.name() != null ? "route " + route.name() : "route " + (index + 1);
    Double abort = percentage(Fields.map(route.fault(), "abort"));
    if (abort != null && abort >= 100) {
      Map<String, Object> a = Fields.map(route.fault(), "abort");
      return Simulator.fail(Hop.ROUTE, label + " of VirtualService " + vsName + " injects a fault: the caller's proxy answers "
          + (a.get("httpStatus") != null ? "HTTP " + a.get("httpStatus") : "gRPC " + a.get("grpcStatus"))
          + " to every request (fault.abort " + format(abort) + "%) and never forwards it", vs.ref());
    }
    List<Istio.Destination> taking = new ArrayList<>();
    List<Integer> shares = new ArrayList<>();
    int total = 0;
    for (Istio.Destination d : route.destinations()) {
      int weight = d.weight() != null ? d.weight() : route.destinations().size() == 1 ? 100 : 0;
      total += Math.max(0, weight);
    }
    for (Istio.Destination d : route.destinations()) {
      int weight = d.weight() != null ? d.weight() : route.destinations().size() == 1 ? 100 : 0;
      if (weight > 0) {
        taking.add(d);
        shares.add(weight);
      }
    }
    if (taking.isEmpty()) {
      return Simulator.fail(Hop.ROUTE, label + " of VirtualService " + vsName + " gives every destination weight 0: "
          + "no request is forwarded", vs.ref());
    }
    List<State> branches = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < taking.size(); i++) {
      Istio.Destination d = taking.get(i);
      List<RegistryService> targets = s.here.services(d.host()).stream()
          .filter(r -> Hosts.exportedTo(r.exportTo(), r.namespace(), namespace)).toList();
      if (targets.isEmpty()) {
        return Simulator.fail(Hop.ROUTE, label + " of VirtualService " + vsName + " sends requests to " + d.host()
            + ", which is no Service or ServiceEntry the client's sidecar can see", vs.ref());
      }
      RegistryService target = targets.get(0);
      // Without a port: the same port of the same host, or another host's only port.
      int number = d.port() != null ? d.port()
          : target.host().equals(s.service.host()) || target.ports().size() != 1 ? s.port.number() : target.ports().get(0).number();
      Istio.Port port = target.port(number);
      if (port == null) {
        return Simulator.fail(Hop.ROUTE, label + " of VirtualService " + vsName + " sends requests to " + d.host() + ":"
            + number + ", a port " + target.describe() + " does not have", vs.ref());
      }
      if (d.subset() != null) {
        Simulator.Picked picked = Simulator.pickRule(s.here, namespace, s.caller().labels(), target);
        if (picked.rule() == null || !picked.rule().subsets().containsKey(d.subset())) {
          return Simulator.fail(Hop.ROUTE, label + " of VirtualService " + vsName + " sends requests to subset "
              + d.subset() + " of " + target.host() + ", which no DestinationRule the client uses defines: Istio has no "
              + "cluster for it (503)", picked.rule() == null ? vs.ref() : picked.rule().ref());
        }
      }
      State next = s.copy();
      next.service = target;
      next.port = port;
      next.subset = d.subset();
      branches.add(next);
      String share = taking.size() > 1 || total != 100 ? " " + format(100.0 * shares.get(i) / total) + "%" : "";
      parts.add((d.subset() == null ? target.host() : "subset " + d.subset()) + share);
    }
    StringBuilder detail = new StringBuilder().append(label).append(" of VirtualService ").append(vsName)
        .append(route.matches().isEmpty() ? " (no match: every request)" : " matches " + describeRequest(s, http))
        .append(" and sends it to ").append(String.join(", ", parts));
    notes(route, detail, s, namespace);
    return new Out(new HopResult(Hop.ROUTE, HopResult.Outcome.PASS, detail.toString(), vs.ref()), branches);
  }

  /** What the caller's proxy does on the way: timeout, retries, faults that hit only some requests, mirrors. */
  private static void notes(Istio.Route route, StringBuilder detail, State s, String namespace) {
    if (route.timeout() != null) {
      detail.append("; timeout ").append(route.timeout());
    }
    if (!route.retries().isEmpty()) {
      detail.append("; retries ").append(route.retries().get("attempts"))
          .append(route.retries().get("perTryTimeout") != null ? " x " + route.retries().get("perTryTimeout") : "");
    }
    Double delay = percentage(Fields.map(route.fault(), "delay"));
    if (delay != null && delay > 0) {
      detail.append("; fault: ").append(format(delay)).append("% of requests delayed ")
          .append(Fields.str(Fields.map(route.fault(), "delay"), "fixedDelay"));
    }
    Double abort = percentage(Fields.map(route.fault(), "abort"));
    if (abort != null && abort > 0) {
      detail.append("; fault: ").append(format(abort)).append("% of requests aborted by the caller's proxy");
    }
    for (Istio.Destination mirror : route.mirrors()) {
      List<RegistryService> targets = s.here.services(mirror.host()).stream()
          .filter(r -> Hosts.exportedTo(r.exportTo(), r.namespace(), namespace)).toList();
      boolean known = !targets.isEmpty() && (mirror.subset() == null || subsetDefined(s, namespace, targets.get(0), mirror.subset()));
      detail.append("; mirrors ").append(mirror.weight()).append("% to ")
          .append(mirror.subset() == null ? mirror.host() : "subset " + mirror.subset())
          .append(known ? "" : " (no such destination: the copies are dropped)");
    }
  }

  private static boolean subsetDefined(State s, String namespace, RegistryService target, String subset) {
    Simulator.Picked picked = Simulator.pickRule(s.here, namespace, s.caller().labels(), target);
    return picked.rule() != null && picked.rule().subsets().containsKey(subset);
  }

  /** An HTTPMatchRequest fits when every condition it gives fits; a route without match takes all. */
  static boolean matches(Istio.Route route, State s, boolean http) {
    if (route.matches().isEmpty()) {
      return true;
    }
    for (Map<String, Object> match : route.matches()) {
      List<String> gateways = Fields.strings(match.get("gateways"));
      if (!gateways.isEmpty() && !gateways.contains("mesh")) {
        continue;
      }
      Integer port = Fields.integer(match.get("port"));
      if (port != null && port != s.port.number()) {
        continue;
      }
      if (http && !httpFits(match, s.request)) {
        continue;
      }
      // A tls route matches the SNI: the host the client's application names.
      List<String> sniHosts = Fields.strings(match.get("sniHosts"));
      if (!http && !sniHosts.isEmpty() && sniHosts.stream().noneMatch(p -> Hosts.matches(p, s.request.host()))) {
        continue;
      }
      return true;
    }
    return false;
  }

  private static boolean httpFits(Map<String, Object> match, Request request) {
    String path = request.path() == null ? "/" : request.path();
    String method = request.method() == null ? "GET" : request.method();
    if (!Simulator.stringMatch(Fields.map(match, "uri"), path) || !Simulator.stringMatch(Fields.map(match, "method"), method)) {
      return false;
    }
    for (Map.Entry<String, Object> header : Fields.map(match, "headers").entrySet()) {
      String value = request.headers().get(header.getKey().toLowerCase(java.util.Locale.ROOT));
      if (value == null || !Simulator.stringMatch(Fields.map(header.getValue()), value)) {
        return false;
      }
    }
    return true;
  }

  private static String describeRequest(State s, boolean http) {
    if (!http) {
      return "a connection to port " + s.port.number();
    }
    String headers = s.request.headers().isEmpty() ? "no headers" : "headers " + s.request.headers();
    return (s.request.method() == null ? "GET" : s.request.method()) + " " + (s.request.path() == null ? "/" : s.request.path())
        + " with " + headers;
  }

  /** {@code percentage.value} of a fault (or the legacy integer {@code percent}); null when absent. */
  private static Double percentage(Map<String, Object> fault) {
    if (fault.isEmpty()) {
      return null;
    }
    Object value = Fields.map(fault, "percentage").get("value");
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return fault.get("percent") instanceof Number n ? n.doubleValue() : 100.0; // Istio: no percentage, every request
  }

  private static String format(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.format(java.util.Locale.ROOT, "%.1f", value);
  }

  // ---- endpoints -------------------------------------------------------------------------------

  /**
   * One endpoint of a host: a group of pods (a Kubernetes Service's, or those a ServiceEntry's
   * workloadSelector selects) or a ServiceEntry endpoint (a Service's name, another cluster's mesh
   * gateway, an address).
   *
   * @param gateway the cluster whose mesh gateway the endpoint is, or null
   * @param down it leads to a cluster whose workloads are down (the pods, or that cluster's copy behind its gateway)
   */
  record Candidate(Pods pods, Istio.WorkloadEndpoint endpoint, ClusterView gateway, String locality,
      Map<String, String> labels, boolean down) {

    String describe() {
      String where = pods != null ? pods.describe() : endpoint.address();
      return where + (locality == null ? "" : " (" + locality + ")");
    }
  }

  /** The endpoints that take the request, and what was decided; {@code failure} non-null when none can. */
  record Selection(List<Candidate> chosen, String detail, String failure, ObjectRef object) {}

  /**
   * Which endpoints of {@code service} take a request from a proxy at {@code callerLocality} applying
   * {@code rule}: those of the subset (its labels select the endpoints' labels, a pod's labels or a
   * ServiceEntry endpoint's {@code labels}); with {@code distribute}, those of a locality with a weight;
   * with outlier detection (locality failover, Istio's default once it is on), the healthy endpoints
   * of the best priority (same region, zone and subzone first); otherwise all of them, and then one that
   * is down makes a share of requests fail.
   * https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/ and
   * https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting
   */
  static Selection select(MeshModel model, Set<String> failed, ClusterView view, RegistryService service,
      Istio.DestinationRule rule, String subset, String callerLocality) {
    List<Candidate> candidates = candidates(model, failed, view, service);
    List<String> notes = new ArrayList<>();
    if (subset != null) {
      Map<String, String> labels = rule == null ? null : rule.subsets().get(subset);
      if (labels == null) {
        return new Selection(List.of(), null, "subset " + subset + " of " + service.host() + " is defined by no "
            + "DestinationRule that applies here: Istio has no cluster for it (503)", rule == null ? service.ref() : rule.ref());
      }
      List<Candidate> kept = candidates.stream().filter(c -> LabelIndex.subset(labels, c.labels())).toList();
      if (kept.isEmpty()) {
        return new Selection(List.of(), null, "subset " + subset + " (labels " + labels + ") of DestinationRule "
            + rule.ref().namespace() + "/" + rule.ref().name() + " selects none of the endpoints of " + service.describe()
            + " (" + describeAll(candidates) + "): no healthy upstream (503)", rule.ref());
      }
      notes.add("subset " + subset + " " + labels + " selects " + describeAll(kept));
      candidates = kept;
    }
    Istio.Distribute distribute = distributeFor(rule, callerLocality);
    if (distribute != null) {
      List<Candidate> weighted = candidates.stream().filter(c -> distributeWeight(distribute, c.locality()) > 0).toList();
      notes.add("locality distribute from " + distribute.from() + " sends everything to " + distribute.to().keySet());
      if (weighted.isEmpty()) {
        return new Selection(List.of(), null, "the locality distribution of DestinationRule " + rule.ref().namespace()
            + "/" + rule.ref().name() + " gives no endpoint of " + service.host() + " any weight (" + describeAll(candidates)
            + ")", rule.ref());
      }
      candidates = weighted;
    }
    List<Candidate> down = candidates.stream().filter(Candidate::down).toList();
    boolean ejecting = rule != null && rule.outlierDetection();
    if (!down.isEmpty() && !ejecting) {
      return new Selection(List.of(), null, describeAll(down) + " of " + service.host() + " " + (down.size() == 1 ? "is" : "are")
          + " down (cluster " + String.join(", ", new java.util.TreeSet<>(failed)) + "), and without outlierDetection nothing "
          + "ejects " + (down.size() == 1 ? "it" : "them") + ": " + (down.size() == 1 ? "its" : "their")
          + " share of the requests fails", rule == null ? service.ref() : rule.ref());
    }
    List<Candidate> healthy = candidates.stream().filter(c -> !c.down()).toList();
    if (healthy.isEmpty()) {
      return new Selection(List.of(), null, "every endpoint of " + service.host() + " that may take the request is down ("
          + describeAll(candidates) + ")", rule == null ? service.ref() : rule.ref());
    }
    // Locality failover: on once outlier detection is (Istio's localityLbSetting is enabled by default).
    boolean failover = distribute == null && ejecting && (rule.locality() == null || rule.locality().enabled())
        && callerLocality != null && healthy.stream().anyMatch(c -> c.locality() != null);
    List<Candidate> chosen = healthy;
    if (failover) {
      int best = healthy.stream().mapToInt(c -> priority(callerLocality, c.locality())).min().orElse(0);
      chosen = healthy.stream().filter(c -> priority(callerLocality, c.locality()) == best).toList();
      StringBuilder why = new StringBuilder("locality failover from " + callerLocality + " (outlier detection of "
          + rule.ref().namespace() + "/" + rule.ref().name() + "): " + describeAll(chosen) + " take the requests");
      List<Candidate> standby = healthy.stream().filter(c -> !c.down()).filter(c -> priority(callerLocality, c.locality()) != best).toList();
      if (!standby.isEmpty()) {
        why.append("; standby ").append(describeAll(standby));
      }
      notes.add(why.toString());
    }
    if (!down.isEmpty()) {
      notes.add(describeAll(down) + " down, ejected by outlier detection");
    }
    return new Selection(chosen, String.join("; ", notes), null, null);
  }

  private static List<Candidate> candidates(MeshModel model, Set<String> failed, ClusterView view, RegistryService service) {
    List<Candidate> out = new ArrayList<>();
    boolean localDown = failed.contains(view.name);
    if (service.isKube()) {
      for (Pods pods : view.podsOf(service.kube())) {
        out.add(new Candidate(pods, null, null, view.locality(), pods.labels(), localDown));
      }
      return out;
    }
    if (service.workloadSelector() != null) {
      for (Pods pods : view.podsSelected(service.namespace(), service.workloadSelector())) {
        out.add(new Candidate(pods, null, null, view.locality(), pods.labels(), localDown));
      }
      return out;
    }
    for (Istio.WorkloadEndpoint endpoint : service.endpoints()) {
      ClusterView gateway = model.clusterWithGateway(endpoint.address());
      boolean down = gateway != null ? failed.contains(gateway.name) : localDown && view.kubeService(endpoint.address()) != null;
      out.add(new Candidate(null, endpoint, gateway, endpoint.locality(), endpoint.labels(), down));
    }
    return out;
  }

  /** Istio's priority of an endpoint for a proxy: 0 same region, zone and subzone; 1 zone; 2 region; 3 another region. */
  static int priority(String proxy, String endpoint) {
    if (endpoint == null) {
      return 3;
    }
    String[] a = parts(proxy);
    String[] b = parts(endpoint);
    if (!a[0].equals(b[0])) {
      return 3;
    }
    if (!a[1].equals(b[1])) {
      return 2;
    }
    return a[2].equals(b[2]) ? 0 : 1;
  }

  private static String[] parts(String locality) {
    String[] out = {"", "", ""};
    String[] given = locality.split("/", 3);
    System.arraycopy(given, 0, out, 0, given.length);
    return out;
  }

  /** The {@code distribute} entry whose {@code from} covers the caller's locality, or null. */
  private static Istio.Distribute distributeFor(Istio.DestinationRule rule, String callerLocality) {
    if (rule == null || rule.locality() == null || !rule.locality().enabled() || callerLocality == null) {
      return null;
    }
    for (Istio.Distribute d : rule.locality().distribute()) {
      if (d.from() != null && localityMatches(d.from(), callerLocality)) {
        return d;
      }
    }
    return null;
  }

  private static int distributeWeight(Istio.Distribute distribute, String locality) {
    if (locality == null) {
      return 0;
    }
    for (Map.Entry<String, Integer> to : distribute.to().entrySet()) {
      if (localityMatches(to.getKey(), locality)) {
        return to.getValue();
      }
    }
    return 0;
  }

  /**
   * A locality pattern ({@code region/zone/subzone}, {@code *} matching any part, missing parts any)
   * covers a locality: Istio's LocalityMatch.
   */
  static boolean localityMatches(String pattern, String locality) {
    String[] p = parts(pattern);
    String[] l = parts(locality);
    for (int i = 0; i < 3; i++) {
      if (!(p[i].equals("*") || p[i].isEmpty() && i > 0 || p[i].equals(l[i]))) {
        return false;
      }
    }
    return true;
  }

  private static String describeAll(List<Candidate> candidates) {
    List<String> out = new ArrayList<>();
    candidates.forEach(c -> out.add(c.describe()));
    return out.isEmpty() ? "none" : String.join(", ", out);
  }
}
