package io.meshgate.render;

import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.Intent;
import io.meshgate.intent.IntentRef;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.Metadata;
import io.meshgate.intent.Protocol;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.SourceLocation;
import io.meshgate.intent.TlsMode;
import io.meshgate.intent.TlsRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds IntentSets by hand (defaults filled in, as the loader would). */
final class TestIntents {

  private final TreeMap<String, Cluster> clusters = new TreeMap<>();
  private final TreeMap<String, InboundService> services = new TreeMap<>();
  private final TreeMap<String, ServiceClient> clients = new TreeMap<>();
  private final TreeMap<IntentRef, SourceLocation> sources = new TreeMap<>();

  TestIntents cluster(String name, String logicalCloud, String gatewayAddress) {
    return cluster(name, logicalCloud, "cluster.local", gatewayAddress, null);
  }

  TestIntents cluster(String name, String logicalCloud, String trustDomain, String gatewayAddress,
      String istioApiVersion) {
    return add(new Cluster(meta(name), new Cluster.Spec(logicalCloud, trustDomain, null,
        new Cluster.MeshGateway(gatewayAddress, 15443), istioApiVersion)), "intents/clusters.yaml");
  }

  /** A cluster with v2 settings (sync namespace, gateway, trust domain aliases). */
  TestIntents cluster(ClusterBuilder c) {
    return add(c.build(), "intents/clusters.yaml");
  }

  TestIntents service(Service s) {
    return add(s.build(), "intents/services/" + s.name + ".yaml");
  }

  TestIntents client(Client c) {
    return add(c.build(), "intents/clients/" + c.name + ".yaml");
  }

  TestIntents add(Intent intent, String file) {
    if (intent instanceof Cluster c) {
      clusters.put(c.name(), c);
    } else if (intent instanceof InboundService s) {
      services.put(s.name(), s);
    } else if (intent instanceof ServiceClient c) {
      clients.put(c.name(), c);
    }
    sources.put(new IntentRef(intent.kind(), intent.name()), new SourceLocation(file, 1, 1));
    return this;
  }

  TestIntents remove(String serviceName) {
    services.remove(serviceName);
    return this;
  }

  IntentSet build() {
    return new IntentSet(clusters, services, clients, sources);
  }

  static Metadata meta(String name) {
    return new Metadata(name, null, Map.of());
  }

  /** The seed scenario of repo-fixtures/seed/intents, as the loader fills it in. */
  static IntentSet seed() {
    TestIntents t = new TestIntents();
    t.add(new Cluster(meta("cluster01"), new Cluster.Spec("lc1", "cluster.local", "network1",
        new Cluster.MeshGateway("172.25.55.210", 15443), null)), "intents/clusters/clusters.yaml");
    t.add(new Cluster(meta("cluster02"), new Cluster.Spec("lc1", "cluster.local", "network2",
        new Cluster.MeshGateway("172.25.55.50", 15443), null)), "intents/clusters/clusters.yaml");
    t.add(new Service("httpbin").app("app1").cluster("cluster02").port(8000).build(),
        "intents/services/httpbin.yaml");
    t.add(new Service("productpage").app("bookinfo").cluster("cluster01").port(9080)
        .loadBalancing(new InboundService.LoadBalancing(null, new InboundService.ConsistentHash(
            new InboundService.HttpCookie("user1", null, "0s"), null, null, null, null)))
        .connectionPool(new InboundService.ConnectionPool(10, 1000, 100))
        .outlierDetection(new InboundService.OutlierDetection(8, "5m", "15m"))
        .build(), "intents/services/productpage.yaml");
    t.add(new Client("sleep-to-httpbin").app("app1").service("sleep").cluster("cluster01").target("httpbin")
        .access(new ServiceClient.AccessRule(List.of("GET"), List.of("/status*")),
            new ServiceClient.AccessRule(List.of("POST"), List.of("/headers")))
        .build(), "intents/clients/sleep-to-httpbin.yaml");
    t.add(new Client("sleep-to-productpage").app("bookinfo").service("sleep").cluster("cluster02")
        .target("productpage")
        .access(new ServiceClient.AccessRule(List.of("GET"), List.of("/static*")),
            new ServiceClient.AccessRule(List.of("GET"), List.of("/api/v1/products")))
        .build(), "intents/clients/productpage-clients.yaml");
    t.add(new Client("bookinfo-user-to-productpage").app("bookinfo").service("bookinfo-user").cluster("cluster02")
        .target("productpage")
        .access(new ServiceClient.AccessRule(List.of("GET"), List.of("/static*")),
            new ServiceClient.AccessRule(List.of("GET"), List.of("/api/v1/products")))
        .build(), "intents/clients/productpage-clients.yaml");
    return t.build();
  }

  /** A Cluster with the loader's defaults; setters return this. */
  static final class ClusterBuilder {
    final String name;
    String logicalCloud = "lc1";
    String trustDomain = "cluster.local";
    String address = "10.0.0.1";
    int port;
    int tlsPort;
    Map<String, String> gatewaySelector;
    String gatewayNamespace;
    String istioApiVersion;
    String syncNamespace;
    List<String> trustDomainAliases;
    boolean dnsProxying = true;

