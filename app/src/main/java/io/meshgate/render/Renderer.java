package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.Gateway;
import io.fabric8.istio.api.api.networking.v1alpha3.L4MatchAttributes;
import io.fabric8.istio.api.api.networking.v1alpha3.Port;
import io.fabric8.istio.api.api.networking.v1alpha3.PortSelector;
import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.Server;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryLocation;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryResolution;
import io.fabric8.istio.api.api.networking.v1alpha3.ServicePort;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.TLSMatchAttributes;
import io.fabric8.istio.api.api.networking.v1alpha3.TLSRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import io.fabric8.istio.api.api.security.v1beta1.PeerAuthentication;
import io.fabric8.istio.api.api.security.v1beta1.PeerAuthenticationMutualTLS;
import io.fabric8.istio.api.api.security.v1beta1.PeerAuthenticationMutualTLSMode;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.RuleFrom;
import io.fabric8.istio.api.api.security.v1beta1.RuleTo;
import io.fabric8.istio.api.api.security.v1beta1.Source;
import io.fabric8.istio.api.api.type.v1beta1.WorkloadSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.meshgate.check.Progress;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IngressClients;
import io.meshgate.intent.IntentIndex;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.TlsMode;
import io.meshgate.render.IstioResources.ApiVersions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Renders the Istio objects of every cluster from an {@link IntentSet}: contract v2, the Admiral
 * model on Istio 1.22+ (see docs/rendering.md for what goes where and why). Deterministic: it
 * iterates sorted maps only and reads no clock. Linear: the intents are indexed once
 * ({@link IntentIndex}) and every service touches only its own clients.
 *
 * <p>References to unknown clusters or services are skipped here (policy MG-REF-01 reports them);
 * so are the contradictions the policies deny (e.g. MG-TLS-04): the renderer still renders what it
 * can, so the policies see it, and publication stops on the deny.
 */
public final class Renderer {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "meshgate";
  public static final String SOURCE_ANNOTATION = "meshgate.io/source";
  /** Every object meshgate names carries it, so it never collides with a team's own objects. */
  public static final String NAME_PREFIX = "meshgate-";
  /** The {@code *.global} AUTO_PASSTHROUGH Gateway of a hosting cluster. */
  public static final String PASSTHROUGH_GATEWAY = NAME_PREFIX + "global";
  /** Port name of the AUTO_PASSTHROUGH server, as the contract gives it. */
  public static final String PASSTHROUGH_PORT_NAME = "tls-meshgate";
  /** Istio's root (config) namespace: it always exists, so meshgate never creates it. */
  public static final String ROOT_NAMESPACE = "istio-system";
  /** The namespace-wide (or, in the root namespace, mesh-wide) PeerAuthentication of a Cluster's defaults. */
  public static final String MTLS_DEFAULTS = NAME_PREFIX + "mtls-defaults";
  /**
   * On the Namespace objects meshgate creates: never prune them. A sync namespace a user points at
   * an existing namespace (even {@code default}) must not be deleted with everything in it when
   * meshgate stops rendering it.
   * https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
   * https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources
   */
  static final Map<String, String> NO_PRUNE = Map.of(
      "kustomize.toolkit.fluxcd.io/prune", "disabled",
      "argocd.argoproj.io/sync-options", "Prune=false");

  /** The last allocation of this renderer's tree (the service renders one tree again and again). */
  private final AddressAllocator.Memo allocations = new AddressAllocator.Memo();

  /** Renders every cluster; {@code previous} keeps virtual addresses stable. */
  public RenderResult render(IntentSet intents, AllocationLedger previous) {
    return render(intents, previous, Progress.NONE);
  }

  /** As {@link #render(IntentSet, AllocationLedger)}, counting objects rendered into {@code progress}. */
  public RenderResult render(IntentSet intents, AllocationLedger previous, Progress progress) {
    return render(intents, previous, progress, cluster -> true);
  }

