package io.meshgate.verify;

import io.meshgate.intent.Cluster;
import io.meshgate.intent.ExternalService;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IngressRoute;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.ServiceClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What every cluster's Istio control plane knows, built once, in one pass, from the rendered
 * objects of every cluster plus the Cluster facts and the workloads the intents declare. Indexed
 * the way Istio looks things up (host, virtual address, (namespace, host), gateway selector,
 * (namespace, workload labels)), so a request costs a constant number of map look-ups.
 */
public final class MeshModel {

  /**
   * The east-west gateway's service account (Istio's {@code gen-eastwest-gateway.sh} and the
   * {@code istio/gateway} chart name it after the release, {@code istio-eastwestgateway}). Only a
   * request that a gateway re-originates (SIMPLE/MUTUAL terminated at the gateway) carries it.
   */
  public static final String GATEWAY_SERVICE_ACCOUNT = "istio-eastwestgateway";

  /** Namespaces every cluster has. */
  static final Set<String> STANDARD_NAMESPACES = Set.of("default", "istio-system", "kube-system");

  private final SortedMap<String, ClusterView> clusters;
  private final Map<String, ClusterView> byGatewayAddress;
  private final List<String> warnings;
  private final Map<String, List<String>> warningsByCluster;
  /** The clusters whose views were taken from the model this one was built on. */
  private final Set<String> kept;
  /** Namespace → the clusters that have it (a view depends on it: see {@link #namespaceClusters()}). */
  private final Map<String, Set<String>> namespaceClusters;
  /** Tells models apart without keeping them: a memory of reads is valid for one model only. */
  private static final java.util.concurrent.atomic.AtomicLong MODELS = new java.util.concurrent.atomic.AtomicLong();
  private final long id = MODELS.incrementAndGet();
  /** The id of the model this one was compared with ({@link #changedSince}), or 0. */
  private final long previousId;
  /** The reads whose answers differ from the previous model's (in views built again from a comparable one). */
  private final Set<Read> changedReads;
  /** Clusters whose every read counts as changed: new, or their Cluster intent changed. */
  private final Set<String> incomparable;

  private MeshModel(SortedMap<String, ClusterView> clusters, Map<String, ClusterView> byGatewayAddress,
      List<String> warnings, Map<String, List<String>> warningsByCluster, Map<String, Set<String>> namespaceClusters,
      Set<String> kept, long previousId, Set<Read> changedReads, Set<String> incomparable) {
    this.clusters = clusters;
    this.byGatewayAddress = byGatewayAddress;
    this.warnings = List.copyOf(warnings);
    this.warningsByCluster = warningsByCluster;
    this.namespaceClusters = namespaceClusters;
    this.kept = Set.copyOf(kept);
    this.previousId = previousId;
    this.changedReads = changedReads;
    this.incomparable = incomparable;
  }

  /**
   * One look-up a simulation made: in cluster {@code cluster}'s view, table {@code table} at {@code key}
   * (see {@link ClusterView#contents()} for the tables), or {@code C} (the Cluster intent and the view's
   * existence) and {@code M} (which cluster's gateway listens at an address, {@code cluster} "*").
   */
  public record Read(String cluster, char table, String key) {}

  /** This model's identity, for {@link #changedSince}. */
  public long id() {
    return id;
  }

  /** Whether this model was built on the model {@code previousId} and kept {@code cluster}'s view from it. */
  public boolean keptSince(long previousId, String cluster) {
    return previousId != 0 && previousId == this.previousId && kept.contains(cluster);
  }

  /**
   * Whether {@code read} may answer differently here than in the model {@code previousId} (the one
   * this model was built on): false only when this model was built on that one and the read's answer
   * is provably the same (a kept view, or a view built again whose content at that read is equal).
   */
  public boolean changedSince(long previousId, Read read) {
    if (previousId == 0 || previousId != this.previousId) {
      return true;
    }
    if (read.table() == 'M') {
      return changedReads.contains(read);
    }
    if (kept.contains(read.cluster())) {
      return false;
    }
    return !clusters.containsKey(read.cluster()) || incomparable.contains(read.cluster()) || changedReads.contains(read);
  }

  /**
   * Each namespace some cluster has, with those clusters. A cluster's view depends on it beyond the
   * cluster itself: an object in a namespace its cluster lacks is left out when another cluster has
   * that namespace.
   */
  public Map<String, Set<String>> namespaceClusters() {
    return namespaceClusters;
  }

  /**
   * @param rendered per cluster, the objects as plain maps ({@code apiVersion, kind, metadata, spec})
   */
  public static MeshModel build(IntentSet intents, Map<String, ? extends List<? extends Map<String, ?>>> rendered) {
    return build(intents, rendered, null, cluster -> false);
  }


