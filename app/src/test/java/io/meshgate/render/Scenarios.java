package io.meshgate.render;

import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.Protocol;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.TlsMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built intent sets covering every rendering branch. */
final class Scenarios {

  private Scenarios() {}

  static TestIntents twoClusters() {
    return new TestIntents()
        .cluster("east", "lc1", "172.30.0.1")
        .cluster("west", "lc1", "west.example.org");
  }

  static ServiceClient.AccessRule access(String method, String path) {
    return new ServiceClient.AccessRule(List.of(method), List.of(path));
  }

  /** SIMPLE across clusters: TLS from the client's sidecar, terminated on the hosting gateway. */
  static IntentSet simpleTls() {
    return twoClusters()
        .service(new TestIntents.Service("billing").cluster("east").mutualTLS(TlsMode.SIMPLE)
            .credentialName("billing-tls").protocol(Protocol.HTTPS).port(8443))
        .client(new TestIntents.Client("web-to-billing").service("web").cluster("west").target("billing")
            .mutualTLS(TlsMode.SIMPLE).credentialName("billing-ca"))
        .build();
  }

  /**
   * MUTUAL across logical clouds (east and west share a root, north has its own), next to an
   * ISTIO_MUTUAL client in the same logical cloud, plus allowedNamespaces: the AuthorizationPolicy
   * names the gateway's namespace for the callers its TLS server forwards.
   */
  static IntentSet mutualAcrossClouds() {
    return twoClusters()
        .cluster(new TestIntents.ClusterBuilder("north").logicalCloud("lc2").address("203.0.113.7"))
        .service(new TestIntents.Service("ledger").namespace("finance").cluster("east").mutualTLS(TlsMode.MUTUAL)
            .credentialName("ledger-tls").protocol(Protocol.HTTP).port(9443)
            .allowedNamespaces("finance")
            .connectionPool(new InboundService.ConnectionPool(20, null, null)))
        .client(new TestIntents.Client("auditor-to-ledger").service("auditor").namespace("finance").cluster("west")
            .target("ledger").mutualTLS(TlsMode.ISTIO_MUTUAL))
        .client(new TestIntents.Client("payer-to-ledger").service("payer").namespace("finance").cluster("north")
            .target("ledger").mutualTLS(TlsMode.MUTUAL).credentialName("payer-client-tls"))
        .build();
  }

  /** What meshgate cannot render so it works (MG-TLS-04): Istio mTLS and MUTUAL clients of one host in one cluster. */
  static IntentSet mixedTlsInOneCluster() {
    return twoClusters()
        .service(new TestIntents.Service("ledger").namespace("finance").cluster("east").mutualTLS(TlsMode.MUTUAL)
            .credentialName("ledger-tls").protocol(Protocol.HTTPS).port(9443))
        .client(new TestIntents.Client("a-istio-to-ledger").service("auditor").namespace("finance").cluster("west")
            .target("ledger").mutualTLS(TlsMode.ISTIO_MUTUAL))
        .client(new TestIntents.Client("b-mutual-to-ledger").service("payer").namespace("finance").cluster("west")
            .target("ledger").mutualTLS(TlsMode.MUTUAL).credentialName("payer-client-tls"))
        .build();
  }

  /** A TCP service whose clients are authorized by identity and port only. */
  static IntentSet tcpAccessByPort() {
    return twoClusters()
        .service(new TestIntents.Service("redis").namespace("cache").cluster("east").protocol(Protocol.TCP).port(6379)
            .allowedNamespaces("shop"))
        .client(new TestIntents.Client("cart-to-redis").service("cart").namespace("shop").cluster("west")
            .target("redis"))
        .client(new TestIntents.Client("local-to-redis").service("warmer").namespace("shop").cluster("east")
            .target("redis"))
        .build();
  }

  /** Non-default sync namespaces on both sides, a gateway elsewhere, and a custom pod selector. */
  static IntentSet syncNamespaces() {
    return new TestIntents()
        .cluster(new TestIntents.ClusterBuilder("east").address("172.30.0.1").syncNamespace("mesh-sync")
            .gatewayNamespace("gateways").gatewaySelector(Map.of("app", "ew-gw")).port(15443).tlsPort(16443))
        .cluster(new TestIntents.ClusterBuilder("west").address("172.30.0.2").syncNamespace("meshgate-remote"))
        .service(new TestIntents.Service("orders").namespace("shop").cluster("east")
            .selector(Map.of("app.kubernetes.io/name", "orders")))
        .client(new TestIntents.Client("web-to-orders").service("web").namespace("front").cluster("west")
            .target("orders").access(access("GET", "/orders/*")))
        .build();
  }

  /** Clusters with different trust domains of one root, the hosting one accepting the other's. */
  static IntentSet trustDomainAliases() {
    return new TestIntents()
        .cluster(new TestIntents.ClusterBuilder("east").address("172.30.0.1").trustDomain("east.example.com")
            .trustDomainAliases("west.example.com"))
        .cluster(new TestIntents.ClusterBuilder("west").address("172.30.0.2").trustDomain("west.example.com"))
        .service(new TestIntents.Service("catalog").cluster("east"))
        .client(new TestIntents.Client("web-to-catalog").service("web").cluster("west").target("catalog")
            .access(access("GET", "/items*")))
        .build();
  }