  /**
   * As {@link #render(IntentSet, AllocationLedger, Progress)}, rendering only the clusters
   * {@code only} accepts (the result holds those; the address ledger is always the whole mesh's).
   * A cluster's objects depend on the intents in it, those calling into it and those it calls, never
   * on which other clusters are rendered, so a cluster rendered alone is what a full render gives it
   * ({@link IncrementalRender} relies on this).
   */
  public RenderResult render(IntentSet intents, AllocationLedger previous, Progress progress,
      java.util.function.Predicate<String> only) {
    IntentIndex index = IntentIndex.of(intents);
    Map<String, ClusterOutput> out = new TreeMap<>();
    for (String cluster : intents.clusters().keySet()) {
      if (only.test(cluster)) {
        out.put(cluster, new ClusterOutput());
      }
    }

    // One pass over the services: each touches only its own clients (IntentIndex), never all.
    Map<InboundService, SortedMap<String, List<ServiceClient>>> remoteClients = new LinkedHashMap<>();
    for (InboundService service : intents.services().values()) {
      if (index.hostOf(service) != null) {
        remoteClients.put(service, index.remoteClientsByCluster(service));
      }
    }
    AllocationLedger ledger;
    synchronized (allocations) {
      ledger = AddressAllocator.allocate(previous, addressDemand(index, remoteClients), allocations);
    }

    // Each group of clusters is rendered on a core of its own: a cluster's objects come from the
    // services it hosts and calls, in service order, whichever thread renders it (so the output is
    // the same as one thread's). Each group walks every service and keeps what lands in its clusters.
    java.util.concurrent.atomic.AtomicLong rendered = new java.util.concurrent.atomic.AtomicLong();
    List<Map<String, ClusterOutput>> groups = groups(out, Runtime.getRuntime().availableProcessors());
    groups.parallelStream().forEach(group -> remoteClients.forEach((service, remote) -> {
      // Each cluster that hosts the Service (several with alsoIn: locality failover between them).
      for (String hostName : service.spec().hostingClusters()) {
        Cluster host = index.cluster(hostName);
        if (host == null) {
          continue; // an unknown cluster in alsoIn: MG-REF-01
        }
        ClusterOutput hosting = group.get(host.name());
        if (hosting == null) {
          continue; // not among the clusters rendered this time, or by this group
        }
        int before = hosting.objects.size();
        renderHosted(index, service, host, remote, ledger, hosting);
        progress.update("objects rendered", rendered.addAndGet(hosting.objects.size() - before));
      }
      Cluster host = index.hostOf(service);
      remote.forEach((clientCluster, clients) -> {
        ClusterOutput client = group.get(clientCluster);
        if (client == null) {
          return;
        }
        int size = client.objects.size();
        renderClientCluster(index, service, host, index.cluster(clientCluster), clients,
            ledger.addressOf(clientCluster, globalHost(service)), client);
        progress.update("objects rendered", rendered.addAndGet(client.objects.size() - size));
      });
    }));

    // The mesh edge (ingress, egress, end-user authentication), each concern a renderer of its own.
    for (EdgeRenderer.Placed placed : new EdgeRenderer(index).render()) {
      if (out.containsKey(placed.cluster())) {
        out.get(placed.cluster()).add(placed.cluster(), placed.resource());
      }
    }

    SortedMap<String, List<RenderedObject>> clusters = new TreeMap<>();
    out.forEach((name, cluster) -> {
      Cluster facts = intents.clusters().get(name);
      String file = intents.sourceOf(facts).file();
      renderMtlsDefaults(facts, file, cluster);
      // Namespaces without sidecar injection: callers reach every host there in plain text.
      for (String namespace : facts.spec().namespacesWithoutSidecar()) {
        cluster.add(name, IstioResources.destinationRule(ApiVersions.of(facts),
            meta(TrafficRouting.NO_SIDECAR, namespace, file), TrafficRouting.namespaceWithoutSidecar(namespace)));
      }
      if (cluster.hostsRemotelyUsedService) {
        cluster.add(name, passthroughGateway(facts, file));
      }
      if (cluster.usesSyncNamespace && !facts.spec().syncNamespace().equals(ROOT_NAMESPACE)) {
        cluster.add(name, IstioResources.namespace(namespaceMeta(facts.spec().syncNamespace(), file)));
      }
      clusters.put(name, new ArrayList<>(cluster.objects.values()));
    });
    return new RenderResult(clusters, ledger);
  }

  /** The clusters in {@code parts} groups (round robin, so large and small clusters mix). */
  private static List<Map<String, ClusterOutput>> groups(Map<String, ClusterOutput> out, int parts) {
    List<Map<String, ClusterOutput>> groups = new ArrayList<>();
    for (int i = 0; i < Math.max(1, Math.min(parts, out.size())); i++) {
      groups.add(new java.util.HashMap<>());
    }
    int at = 0;
    for (Map.Entry<String, ClusterOutput> cluster : out.entrySet()) {
      groups.get(at++ % groups.size()).put(cluster.getKey(), cluster.getValue());
    }
    return groups;
  }

  // ---- names -----------------------------------------------------------------------------------

  /** {@code <service>.<namespace>.global}: the name every caller outside (and inside) H can use. */
  public static String globalHost(InboundService service) {
    return IntentIndex.globalHost(service);
  }

  /** {@code <service>.<namespace>.svc.cluster.local}: the Kubernetes Service in the hosting cluster. */
  public static String localHost(InboundService service) {
    return service.spec().service() + "." + service.spec().namespace() + ".svc.cluster.local";
  }

  /** {@code meshgate-<service>}: the hosting cluster's PeerAuthentication, AuthorizationPolicy and DestinationRule. */
  public static String serviceObjectName(InboundService service) {
    return NAME_PREFIX + service.spec().service();
  }

  /** {@code meshgate-<service>-<namespace>-global}: the objects of the {@code .global} host. */
  public static String globalObjectName(InboundService service) {
    return NAME_PREFIX + service.spec().service() + "-" + service.spec().namespace() + "-global";
  }

