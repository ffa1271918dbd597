package io.meshgate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.bench.SyntheticRepository;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.IncrementalRender;
import io.meshgate.render.RenderResult;
import io.meshgate.verify.MeshModel;
import io.meshgate.verify.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reachability with a memory, through a sequence of edits, finds after every edit exactly what a run
 * from scratch finds (same edges, same traces, same order), while keeping what the edit cannot touch.
 */
class ReachabilityDifferentialTest {
  private static final Path FIXTURES = Path.of(System.getProperty("meshgate.root", ".."), "repo-fixtures");

  @TempDir Path temp;

  private final IncrementalRender render = new IncrementalRender();
  private final Reachability.Memory memory = new Reachability.Memory();
  private Path intents;
  private int services;

  /** Runs reachability with the memory and from scratch, asserts they agree; returns the services whose edges were kept. */
  private int step(String what) {
    LoadResult load = IntentLoader.load(intents);
    assertTrue(load.violations().isEmpty(), () -> what + ": " + load.violations());
    RenderResult rendered = render.render(load.intents(), AllocationLedger.empty(), Progress.NONE).withOverlays(load.overlays());
    Verifier.Result kept = memory.run(load, rendered, Progress.NONE);
    Verifier.Result fresh = new Verifier(load.intents(), MeshModel.build(load.intents(), rendered.withOverlayObjects()))
        .run(false, Progress.NONE);
    assertEquals(fresh.edges().size(), kept.edges().size(), what);
    for (int i = 0; i < fresh.edges().size(); i++) {
      int at = i;
      assertEquals(fresh.edges().get(i), kept.edges().get(i), () -> what + ": edge " + at);
    }
    assertEquals(fresh.warnings(), kept.warnings(), what);
    services = load.intents().services().size();
    return memory.reusedLastRun();
  }

  private void synthetic(int services, int clusters, long seed) throws IOException {
    intents = temp.resolve("intents");
    SyntheticRepository.write(intents, new SyntheticRepository.Shape(services, clusters, 3, seed));
  }