    ClusterBuilder(String name) {
      this.name = name;
    }

    ClusterBuilder logicalCloud(String v) { logicalCloud = v; return this; }
    ClusterBuilder trustDomain(String v) { trustDomain = v; return this; }
    ClusterBuilder address(String v) { address = v; return this; }
    ClusterBuilder port(int v) { port = v; return this; }
    ClusterBuilder tlsPort(int v) { tlsPort = v; return this; }
    ClusterBuilder gatewaySelector(Map<String, String> v) { gatewaySelector = v; return this; }
    ClusterBuilder gatewayNamespace(String v) { gatewayNamespace = v; return this; }
    ClusterBuilder istioApiVersion(String v) { istioApiVersion = v; return this; }
    ClusterBuilder syncNamespace(String v) { syncNamespace = v; return this; }
    ClusterBuilder trustDomainAliases(String... v) { trustDomainAliases = List.of(v); return this; }

    Cluster build() {
      return new Cluster(meta(name), new Cluster.Spec(logicalCloud, trustDomain, null,
          new Cluster.MeshGateway(address, port, tlsPort, gatewaySelector, gatewayNamespace), istioApiVersion,
          syncNamespace, trustDomainAliases, dnsProxying));
    }
  }

  /** An InboundService with the loader's defaults; setters return this. */
  static final class Service {
    final String name;
    String app = "app";
    String service;
    String namespace = "default";
    String cluster = "cluster01";
    Protocol protocol = Protocol.HTTP;
    int port = 8000;
    List<InboundService.Port> ports;
    boolean headless;
    boolean podHostnames;
    boolean sidecar = true;
    TlsMode mutualTLS = TlsMode.ISTIO_MUTUAL;
    TlsRef tls;
    InboundService.LoadBalancing loadBalancing;
    InboundService.ConnectionPool connectionPool;
    InboundService.OutlierDetection outlierDetection;
    List<String> allowedNamespaces;
    String address;
    Map<String, String> selector;

    Service(String name) {
      this.name = name;
      this.service = name;
    }

    Service app(String v) { app = v; return this; }
    Service service(String v) { service = v; return this; }
    Service namespace(String v) { namespace = v; return this; }
    Service cluster(String v) { cluster = v; return this; }
    Service protocol(Protocol v) { protocol = v; return this; }
    Service port(int v) { port = v; return this; }
    Service ports(InboundService.Port... v) { ports = List.of(v); return this; }
    Service headless(boolean v) { headless = v; return this; }
    Service podHostnames(boolean v) { podHostnames = v; return this; }
    Service sidecar(boolean v) { sidecar = v; return this; }
    Service mutualTLS(TlsMode v) { mutualTLS = v; return this; }
    Service credentialName(String v) { tls = new TlsRef(v); return this; }
    Service loadBalancing(InboundService.LoadBalancing v) { loadBalancing = v; return this; }
    Service connectionPool(InboundService.ConnectionPool v) { connectionPool = v; return this; }
    Service outlierDetection(InboundService.OutlierDetection v) { outlierDetection = v; return this; }
    Service allowedNamespaces(String... v) { allowedNamespaces = List.of(v); return this; }
    Service address(String v) { address = v; return this; }
    Service selector(Map<String, String> v) { selector = v; return this; }

    InboundService build() {
      return new InboundService(meta(name), new InboundService.Spec(app, service, namespace, cluster,
          ports == null ? protocol : null, ports == null ? port : null, ports, headless, podHostnames, sidecar,
          mutualTLS, tls, loadBalancing, connectionPool, outlierDetection, allowedNamespaces, address, selector));
    }
  }

  /** A ServiceClient with the loader's defaults; setters return this. */
  static final class Client {
    final String name;
    String app = "app";
    String service = "sleep";
    String namespace = "default";
    String cluster = "cluster01";
    String serviceAccount;
    boolean sidecar = true;
    boolean headless;
    String target;
    TlsMode mutualTLS = TlsMode.ISTIO_MUTUAL;
    TlsRef tls;
    List<ServiceClient.AccessRule> access;

    Client(String name) {
      this.name = name;
    }

    Client app(String v) { app = v; return this; }
    Client service(String v) { service = v; return this; }
    Client namespace(String v) { namespace = v; return this; }
    Client cluster(String v) { cluster = v; return this; }
    Client serviceAccount(String v) { serviceAccount = v; return this; }
    Client sidecar(boolean v) { sidecar = v; return this; }
    Client target(String v) { target = v; return this; }
    Client mutualTLS(TlsMode v) { mutualTLS = v; return this; }
    Client credentialName(String v) { tls = new TlsRef(v); return this; }
    Client access(ServiceClient.AccessRule... v) { access = new ArrayList<>(List.of(v)); return this; }

    ServiceClient build() {
      return new ServiceClient(meta(name), new ServiceClient.Spec(app, service, namespace, cluster,
          serviceAccount == null ? service : serviceAccount, sidecar, headless, target, mutualTLS, tls, access));
    }
  }
}