  /** {@code meshgate-<service>-<namespace>-global-<client service>}: a client workload's TLS origination. */
  public static String clientTlsObjectName(InboundService service, ServiceClient client) {
    return globalObjectName(service) + "-" + client.spec().service();
  }

  /**
   * True when the service's application terminates TLS itself on the port SIMPLE/MUTUAL clients of
   * other clusters reach (protocol HTTPS or TLS): the TLS their sidecars originate is meant for it,
   * so the gateway passes it through by SNI instead of terminating it (which would hand the
   * application plain text). https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-sni-passthrough/
   */
  static boolean applicationTls(InboundService service) {
    return service.spec().firstPort().protocol().isAppTls();
  }

  /** A client's TLS mode; unknown only when its target is unknown, and then nothing is rendered for it. */
  static TlsMode modeOf(ServiceClient client) {
    return client.spec().mutualTLS() == null ? TlsMode.ISTIO_MUTUAL : client.spec().mutualTLS();
  }

  /**
   * True when clients in other clusters reach the service through a TLS-terminating server on the
   * hosting cluster's gateway: the service is SIMPLE or MUTUAL and some remote client originates
   * SIMPLE or MUTUAL. (Istio mTLS cannot be terminated there: AUTO_PASSTHROUGH is for it.)
   */
  static boolean terminatesAtGateway(InboundService service, Map<String, List<ServiceClient>> remote) {
    if (!service.spec().mutualTLS().ownCertificates()) {
      return false;
    }
    return remote.values().stream().flatMap(List::stream).anyMatch(c -> modeOf(c).ownCertificates());
  }

  /**
   * The PeerAuthentication mode of a service's pods. ISTIO_MUTUAL: STRICT. SIMPLE/MUTUAL: PERMISSIVE,
   * so callers of its own cluster without Istio mTLS may call it; but never below a STRICT default
   * of its namespace (or the mesh) in the hosting cluster, unless a declared client there has no
   * sidecar (MG-MTLS-02 says which). The gateway reaches it with Istio mTLS either way.
   */
  static PeerAuthenticationMutualTLSMode peerAuthenticationMode(IntentIndex index, InboundService service, Cluster host) {
    if (service.spec().mutualTLS() == TlsMode.ISTIO_MUTUAL) {
      return PeerAuthenticationMutualTLSMode.STRICT;
    }
    if ("STRICT".equals(host.spec().defaultMtlsMode(service.spec().namespace()))
        && index.clientsOf(service).stream().noneMatch(c -> host.name().equals(c.spec().cluster()) && !c.spec().sidecar())) {
      return PeerAuthenticationMutualTLSMode.STRICT;
    }
    return PeerAuthenticationMutualTLSMode.PERMISSIVE;
  }

  /** SPIFFE principal as Istio writes it: {@code <trustDomain>/ns/<namespace>/sa/<serviceAccount>}. */
  static String principal(Cluster clientCluster, ServiceClient client) {
    String sa = client.spec().serviceAccount() == null ? client.spec().service() : client.spec().serviceAccount();
    return clientCluster.spec().trustDomain() + "/ns/" + client.spec().namespace() + "/sa/" + sa;
  }

  // ---- addresses -------------------------------------------------------------------------------

  /**
   * Every (cluster, global host) that gets a ServiceEntry, with its pinned address or null: each
   * cluster with a client of the service and, since v2, the hosting cluster itself.
   */
  private static SortedMap<String, SortedMap<String, String>> addressDemand(IntentIndex index,
      Map<InboundService, SortedMap<String, List<ServiceClient>>> remoteClients) {
    SortedMap<String, SortedMap<String, String>> demand = new TreeMap<>();
    remoteClients.forEach((service, remote) -> {
      if (!hasGlobalHost(index, service, remote)) {
        return;
      }
      String host = globalHost(service);
      for (String hosting : service.spec().hostingClusters()) {
        if (index.cluster(hosting) != null) {
          demand.computeIfAbsent(hosting, k -> new TreeMap<>()).put(host, service.spec().address());
        }
      }
      for (String cluster : remote.keySet()) {
        demand.computeIfAbsent(cluster, k -> new TreeMap<>()).put(host, service.spec().address());
      }
    });
    return demand;
  }

  /**
   * True when the hosting clusters keep the {@code .global} host: a client runs in a cluster that
   * does not host the service, or, for a service hosted in several clusters, any client at all (its
   * callers use the {@code .global} name to fail over, and the other copies reach it through it).
   */
  static boolean hasGlobalHost(IntentIndex index, InboundService service, Map<String, List<ServiceClient>> remote) {
    return !remote.isEmpty() || (service.spec().multiCluster() && !index.clientsOf(service).isEmpty());
  }

  // ---- hosting cluster -------------------------------------------------------------------------

