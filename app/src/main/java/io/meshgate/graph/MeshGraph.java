package io.meshgate.graph;

import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.TlsMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The connectivity the intents declare, as a picture sees it: workloads ({@code cluster/namespace/service})
 * as nodes grouped by cluster, one edge per (client workload, service) labelled with the access the
 * clients ask for. A delta graph ({@link #delta}) marks what a change adds, removes or changes. Every
 * renderer (Mermaid, DOT, SVG, HTML) draws the same graph.
 *
 * @param note what was left out to keep the picture readable ({@link GraphSummary}), or null
 */
public record MeshGraph(List<Node> nodes, List<Edge> edges, String note) {

  public enum State {
    UNCHANGED, ADDED, REMOVED, CHANGED;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param id {@code cluster/namespace/service}, or {@code cluster:NAME} for a whole cluster
   * @param cluster the cluster it is drawn in, or null for a node drawn on its own (a whole cluster)
   * @param label what the node says ({@code namespace/service})
   * @param detail a second line ({@code HTTP :8000}), may be empty
   */
  public record Node(String id, String cluster, String label, String detail, State state) {}

  /**
   * @param label the access the clients ask for ({@code GET /status*}), or a count for aggregated edges
   * @param was for a changed edge, the label before the change; else null
   * @param broken some client on it cannot reach the service (MG-REACH-01)
   */
  public record Edge(String from, String to, String label, String was, State state, boolean broken) {}

  public MeshGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /** The clusters drawn as groups, sorted. */
  public List<String> clusters() {
    return new ArrayList<>(new TreeSet<>(nodes.stream().map(Node::cluster).filter(c -> c != null).toList()));
  }

  public boolean hasChanges() {
    return nodes.stream().anyMatch(n -> n.state() != State.UNCHANGED)
        || edges.stream().anyMatch(e -> e.state() != State.UNCHANGED);
  }

  MeshGraph withNote(String text) {
    return new MeshGraph(nodes, edges, text);
  }

  /**
   * The graph of one set of intents. Clients whose target or clusters are not declared draw no edge
   * (MG-REF-01 reports them).
   *
   * @param brokenClients clients that cannot reach their service (drawn as broken edges)
   */
  public static MeshGraph of(IntentSet intents, Set<String> brokenClients) {
    Map<String, Node> nodes = new TreeMap<>();
    for (InboundService service : intents.services().values()) {
      InboundService.Spec spec = service.spec();
      if (!intents.clusters().containsKey(spec.cluster())) {
        continue;
      }
      String id = workload(spec.cluster(), spec.namespace(), spec.service());
      nodes.put(id, new Node(id, spec.cluster(), spec.namespace() + "/" + spec.service(), ports(spec.ports()),
          State.UNCHANGED));
    }
    Map<String, Set<String>> labels = new TreeMap<>();
    Set<String> broken = new HashSet<>();
    for (ServiceClient client : intents.clients().values()) {
      ServiceClient.Spec spec = client.spec();
      InboundService target = intents.services().get(spec.target());
      if (target == null || !intents.clusters().containsKey(spec.cluster())
          || !intents.clusters().containsKey(target.spec().cluster())) {
        continue;
      }
      String from = workload(spec.cluster(), spec.namespace(), spec.service());
      nodes.putIfAbsent(from, new Node(from, spec.cluster(), spec.namespace() + "/" + spec.service(), "", State.UNCHANGED));
      String to = workload(target.spec().cluster(), target.spec().namespace(), target.spec().service());
      String key = from + "\u0000" + to;
      labels.computeIfAbsent(key, k -> new TreeSet<>()).add(access(client, target));
      if (brokenClients.contains(client.name())) {
        broken.add(key);
      }
    }
    List<Edge> edges = new ArrayList<>();
    labels.forEach((key, text) -> {
      String[] ends = key.split("\u0000", 2);
      edges.add(new Edge(ends[0], ends[1], String.join("; ", text), null, State.UNCHANGED, broken.contains(key)));
    });
    return new MeshGraph(new ArrayList<>(nodes.values()), edges, null);
  }

  static String workload(String cluster, String namespace, String service) {
    return cluster + "/" + namespace + "/" + service;
  }

  /** {@code HTTP :8000}, or {@code HTTP :8080, GRPC :9090} for several ports. */
  static String ports(List<InboundService.Port> ports) {
    List<String> out = new ArrayList<>();
    ports.forEach(p -> out.add(p.protocol().name() + " :" + p.number()));
    return String.join(", ", out);
  }

  /**
   * What a client may do: {@code GET /status*; POST /headers}, {@code all} without access, {@code TCP :5432}
   * on a service Istio does not parse; an entry naming ports ends with them ({@code GET /x :8080}); {@code · SIMPLE}
   * when it does not use Istio mTLS.
   */
  static String access(ServiceClient client, InboundService target) {
    StringBuilder s = new StringBuilder();
    List<ServiceClient.AccessRule> access = client.spec().access();
    if (!target.spec().ports().isEmpty() && target.spec().ports().stream().noneMatch(p -> p.protocol().isHttp())) {
      s.append(ports(target.spec().ports()));
    } else if (access == null || access.isEmpty()) {
      s.append("all");
    } else {
      List<String> entries = new ArrayList<>();
      for (ServiceClient.AccessRule rule : access) {
        String methods = rule.methods() == null || rule.methods().isEmpty() ? "ANY" : String.join(",", rule.methods());
        String paths = rule.paths() == null || rule.paths().isEmpty() ? "" : " " + String.join(",", rule.paths());
        String ports = rule.ports() == null || rule.ports().isEmpty() ? "" : " :" + String.join(",", rule.ports());
        entries.add(methods + paths + ports);
      }
      s.append(String.join("; ", entries));
    }
    TlsMode mode = client.spec().mutualTLS();
    if (mode != null && mode != TlsMode.ISTIO_MUTUAL) {
      s.append(" · ").append(mode.name());
    }
    return s.toString();
  }

  /** Base and head in one graph, each node and edge marked added, removed, changed or unchanged. */
  public static MeshGraph delta(MeshGraph base, MeshGraph head) {
    Map<String, Node> before = index(base.nodes());
    Map<String, Node> after = index(head.nodes());
    Map<String, Node> nodes = new TreeMap<>();
    for (Node node : after.values()) {
      Node old = before.get(node.id());
      State state = old == null ? State.ADDED : old.detail().equals(node.detail()) ? State.UNCHANGED : State.CHANGED;
      nodes.put(node.id(), new Node(node.id(), node.cluster(), node.label(), node.detail(), state));
    }
    for (Node node : before.values()) {
      nodes.putIfAbsent(node.id(), new Node(node.id(), node.cluster(), node.label(), node.detail(), State.REMOVED));
    }
    Map<String, Edge> edgesBefore = new LinkedHashMap<>();
    base.edges().forEach(e -> edgesBefore.put(e.from() + "\u0000" + e.to(), e));
    Map<String, Edge> edges = new TreeMap<>();
    for (Edge edge : head.edges()) {
      String key = edge.from() + "\u0000" + edge.to();
      Edge old = edgesBefore.get(key);
      State state = old == null ? State.ADDED : old.label().equals(edge.label()) ? State.UNCHANGED : State.CHANGED;
      edges.put(key, new Edge(edge.from(), edge.to(), edge.label(), state == State.CHANGED ? old.label() : null,
          state, edge.broken()));
    }
    edgesBefore.forEach((key, edge) -> edges.putIfAbsent(key,
        new Edge(edge.from(), edge.to(), edge.label(), null, State.REMOVED, false)));
    return new MeshGraph(new ArrayList<>(nodes.values()), new ArrayList<>(edges.values()), null);
  }

  private static Map<String, Node> index(Collection<Node> nodes) {
    Map<String, Node> out = new LinkedHashMap<>();
    nodes.forEach(n -> out.put(n.id(), n));
    return out;
  }

  /**
   * Only what touches the matching workloads: a node matches when it is in one of {@code clusters},
   * {@code namespaces} and {@code services} (an empty set matches all); an edge is kept when either
   * end matches, with both its ends.
   */
  public MeshGraph filter(Set<String> clusters, Set<String> namespaces, Set<String> services) {
    if (clusters.isEmpty() && namespaces.isEmpty() && services.isEmpty()) {
      return this;
    }
    Set<String> matching = new HashSet<>();
    for (Node node : nodes) {
      String[] parts = node.id().split("/", 3);
      if (parts.length == 3 && (clusters.isEmpty() || clusters.contains(parts[0]))
          && (namespaces.isEmpty() || namespaces.contains(parts[1]))
          && (services.isEmpty() || services.contains(parts[2]))) {
        matching.add(node.id());
      }
    }
    List<Edge> kept = new ArrayList<>();
    Set<String> keptNodes = new HashSet<>(matching);
    for (Edge edge : edges) {
      if (matching.contains(edge.from()) || matching.contains(edge.to())) {
        kept.add(edge);
        keptNodes.add(edge.from());
        keptNodes.add(edge.to());
      }
    }
    return new MeshGraph(nodes.stream().filter(n -> keptNodes.contains(n.id())).toList(), kept, note);
  }
}