  /**
   * As {@link #build(IntentSet, Map)}, taking from {@code previous} the view of each cluster that
   * {@code unchanged} accepts: the caller vouches that the cluster's Cluster intent, its rendered and
   * overlay objects and the intents placed in it are those {@code previous} was built from (the
   * service's incremental render keeps such clusters' objects). A view also depends on which
   * clusters have which namespaces; when that changed, every view is built again. Each view built
   * again is compared with {@code previous}'s, read by read ({@link ClusterView#contents()}), so
   * {@link #changedSince} tells which reads may answer differently.
   */
  public static MeshModel build(IntentSet intents, Map<String, ? extends List<? extends Map<String, ?>>> rendered,
      MeshModel previous, java.util.function.Predicate<String> unchanged) {
    SortedMap<String, ClusterView> clusters = new TreeMap<>();
    Set<String> kept = new java.util.HashSet<>();
    Map<String, ClusterView> byGatewayAddress = new HashMap<>();
    for (Cluster cluster : intents.clusters().values()) {
      ClusterView last = previous == null ? null : previous.clusters.get(cluster.name());
      ClusterView view;
      if (last != null && last.facts.equals(cluster) && unchanged.test(cluster.name())) {
        view = last;
        kept.add(cluster.name());
      } else {
        view = new ClusterView(cluster);
      }
      clusters.put(cluster.name(), view);
      if (cluster.spec().meshGateway() != null && cluster.spec().meshGateway().address() != null) {
        byGatewayAddress.putIfAbsent(cluster.spec().meshGateway().address().toLowerCase(Locale.ROOT), view);
      }
    }
    // A kept view is complete: only the views built now are filled in below.
    Map<String, ClusterView> building = new HashMap<>(clusters);
    building.keySet().removeAll(kept);
    // Namespaces each cluster has, as far as meshgate knows: the standard ones, the gateway's, those
    // of the workloads declared there, and Namespace objects in the tree.
    Map<String, Set<String>> clustersOfNamespace = new HashMap<>();
    for (InboundService service : intents.services().values()) {
      // Every cluster that hosts the Service (alsoIn: the same Service in several clusters).
      for (String hosting : service.spec().hostingClusters()) {
        ClusterView view = building.get(hosting);
        if (view != null) {
          view.addKubeService(service);
        }
      }
    }
    // A Cluster's mTLS defaults and its namespaces without sidecar name namespaces it has.
    for (ClusterView view : building.values()) {
      Cluster.PeerAuthenticationDefaults defaults = view.facts.spec().peerAuthentication();
      if (defaults != null) {
        view.namespaces.addAll(defaults.namespaces().keySet());
      }
      view.namespaces.addAll(view.facts.spec().namespacesWithoutSidecar());
    }
    for (ServiceClient client : intents.clients().values()) {
      ClusterView view = building.get(client.spec().cluster());
      if (view != null) {
        view.namespaces.add(client.spec().namespace());
      }
    }
    // The mesh edge names namespaces too: an IngressRoute's, the callers' of an ExternalService.
    for (IngressRoute route : intents.ingressRoutes().values()) {
      ClusterView view = building.get(route.spec().cluster());
      if (view != null && route.spec().namespace() != null) {
        view.namespaces.add(route.spec().namespace());
      }
    }
    for (ExternalService external : intents.externalServices().values()) {
      for (String cluster : external.spec().clusters()) {
        ClusterView view = building.get(cluster);
        if (view != null && external.spec().namespaces() != null) {
          view.namespaces.addAll(external.spec().namespaces());
        }
      }
    }
    List<String> warnings = new ArrayList<>();
    rendered.forEach((cluster, objects) -> {
      ClusterView view = clusters.get(cluster);
      if (view == null) {
        if (!objects.isEmpty()) {
          warnings.add("objects for cluster " + cluster + " are ignored: no Cluster intent declares it");
        }
        return;
      }
      if (!building.containsKey(cluster)) {
        return;
      }
      for (Map<String, ?> object : objects) {
        if ("Namespace".equals(object.get("kind"))) {
          String name = Fields.str(Fields.map(object.get("metadata")), "name");
          if (name != null) {
            view.namespaces.add(name);
          }
        }
      }
    });
    clusters.values().forEach(v -> v.namespaces.forEach(ns -> clustersOfNamespace.computeIfAbsent(ns, k -> new TreeSet<>()).add(v.name)));
    if (!kept.isEmpty() && !clustersOfNamespace.equals(previous.namespaceClusters)) {
      // Every view is built again, and compared with the previous one read by read.
      return build(intents, rendered, previous, cluster -> false);
    }

    Map<String, List<String>> warningsByCluster = new TreeMap<>();
    new TreeMap<>(rendered).forEach((cluster, objects) -> {
      ClusterView view = clusters.get(cluster);
      if (view == null) {
        return;
      }
      if (!building.containsKey(cluster)) {
        warningsByCluster.put(cluster, previous.warningsByCluster.getOrDefault(cluster, List.of()));
        return;
      }
      List<String> here = new ArrayList<>();
      for (Map<String, ?> raw : objects) {
        Map<String, Object> object = Fields.map(raw);
        String kind = Fields.str(object, "kind");
        Map<String, Object> metadata = Fields.map(object, "metadata");
        String name = Fields.str(metadata, "name");
        String namespace = Fields.str(metadata, "namespace");
        if (kind == null || name == null || kind.equals("Namespace") || kind.equals("Kustomization")) {
          continue;
        }
        if (namespace == null) {
          namespace = "default"; // what kubectl apply does with a namespaced object that names none
        }
        if (!view.namespaces.contains(namespace)) {
          // kubectl / Flux cannot apply an object whose namespace does not exist in the cluster.
          String why = clustersOfNamespace.containsKey(namespace)
              ? "which exists only in " + String.join(", ", clustersOfNamespace.get(namespace))
              : namespace.equals(view.facts.spec().syncNamespace())
                  ? "the cluster's syncNamespace, but no Namespace object in the tree creates it" : null;
          if (why != null) {
            here.add(cluster + ": " + kind + " " + namespace + "/" + name + " is in namespace " + namespace + ", "
                + why + "; it cannot be applied in " + cluster + " and is left out of the model");
            continue;
          }
        }
        view.add(new ObjectRef(cluster, namespace, kind, name), Fields.map(object, "spec"));
      }
      warningsByCluster.put(cluster, List.copyOf(here));
    });
    warningsByCluster.values().forEach(warnings::addAll);
    building.values().forEach(ClusterView::compile);
    // What the views built now answer differently from the previous model's: compared read by read
    // where the Cluster intent is the same (else every read of the cluster counts as changed).
    Set<Read> changedReads = new HashSet<>();
    Set<String> incomparable = new HashSet<>();
    if (previous != null) {
      for (ClusterView view : building.values()) {
        ClusterView last = previous.clusters.get(view.name);
        if (last == null || !last.facts.equals(view.facts)) {
          incomparable.add(view.name);
          continue;
        }
        Map<Read, Object> before = last.contents();
        Map<Read, Object> after = view.contents();
        after.forEach((read, content) -> {
          if (!content.equals(before.get(read))) {
            changedReads.add(read);
          }
        });
        before.keySet().forEach(read -> {
          if (!after.containsKey(read)) {
            changedReads.add(read);
          }
        });
      }
      Set<String> addresses = new HashSet<>(byGatewayAddress.keySet());
      addresses.addAll(previous.byGatewayAddress.keySet());
      for (String address : addresses) {
        ClusterView now = byGatewayAddress.get(address);
        ClusterView before = previous.byGatewayAddress.get(address);
        if (now == null || before == null || !now.facts.equals(before.facts)) {
          changedReads.add(new Read("*", 'M', address));
        }
      }
    }
    return new MeshModel(Collections.unmodifiableSortedMap(clusters), byGatewayAddress, warnings,
        warningsByCluster, clustersOfNamespace, kept, previous == null ? 0 : previous.id, changedReads, incomparable);
  }