  private void renderHosted(IntentIndex index, InboundService service, Cluster host,
      SortedMap<String, List<ServiceClient>> remote, AllocationLedger ledger, ClusterOutput out) {
    InboundService.Spec spec = service.spec();
    String file = index.intents().sourceOf(service).file();
    ApiVersions versions = ApiVersions.of(host);
    boolean viaGateway = terminatesAtGateway(service, remote);

    if (spec.sidecar()) {
      // Without istio-proxy nothing enforces a PeerAuthentication or AuthorizationPolicy, so
      // none is written. https://istio.io/latest/docs/reference/config/security/peer_authentication/
      PeerAuthentication pa = new PeerAuthentication();
      pa.setSelector(new WorkloadSelector(new TreeMap<>(spec.selector())));
      // ISTIO_MUTUAL: only Istio mTLS is accepted. SIMPLE and MUTUAL: callers through the TLS
      // gateway arrive with Istio mTLS too, but in-cluster callers may not, so plain text stays allowed.
      pa.setMtls(new PeerAuthenticationMutualTLS(peerAuthenticationMode(index, service, host)));
      out.add(host.name(), IstioResources.peerAuthentication(versions,
          meta(serviceObjectName(service), spec.namespace(), file), pa));

      if (restricted(index, service)) {
        // https://istio.io/latest/docs/reference/config/security/authorization-policy/ : an ALLOW
        // policy denies every request no rule matches; without rules (allowedNamespaces: [] and no
        // client that can be named) it admits nobody, which is what the intents say.
        List<Rule> rules = authorizationRules(index, service, host, viaGateway);
        AuthorizationPolicy ap = new AuthorizationPolicy();
        ap.setSelector(new WorkloadSelector(new TreeMap<>(spec.selector())));
        ap.setAction(AuthorizationPolicyAction.ALLOW);
        ap.setRules(rules);
        out.add(host.name(), IstioResources.authorizationPolicy(versions,
            meta(serviceObjectName(service), spec.namespace(), file), ap));
      }
      if (TrafficRouting.denies(service)) {
        out.add(host.name(), IstioResources.authorizationPolicy(versions,
            meta(TrafficRouting.denyPolicyName(service), spec.namespace(), file), TrafficRouting.denyPolicy(index, service)));
      }
    }

    if (TrafficPolicies.configuresTraffic(spec) || !spec.versions().isEmpty() || !spec.sidecar()) {
      // For callers inside H. Load balancing and circuit breaking are applied by the caller's
      // proxy, so they are fine for a service without sidecar; so is DISABLE toward it, and the
      // subsets of its versions (the Kubernetes Service's endpoints are the pods, labels and all).
      DestinationRule dr = new DestinationRule();
      dr.setHost(localHost(service));
      dr.setTrafficPolicy(TrafficPolicies.inCluster(spec));
      TrafficRouting.addSubsets(dr, spec, true);
      out.add(host.name(), IstioResources.destinationRule(versions,
          meta(serviceObjectName(service), spec.namespace(), file), dr));
    }
    if (!spec.routes().isEmpty()) {
      out.add(host.name(), IstioResources.virtualService(versions,
          meta(serviceObjectName(service), spec.namespace(), file), TrafficRouting.virtualService(service, localHost(service))));
    }

    if (!hasGlobalHost(index, service, remote)) {
      return;
    }
    // The `.global` pair in H (what Admiral generates): the east-west gateway routes SNI
    // outbound_.<port>_._.<service>.<ns>.global to this ServiceEntry's endpoint, and callers in H
    // may use the `.global` name too.
    String address = ledger.addressOf(host.name(), globalHost(service));
    String globalNamespace;
    if (TrafficRouting.selectsPods(service)) {
      // Versions: the ServiceEntry selects the pods, so the gateway can route a subset's SNI to them.
      globalNamespace = spec.namespace();
      out.add(host.name(), IstioResources.serviceEntry(versions, meta(globalObjectName(service), globalNamespace, file),
          TrafficRouting.selectingServiceEntry(service, address)));
    } else {
      // The endpoint is the Kubernetes Service on each of its ports (and, for a service hosted in
      // several clusters, the other clusters' gateways: Failover). A headless Service's name
      // resolves to the pods' addresses, and resolution DNS keeps every one of them as an endpoint
      // (DNS_ROUND_ROBIN would use only the first); its ports equal its targetPorts (MG-HEADLESS-01).
      // https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Resolution
      globalNamespace = host.spec().syncNamespace();
      out.usesSyncNamespace = true;
      out.add(host.name(), IstioResources.serviceEntry(versions, meta(globalObjectName(service), globalNamespace, file),
          globalServiceEntry(service, address, Failover.hostedEndpoints(index, service, host))));
      if (spec.multiCluster()) {
        Cluster.MeshGateway gw = host.spec().meshGateway();
        out.add(host.name(), IstioResources.destinationRule(versions,
            meta(Failover.gatewayPinningName(service), gw.namespace(), file), Failover.gatewayPinning(service, host)));
      }
    }
    DestinationRule global = globalDestinationRule(service, TrafficPolicies.istioMutual());
    TrafficRouting.addSubsets(global, spec, true);
    out.add(host.name(), IstioResources.destinationRule(versions, meta(globalObjectName(service), globalNamespace, file),
        global));
    if (!spec.routes().isEmpty()) {
      out.add(host.name(), IstioResources.virtualService(versions, meta(globalObjectName(service), globalNamespace, file),
          TrafficRouting.virtualService(service, globalHost(service))));
    }
    out.hostsRemotelyUsedService = true;

    if (viaGateway) {
      renderTlsTermination(service, host, versions, file, out);
    }
  }