  static IntentSet tcp() {
    return twoClusters()
        .service(new TestIntents.Service("postgres").namespace("db").cluster("east").protocol(Protocol.TCP).port(5432)
            .loadBalancing(new InboundService.LoadBalancing(null, new InboundService.ConsistentHash(
                null, null, true, null, 2048L)))
            .connectionPool(new InboundService.ConnectionPool(50, null, null)))
        .service(new TestIntents.Service("grpc-api").cluster("east").protocol(Protocol.GRPC).port(7070)
            .loadBalancing(new InboundService.LoadBalancing("LEAST_REQUEST", null))
            .connectionPool(new InboundService.ConnectionPool(null, 200, null))
            .outlierDetection(new InboundService.OutlierDetection(3, "30s", null)))
        .client(new TestIntents.Client("app-to-postgres").service("app").cluster("west").target("postgres"))
        .client(new TestIntents.Client("app-to-grpc-api").service("app").cluster("west").target("grpc-api"))
        .build();
  }

  static IntentSet headless() {
    return twoClusters()
        .service(new TestIntents.Service("cassandra").cluster("east").protocol(Protocol.TCP).port(9042).headless(true))
        .client(new TestIntents.Client("app-to-cassandra").service("app").cluster("west").target("cassandra"))
        .build();
  }

  /** A service without sidecar, called from its own cluster only: traffic settings, no PA/AP. */
  static IntentSet noSidecar() {
    return twoClusters()
        .service(new TestIntents.Service("legacy").cluster("east").sidecar(false).mutualTLS(TlsMode.SIMPLE)
            .credentialName("legacy-tls").protocol(Protocol.HTTPS).port(8443)
            .connectionPool(new InboundService.ConnectionPool(5, null, null))
            .outlierDetection(new InboundService.OutlierDetection(3, "10s", "30s")))
        .client(new TestIntents.Client("app-to-legacy").service("app").cluster("east").target("legacy")
            .mutualTLS(TlsMode.SIMPLE).credentialName("legacy-ca"))
        .build();
  }

  static IntentSet apiVersions() {
    return new TestIntents()
        .cluster("old", "lc1", "cluster.local", "10.0.0.1", "v1alpha3")
        .cluster("mid", "lc1", "mid.example", "10.0.0.2", "v1beta1")
        .cluster("new", "lc1", "cluster.local", "10.0.0.3", "v1")
        .service(new TestIntents.Service("api").cluster("old")
            .allowedNamespaces("default"))
        .service(new TestIntents.Service("catalog").cluster("mid"))
        .client(new TestIntents.Client("mid-to-api").service("shop").cluster("mid").target("api")
            .access(access("GET", "/v1/*")))
        .client(new TestIntents.Client("new-to-api").service("shop").cluster("new").target("api"))
        .client(new TestIntents.Client("old-to-catalog").service("shop").cluster("old").target("catalog"))
        // TLS-terminating gateway servers and VirtualServices in the older API versions too.
        .service(new TestIntents.Service("quotes").cluster("old").mutualTLS(TlsMode.SIMPLE).credentialName("q-tls"))
        .service(new TestIntents.Service("rates").cluster("mid").mutualTLS(TlsMode.MUTUAL).credentialName("r-tls"))
        .client(new TestIntents.Client("new-to-quotes").service("shop").cluster("new").target("quotes")
            .mutualTLS(TlsMode.SIMPLE).credentialName("ca"))
        .client(new TestIntents.Client("new-to-rates").service("shop").cluster("new").target("rates")
            .mutualTLS(TlsMode.MUTUAL).credentialName("cert"))
        .build();
  }

  static IntentSet allowedNamespaces() {
    return twoClusters()
        .service(new TestIntents.Service("reports").cluster("east").allowedNamespaces("default", "analytics"))
        .service(new TestIntents.Service("open").cluster("east"))
        .client(new TestIntents.Client("bi-to-reports").service("bi").namespace("analytics").cluster("west")
            .target("reports"))
        .client(new TestIntents.Client("bi-to-open").service("bi").namespace("analytics").cluster("west")
            .target("open"))
        .build();
  }

  static IntentSet manyServices(int count) {
    TestIntents t = twoClusters();
    for (int i = 0; i < count; i++) {
      String name = String.format("svc%02d", i);
      String host = i % 2 == 0 ? "east" : "west";
      String other = i % 2 == 0 ? "west" : "east";
      InboundService.ConsistentHash hash = switch (i % 3) {
        case 0 -> new InboundService.ConsistentHash(null, "x-user", null, null, null);
        case 1 -> new InboundService.ConsistentHash(null, null, null, "session", 1024L);
        default -> new InboundService.ConsistentHash(new InboundService.HttpCookie("sticky", "/", "60s"),
            null, null, null, null);
      };
      t.service(new TestIntents.Service(name).cluster(host).port(8000 + i)
          .loadBalancing(new InboundService.LoadBalancing(null, hash)));
      t.client(new TestIntents.Client("c-" + name).service("caller").cluster(other).target(name)
          .access(access("GET", "/" + name + "/*")));
    }
    return t.build();
  }

  /** Every scenario by name, the seed first. */
  static Map<String, IntentSet> all() {
    Map<String, IntentSet> all = new LinkedHashMap<>();
    all.put("seed", TestIntents.seed());
    all.put("simple-tls", simpleTls());
    all.put("mutual-across-clouds", mutualAcrossClouds());
    all.put("mixed-tls-in-one-cluster", mixedTlsInOneCluster());
    all.put("tcp-access-by-port", tcpAccessByPort());
    all.put("sync-namespaces", syncNamespaces());
    all.put("trust-domain-aliases", trustDomainAliases());
    all.put("tcp", tcp());
    all.put("headless", headless());
    all.put("no-sidecar", noSidecar());
    all.put("api-versions", apiVersions());
    all.put("allowed-namespaces", allowedNamespaces());
    all.put("many-services", manyServices(40));
    return all;
  }
}
