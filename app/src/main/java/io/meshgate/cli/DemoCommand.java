package io.meshgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.service.DemoRepository;
import io.meshgate.service.MeshgateService;
import io.meshgate.service.ServeOptions;
import io.meshgate.service.ServiceAssembly;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meshgate demo}: the whole loop on one machine. A temporary bare repository gets the bundled
 * seed intents, the service runs in-process and publishes the environment branch, then a commit
 * that breaks policy MG-TLS-01 is pushed and refused. Every wait is bounded.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the whole loop locally on the bundled fixture: publish, then refuse a policy-breaking commit.")
public final class DemoCommand implements Callable<Integer> {
  private static final String ENV_BRANCH = "env/main";
  private static final String BROKEN_CLIENT = "intents/clients/sleep-to-httpbin.yaml";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--timeout", defaultValue = "60s", description = "How long to wait for each step (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--keep", description = "Keep the temporary repositories and print where they are.")
  boolean keep;

  // Created when the demo runs: picocli instantiates every command on each start, and an HTTP
  // client (TLS, selector thread) would slow down every other command.
  private HttpClient http;
  private ObjectMapper json;
  private PrintWriter out;

  /** A step that did not happen in time or went wrong; the message says which. */
  static final class DemoFailure extends Exception {
    DemoFailure(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    json = new ObjectMapper();
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Duration wait;
    try {
      wait = io.meshgate.service.IstioDurations.parse(timeout);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("meshgate demo: --timeout: " + e.getMessage());
      return Main.EXIT_ERROR;
    }
    Path home = home();
    Path seed = home.resolve("repo-fixtures/seed/intents");
    Path policies = home.resolve("policies");
    if (!Files.isDirectory(seed) || !Files.isDirectory(policies)) {
      spec.commandLine().getErr().println("meshgate demo: cannot find " + seed + " and " + policies
          + "; run it through ./meshgate or set MESHGATE_HOME to the repository root");
      return Main.EXIT_ERROR;
    }
    Path dir = Files.createTempDirectory("meshgate-demo-");
    try {
      run(dir, seed, policies, wait);
      out.println();
      out.println("demo finished: the seed was published and the policy-breaking commit was refused.");
      return Main.EXIT_OK;
    } catch (DemoFailure e) {
      out.flush();
      spec.commandLine().getErr().println("meshgate demo: " + e.getMessage());
      return Main.EXIT_ERROR;
    } finally {
      if (keep) {
        out.println("repositories kept in " + dir);
      } else {
        deleteTree(dir);
      }
      out.flush();
    }
  }

  private void run(Path dir, Path seed, Path policies, Duration wait) throws Exception {
    try (DemoRepository repo = DemoRepository.create(dir.resolve("git"))) {
      repo.copyTree(seed, "intents");
      String seedCommit = repo.commitAndPush("Seed intents: clusters, httpbin, productpage and their clients");
      step("1", "source repository " + repo.url() + ", main at " + shortId(seedCommit) + " (the seed intents)");

      ServeOptions options = ServeOptions.of(repo.url(), "main", ENV_BRANCH, repo.url(), "intents",
          Duration.ofSeconds(2), freePort(), "embedded", null, policies, dir.resolve("work"),
          MeshgateService.BUNDLED_ROUTES, "MESHGATE_WEBHOOK_SECRET").withBind("127.0.0.1");
      // A throw-away webhook secret, so the demo can show a signed push notification too.
      byte[] secret = new byte[16];
      new SecureRandom().nextBytes(secret);
      String webhookSecret = HexFormat.of().formatHex(secret);
      try (MeshgateService service = ServiceAssembly.start(options, webhookSecret, Duration.ZERO)) {
        String base = "http://127.0.0.1:" + service.port();
        step("2", "service running at " + base + " (polling every 2s); GET /healthz -> " + get(base + "/healthz").trim());

        JsonNode published = awaitStatus(base, seedCommit, wait);
        if (!"published".equals(published.path("state").asText())) {
          throw new DemoFailure("expected the seed to be published, but the service says "
              + published.path("state").asText() + ": " + published.path("message").asText() + describe(published));
        }
        String envCommit = repo.tip(ENV_BRANCH).orElseThrow(() -> new DemoFailure(ENV_BRANCH + " was not created"));
        step("3", ENV_BRANCH + " is at " + shortId(envCommit) + ": " + firstLine(repo.message(envCommit)));
        showTree(repo.files(envCommit, ""));

        repo.write(BROKEN_CLIENT, brokenClient(Files.readString(seed.resolve("clients/sleep-to-httpbin.yaml"))));
        String brokenCommit = repo.commitAndPush("sleep-to-httpbin: use SIMPLE TLS (no credentialName)");
        step("4", "pushed " + shortId(brokenCommit) + ": sleep-to-httpbin now asks for mutualTLS: SIMPLE without"
            + " tls.credentialName, against the ISTIO_MUTUAL service httpbin");
        out.println("   POST /hooks/git (GitHub push, signed) -> " + notifyPush(base, webhookSecret, brokenCommit));

        JsonNode refused = awaitStatus(base, brokenCommit, wait);
        if (!"refused".equals(refused.path("state").asText())) {
          throw new DemoFailure("expected the broken commit to be refused, but the service says "
              + refused.path("state").asText() + ": " + refused.path("message").asText());
        }
        out.println("   GET /api/v1/status -> state refused: " + refused.path("message").asText());
        for (JsonNode v : refused.path("violations")) {
          out.printf("     %s:%d:%d %s %s: %s%n", v.path("file").asText(), v.path("line").asInt(),
              v.path("column").asInt(), v.path("severity").asText(), v.path("rule").asText(), v.path("message").asText());
        }
        boolean tlsRule = false;
        for (JsonNode v : refused.path("violations")) {
          tlsRule |= "MG-TLS-01".equals(v.path("rule").asText());
        }
        if (!tlsRule) {
          throw new DemoFailure("the refusal does not name MG-TLS-01");
        }
        String envAfter = repo.tip(ENV_BRANCH).orElseThrow();
        if (!envAfter.equals(envCommit)) {
          throw new DemoFailure(ENV_BRANCH + " moved to " + shortId(envAfter) + " although the commit was refused");
        }
        step("5", ENV_BRANCH + " is unchanged at " + shortId(envAfter) + "; stopping the service");
      }
    }
  }

  /** The seed client with SIMPLE TLS and no credential: MG-TLS-01 against an ISTIO_MUTUAL target. */
  public static String brokenClient(String seedClient) {
    return seedClient.stripTrailing().replace("  target: httpbin", "  target: httpbin\n  mutualTLS: SIMPLE") + "\n";
  }

  private void showTree(SortedMap<String, byte[]> files) {
    Map<String, List<String>> byCluster = new TreeMap<>();
    String serviceEntry = null;
    for (String path : files.keySet()) {
      String[] parts = path.split("/", 3);
      if (parts.length == 3 && parts[0].equals("clusters")) {
        byCluster.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[2]);
        if (serviceEntry == null && parts[2].contains("serviceentry-meshgate-httpbin")) {
          serviceEntry = path;
        }
      }
    }
    byCluster.forEach((cluster, list) -> {
      out.println("   clusters/" + cluster + "/ (" + list.size() + " files)");
      list.forEach(f -> out.println("     " + f));
    });
    files.keySet().stream().filter(p -> p.startsWith("meshgate/")).forEach(p -> out.println("   " + p));
    if (serviceEntry != null) {
      out.println("   " + serviceEntry + ":");
      for (String line : new String(files.get(serviceEntry), StandardCharsets.UTF_8).split("\n")) {
        out.println("     | " + line);
      }
    }
  }

  private JsonNode awaitStatus(String base, String sourceCommit, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = json.readTree(get(base + "/api/v1/status"));
        String state = last.path("state").asText();
        boolean settled = !state.equals("syncing") && !state.equals("idle");
        if (settled && sourceCommit.equals(last.path("sourceCommit").asText())) {
          return last;
        }
      } catch (IOException e) {
        // The server may still be starting; the deadline bounds this.
      }
      Thread.sleep(200);
    }
    throw new DemoFailure("the service did not finish a run for " + shortId(sourceCommit) + " within " + timeout
        + (last == null ? "" : "; last status: " + last.path("state").asText() + " - " + last.path("message").asText()));
  }

  /** Sends the push notification GitHub would send; returns the HTTP status and answer. */
  private String notifyPush(String base, String secret, String commit) throws Exception {
    byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}").getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/hooks/git"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", "push")
        .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body().replaceAll("\\s+", " ").trim();
  }

  private String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  private void step(String number, String text) {
    out.println(number + ". " + text);
    out.flush();
  }

  private static String describe(JsonNode status) {
    StringBuilder b = new StringBuilder();
    for (JsonNode v : status.path("violations")) {
      b.append("\n  ").append(v.path("file").asText()).append(':').append(v.path("line").asInt()).append(' ')
          .append(v.path("rule").asText()).append(' ').append(v.path("message").asText());
    }
    return b.toString();
  }

  private static String shortId(String id) {
    return id.substring(0, Math.min(7, id.length()));
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static Path home() {
    String env = System.getenv("MESHGATE_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String root = System.getProperty("meshgate.root");
    return Path.of(root != null ? root : ".").toAbsolutePath().normalize();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Leftovers in the temp folder are harmless; say so rather than fail the demo.
      System.err.println("meshgate demo: could not remove " + dir + ": " + e.getMessage());
    }
  }
}