  /**
   * SIMPLE/MUTUAL from other clusters: a TLS server for the service's host on the gateway's
   * tlsPort with the service's certificate (the Secret lives in the gateway's namespace), and a
   * VirtualService bound to it that forwards the decrypted stream to the Kubernetes Service.
   * A server in SIMPLE or MUTUAL mode with protocol TLS takes {@code tcp} routes.
   * https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
   * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
   * When the service's application terminates TLS itself (protocol HTTPS or TLS), the server is
   * PASSTHROUGH and a {@code tls} route picks the Service by SNI: the TLS the client's sidecar
   * originated reaches the application intact, and the service's credentialName is not used.
   * https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-sni-passthrough/
   * One host has one SNI, so this path serves the service's first port (MG-TLS-04 denies more).
   */
  private static void renderTlsTermination(InboundService service, Cluster host, ApiVersions versions,
      String file, ClusterOutput out) {
    InboundService.Spec spec = service.spec();
    Cluster.MeshGateway gw = host.spec().meshGateway();
    String name = globalObjectName(service);

    Port port = new Port();
    port.setNumber((long) gw.tlsPort());
    port.setName("tls-" + gw.tlsPort());
    port.setProtocol("TLS");
    boolean passthrough = applicationTls(service);
    ServerTLSSettings tls = new ServerTLSSettings();
    if (passthrough) {
      tls.setMode(ServerTLSSettingsTLSmode.PASSTHROUGH);
    } else {
      tls.setMode(ServerTLSSettingsTLSmode.valueOf(spec.mutualTLS().name()));
      tls.setCredentialName(spec.tls() == null ? null : spec.tls().credentialName());
    }
    Server server = new Server();
    server.setPort(port);
    server.setTls(tls);
    server.setHosts(List.of(globalHost(service)));
    Gateway gateway = new Gateway();
    gateway.setSelector(new TreeMap<>(gw.selector()));
    gateway.setServers(List.of(server));
    out.add(host.name(), IstioResources.gateway(versions, meta(name, gw.namespace(), file), gateway));

    PortSelector target = new PortSelector();
    target.setNumber((long) spec.firstPort().number());
    Destination destination = new Destination();
    destination.setHost(localHost(service));
    destination.setPort(target);
    RouteDestination route = new RouteDestination();
    route.setDestination(destination);
    VirtualService vs = new VirtualService();
    vs.setHosts(List.of(globalHost(service)));
    vs.setGateways(List.of(gw.namespace() + "/" + name));
    // Only the gateway (in this namespace) needs it; sidecars never see it ("mesh" is not listed).
    vs.setExportTo(List.of("."));
    if (passthrough) {
      TLSMatchAttributes match = new TLSMatchAttributes();
      match.setPort((long) gw.tlsPort());
      match.setSniHosts(List.of(globalHost(service)));
      TLSRoute tlsRoute = new TLSRoute();
      tlsRoute.setMatch(List.of(match));
      tlsRoute.setRoute(List.of(route));
      vs.setTls(List.of(tlsRoute));
    } else {
      L4MatchAttributes match = new L4MatchAttributes();
      match.setPort((long) gw.tlsPort());
      TCPRoute tcp = new TCPRoute();
      tcp.setMatch(List.of(match));
      tcp.setRoute(List.of(route));
      vs.setTcp(List.of(tcp));
    }
    out.add(host.name(), IstioResources.virtualService(versions, meta(name, gw.namespace(), file), vs));
  }

  /**
   * An AuthorizationPolicy is written when a client of the service has {@code access}, or the
   * service lists {@code allowedNamespaces} (also an empty list: only its declared clients).
   */
  static boolean restricted(IntentIndex index, InboundService service) {
    return service.spec().allowedNamespaces() != null
        || index.clientsOf(service).stream().anyMatch(c -> c.spec().access() != null && !c.spec().access().isEmpty()
            && !IngressClients.derived(c)); // an ingress's routes narrow its rule, they turn no policy on
  }