  public List<String> warnings() {
    return warnings;
  }

  ClusterView cluster(String name) {
    record(name, 'C', "");
    return clusters.get(name);
  }

  /** The cluster whose mesh gateway listens at {@code address}, or null. */
  ClusterView clusterWithGateway(String address) {
    if (address == null) {
      return null;
    }
    String key = address.toLowerCase(Locale.ROOT);
    record("*", 'M', key);
    return byGatewayAddress.get(key);
  }

  /**
   * The reads the simulation on this thread makes while {@link #recording} runs: every view a
   * request reaches passes through {@link #cluster} or {@link #clusterWithGateway}, and every look-up
   * in a view through one of its methods that record it, so a request's outcome depends on the
   * answers of these reads only (and on the Cluster intents, which {@code C} reads stand for).
   */
  private static final ThreadLocal<Set<Read>> READS = new ThreadLocal<>();

  static void record(String cluster, char table, String key) {
    Set<Read> into = READS.get();
    if (into != null) {
      into.add(new Read(cluster, table, key));
    }
  }

  /** Runs {@code work}, adding to {@code into} every read it makes. */
  static <T> T recording(Set<Read> into, java.util.function.Supplier<T> work) {
    Set<Read> outer = READS.get();
    READS.set(into);
    try {
      return work.get();
    } finally {
      READS.set(outer);
      if (outer != null) {
        outer.addAll(into);
      }
    }
  }

  // ---- one cluster -----------------------------------------------------------------------------

  /**
   * The pods of a gateway (east-west, ingress or egress), as the Cluster intent describes them.
   *
   * @param role {@code meshGateway}, {@code ingressGateway} or {@code egressGateway}: the Cluster field that says so
   */
  record GatewayPods(String role, Map<String, String> labels, String namespace, String serviceAccount) {}

