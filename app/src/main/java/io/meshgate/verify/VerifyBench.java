package io.meshgate.verify;

import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.Metadata;
import io.meshgate.intent.Protocol;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.TlsMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Benchmark hook for the simulator (not a test: no assertion on time). Generates a deterministic
 * contract-v2 mesh (services spread over clusters, clients in other clusters, the objects section 2
 * renders for them) and times the model build and a full verify with probes.
 *
 * <pre>java -cp app/target/meshgate.jar io.meshgate.verify.VerifyBench [services] [clientsPerService] [clusters]</pre>
 */
public final class VerifyBench {
  private VerifyBench() {}

  /** What one run measured. */
  public record Figures(int services, int clients, int clusters, int objects, int edges, int probes, boolean ok,
      long buildMillis, long verifyMillis) {
    @Override
    public String toString() {
      return String.format("verify bench: %d services, %d clients, %d clusters, %d objects: model %d ms, "
          + "verify %d ms (%d edges, %d probes, %s)", services, clients, clusters, objects, buildMillis, verifyMillis,
          edges, probes, ok ? "all as expected" : "NOT ok");
    }
  }

  public static void main(String[] args) {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int perService = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int clusters = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    measure(Math.max(1, services / 10), perService, clusters); // warm-up
    Figures small = measure(Math.max(1, services / 10), perService, clusters);
    Figures large = measure(services, perService, clusters);
    System.out.println(small);
    System.out.println(large);
    System.out.printf("verify bench: %dx the services took %.1fx the time%n", services / Math.max(1, services / 10),
        (double) (large.buildMillis + large.verifyMillis) / Math.max(1, small.buildMillis + small.verifyMillis));
  }

