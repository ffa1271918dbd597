package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsHTTPSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsTCPSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.IsLoadBalancerSettingsConsistentHashLBHashKey;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHash;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLB;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHTTPCookie_;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpCookie;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpHeaderName;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpQueryParameterName;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBUseSourceIp;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimple;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimpleLB;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryLocation;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryResolution;
import io.fabric8.istio.api.api.networking.v1alpha3.ServicePort;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
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
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.TlsMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Renders the Istio objects of every cluster from an {@link IntentSet} (contract section 2).
 * Deterministic: iterates sorted maps only and reads no clock.
 *
 * <p>References to unknown clusters or services are skipped here (policy MG-REF-01 reports them);
 * everything that can be rendered is.
 */
public final class Renderer {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "meshgate";
  public static final String SOURCE_ANNOTATION = "meshgate.io/source";

  /** Renders every cluster; {@code previous} keeps virtual addresses stable. */
  public RenderResult render(IntentSet intents, AllocationLedger previous) {
    // Per cluster, objects keyed by their output path: the first object for a path wins, so a
    // hosted service's own DestinationRule is never replaced by a client-side one of the same name.
    SortedMap<String, SortedMap<String, RenderedObject>> byCluster = new TreeMap<>();
    for (String cluster : intents.clusters().keySet()) {
      byCluster.put(cluster, new TreeMap<>());
    }

    for (InboundService service : intents.services().values()) {
      Cluster host = intents.clusters().get(service.spec().cluster());
      if (host != null) {
        renderHosted(intents, service, host, byCluster.get(host.name()));
      }
    }

    SortedMap<String, SortedMap<String, String>> demand = addressDemand(intents);
    AllocationLedger ledger = AddressAllocator.allocate(previous, demand);

    for (InboundService service : intents.services().values()) {
      Cluster host = intents.clusters().get(service.spec().cluster());
      if (host == null) {
        continue;
      }
      for (Map.Entry<String, List<ServiceClient>> e : remoteClientsByCluster(intents, service).entrySet()) {
        Cluster clientCluster = intents.clusters().get(e.getKey());
        String address = ledger.addressOf(clientCluster.name(), globalHost(service));
        renderRemote(intents, service, host, clientCluster, e.getValue(), address,
            byCluster.get(clientCluster.name()));
      }
    }

    for (ServiceClient client : intents.clients().values()) {
      Cluster clientCluster = intents.clusters().get(client.spec().cluster());
      if (clientCluster != null && client.spec().mutualTLS() == TlsMode.ISTIO_MUTUAL) {
        renderClientSide(intents, client, clientCluster, byCluster.get(clientCluster.name()));
      }
    }

    SortedMap<String, List<RenderedObject>> clusters = new TreeMap<>();
    byCluster.forEach((cluster, objects) -> clusters.put(cluster, new ArrayList<>(objects.values())));
    return new RenderResult(clusters, ledger);
  }

  /** {@code <service>.<namespace>.global}: the name clients in other clusters use. */
  public static String globalHost(InboundService service) {
    return service.spec().service() + "." + service.spec().namespace() + ".global";
  }

  /** {@code <service>-<namespace>-global}: the name of the ServiceEntry and DestinationRule. */
  public static String globalObjectName(InboundService service) {
    return service.spec().service() + "-" + service.spec().namespace() + "-global";
  }

  /** The mesh port's name: {@code <protocol lower>-<port>}. */
  public static String portName(InboundService service) {
    return service.spec().protocol().name().toLowerCase(Locale.ROOT) + "-" + service.spec().port();
  }

  // ---- hosting cluster -------------------------------------------------------------------------