  /**
   * A service in a cluster's registry: a ServiceEntry host, a Kubernetes Service declared by an
   * intent ({@code kube}), or a gateway's Service ({@code gateway}: the egress gateway's).
   *
   * @param workloadSelector a ServiceEntry's {@code workloadSelector} labels (its endpoints are the pods
   *     of its namespace that carry them), or null
   */
  record RegistryService(ObjectRef ref, String host, String namespace, List<Istio.Port> ports, List<String> exportTo,
      boolean meshExternal, String resolution, List<Istio.WorkloadEndpoint> endpoints, List<String> addresses,
      InboundService kube, GatewayPods gateway, Map<String, String> workloadSelector) {

    RegistryService(ObjectRef ref, String host, String namespace, List<Istio.Port> ports, List<String> exportTo,
        boolean meshExternal, String resolution, List<Istio.WorkloadEndpoint> endpoints, List<String> addresses,
        InboundService kube) {
      this(ref, host, namespace, ports, exportTo, meshExternal, resolution, endpoints, addresses, kube, null, null);
    }

    RegistryService(ObjectRef ref, String host, String namespace, List<Istio.Port> ports, List<String> exportTo,
        boolean meshExternal, String resolution, List<Istio.WorkloadEndpoint> endpoints, List<String> addresses,
        InboundService kube, GatewayPods gateway) {
      this(ref, host, namespace, ports, exportTo, meshExternal, resolution, endpoints, addresses, kube, gateway, null);
    }

    boolean isKube() {
      return kube != null;
    }

    /** A host outside the mesh: MESH_EXTERNAL, without endpoints that are workloads meshgate knows. */
    boolean external() {
      return meshExternal && kube == null && gateway == null;
    }

    Istio.Port port(int number) {
      for (Istio.Port p : ports) {
        if (p.number() == number) {
          return p;
        }
      }
      return null;
    }

    String describe() {
      return (isKube() || gateway != null ? "Service " : "ServiceEntry ") + ref.namespace() + "/" + ref.name();
    }
  }

  static final class ClusterView {
    final String name;
    final Cluster facts;
    final List<String> trustDomains;
    final Set<String> namespaces = new HashSet<>(STANDARD_NAMESPACES);
    private final Map<String, List<RegistryService>> servicesByHost = new HashMap<>();
    private final Map<String, List<RegistryService>> servicesByAddress = new HashMap<>();
    /** namespace → exact host → rules; namespace → wildcard rules. */
    private final Map<String, Map<String, List<Istio.DestinationRule>>> rulesByNamespace = new HashMap<>();
    private final Map<String, List<Istio.DestinationRule>> wildcardRulesByNamespace = new HashMap<>();
    private final LabelIndex<Istio.Gateway> gateways = new LabelIndex<>();
    /** {@code namespace/name} of a Gateway → VirtualServices bound to it. */
    private final Map<String, List<Istio.VirtualService>> virtualServicesByGateway = new HashMap<>();
    private final Map<String, LabelIndex<Istio.PeerAuthentication>> peerAuthentications = new HashMap<>();
    private final Map<String, LabelIndex<Authorization.Compiled>> authorizationPolicies = new HashMap<>();
    private final Map<String, LabelIndex<Istio.RequestAuthentication>> requestAuthentications = new HashMap<>();
    private final Map<String, LabelIndex<Istio.Sidecar>> sidecars = new HashMap<>();
    /** VirtualServices that apply to sidecars ({@code gateways} empty or naming {@code mesh}): exact host, wildcards. */
    private final Map<String, List<Istio.VirtualService>> meshVirtualServices = new HashMap<>();
    private final List<Istio.VirtualService> wildcardMeshVirtualServices = new ArrayList<>();
    /** namespace → {@code key=value} of a pod label → the pods of the Services declared there that carry it. */
    private final Map<String, Map<String, List<Pods>>> podsByNamespaceLabel = new HashMap<>();
    private final List<Istio.AuthorizationPolicy> pendingPolicies = new ArrayList<>();
    private Map<Read, Object> contents;

    ClusterView(Cluster facts) {
      this.name = facts.name();
      this.facts = facts;
      List<String> domains = new ArrayList<>();
      domains.add(facts.spec().trustDomain());
      facts.spec().trustDomainAliases().stream().filter(d -> !domains.contains(d)).forEach(domains::add);
      this.trustDomains = List.copyOf(domains);
      if (facts.spec().meshGateway() != null) {
        namespaces.add(facts.spec().meshGateway().namespace());
      }
      namespaces.add(facts.spec().ingressGateway().namespace());
      Cluster.EgressGateway egress = facts.spec().egressGateway();
      namespaces.add(egress.namespace());
      // The egress gateway's Service (istioctl's: http2 80, https 443), for routes that send callers to it.
      List<Istio.Port> ports = List.of(new Istio.Port(80, "http2", "HTTP2", null), new Istio.Port(443, "https", "HTTPS", null));
      servicesByHost.computeIfAbsent(egress.host(), k -> new ArrayList<>()).add(new RegistryService(
          new ObjectRef(name, egress.namespace(), "Service", egress.service()), egress.host(), egress.namespace(), ports,
          List.of(), false, "STATIC", List.of(), List.of(), null, egressPods()));
    }

