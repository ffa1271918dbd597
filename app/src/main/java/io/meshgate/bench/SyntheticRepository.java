package io.meshgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a valid intent repository of any size, the shape of a large organisation's: clusters in
 * logical clouds of ten, InboundServices spread over the clusters, and for each service its clients
 * (other services, in other clusters of the same logical cloud) in the service's own file. The seed
 * picks the names and who runs where and calls whom, so two seeds give repositories of one shape
 * with other names; one seed always gives the same bytes.
 */
public final class SyntheticRepository {
  /** Clusters per logical cloud: clients call services of their own cloud (ISTIO_MUTUAL works there). */
  static final int CLUSTERS_PER_CLOUD = 10;

  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ra", "te", "vu", "zen", "dor", "fa", "gil", "ho", "ju", "nix", "pe", "qua", "sol",
    "tor", "ur", "vel", "wan", "yo", "bri", "cas", "dex", "el", "fin", "gor", "hal", "ist", "jo", "kel", "lum",
  };
  /** The second vocabulary ({@link Names#WORDS}): names of another length, alphabet and structure. */
  private static final String[] WORDS = {
    "alpine", "harbor", "quartz", "meadow", "copper", "falcon", "juniper", "lantern", "mosaic", "nimbus", "orchid",
    "pepper", "quiver", "ribbon", "saffron", "timber", "umber", "velvet", "willow", "xenon", "yarrow", "zephyr",
    "amber", "bramble", "cinder", "dune", "ember", "fjord", "glacier", "hollow", "ivory", "jasper", "kestrel",
  };
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

  /**
   * How names are made. Two vocabularies give two repositories of one shape that share no names (and
   * no name lengths or orderings), so a figure measured on one can be checked on an independent one.
   */
  public enum Names {
    /** Short pronounceable syllables: {@code kaloz-3f}, {@code team-mira-12}. */
    SYLLABLES,
    /** Longer dictionary words, other separators and numbering: {@code svc.harbor-quartz.00421}. */
    WORDS
  }

  /**
   * What to generate.
   *
   * @param services InboundServices, one file each
   * @param clusters clusters (at least 2: clients run in another cluster than their target)
   * @param clientsPerService ServiceClients of each service, in its file
   * @param seed picks names and placement
   * @param names the vocabulary of the names
   */
  public record Shape(int services, int clusters, int clientsPerService, long seed, Names names) {
    public static final Shape LARGE = new Shape(10_000, 50, 3, 1);

    public Shape {
      if (services < 1 || clusters < 2 || clientsPerService < 0) {
        throw new IllegalArgumentException("a repository needs at least 1 service, 2 clusters and 0 clients per service");
      }
      java.util.Objects.requireNonNull(names, "names");
    }

    /** Names of {@link Names#SYLLABLES}. */
    public Shape(int services, int clusters, int clientsPerService, long seed) {
      this(services, clusters, clientsPerService, seed, Names.SYLLABLES);
    }

    public Shape withServices(int count) {
      return new Shape(count, clusters, clientsPerService, seed, names);
    }
  }

  /** What was written. */
  public record Summary(int clusters, int services, int clients, int files, long bytes) {}

  private record Service(String name, String namespace, String app, int cluster, String protocol) {}

  private final Shape shape;
  private final SplittableRandom random;

  private SyntheticRepository(Shape shape) {
    this.shape = shape;
    this.random = new SplittableRandom(shape.seed());
  }

  /**
   * Writes the repository into {@code intentsDir} (created; it must not hold intents already):
   * {@code clusters.yaml} and {@code services/<cluster>/<service>.yaml}.
   *
   * @throws IllegalArgumentException when the other clusters of a logical cloud run too few
   *     services to give every service its clients (a tiny repository with many clients each)
   */
  public static Summary write(Path intentsDir, Shape shape) throws IOException {
    try {
      return new SyntheticRepository(shape).writeTo(intentsDir);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private Summary writeTo(Path root) throws IOException {
    Files.createDirectories(root);
    List<String> clusterNames = new ArrayList<>();
    StringBuilder clusters = new StringBuilder();
    for (int c = 0; c < shape.clusters(); c++) {
      String name = shape.names() == Names.WORDS ? "k8s-" + word(1) + String.format("-%03d", c) : word(2) + "-" + c;
      clusterNames.add(name);
      if (c > 0) {
        clusters.append("---\n");
      }
      clusters.append(header("Cluster", name))
          .append("spec:\n")
          .append("  logicalCloud: ").append(cloudName(c)).append('\n')
          .append("  network: net-").append(name).append('\n')
          .append("  meshGateway:\n")
          .append("    address: 10.").append(c / 250 + 1).append('.').append(c % 250).append(".1\n");
    }
    long bytes = write(root.resolve("clusters.yaml"), clusters);
    int files = 1;

    List<Service> services = new ArrayList<>(shape.services());
    List<List<Integer>> servicesByCluster = new ArrayList<>();
    for (int c = 0; c < shape.clusters(); c++) {
      servicesByCluster.add(new ArrayList<>());
    }
    String[] teams = new String[Math.max(1, shape.services() / 40)];
    for (int t = 0; t < teams.length; t++) {
      teams[t] = shape.names() == Names.WORDS ? "team-" + word(2) + "-ns" + t : "team-" + word(2) + "-" + t;
    }
    String[] protocols = {"HTTP", "HTTP", "HTTP", "HTTP", "HTTP", "HTTP", "HTTP", "GRPC", "HTTP2", "TCP"};
    for (int s = 0; s < shape.services(); s++) {
      int cluster = random.nextInt(shape.clusters());
      String team = teams[random.nextInt(teams.length)];
      String name = shape.names() == Names.WORDS ? "svc-" + word(2) + String.format("-%05d", s)
          : word(2) + "-" + Integer.toString(s, 36);
      services.add(new Service(name, team, team.substring(5), cluster, protocols[random.nextInt(protocols.length)]));
      servicesByCluster.get(cluster).add(s);
    }

    int clients = 0;
    for (int s = 0; s < services.size(); s++) {
      Service service = services.get(s);
      StringBuilder file = new StringBuilder(serviceDocument(service, clusterNames));
      for (int caller : callers(s, services, servicesByCluster)) {
        file.append("---\n").append(clientDocument(services.get(caller), service, clusterNames));
        clients++;
      }
      Path path = root.resolve("services").resolve(clusterNames.get(service.cluster())).resolve(service.name() + ".yaml");
      Files.createDirectories(path.getParent());
      bytes += write(path, file);
      files++;
    }
    return new Summary(shape.clusters(), services.size(), clients, files, bytes);
  }

  /** Distinct other services, in other clusters of the target's logical cloud. */
  private List<Integer> callers(int target, List<Service> services, List<List<Integer>> servicesByCluster) {
    int targetCluster = services.get(target).cluster();
    int cloudStart = targetCluster / CLUSTERS_PER_CLOUD * CLUSTERS_PER_CLOUD;
    int cloudSize = Math.min(CLUSTERS_PER_CLOUD, shape.clusters() - cloudStart);
    List<Integer> callers = new ArrayList<>();
    for (int attempt = 0; callers.size() < shape.clientsPerService() && attempt < 1000; attempt++) {
      int cluster = cloudStart + random.nextInt(cloudSize);
      List<Integer> candidates = servicesByCluster.get(cluster);
      if (cluster == targetCluster || candidates.isEmpty()) {
        continue;
      }
      int caller = candidates.get(random.nextInt(candidates.size()));
      if (!callers.contains(caller)) {
        callers.add(caller);
      }
    }
    if (callers.size() < shape.clientsPerService()) {
      throw new IllegalArgumentException("too few services in the other clusters of logical cloud "
          + cloudName(targetCluster) + " for " + shape.clientsPerService() + " clients each; add services");
    }
    return callers;
  }

  private String serviceDocument(Service service, List<String> clusterNames) {
    StringBuilder text = new StringBuilder(header("InboundService", service.name()));
    text.append("  labels:\n    team: ").append(service.namespace()).append('\n')
        .append("spec:\n")
        .append("  app: ").append(service.app()).append('\n')
        .append("  service: ").append(service.name()).append('\n')
        .append("  namespace: ").append(service.namespace()).append('\n')
        .append("  cluster: ").append(clusterNames.get(service.cluster())).append('\n')
        .append("  protocol: ").append(service.protocol()).append('\n')
        .append("  port: ").append(service.protocol().equals("GRPC") ? 9090 : 8000 + random.nextInt(100)).append('\n')
        .append("  mutualTLS: ISTIO_MUTUAL\n");
    switch (random.nextInt(4)) {
      case 0 -> text.append("  loadBalancing:\n    simple: LEAST_REQUEST\n");
      case 1 -> text.append("  connectionPool:\n    maxConnections: 100\n    http2MaxRequests: 1000\n")
          .append("  outlierDetection:\n    consecutive5xxErrors: 5\n    interval: 30s\n    baseEjectionTime: 1m\n");
      default -> { }
    }
    return text.toString();
  }

  private String clientDocument(Service caller, Service target, List<String> clusterNames) {
    StringBuilder text = new StringBuilder(header("ServiceClient", caller.name() + "-to-" + target.name()));
    text.append("spec:\n")
        .append("  app: ").append(caller.app()).append('\n')
        .append("  service: ").append(caller.name()).append('\n')
        .append("  namespace: ").append(caller.namespace()).append('\n')
        .append("  cluster: ").append(clusterNames.get(caller.cluster())).append('\n')
        .append("  target: ").append(target.name()).append('\n');
    if (target.protocol().equals("GRPC")) {
      // Every gRPC call is a POST to /package.Service/Method.
      text.append("  access:\n")
          .append("    - methods: [POST]\n")
          .append("      paths: [\"/").append(word(1)).append('.').append(word(2)).append("/*\"]\n");
    } else if (!target.protocol().equals("TCP")) {
      // Request-level rules exist for HTTP protocols only.
      text.append("  access:\n")
          .append("    - methods: [").append(METHODS[random.nextInt(METHODS.length)]).append("]\n")
          .append("      paths: [\"/api/").append(word(1)).append("*\"]\n");
    }
    return text.toString();
  }

  private static String header(String kind, String name) {
    return "apiVersion: meshgate.io/v1alpha1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n";
  }

  private static String cloudName(int cluster) {
    return "lc" + (cluster / CLUSTERS_PER_CLOUD + 1);
  }

  /**
   * A pronounceable word of {@code parts} syllables, or {@code parts} dictionary words joined by
   * hyphens ({@link Names#WORDS}); names stay unique through their index suffix.
   */
  private String word(int parts) {
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      if (shape.names() == Names.WORDS) {
        word.append(i > 0 ? "-" : "").append(WORDS[random.nextInt(WORDS.length)]);
      } else {
        word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
    }
    return word.toString();
  }

  private static long write(Path file, CharSequence text) {
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.length;
  }
}