  private void renderHosted(IntentSet intents, InboundService service, Cluster host,
      SortedMap<String, RenderedObject> out) {
    InboundService.Spec spec = service.spec();
    if (!spec.sidecar()) {
      // Without istio-proxy nothing enforces a DestinationRule, PeerAuthentication or
      // AuthorizationPolicy on the server side; MG-SIDECAR-01 reports settings that need one.
      return;
    }
    String file = intents.sourceOf(service).file();
    ApiVersions versions = ApiVersions.of(host);
    ObjectMeta meta = meta(spec.service(), spec.namespace(), file);

    var drSpec = new io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule();
    drSpec.setHost(spec.service() + "." + spec.namespace() + ".svc.cluster.local");
    drSpec.setTrafficPolicy(trafficPolicy(spec));
    add(out, host.name(), destinationRule(versions, meta, drSpec));

    var paSpec = new io.fabric8.istio.api.api.security.v1beta1.PeerAuthentication();
    paSpec.setSelector(new WorkloadSelector(new TreeMap<>(Map.of("app", spec.service()))));
    // ISTIO_MUTUAL: only Istio mTLS is accepted. SIMPLE and MUTUAL: the application (or its own
    // certificates) terminates TLS, so the sidecar must let non-Istio traffic through.
    paSpec.setMtls(new PeerAuthenticationMutualTLS(spec.mutualTLS() == TlsMode.ISTIO_MUTUAL
        ? PeerAuthenticationMutualTLSMode.STRICT : PeerAuthenticationMutualTLSMode.PERMISSIVE));
    add(out, host.name(), peerAuthentication(versions, meta(spec.service(), spec.namespace(), file), paSpec));

    List<Rule> rules = authorizationRules(intents, service);
    if (!rules.isEmpty()) {
      // An ALLOW policy with no rules would deny every request, so none is rendered then.
      var apSpec = new io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy();
      apSpec.setSelector(new WorkloadSelector(new TreeMap<>(Map.of("app", spec.service()))));
      apSpec.setAction(AuthorizationPolicyAction.ALLOW);
      apSpec.setRules(rules);
      add(out, host.name(), authorizationPolicy(versions, meta(spec.service(), spec.namespace(), file), apSpec));
    }
  }

  private static TrafficPolicy trafficPolicy(InboundService.Spec spec) {
    TrafficPolicy policy = new TrafficPolicy();
    policy.setTls(clientTls(spec.mutualTLS(), spec.tls() == null ? null : spec.tls().credentialName()));
    if (spec.loadBalancing() != null) {
      policy.setLoadBalancer(loadBalancer(spec.loadBalancing()));
    }
    if (spec.connectionPool() != null) {
      policy.setConnectionPool(connectionPool(spec.connectionPool()));
    }
    if (spec.outlierDetection() != null) {
      InboundService.OutlierDetection od = spec.outlierDetection();
      var outlier = new io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection();
      outlier.setConsecutive5xxErrors(od.consecutive5xxErrors());
      outlier.setInterval(od.interval());
      outlier.setBaseEjectionTime(od.baseEjectionTime());
      policy.setOutlierDetection(outlier);
    }
    return policy;
  }

  private static ClientTLSSettings clientTls(TlsMode mode, String credentialName) {
    ClientTLSSettings tls = new ClientTLSSettings();
    tls.setMode(ClientTLSSettingsTLSmode.valueOf(mode.name()));
    if (mode != TlsMode.ISTIO_MUTUAL) {
      tls.setCredentialName(credentialName);
    }
    return tls;
  }

  private static LoadBalancerSettings loadBalancer(InboundService.LoadBalancing lb) {
    LoadBalancerSettings settings = new LoadBalancerSettings();
    if (lb.simple() != null) {
      settings.setLbPolicy(new LoadBalancerSettingsSimple(simpleLb(lb.simple())));
    } else if (lb.consistentHash() != null) {
      InboundService.ConsistentHash ch = lb.consistentHash();
      LoadBalancerSettingsConsistentHashLB hash = new LoadBalancerSettingsConsistentHashLB();
      hash.setHashKey(hashKey(ch));
      // The Fabric8 7.5.2 model cannot express ringHash.minimumRingSize (its RingHash type is
      // self-referential), so the top-level field every Istio release accepts is used.
      hash.setMinimumRingSize(ch.minimumRingSize());
      settings.setLbPolicy(new LoadBalancerSettingsConsistentHash(hash));
    }
    return settings;
  }

  private static LoadBalancerSettingsSimpleLB simpleLb(String name) {
    try {
      return LoadBalancerSettingsSimpleLB.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown loadBalancing.simple value '" + name + "'");
    }
  }