    /** The east-west gateway's pods (Cluster {@code meshGateway}). */
    GatewayPods eastWestPods() {
      return new GatewayPods("meshGateway", gatewayLabels(), gatewayNamespace(), GATEWAY_SERVICE_ACCOUNT);
    }

    /** The ingress gateway's pods (Cluster {@code ingressGateway}). */
    GatewayPods ingressPods() {
      Cluster.IngressGateway gw = facts.spec().ingressGateway();
      return new GatewayPods("ingressGateway", gw.selector(), gw.namespace(), gw.serviceAccount());
    }

    /** The egress gateway's pods (Cluster {@code egressGateway}). */
    GatewayPods egressPods() {
      Cluster.EgressGateway gw = facts.spec().egressGateway();
      return new GatewayPods("egressGateway", gw.selector(), gw.namespace(), gw.serviceAccount());
    }

    Map<String, String> gatewayLabels() {
      return facts.spec().meshGateway() == null ? Map.of() : facts.spec().meshGateway().selector();
    }

    String gatewayNamespace() {
      return facts.spec().meshGateway() == null ? Hosts.ROOT_NAMESPACE : facts.spec().meshGateway().namespace();
    }

    void addKubeService(InboundService service) {
      InboundService.Spec spec = service.spec();
      namespaces.add(spec.namespace());
      String host = spec.service() + "." + spec.namespace() + "." + Hosts.CLUSTER_DOMAIN;
      List<Istio.Port> ports = new ArrayList<>();
      for (InboundService.Port p : spec.ports()) {
        ports.add(new Istio.Port(p.number(), p.name(), p.protocol().name(), p.workloadPort()));
      }
      RegistryService registered = new RegistryService(new ObjectRef(name, spec.namespace(), "Service", spec.service()),
          host, spec.namespace(), List.copyOf(ports), List.of(), false, "STATIC", List.of(), List.of(), service);
      servicesByHost.computeIfAbsent(host, k -> new ArrayList<>()).add(registered);
      Map<String, List<Pods>> byLabel = podsByNamespaceLabel.computeIfAbsent(spec.namespace(), k -> new HashMap<>());
      for (Pods pods : Pods.of(service)) {
        pods.labels().forEach((key, value) -> byLabel.computeIfAbsent(key + "=" + value, k -> new ArrayList<>()).add(pods));
      }
    }

    /**
     * The pods of namespace {@code namespace} that carry every label of {@code selector}: looked up by
     * one of its labels, then checked for the others (a namespace may hold thousands of Services).
     */
    List<Pods> podsSelected(String namespace, Map<String, String> selector) {
      record(name, 'L', namespace);
      if (selector.isEmpty()) {
        return List.of(); // Istio requires labels in a ServiceEntry's workloadSelector
      }
      Map.Entry<String, String> first = new TreeMap<>(selector).firstEntry();
      return podsByNamespaceLabel.getOrDefault(namespace, Map.of())
          .getOrDefault(first.getKey() + "=" + first.getValue(), List.of()).stream()
          .filter(p -> LabelIndex.subset(selector, p.labels())).toList();
    }

    /** The pods of a declared Service: one group per version, or one group when it declares none. */
    List<Pods> podsOf(InboundService service) {
      return Pods.of(service);
    }

    /** This cluster's locality (Cluster {@code spec.locality}), or null. */
    String locality() {
      return facts.spec().locality();
    }