  /**
   * One rule per client whose identity reaches the service's sidecar (by client name), one
   * {@code source.namespaces} rule for a non-empty allowedNamespaces, and one for the gateway's
   * namespace when SIMPLE/MUTUAL clients arrive through its TLS server (the gateway calls the
   * service with its own identity). Each access entry is one operation: its methods and paths, and
   * its ports (the pods' ports, which is what the sidecar matches). On a service with a TCP, TLS or
   * HTTPS port, every rule names the ports it admits ("access by port"): the sidecar sees no HTTP
   * request there, and Istio drops an ALLOW rule with HTTP-only fields on such a port.
   * https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/
   */
  private static List<Rule> authorizationRules(IntentIndex index, InboundService service, Cluster host,
      boolean viaGateway) {
    InboundService.Spec spec = service.spec();
    List<Rule> rules = new ArrayList<>();
    for (ServiceClient client : index.clientsOf(service)) {
      Cluster clientCluster = index.clusterOf(client);
      if (clientCluster == null || !client.spec().sidecar()) {
        continue; // unknown cluster (MG-REF-01), or no identity to name (MG-SIDECAR-01)
      }
      boolean remote = !clientCluster.name().equals(host.name());
      if (remote && modeOf(client) != TlsMode.ISTIO_MUTUAL) {
        continue; // arrives from the gateway's TLS server: the gateway rule below
      }
      Source source = new Source();
      source.setPrincipals(List.of(principal(clientCluster, client)));
      // Istio drops a whole ALLOW rule with HTTP-only fields on TCP traffic, so the client's
      // operations on opaque ports (ports only) get a rule of their own.
      List<RuleTo> operations = operations(spec, client.spec().access());
      List<RuleTo> http = operations == null ? null : operations.stream().filter(Renderer::httpOnly).toList();
      List<RuleTo> portsOnly = operations == null ? null : operations.stream().filter(o -> !httpOnly(o)).toList();
      if (operations == null || http.isEmpty() || portsOnly.isEmpty()) {
        rules.add(rule(source, operations));
      } else {
        rules.add(rule(source, http));
        rules.add(rule(source, portsOnly));
      }
    }
    List<String> namespaces = spec.allowedNamespaces();
    if (namespaces != null && !namespaces.isEmpty()) {
      Source source = new Source();
      source.setNamespaces(List.copyOf(namespaces));
      rules.add(rule(source, wholeService(spec)));
    }
    if (viaGateway) {
      Source source = new Source();
      source.setNamespaces(List.of(host.spec().meshGateway().namespace()));
      rules.add(rule(source, wholeService(spec)));
    }
    // Clients with one identity in several clusters (Istio tells callers apart by trust domain,
    // namespace and service account only) and the same access give the same rule: write it once.
    return List.copyOf(new LinkedHashSet<>(rules));
  }

  /** An operation with methods or paths: it matches HTTP requests only. */
  private static boolean httpOnly(RuleTo to) {
    Operation operation = to.getOperation();
    return operation != null && ((operation.getMethods() != null && !operation.getMethods().isEmpty())
        || (operation.getPaths() != null && !operation.getPaths().isEmpty()));
  }

  private static Rule rule(Source source, List<RuleTo> to) {
    Rule rule = new Rule();
    rule.setFrom(List.of(new RuleFrom(source)));
    rule.setTo(to);
    return rule;
  }

  /**
   * One operation per access entry; without access, the whole service. An entry's ports are the
   * ones it names, else every port when the service has an opaque one. An entry whose ports are all
   * opaque keeps only its ports (its methods and paths are MG-AUTHZ-03: they would match nothing).
   */
  private static List<RuleTo> operations(InboundService.Spec spec, List<ServiceClient.AccessRule> access) {
    if (access == null || access.isEmpty()) {
      return wholeService(spec);
    }
    List<RuleTo> to = new ArrayList<>();
    for (ServiceClient.AccessRule entry : access) {
      List<InboundService.Port> ports = entry.ports() == null ? null : resolve(spec, entry.ports());
      List<InboundService.Port> applies = ports != null ? ports : spec.ports();
      boolean opaqueOnly = applies.stream().noneMatch(p -> p.protocol().isHttp());
      Operation operation = new Operation();
      if (!opaqueOnly) {
        operation.setMethods(entry.methods());
        operation.setPaths(entry.paths());
      }
      if (ports != null || spec.hasOpaquePort()) {
        operation.setPorts(workloadPorts(applies));
      }
      to.add(new RuleTo(operation));
    }
    return to;
  }

  /** Every port of a service with an opaque port (access by port); no restriction on an HTTP-only one. */
  private static List<RuleTo> wholeService(InboundService.Spec spec) {
    if (!spec.hasOpaquePort()) {
      return null;
    }
    Operation operation = new Operation();
    operation.setPorts(workloadPorts(spec.ports()));
    return List.of(new RuleTo(operation));
  }

  /** The ports an access entry names that the service has (MG-REF-01 reports the others). */
  private static List<InboundService.Port> resolve(InboundService.Spec spec, List<String> references) {
    List<InboundService.Port> ports = new ArrayList<>();
    for (String reference : references) {
      InboundService.Port port = spec.portFor(reference);
      if (port != null && !ports.contains(port)) {
        ports.add(port);
      }
    }
    return ports;
  }