  private static IsLoadBalancerSettingsConsistentHashLBHashKey hashKey(InboundService.ConsistentHash ch) {
    if (ch.httpCookie() != null) {
      var cookie = new LoadBalancerSettingsConsistentHashLBHTTPCookie_();
      cookie.setName(ch.httpCookie().name());
      cookie.setPath(ch.httpCookie().path());
      cookie.setTtl(ch.httpCookie().ttl());
      return new LoadBalancerSettingsConsistentHashLBHttpCookie(cookie);
    }
    if (ch.httpHeaderName() != null) {
      return new LoadBalancerSettingsConsistentHashLBHttpHeaderName(ch.httpHeaderName());
    }
    if (ch.useSourceIp() != null) {
      return new LoadBalancerSettingsConsistentHashLBUseSourceIp(ch.useSourceIp());
    }
    if (ch.httpQueryParameterName() != null) {
      return new LoadBalancerSettingsConsistentHashLBHttpQueryParameterName(ch.httpQueryParameterName());
    }
    return null;
  }

  private static ConnectionPoolSettings connectionPool(InboundService.ConnectionPool cp) {
    ConnectionPoolSettings pool = new ConnectionPoolSettings();
    if (cp.maxConnections() != null) {
      ConnectionPoolSettingsTCPSettings tcp = new ConnectionPoolSettingsTCPSettings();
      tcp.setMaxConnections(cp.maxConnections());
      pool.setTcp(tcp);
    }
    if (cp.http2MaxRequests() != null || cp.maxRequestsPerConnection() != null) {
      ConnectionPoolSettingsHTTPSettings http = new ConnectionPoolSettingsHTTPSettings();
      http.setHttp2MaxRequests(cp.http2MaxRequests());
      http.setMaxRequestsPerConnection(cp.maxRequestsPerConnection());
      pool.setHttp(http);
    }
    return pool;
  }

  /**
   * One rule per client of the service (by client name) and one for allowedNamespaces. A client
   * with {@code access} gets one operation per entry; a client without {@code access} ("no
   * request-level restriction") gets a rule without {@code to}, so it is not locked out by the
   * ALLOW policy that other clients' access lists create. When no client has access and no
   * namespaces are listed, there are no rules and no policy.
   */
  private static List<Rule> authorizationRules(IntentSet intents, InboundService service) {
    List<ServiceClient> clients = clientsOf(intents, service);
    boolean anyAccess = clients.stream().anyMatch(c -> c.spec().access() != null && !c.spec().access().isEmpty());
    List<String> namespaces = service.spec().allowedNamespaces();
    boolean hasNamespaces = namespaces != null && !namespaces.isEmpty();
    List<Rule> rules = new ArrayList<>();
    if (!anyAccess && !hasNamespaces) {
      return rules;
    }
    for (ServiceClient client : clients) {
      Cluster clientCluster = intents.clusters().get(client.spec().cluster());
      if (clientCluster == null) {
        continue;
      }
      Source source = new Source();
      source.setPrincipals(List.of(principal(clientCluster, client)));
      Rule rule = new Rule();
      rule.setFrom(List.of(new RuleFrom(source)));
      List<ServiceClient.AccessRule> access = client.spec().access();
      if (access != null && !access.isEmpty()) {
        List<RuleTo> to = new ArrayList<>();
        for (ServiceClient.AccessRule entry : access) {
          Operation operation = new Operation();
          operation.setMethods(entry.methods());
          operation.setPaths(entry.paths());
          to.add(new RuleTo(operation));
        }
        rule.setTo(to);
      }
      rules.add(rule);
    }
    if (hasNamespaces) {
      Source source = new Source();
      source.setNamespaces(List.copyOf(namespaces));
      Rule rule = new Rule();
      rule.setFrom(List.of(new RuleFrom(source)));
      rules.add(rule);
    }
    return rules;
  }

  /** SPIFFE principal as Istio writes it: {@code <trustDomain>/ns/<namespace>/sa/<serviceAccount>}. */
  static String principal(Cluster clientCluster, ServiceClient client) {
    String trustDomain = clientCluster.spec().trustDomain() == null ? "cluster.local" : clientCluster.spec().trustDomain();
    String sa = client.spec().serviceAccount() == null ? client.spec().service() : client.spec().serviceAccount();
    return trustDomain + "/ns/" + client.spec().namespace() + "/sa/" + sa;
  }

  // ---- client clusters -------------------------------------------------------------------------

  private static List<ServiceClient> clientsOf(IntentSet intents, InboundService service) {
    return intents.clients().values().stream()
        .filter(c -> service.name().equals(c.spec().target()))
        .toList();
  }