    void add(ObjectRef ref, Map<String, Object> spec) {
      switch (ref.kind()) {
        case "ServiceEntry" -> {
          Istio.ServiceEntry se = Istio.serviceEntry(ref, spec);
          for (String host : se.hosts()) {
            RegistryService registered = new RegistryService(ref, host, ref.namespace(), se.ports(), se.exportTo(),
                se.meshExternal(), se.resolution(), se.endpoints(), se.addresses(), null, null, se.workloadSelector());
            servicesByHost.computeIfAbsent(host, k -> new ArrayList<>()).add(registered);
            for (String address : se.addresses()) {
              servicesByAddress.computeIfAbsent(address, k -> new ArrayList<>()).add(registered);
            }
          }
        }
        case "DestinationRule" -> {
          Istio.DestinationRule rule = Istio.destinationRule(ref, spec);
          if (rule.host() == null) {
            return;
          }
          if (rule.host().startsWith("*")) {
            wildcardRulesByNamespace.computeIfAbsent(ref.namespace(), k -> new ArrayList<>()).add(rule);
          } else {
            rulesByNamespace.computeIfAbsent(ref.namespace(), k -> new HashMap<>())
                .computeIfAbsent(rule.host(), k -> new ArrayList<>()).add(rule);
          }
        }
        case "Gateway" -> {
          Istio.Gateway gateway = Istio.gateway(ref, spec);
          if (!gateway.selector().isEmpty()) {
            gateways.add(gateway.selector(), gateway);
          }
        }
        case "VirtualService" -> {
          Istio.VirtualService vs = Istio.virtualService(ref, spec);
          for (String gateway : vs.gateways()) {
            if (gateway.equals("mesh")) {
              continue;
            }
            String key = gateway.contains("/") ? gateway : ref.namespace() + "/" + gateway;
            virtualServicesByGateway.computeIfAbsent(key, k -> new ArrayList<>()).add(vs);
          }
          // Without gateways a VirtualService applies to sidecars only ("mesh"):
          // https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-gateways
          if (vs.gateways().isEmpty() || vs.gateways().contains("mesh")) {
            for (String host : vs.hosts()) {
              String fqdn = Hosts.fqdn(host, ref.namespace());
              if (fqdn.startsWith("*")) {
                wildcardMeshVirtualServices.add(vs);
              } else {
                meshVirtualServices.computeIfAbsent(fqdn, k -> new ArrayList<>()).add(vs);
              }
            }
          }
        }
        case "RequestAuthentication" -> {
          Istio.RequestAuthentication ra = Istio.requestAuthentication(ref, spec);
          requestAuthentications.computeIfAbsent(ref.namespace(), k -> new LabelIndex<>()).add(ra.selector(), ra);
        }
        case "PeerAuthentication" -> {
          Istio.PeerAuthentication pa = Istio.peerAuthentication(ref, spec);
          peerAuthentications.computeIfAbsent(ref.namespace(), k -> new LabelIndex<>()).add(pa.selector(), pa);
        }
        case "AuthorizationPolicy" -> pendingPolicies.add(Istio.authorizationPolicy(ref, spec));
        case "Sidecar" -> {
          Istio.Sidecar sidecar = Istio.sidecar(ref, spec);
          sidecars.computeIfAbsent(ref.namespace(), k -> new LabelIndex<>()).add(sidecar.workloadSelector(), sidecar);
        }
        default -> { } // other kinds do not decide where a request goes
      }
    }

    /** Compiles policies with this cluster's trust domains, once every object is in. */
    void compile() {
      for (Istio.AuthorizationPolicy policy : pendingPolicies) {
        authorizationPolicies.computeIfAbsent(policy.ref().namespace(), k -> new LabelIndex<>())
            .add(policy.selector(), new Authorization.Compiled(policy, trustDomains));
      }
      pendingPolicies.clear();
      // Deterministic order where Istio would use creation time (the oldest wins): by name.
      servicesByHost.values().forEach(list -> list.sort((a, b) -> a.ref().toString().compareTo(b.ref().toString())));
      meshVirtualServices.values().forEach(list -> list.sort((a, b) -> a.ref().toString().compareTo(b.ref().toString())));
      wildcardMeshVirtualServices.sort((a, b) -> a.ref().toString().compareTo(b.ref().toString()));
    }

    /** The Kubernetes Service {@code host} declared by an intent in this cluster, or null. */
    RegistryService kubeService(String host) {
      for (RegistryService s : services(host)) {
        if (s.isKube()) {
          return s;
        }
      }
      return null;
    }

    /** Every registry entry for {@code host}, visible or not. */
    List<RegistryService> services(String host) {
      record(name, 'H', host);
      return servicesByHost.getOrDefault(host, List.of());
    }

    /** Every registry entry with the virtual address {@code address}. */
    List<RegistryService> servicesAt(String address) {
      record(name, 'A', address);
      return servicesByAddress.getOrDefault(address, List.of());
    }

    /** The PeerAuthentications of {@code namespace}, or null. */
    LabelIndex<Istio.PeerAuthentication> peerAuthenticationsIn(String namespace) {
      record(name, 'P', namespace);
      return peerAuthentications.get(namespace);
    }

    /** Namespace-scoped DestinationRules for (namespace, host): the exact host, else the most specific wildcard. */
    List<Istio.DestinationRule> rulesFor(String namespace, String host) {
      Set<Read> into = READS.get();
      if (into != null) { // the key is built only for a run that records
        into.add(new Read(name, 'D', namespace + "/" + host));
        into.add(new Read(name, 'W', namespace));
      }
      List<Istio.DestinationRule> exact = rulesByNamespace.getOrDefault(namespace, Map.of()).get(host);
      if (exact != null) {
        return exact;
      }
      List<Istio.DestinationRule> best = List.of();
      int bestLength = -1;
      Map<String, List<Istio.DestinationRule>> byPattern = new LinkedHashMap<>();
      for (Istio.DestinationRule rule : wildcardRulesByNamespace.getOrDefault(namespace, List.of())) {
        if (Hosts.matches(rule.host(), host)) {
          byPattern.computeIfAbsent(rule.host(), k -> new ArrayList<>()).add(rule);
        }
      }
      for (Map.Entry<String, List<Istio.DestinationRule>> e : byPattern.entrySet()) {
        if (e.getKey().length() > bestLength) {
          best = e.getValue();
          bestLength = e.getKey().length();
        }
      }
      return best;
    }