  /** The pods' ports as AuthorizationPolicy writes them (strings), each once, in the service's order. */
  private static List<String> workloadPorts(List<InboundService.Port> ports) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    ports.forEach(p -> out.add(String.valueOf(p.workloadPort())));
    return List.copyOf(out);
  }

  // ---- client clusters -------------------------------------------------------------------------

  /**
   * In a client cluster K, once per (service, K): the {@code .global} ServiceEntry in
   * K.syncNamespace, exported to every namespace, pointing at the hosting cluster's gateway (port
   * for Istio mTLS, tlsPort for SIMPLE/MUTUAL); its ISTIO_MUTUAL DestinationRule beside it; and,
   * per client workload originating SIMPLE or MUTUAL, a DestinationRule in the client's namespace
   * selecting its pods. Nothing for the client's own host.
   */
  private void renderClientCluster(IntentIndex index, InboundService service, Cluster host, Cluster clientCluster,
      List<ServiceClient> clients, String address, ClusterOutput out) {
    InboundService.Spec spec = service.spec();
    String file = index.intents().sourceOf(service).file();
    ApiVersions versions = ApiVersions.of(clientCluster);
    String sync = clientCluster.spec().syncNamespace();
    boolean istioMutual = clients.stream().anyMatch(c -> modeOf(c) == TlsMode.ISTIO_MUTUAL);

    // One host has one endpoint port: AUTO_PASSTHROUGH for Istio mTLS, else the TLS server.
    // Clients of both kinds in one cluster are MG-TLS-04 (the Istio mTLS ones win here).
    out.add(clientCluster.name(), IstioResources.serviceEntry(versions, meta(globalObjectName(service), sync, file),
        globalServiceEntry(service, address, Failover.remoteEndpoints(index, service, istioMutual))));
    out.usesSyncNamespace = true;

    if (istioMutual) {
      // The subsets keep the gateway endpoint (no labels); the SNI carries the subset to the host.
      DestinationRule global = globalDestinationRule(service, TrafficPolicies.istioMutual());
      TrafficRouting.addSubsets(global, spec, false);
      out.add(clientCluster.name(), IstioResources.destinationRule(versions,
          meta(globalObjectName(service), sync, file), global));
    }
    if (!spec.routes().isEmpty()) {
      out.add(clientCluster.name(), IstioResources.virtualService(versions, meta(globalObjectName(service), sync, file),
          TrafficRouting.virtualService(service, globalHost(service))));
    }

    // SIMPLE/MUTUAL, one DestinationRule per client workload (namespace + service), the first
    // client by name deciding; workloads with two different settings are MG-TLS-04.
    Map<String, ServiceClient> byWorkload = new TreeMap<>();
    for (ServiceClient client : clients) {
      if (modeOf(client).ownCertificates()) {
        byWorkload.putIfAbsent(client.spec().namespace() + "/" + client.spec().service(), client);
      }
    }
    for (ServiceClient client : byWorkload.values()) {
      ClientTLSSettings tls = TrafficPolicies.originated(modeOf(client),
          client.spec().tls() == null ? null : client.spec().tls().credentialName(), globalHost(service));
      DestinationRule dr = new DestinationRule();
      dr.setHost(globalHost(service));
      // A workloadSelector makes sidecars read credentialName, applies to the client's own
      // namespace only, and allows no exportTo beyond it.
      dr.setWorkloadSelector(new WorkloadSelector(new TreeMap<>(Map.of("app", client.spec().service()))));
      dr.setExportTo(List.of("."));
      dr.setTrafficPolicy(TrafficPolicies.global(spec, tls));
      out.add(clientCluster.name(), IstioResources.destinationRule(versions,
          meta(clientTlsObjectName(service, client), client.spec().namespace(),
              index.intents().sourceOf(client).file()), dr));
    }
  }

  // ---- shared pieces ---------------------------------------------------------------------------

  /**
   * The {@code .global} ServiceEntry: MESH_INTERNAL (Istio mTLS and policies apply), DNS resolution
   * of its one endpoint, the virtual address that sidecar DNS proxying answers for the host, and
   * visible in every namespace.
   * https://istio.io/latest/docs/reference/config/networking/service-entry/
   * https://istio.io/latest/docs/ops/configuration/traffic-management/dns-proxy/
   */
  private static ServiceEntry globalServiceEntry(InboundService service, String address, List<WorkloadEntry> endpoints) {
    ServiceEntry se = globalServiceEntry(service, address, ServiceEntryResolution.DNS, false);
    se.setEndpoints(endpoints);
    return se;
  }

  /**
   * The mesh-internal ServiceEntry of {@code <service>.<ns>.global} at {@code address}, exported to
   * every namespace, with the service's ports (and their workload ports as targetPort when the
   * entry selects pods itself).
   */
  static ServiceEntry globalServiceEntry(InboundService service, String address, ServiceEntryResolution resolution,
      boolean withTargetPorts) {
    ServiceEntry se = new ServiceEntry();
    se.setHosts(List.of(globalHost(service)));
    se.setAddresses(List.of(address));
    se.setLocation(ServiceEntryLocation.MESH_INTERNAL);
    se.setResolution(resolution);
    List<ServicePort> ports = new ArrayList<>();
    for (InboundService.Port p : service.spec().ports()) {
      ServicePort port = new ServicePort();
      port.setNumber((long) p.number());
      port.setName(p.name());
      port.setProtocol(p.protocol().name());
      if (withTargetPorts) {
        port.setTargetPort((long) p.workloadPort());
      }
      ports.add(port);
    }
    se.setPorts(ports);
    se.setExportTo(List.of("*"));
    return se;
  }

  /**
   * The {@code .global} DestinationRule beside its ServiceEntry, exported to every namespace: found
   * for callers of any namespace (lookup order: the caller's namespace, the ServiceEntry's
   * namespace, the root namespace).
   * https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration
   */
  private static DestinationRule globalDestinationRule(InboundService service, ClientTLSSettings tls) {
    DestinationRule dr = new DestinationRule();
    dr.setHost(globalHost(service));
    dr.setExportTo(List.of("*"));
    TrafficPolicy policy = TrafficPolicies.global(service.spec(), tls);
    Failover.addLocalityLoadBalancing(policy, service.spec());
    dr.setTrafficPolicy(policy);
    return dr;
  }

  /**
   * {@code *.global} AUTO_PASSTHROUGH on the east-west gateway: the SNI
   * {@code outbound_.<port>_.<subset>_.<host>} a caller's sidecar sets under ISTIO_MUTUAL names the
   * gateway's cluster, so no VirtualService is needed and the caller's mTLS reaches the pod intact.
   * https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSmode
   */
  private static HasMetadata passthroughGateway(Cluster cluster, String file) {
    Cluster.MeshGateway gw = cluster.spec().meshGateway();
    Port port = new Port();
    port.setNumber((long) gw.port());
    port.setName(PASSTHROUGH_PORT_NAME);
    port.setProtocol("TLS");
    ServerTLSSettings tls = new ServerTLSSettings();
    tls.setMode(ServerTLSSettingsTLSmode.AUTO_PASSTHROUGH);
    Server server = new Server();
    server.setPort(port);
    server.setTls(tls);
    server.setHosts(List.of("*.global"));
    Gateway gateway = new Gateway();
    gateway.setSelector(new TreeMap<>(gw.selector()));
    gateway.setServers(List.of(server));
    return IstioResources.gateway(ApiVersions.of(cluster), meta(PASSTHROUGH_GATEWAY, gw.namespace(), file), gateway);
  }

  /**
   * A Cluster's mTLS defaults: a PeerAuthentication without selector in the root namespace (the
   * whole mesh) and in each listed namespace. A workload's own PeerAuthentication (a service's) still
   * wins for its pods. https://istio.io/latest/docs/reference/config/security/peer_authentication/
   */
  private static void renderMtlsDefaults(Cluster cluster, String file, ClusterOutput out) {
    Cluster.PeerAuthenticationDefaults defaults = cluster.spec().peerAuthentication();
    if (defaults == null) {
      return;
    }
    ApiVersions versions = ApiVersions.of(cluster);
    if (defaults.mesh() != null) {
      out.add(cluster.name(), IstioResources.peerAuthentication(versions, meta(MTLS_DEFAULTS, ROOT_NAMESPACE, file),
          namespaceWide(defaults.mesh())));
    }
    defaults.namespaces().forEach((namespace, mode) -> out.add(cluster.name(), IstioResources.peerAuthentication(
        versions, meta(MTLS_DEFAULTS, namespace, file), namespaceWide(mode))));
  }

  private static PeerAuthentication namespaceWide(String mode) {
    PeerAuthentication pa = new PeerAuthentication();
    pa.setMtls(new PeerAuthenticationMutualTLS(PeerAuthenticationMutualTLSMode.valueOf(mode)));
    return pa;
  }

  /** Name, namespace, the managed-by label and the source annotation every rendered object carries. */
  static ObjectMeta meta(String name, String namespace, String sourceFile) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(new TreeMap<>(Map.of(MANAGED_BY_LABEL, MANAGED_BY)))
        .withAnnotations(new TreeMap<>(Map.of(SOURCE_ANNOTATION, sourceFile)))
        .build();
  }

  private static ObjectMeta namespaceMeta(String name, String sourceFile) {
    Map<String, String> annotations = new TreeMap<>(NO_PRUNE);
    annotations.put(SOURCE_ANNOTATION, sourceFile);
    return new ObjectMetaBuilder()
        .withName(name)
        .withLabels(new TreeMap<>(Map.of(MANAGED_BY_LABEL, MANAGED_BY)))
        .withAnnotations(annotations)
        .build();
  }

  /** A cluster's objects by output path; the first object for a path wins (names are unique by construction). */
  private static final class ClusterOutput {
    /** By path; the first object rendered at a path is kept (RenderResult puts them in path order). */
    final Map<String, RenderedObject> objects = new java.util.HashMap<>();
    boolean hostsRemotelyUsedService;
    boolean usesSyncNamespace;

    void add(String cluster, HasMetadata resource) {
      String path = RenderedObject.relativePath(resource.getKind(), resource.getMetadata().getName(),
          resource.getMetadata().getNamespace());
      // not computeIfAbsent: in C1 code each capturing lambda is made through a native call
      if (!objects.containsKey(path)) {
        objects.put(path, RenderedObject.of(cluster, resource));
      }
    }
  }
}