  /** Clients of {@code service} in known clusters other than its host, grouped by cluster. */
  private static SortedMap<String, List<ServiceClient>> remoteClientsByCluster(IntentSet intents,
      InboundService service) {
    SortedMap<String, List<ServiceClient>> out = new TreeMap<>();
    for (ServiceClient client : clientsOf(intents, service)) {
      String cluster = client.spec().cluster();
      if (!cluster.equals(service.spec().cluster()) && intents.clusters().containsKey(cluster)) {
        out.computeIfAbsent(cluster, k -> new ArrayList<>()).add(client);
      }
    }
    return out;
  }

  /** Every (client cluster, global host) that gets a ServiceEntry, with its pinned address or null. */
  private static SortedMap<String, SortedMap<String, String>> addressDemand(IntentSet intents) {
    SortedMap<String, SortedMap<String, String>> demand = new TreeMap<>();
    for (InboundService service : intents.services().values()) {
      if (!intents.clusters().containsKey(service.spec().cluster())) {
        continue;
      }
      for (String cluster : remoteClientsByCluster(intents, service).keySet()) {
        demand.computeIfAbsent(cluster, k -> new TreeMap<>()).put(globalHost(service), service.spec().address());
      }
    }
    return demand;
  }

  private void renderRemote(IntentSet intents, InboundService service, Cluster host, Cluster clientCluster,
      List<ServiceClient> clients, String address, SortedMap<String, RenderedObject> out) {
    InboundService.Spec spec = service.spec();
    String file = intents.sourceOf(service).file();
    ApiVersions versions = ApiVersions.of(clientCluster);
    String name = globalObjectName(service);
    String portName = portName(service);

    var seSpec = new io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry();
    seSpec.setHosts(List.of(globalHost(service)));
    seSpec.setLocation(ServiceEntryLocation.MESH_INTERNAL);
    seSpec.setResolution(ServiceEntryResolution.DNS);
    ServicePort port = new ServicePort();
    port.setNumber((long) spec.port());
    port.setName(portName);
    port.setProtocol(spec.protocol().name());
    seSpec.setPorts(List.of(port));
    seSpec.setAddresses(List.of(address));
    WorkloadEntry endpoint = new WorkloadEntry();
    endpoint.setAddress(host.spec().meshGateway().address());
    endpoint.setPorts(new TreeMap<>(Map.of(portName, (long) host.spec().meshGateway().port())));
    seSpec.setEndpoints(List.of(endpoint));
    add(out, clientCluster.name(), serviceEntry(versions, meta(name, spec.namespace(), file), seSpec));

    ServiceClient tlsSource = tlsSource(service, clients);
    var drSpec = new io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule();
    drSpec.setHost(globalHost(service));
    TrafficPolicy policy = new TrafficPolicy();
    TlsMode mode = tlsSource.spec().mutualTLS() == null ? TlsMode.ISTIO_MUTUAL : tlsSource.spec().mutualTLS();
    policy.setTls(clientTls(mode, tlsSource.spec().tls() == null ? null : tlsSource.spec().tls().credentialName()));
    drSpec.setTrafficPolicy(policy);
    add(out, clientCluster.name(), destinationRule(versions, meta(name, spec.namespace(), file), drSpec));
  }

  /**
   * The client whose TLS settings the cluster-wide DestinationRule of a global host follows. Istio
   * applies one DestinationRule per host, so when clients in one cluster disagree, a client using
   * the target's own mode wins (the others cannot talk to it anyway, see MG-TLS-01), and among
   * equals the first by metadata.name.
   */
  private static ServiceClient tlsSource(InboundService service, List<ServiceClient> clients) {
    for (ServiceClient client : clients) {
      if (client.spec().mutualTLS() == service.spec().mutualTLS()) {
        return client;
      }
    }
    return clients.get(0);
  }

  private void renderClientSide(IntentSet intents, ServiceClient client, Cluster clientCluster,
      SortedMap<String, RenderedObject> out) {
    ServiceClient.Spec spec = client.spec();
    var drSpec = new io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule();
    drSpec.setHost(spec.service() + "." + spec.namespace() + ".svc.cluster.local");
    TrafficPolicy policy = new TrafficPolicy();
    policy.setTls(clientTls(TlsMode.ISTIO_MUTUAL, null));
    drSpec.setTrafficPolicy(policy);
    ObjectMeta meta = meta(spec.service(), spec.namespace(), intents.sourceOf(client).file());
    add(out, clientCluster.name(), destinationRule(ApiVersions.of(clientCluster), meta, drSpec));
  }