    List<Istio.Gateway> gatewaysSelecting(Map<String, String> podLabels) {
      record(name, 'G', "");
      return gateways.selecting(podLabels);
    }

    /**
     * The VirtualServices for sidecars that name {@code host} (exactly, else by wildcard), oldest (by
     * name) first: Istio merges one host's VirtualServices only in limited cases, so the first decides.
     */
    List<Istio.VirtualService> meshVirtualServicesFor(String host) {
      record(name, 'V', host);
      record(name, 'X', "");
      List<Istio.VirtualService> exact = meshVirtualServices.get(host);
      if (exact != null) {
        return exact;
      }
      List<Istio.VirtualService> out = new ArrayList<>();
      for (Istio.VirtualService vs : wildcardMeshVirtualServices) {
        if (vs.hosts().stream().anyMatch(h -> Hosts.matches(Hosts.fqdn(h, vs.ref().namespace()), host))) {
          out.add(vs);
        }
      }
      return out;
    }

    /**
     * RequestAuthentications that apply to pods with {@code labels} in {@code namespace}: the root
     * namespace's (mesh-wide, or selecting them) and the namespace's own (all, or selecting them).
     * https://istio.io/latest/docs/reference/config/security/request_authentication/
     */
    List<Istio.RequestAuthentication> requestAuthenticationsFor(String namespace, Map<String, String> labels) {
      record(name, 'R', Hosts.ROOT_NAMESPACE);
      record(name, 'R', namespace);
      List<Istio.RequestAuthentication> out = new ArrayList<>();
      LabelIndex<Istio.RequestAuthentication> root = requestAuthentications.get(Hosts.ROOT_NAMESPACE);
      if (root != null) {
        out.addAll(root.unselective());
        out.addAll(root.selecting(labels));
      }
      LabelIndex<Istio.RequestAuthentication> own = namespace.equals(Hosts.ROOT_NAMESPACE) ? null
          : requestAuthentications.get(namespace);
      if (own != null) {
        out.addAll(own.unselective());
        out.addAll(own.selecting(labels));
      }
      out.removeIf(Istio.RequestAuthentication::targetRefs); // targetRefs address gateways and waypoints by name
      return out;
    }

    /**
     * The Sidecar that scopes the proxy of a workload with {@code labels} in {@code namespace}, or null:
     * one of its namespace whose workloadSelector selects it, else its namespace's without selector,
     * else the root namespace's without selector (the mesh default). Where Istio leaves the choice
     * undefined (two candidates), the first by name.
     * https://istio.io/latest/docs/reference/config/networking/sidecar/
     */
    Istio.Sidecar sidecarFor(String namespace, Map<String, String> labels) {
      record(name, 'S', namespace);
      record(name, 'S', Hosts.ROOT_NAMESPACE);
      LabelIndex<Istio.Sidecar> own = sidecars.get(namespace);
      if (own != null) {
        Istio.Sidecar chosen = firstByName(own.selecting(labels));
        if (chosen == null) {
          chosen = firstByName(own.unselective());
        }
        if (chosen != null) {
          return chosen;
        }
      }
      LabelIndex<Istio.Sidecar> root = sidecars.get(Hosts.ROOT_NAMESPACE);
      return root == null ? null : firstByName(root.unselective());
    }

    private static Istio.Sidecar firstByName(List<Istio.Sidecar> candidates) {
      return candidates.stream().min(java.util.Comparator.comparing(c -> c.ref().name())).orElse(null);
    }

    /** AuthorizationPolicies that apply to pods with {@code labels} in {@code namespace} (root and own). */
    List<Authorization.Compiled> authorizationPoliciesFor(String namespace, Map<String, String> labels) {
      record(name, 'Z', Hosts.ROOT_NAMESPACE);
      record(name, 'Z', namespace);
      List<Authorization.Compiled> policies = new ArrayList<>();
      LabelIndex<Authorization.Compiled> root = authorizationPolicies.get(Hosts.ROOT_NAMESPACE);
      if (root != null) {
        policies.addAll(root.unselective());
        policies.addAll(root.selecting(labels));
      }
      LabelIndex<Authorization.Compiled> own = namespace.equals(Hosts.ROOT_NAMESPACE) ? null
          : authorizationPolicies.get(namespace);
      if (own != null) {
        policies.addAll(own.unselective());
        policies.addAll(own.selecting(labels));
      }
      return policies;
    }