  public static Figures measure(int serviceCount, int clientsPerService, int clusterCount) {
    SyntheticMesh mesh = SyntheticMesh.generate(serviceCount, clientsPerService, clusterCount);
    long t0 = System.nanoTime();
    MeshModel model = MeshModel.build(mesh.intents, mesh.objects);
    long t1 = System.nanoTime();
    Verifier.Result result = new Verifier(mesh.intents, model).run(true);
    long t2 = System.nanoTime();
    int objects = mesh.objects.values().stream().mapToInt(List::size).sum();
    return new Figures(serviceCount, mesh.intents.clients().size(), clusterCount, objects, result.edges().size(),
        result.probes().size(), result.ok(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
  }

  /** Intents and their contract-v2 objects, generated without the renderer so only verify is timed. */
  static final class SyntheticMesh {
    IntentSet intents;
    Map<String, List<Map<String, Object>>> objects = new TreeMap<>();

    static SyntheticMesh generate(int serviceCount, int clientsPerService, int clusterCount) {
      SyntheticMesh m = new SyntheticMesh();
      Map<String, Cluster> clusters = new TreeMap<>();
      for (int c = 0; c < clusterCount; c++) {
        String name = "cluster" + c;
        clusters.put(name, new Cluster(new Metadata(name, null, null), new Cluster.Spec("lc1", null, null,
            new Cluster.MeshGateway("10.1." + (c / 250) + "." + (c % 250 + 1), 0, 0, null, null), null, null, null, true)));
        m.objects.put(name, new ArrayList<>());
        m.objects.get(name).add(object("networking.istio.io/v1", "Gateway", "istio-system", "meshgate-eastwest", Map.of(
            "selector", Map.of("istio", "eastwestgateway"),
            "servers", List.of(Map.of("port", Map.of("number", 15443, "name", "tls-meshgate", "protocol", "TLS"),
                "tls", Map.of("mode", "AUTO_PASSTHROUGH"), "hosts", List.of("*.global"))))));
      }
      Map<String, InboundService> services = new TreeMap<>();
      Map<String, ServiceClient> clients = new TreeMap<>();
      for (int s = 0; s < serviceCount; s++) {
        String name = "svc" + s;
        String namespace = "ns" + (s % 100);
        String host = "cluster" + (s % clusterCount);
        services.put(name, new InboundService(new Metadata(name, null, null), new InboundService.Spec(name, name, namespace,
            host, Protocol.HTTP, 8080, false, true, TlsMode.ISTIO_MUTUAL, null, null, null, null, null, null, null)));
        String vip = "240." + (s / 65536 % 16) + "." + (s / 256 % 256) + "." + (s % 256 == 0 ? 2 : s % 256 + 1);
        String global = name + "." + namespace + ".global";
        List<Map<String, Object>> rules = new ArrayList<>();
        Map<String, List<String>> remote = new LinkedHashMap<>();
        for (int k = 1; k <= clientsPerService; k++) {
          String client = name + "-client" + k;
          String cluster = "cluster" + ((s + k) % clusterCount);
          String clientNamespace = "cns" + ((s + k) % 100);
          clients.put(client, new ServiceClient(new Metadata(client, null, null), new ServiceClient.Spec(client, client,
              clientNamespace, cluster, client, true, false, name, TlsMode.ISTIO_MUTUAL,
              null, List.of(new ServiceClient.AccessRule(List.of("GET"), List.of("/api*"), null)))));
          rules.add(Map.of("from", List.of(Map.of("source", Map.of("principals", List.of("cluster.local/ns/" + clientNamespace + "/sa/" + client)))),
              "to", List.of(Map.of("operation", Map.of("methods", List.of("GET"), "paths", List.of("/api*"))))));
          if (!cluster.equals(host)) {
            remote.computeIfAbsent(cluster, x -> new ArrayList<>()).add(client);
          }
        }
        List<Map<String, Object>> hosted = m.objects.get(host);
        hosted.add(object("security.istio.io/v1", "PeerAuthentication", namespace, "meshgate-" + name, Map.of(
            "selector", Map.of("matchLabels", Map.of("app", name)), "mtls", Map.of("mode", "STRICT"))));
        hosted.add(object("security.istio.io/v1", "AuthorizationPolicy", namespace, "meshgate-" + name, Map.of(
            "selector", Map.of("matchLabels", Map.of("app", name)), "action", "ALLOW", "rules", rules)));
        hosted.add(serviceEntry(name, namespace, vip, name + "." + namespace + ".svc.cluster.local", 8080));
        hosted.add(destinationRule(global, name + "-" + namespace));
        for (String cluster : remote.keySet()) {
          int gateway = Integer.parseInt(host.substring("cluster".length()));
          m.objects.get(cluster).add(serviceEntry(name, namespace, vip, "10.1." + (gateway / 250) + "." + (gateway % 250 + 1), 15443));
          m.objects.get(cluster).add(destinationRule(global, name + "-" + namespace));
        }
      }
      m.intents = new IntentSet(new TreeMap<>(clusters), new TreeMap<>(services), new TreeMap<>(clients), new HashMap<>());
      return m;
    }

    private static Map<String, Object> serviceEntry(String name, String namespace, String vip, String endpoint, int port) {
      return object("networking.istio.io/v1", "ServiceEntry", "istio-system", "meshgate-" + name + "-" + namespace + "-global", Map.of(
          "hosts", List.of(name + "." + namespace + ".global"), "addresses", List.of(vip), "exportTo", List.of("*"),
          "location", "MESH_INTERNAL", "resolution", "DNS",
          "ports", List.of(Map.of("number", 8080, "name", "http-8080", "protocol", "HTTP")),
          "endpoints", List.of(Map.of("address", endpoint, "ports", Map.of("http-8080", port)))));
    }

    private static Map<String, Object> destinationRule(String host, String name) {
      return object("networking.istio.io/v1", "DestinationRule", "istio-system", "meshgate-" + name + "-global", Map.of(
          "host", host, "exportTo", List.of("*"), "trafficPolicy", Map.of("tls", Map.of("mode", "ISTIO_MUTUAL"))));
    }

    private static Map<String, Object> object(String apiVersion, String kind, String namespace, String name, Map<String, Object> spec) {
      return Map.of("apiVersion", apiVersion, "kind", kind, "metadata", Map.of("name", name, "namespace", namespace), "spec", spec);
    }
  }
}