  // ---- objects ---------------------------------------------------------------------------------

  private static void add(SortedMap<String, RenderedObject> out, String cluster, HasMetadata resource) {
    RenderedObject object = RenderedObject.of(cluster, resource);
    out.putIfAbsent(object.relativePath(), object);
  }

  private static ObjectMeta meta(String name, String namespace, String sourceFile) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(new TreeMap<>(Map.of(MANAGED_BY_LABEL, MANAGED_BY)))
        .withAnnotations(new TreeMap<>(Map.of(SOURCE_ANNOTATION, sourceFile)))
        .build();
  }

  /** The Istio API versions a cluster asked for ({@code Cluster.spec.istioApiVersion}). */
  record ApiVersions(String networking, String security) {
    static ApiVersions of(Cluster cluster) {
      String asked = cluster.spec().istioApiVersion();
      if (asked == null || asked.equals("v1")) {
        return new ApiVersions("v1", "v1");
      }
      if (asked.equals("v1beta1")) {
        return new ApiVersions("v1beta1", "v1beta1");
      }
      if (asked.equals("v1alpha3")) {
        // security.istio.io has no v1alpha3; v1beta1 is the oldest version still served.
        return new ApiVersions("v1alpha3", "v1beta1");
      }
      throw new IllegalArgumentException("cluster " + cluster.name() + ": unknown istioApiVersion '" + asked
          + "' (expected v1, v1beta1 or v1alpha3)");
    }
  }

  // Each Istio API version is its own Fabric8 class, but all versions share one spec type.
  private static HasMetadata destinationRule(ApiVersions v, ObjectMeta meta,
      io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule spec) {
    return switch (v.networking()) {
      case "v1beta1" -> withMeta(new io.fabric8.istio.api.networking.v1beta1.DestinationRule(), meta, o -> o.setSpec(spec));
      case "v1alpha3" -> withMeta(new io.fabric8.istio.api.networking.v1alpha3.DestinationRule(), meta, o -> o.setSpec(spec));
      default -> withMeta(new io.fabric8.istio.api.networking.v1.DestinationRule(), meta, o -> o.setSpec(spec));
    };
  }

  private static HasMetadata serviceEntry(ApiVersions v, ObjectMeta meta,
      io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry spec) {
    return switch (v.networking()) {
      case "v1beta1" -> withMeta(new io.fabric8.istio.api.networking.v1beta1.ServiceEntry(), meta, o -> o.setSpec(spec));
      case "v1alpha3" -> withMeta(new io.fabric8.istio.api.networking.v1alpha3.ServiceEntry(), meta, o -> o.setSpec(spec));
      default -> withMeta(new io.fabric8.istio.api.networking.v1.ServiceEntry(), meta, o -> o.setSpec(spec));
    };
  }

  private static HasMetadata peerAuthentication(ApiVersions v, ObjectMeta meta,
      io.fabric8.istio.api.api.security.v1beta1.PeerAuthentication spec) {
    return v.security().equals("v1beta1")
        ? withMeta(new io.fabric8.istio.api.security.v1beta1.PeerAuthentication(), meta, o -> o.setSpec(spec))
        : withMeta(new io.fabric8.istio.api.security.v1.PeerAuthentication(), meta, o -> o.setSpec(spec));
  }

  private static HasMetadata authorizationPolicy(ApiVersions v, ObjectMeta meta,
      io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy spec) {
    return v.security().equals("v1beta1")
        ? withMeta(new io.fabric8.istio.api.security.v1beta1.AuthorizationPolicy(), meta, o -> o.setSpec(spec))
        : withMeta(new io.fabric8.istio.api.security.v1.AuthorizationPolicy(), meta, o -> o.setSpec(spec));
  }

  private static <T extends HasMetadata> T withMeta(T object, ObjectMeta meta, Consumer<T> setSpec) {
    object.setMetadata(meta);
    setSpec.accept(object);
    return object;
  }
}