    List<Istio.VirtualService> virtualServicesBoundTo(ObjectRef gateway) {
      String key = gateway.namespace() + "/" + gateway.name();
      record(name, 'B', key);
      return virtualServicesByGateway.getOrDefault(key, List.of());
    }

    /**
     * What each read of this view answers, by read ({@link Read}): H host → registry entries, A
     * address → registry entries, D {@code namespace/host} and W namespace → DestinationRules (exact,
     * wildcard), G → Gateways, B {@code namespace/name} of a Gateway → VirtualServices bound to it, V
     * host and X → mesh VirtualServices (exact, wildcard), R, P, Z, S namespace → RequestAuthentications,
     * PeerAuthentications, AuthorizationPolicies, Sidecars (with their selectors, in order), L namespace
     * → the declared pods by label. Two views of one Cluster intent whose contents agree at a read give
     * the same answer there. Computed once, after {@link #compile()}.
     */
    Map<Read, Object> contents() {
      Map<Read, Object> out = contents;
      if (out != null) {
        return out;
      }
      out = new HashMap<>();
      for (Map.Entry<String, List<RegistryService>> e : servicesByHost.entrySet()) {
        out.put(new Read(name, 'H', e.getKey()), e.getValue());
      }
      for (Map.Entry<String, List<RegistryService>> e : servicesByAddress.entrySet()) {
        out.put(new Read(name, 'A', e.getKey()), e.getValue());
      }
      for (Map.Entry<String, Map<String, List<Istio.DestinationRule>>> byNamespace : rulesByNamespace.entrySet()) {
        for (Map.Entry<String, List<Istio.DestinationRule>> e : byNamespace.getValue().entrySet()) {
          out.put(new Read(name, 'D', byNamespace.getKey() + "/" + e.getKey()), e.getValue());
        }
      }
      for (Map.Entry<String, List<Istio.DestinationRule>> e : wildcardRulesByNamespace.entrySet()) {
        out.put(new Read(name, 'W', e.getKey()), e.getValue());
      }
      out.put(new Read(name, 'G', ""), gateways.contents(g -> g));
      for (Map.Entry<String, List<Istio.VirtualService>> e : virtualServicesByGateway.entrySet()) {
        out.put(new Read(name, 'B', e.getKey()), e.getValue());
      }
      for (Map.Entry<String, List<Istio.VirtualService>> e : meshVirtualServices.entrySet()) {
        out.put(new Read(name, 'V', e.getKey()), e.getValue());
      }
      out.put(new Read(name, 'X', ""), wildcardMeshVirtualServices);
      for (Map.Entry<String, LabelIndex<Istio.RequestAuthentication>> e : requestAuthentications.entrySet()) {
        out.put(new Read(name, 'R', e.getKey()), e.getValue().contents(r -> r));
      }
      for (Map.Entry<String, LabelIndex<Istio.PeerAuthentication>> e : peerAuthentications.entrySet()) {
        out.put(new Read(name, 'P', e.getKey()), e.getValue().contents(p -> p));
      }
      for (Map.Entry<String, LabelIndex<Authorization.Compiled>> e : authorizationPolicies.entrySet()) {
        out.put(new Read(name, 'Z', e.getKey()), e.getValue().contents(c -> c.policy));
      }
      for (Map.Entry<String, LabelIndex<Istio.Sidecar>> e : sidecars.entrySet()) {
        out.put(new Read(name, 'S', e.getKey()), e.getValue().contents(c -> c));
      }
      for (Map.Entry<String, Map<String, List<Pods>>> e : podsByNamespaceLabel.entrySet()) {
        out.put(new Read(name, 'L', e.getKey()), e.getValue());
      }
      contents = out;
      return out;
    }
  }

  /**
   * A group of pods of a declared Service: all of them, or one version's ({@code spec.versions}),
   * with the labels they carry (the service's selector and the version's labels).
   *
   * @param version the version's name, or null for a Service without versions
   */
  record Pods(InboundService service, String version, Map<String, String> labels) {

    static List<Pods> of(InboundService service) {
      InboundService.Spec spec = service.spec();
      if (spec.versions().isEmpty()) {
        return List.of(new Pods(service, null, spec.selector()));
      }
      List<Pods> pods = new ArrayList<>();
      for (InboundService.Version version : spec.versions()) {
        Map<String, String> labels = new TreeMap<>(spec.selector());
        labels.putAll(version.labels());
        pods.add(new Pods(service, version.name(), Map.copyOf(labels)));
      }
      return pods;
    }

    String describe() {
      return "pods " + new TreeMap<>(labels) + " of Service " + service.spec().namespace() + "/" + service.spec().service();
    }
  }
}