  private List<Path> serviceFiles() throws IOException {
    try (Stream<Path> files = Files.walk(intents.resolve("services"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** The value of {@code field} in the file's first document (the InboundService). */
  private static String field(Path file, String field) throws IOException {
    Matcher m = Pattern.compile("(?m)^  " + field + ": (\\S+)$").matcher(read(file));
    assertTrue(m.find(), file + " has " + field);
    return m.group(1);
  }

  private static void replaceFirst(Path file, String regex, String replacement) throws IOException {
    String text = read(file);
    String changed = text.replaceFirst(regex, replacement);
    assertTrue(!changed.equals(text), file + " holds " + regex);
    write(file, changed);
  }

  private void changePort(Path file) throws IOException {
    Matcher m = Pattern.compile("(?m)^  port: (\\d+)$").matcher(read(file));
    assertTrue(m.find());
    replaceFirst(file, "(?m)^  port: \\d+$", "  port: " + (Integer.parseInt(m.group(1)) + 1));
  }

  /** Adds a client of the file's service: {@code caller}'s service, with no access list. */
  private static void addClient(Path file, Path caller, String name) throws IOException {
    write(file, read(file) + "---\napiVersion: meshgate.io/v1alpha1\nkind: ServiceClient\nmetadata:\n  name: " + name
        + "\nspec:\n  app: " + field(caller, "app") + "\n  service: " + field(caller, "service") + "\n  namespace: "
        + field(caller, "namespace") + "\n  cluster: " + field(caller, "cluster") + "\n  target: "
        + field(file, "service") + "\n");
  }

  /** Removes the file's last document when it is a ServiceClient; false when it has none. */
  private static boolean removeClient(Path file) throws IOException {
    String text = read(file);
    int last = text.lastIndexOf("---\n");
    if (last < 0 || !text.substring(last).contains("kind: ServiceClient")) {
      return false;
    }
    write(file, text.substring(0, last));
    return true;
  }

  /** Moves the file's service to {@code cluster} (its clients stay where they run). */
  private static void moveService(Path file, String cluster) throws IOException {
    replaceFirst(file, "(?m)^  cluster: \\S+$", "  cluster: " + cluster);
  }

  private List<String> clusterNames() throws IOException {
    Matcher m = Pattern.compile("(?m)^  name: (\\S+)$").matcher(read(intents.resolve("clusters.yaml")));
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private Path overlay(String cluster, String name) {
    return intents.resolve("overlays").resolve(cluster).resolve(name + ".yaml");
  }

  /** An AuthorizationPolicy of a whole namespace (no selector) that denies everything from {@code path}. */
  private static String denyNamespace(String namespace, String path) {
    return "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny-" + namespace
        + "\n  namespace: " + namespace + "\nspec:\n  action: DENY\n  rules:\n    - to:\n        - operation:\n"
        + "            paths: [\"" + path + "\"]\n";
  }

  /** A PeerAuthentication of a namespace (istio-system: the mesh's) in {@code mode}. */
  private static String peerAuthentication(String namespace, String mode) {
    return "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: mtls-" + namespace
        + "\n  namespace: " + namespace + "\nspec:\n  mtls:\n    mode: " + mode + "\n";
  }

  /** A Sidecar that scopes a namespace's workloads to their own namespace. */
  private static String ownNamespaceSidecar(String namespace) {
    return "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: own-" + namespace + "\n  namespace: "
        + namespace + "\nspec:\n  egress:\n    - hosts: [\"./*\", \"istio-system/*\"]\n";
  }

  /** A label-selected AuthorizationPolicy ALLOW nothing-but-HEAD for the pods {@code app=<app>} of a namespace. */
  private static String allowOnlyHead(String namespace, String app) {
    return "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: head-" + app
        + "\n  namespace: " + namespace + "\nspec:\n  selector:\n    matchLabels:\n      app: " + app
        + "\n  action: ALLOW\n  rules:\n    - to:\n        - operation:\n            methods: [HEAD]\n";
  }

  @Test
  void everyKindOfEditGivesWhatARunFromScratchGives() throws IOException {
    synthetic(120, 12, 3);
    List<Path> files = serviceFiles();
    List<String> clusters = clusterNames();
    assertEquals(0, step("first run"));
    assertEquals(services, step("nothing changed"), "nothing changed: every service keeps its edges");

    changePort(files.get(5));
    int kept = step("a port");
    assertTrue(kept > services / 2 && kept < services, "a port change keeps most: " + kept);

    addClient(files.get(8), files.get(40), "extra-caller");
    kept = step("a client added");
    assertTrue(kept > services / 2 && kept < services, kept + "");
    assertTrue(removeClient(files.get(8)));
    step("the client removed");
    assertTrue(removeClient(files.get(9)));
    step("a generated client removed");

    String home = field(files.get(12), "cluster");
    moveService(files.get(12), clusters.get((clusters.indexOf(home) + 1) % clusters.size()));
    step("a service moved cluster");
    moveService(files.get(12), home);
    step("and back");

    Files.delete(files.get(30));
    step("a service deleted");

    // Namespace-wide, cluster-wide and label-selected objects, as overlays: they match many workloads.
    String namespace = field(files.get(2), "namespace");
    String cluster = field(files.get(2), "cluster");
    write(overlay(cluster, "deny"), denyNamespace(namespace, "/*"));
    kept = step("a namespace-wide DENY");
    assertTrue(kept < services, "the DENY breaks edges it was not there for");
    write(overlay(cluster, "deny"), denyNamespace(namespace, "/never"));
    step("the DENY changed");
    Files.delete(overlay(cluster, "deny"));
    step("the DENY removed");

    write(overlay(cluster, "mesh-mtls"), peerAuthentication("istio-system", "DISABLE"));
    step("the mesh's mTLS off in one cluster");
    write(overlay(cluster, "mesh-mtls"), peerAuthentication("istio-system", "STRICT"));
    step("the mesh's mTLS strict in one cluster");
    Files.delete(overlay(cluster, "mesh-mtls"));
    step("the mesh's mTLS back");

    String callerFile = read(files.get(2));
    Matcher client = Pattern.compile("kind: ServiceClient[\\s\\S]*?namespace: (\\S+)\\s+cluster: (\\S+)").matcher(callerFile);
    assertTrue(client.find(), callerFile);
    write(overlay(client.group(2), "scope"), ownNamespaceSidecar(client.group(1)));
    step("a Sidecar scoping a namespace of callers");
    Files.delete(overlay(client.group(2), "scope"));
    step("the Sidecar removed");
    write(overlay(client.group(2), "mesh-scope"), ownNamespaceSidecar("istio-system").replace(", \"istio-system/*\"", ""));
    step("the mesh's default Sidecar in the callers' cluster");
    Files.delete(overlay(client.group(2), "mesh-scope"));
    step("the mesh's default Sidecar removed");

    // A ServiceEntry in a caller's namespace for the host it calls: its sidecar prefers that one.
    String host = field(files.get(2), "service") + "." + namespace + ".global";
    write(overlay(client.group(2), "shadow"), "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n"
        + "  name: shadow\n  namespace: " + client.group(1) + "\nspec:\n  hosts: [" + host + "]\n  exportTo: [\".\"]\n"
        + "  location: MESH_INTERNAL\n  resolution: DNS\n  ports:\n    - {number: 1, name: tcp, protocol: TCP}\n");
    kept = step("a ServiceEntry shadowing a host for one namespace");
    assertTrue(kept < services, kept + "");
    Files.delete(overlay(client.group(2), "shadow"));
    step("the shadow removed");

    write(overlay(cluster, "mesh-deny"), denyNamespace("istio-system", "/*"));
    step("a mesh-wide DENY in one cluster");
    Files.delete(overlay(cluster, "mesh-deny"));
    step("the mesh-wide DENY removed");

    write(overlay(cluster, "head"), allowOnlyHead(namespace, field(files.get(2), "app")));
    step("a label-selected ALLOW");
    Files.delete(overlay(cluster, "head"));
    step("the ALLOW removed");

    // A Cluster intent: DNS proxying off in one cluster breaks its clients' .global names.
    Path clustersFile = intents.resolve("clusters.yaml");
    String clusterText = read(clustersFile);
    write(clustersFile, clusterText.replaceFirst("(?m)^  logicalCloud: ", "  dnsProxying: false\n  logicalCloud: "));
    kept = step("a Cluster intent changed");
    assertTrue(kept > 0 && kept < services, kept + "");
    write(clustersFile, clusterText);
    step("the Cluster intent back");

    // A client in a namespace no cluster had: every view is built again and compared.
    replaceFirst(files.get(14), "(?s)(kind: ServiceClient.*?namespace: )", "$1brand-new-");
    step("a namespace new to the mesh");
  }

  @Test
  void randomEditsGiveWhatARunFromScratchGives() throws IOException {
    for (long seed = 1; seed <= 2; seed++) {
      intents = temp.resolve("random-" + seed);
      SyntheticRepository.write(intents, new SyntheticRepository.Shape(80, 8, 3, seed));
      List<String> clusters = clusterNames();
      SplittableRandom random = new SplittableRandom(seed);
      step("first run");
      for (int i = 0; i < 14; i++) {
        List<Path> files = serviceFiles();
        Path file = files.get(random.nextInt(files.size()));
        Path other = files.get(random.nextInt(files.size()));
        String cluster = clusters.get(random.nextInt(clusters.size()));
        String namespace = field(other, "namespace");
        String what = switch (random.nextInt(8)) {
          case 0 -> {
            changePort(file);
            yield "port of " + file.getFileName();
          }
          case 1 -> {
            addClient(file, other, "random-" + i);
            yield "client of " + file.getFileName();
          }
          case 2 -> {
            removeClient(file);
            yield "client removed from " + file.getFileName();
          }
          case 3 -> {
            moveService(file, cluster);
            yield file.getFileName() + " to " + cluster;
          }
          case 4 -> {
            write(overlay(cluster, "deny-" + i), denyNamespace(namespace, random.nextBoolean() ? "/*" : "/x"));
            yield "DENY in " + cluster + "/" + namespace;
          }
          case 5 -> {
            write(overlay(cluster, "pa"), peerAuthentication(random.nextBoolean() ? "istio-system" : namespace,
                random.nextBoolean() ? "DISABLE" : "STRICT"));
            yield "PeerAuthentication in " + cluster;
          }
          case 6 -> {
            write(overlay(cluster, "scope"), ownNamespaceSidecar(namespace));
            yield "Sidecar in " + cluster + "/" + namespace;
          }
          default -> {
            try (Stream<Path> overlays = Files.exists(intents.resolve("overlays"))
                ? Files.walk(intents.resolve("overlays")) : Stream.empty()) {
              List<Path> written = overlays.filter(Files::isRegularFile).sorted().toList();
              if (!written.isEmpty()) {
                Files.delete(written.get(random.nextInt(written.size())));
              }
            }
            yield "an overlay removed";
          }
        };
        step("seed " + seed + " step " + i + ": " + what);
      }
    }
  }

  @Test
  void meshEdgeIntentsKeepTheServicesTheyDoNotTouch() throws IOException {
    intents = temp.resolve("mesh");
    io.meshgate.diff.PullRequestRepo.copy(FIXTURES.resolve("valid/jwt-hello/intents"), intents);
    Path mesh = intents.resolve("mesh.yaml");
    step("first run");
    assertEquals(services, step("nothing changed"));
    // The service's end-user token changes: its edges carry another JWT.
    replaceFirst(mesh, "audiences: \\[hello\\]\n  claims", "audiences: [hello, api]\n  claims");
    step("the token's audiences");
    replaceFirst(mesh, "publicPaths: \\[/healthz\\]\n\\z", "publicPaths: [/healthz, /ready]\n");
    step("a public path");
    replaceFirst(mesh, "hosts: \\[hello.example.com\\]", "hosts: [hello.example.com, www.example.com]");
    step("an ingress host");
    write(intents.resolve("more.yaml"), "apiVersion: meshgate.io/v1alpha1\nkind: InboundService\nmetadata: {name: other}\n"
        + "spec:\n  service: other\n  cluster: cluster01\n  protocol: HTTP\n  port: 7000\n  mutualTLS: ISTIO_MUTUAL\n"
        + "---\napiVersion: meshgate.io/v1alpha1\nkind: ServiceClient\nmetadata: {name: web-to-other}\n"
        + "spec:\n  service: web\n  cluster: cluster01\n  target: other\n");
    step("a service beside the mesh edge");
    replaceFirst(mesh, "target: \\{service: hello\\}", "target: {service: other}");
    step("the EndUserAuth moved to the other service");
    for (String fixture : List.of("ingress-hello", "egress-external", "jwt-admin-path")) {
      intents = temp.resolve(fixture);
      io.meshgate.diff.PullRequestRepo.copy(FIXTURES.resolve("valid/" + fixture + "/intents"), intents);
      step(fixture);
      assertEquals(services, step(fixture + " again"));
    }
  }
}
