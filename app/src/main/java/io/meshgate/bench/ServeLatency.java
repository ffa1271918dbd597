package io.meshgate.bench;

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
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The service phase of the benchmark: a real {@code meshgate serve} (started like a user starts it)
 * watching a real bare repository on this machine, a push that changes one file, a signed GitHub
 * webhook, and the time until the environment branch holds a commit rendered from that push. The
 * first sync (the whole repository) is waited for and reported apart; then one change warms the
 * service up and {@code changes} more are timed.
 */
final class ServeLatency {
  static final String SECRET_VARIABLE = "MESHGATE_BENCH_WEBHOOK_SECRET";
  static final String ENV_BRANCH = "env/main";
  private static final Pattern PORT = Pattern.compile("(?m)^  port: (\\d+)$");

  /**
   * @param firstPublishSeconds from start-up to the first environment commit (the whole repository)
   * @param changeSeconds each timed change, webhook sent to environment commit
   * @param failure what went wrong, or null
   */
  record Result(double firstPublishSeconds, List<Double> changeSeconds, long peakRssKib, String failure) {
    double median() {
      List<Double> sorted = changeSeconds.stream().sorted().toList();
      return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }
  }

  private final Launcher launcher;
  private final Path workDir;
  private final Path policies;
  private final Duration timeLimit;
  private final PrintWriter out;
  private final String secret = UUID.randomUUID().toString();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ServeLatency(Launcher launcher, Path workDir, Path policies, Duration timeLimit, PrintWriter out) {
    this.launcher = launcher;
    this.workDir = workDir;
    this.policies = policies;
    this.timeLimit = timeLimit;
    this.out = out;
  }

  /** Pushes {@code intents} to a new bare repository, starts serve on it and times {@code changes} pushes. */
  Result measure(Path intents, int changes) throws IOException, InterruptedException {
    Benchmark.deleteTree(workDir);
    Path bare = workDir.resolve("source.git");
    Path clone = workDir.resolve("clone");
    Files.createDirectories(workDir);
    git(workDir, "init", "-q", "--bare", "-b", "main", bare.toString());
    git(workDir, "clone", "-q", bare.toString(), clone.toString());
    copyTree(intents, clone.resolve("intents"));
    git(clone, "add", "-A");
    commit(clone, "intents of the benchmark");
    git(clone, "push", "-q", "origin", "HEAD:main");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(clone.resolve("intents/services"))) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>(launcher.command());
    command.addAll(List.of("serve", "--source", bare.toUri().toString(), "--env-branch", ENV_BRANCH,
        "--bind", "127.0.0.1", "--http-port", Integer.toString(port), "--poll-interval", "1h",
        "--work-dir", workDir.resolve("serve-work").toString(), "--policies", policies.toString(),
        "--webhook-secret-env", SECRET_VARIABLE));
    Path log = workDir.resolve("serve.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put(SECRET_VARIABLE, secret);
    long start = System.nanoTime();
    Process serve = builder.start();
    Path status = Path.of("/proc", Long.toString(serve.pid()), "status");
    long[] peak = {0};
    List<Double> timed = new ArrayList<>();
    double firstPublish = Double.NaN;
    try {
      String firstSource = head(clone);
      if (!awaitEnvironmentCommitOf(bare, firstSource, serve, status, peak)) {
        return new Result(firstPublish, timed, peak[0], "no environment commit for the first push: "
            + tail(log));
      }
      firstPublish = (System.nanoTime() - start) / 1e9;
      out.printf(Locale.ROOT, "  serve: first publish (whole repository) %.2f s after start%n", firstPublish);
      out.flush();
      for (int i = 0; i <= changes; i++) {
        Path file = files.get((i * 7919) % files.size());
        changePort(file, i);
        git(clone, "add", "-A");
        commit(clone, "change " + i + ": " + clone.relativize(file));
        git(clone, "push", "-q", "origin", "HEAD:main");
        String source = head(clone);
        long sent = System.nanoTime();
        webhook(port, source);
        if (!awaitEnvironmentCommitOf(bare, source, serve, status, peak)) {
          return new Result(firstPublish, timed, peak[0], "no environment commit for change " + i + ": " + tail(log));
        }
        double seconds = (System.nanoTime() - sent) / 1e9;
        out.printf(Locale.ROOT, "  serve: change %d (%s) -> env commit %.2f s%s%n", i, clone.relativize(file), seconds,
            i == 0 ? " (warm-up, not counted)" : "");
        out.flush();
        if (i > 0) {
          timed.add(seconds);
        }
      }
      return new Result(firstPublish, timed, peak[0], null);
    } finally {
      serve.destroy();
      if (!serve.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor();
      }
    }
  }

  /** A new port number for the first service of the file: the rendered objects change. */
  private static void changePort(Path file, int round) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Matcher port = PORT.matcher(text);
    if (!port.find()) {
      throw new IOException("no 'port:' line in " + file);
    }
    int next = 7000 + round % 900;
    if (Integer.parseInt(port.group(1)) == next) {
      next++;
    }
    Files.writeString(file, text.substring(0, port.start(1)) + next + text.substring(port.end(1)),
        StandardCharsets.UTF_8);
  }

  /** A GitHub push delivery for {@code main}, signed with the secret. */
  private void webhook(int port, String after) throws IOException, InterruptedException {
    byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + after + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/git"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", "push")
        .header("X-GitHub-Delivery", UUID.randomUUID().toString())
        .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(hmac(body)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IOException("the webhook was answered " + response.statusCode() + ": " + response.body());
    }
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /**
   * Waits until the environment branch's tip was rendered from {@code source} (its message names
   * the source commit); false when serve exits or the time limit passes first.
   */
  private boolean awaitEnvironmentCommitOf(Path bare, String source, Process serve, Path status, long[] peak)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeLimit.toNanos();
    while (System.nanoTime() < deadline) {
      peak[0] = Math.max(peak[0], ChildRun.highWaterMarkKib(status));
      if (environmentTipMessage(bare).map(message -> message.contains(source)).orElse(false)) {
        return true;
      }
      if (!serve.isAlive()) {
        return false;
      }
      Thread.sleep(10);
    }
    return false;
  }

  private static Optional<String> environmentTipMessage(Path bare) throws IOException {
    try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build()) {
      Ref ref = repository.exactRef(Constants.R_HEADS + ENV_BRANCH);
      if (ref == null || ref.getObjectId() == null) {
        return Optional.empty();
      }
      try (RevWalk walk = new RevWalk(repository)) {
        ObjectId tip = ref.getObjectId();
        return Optional.of(walk.parseCommit(tip).getFullMessage());
      }
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static String head(Path clone) throws IOException, InterruptedException {
    return git(clone, "rev-parse", "HEAD").trim();
  }

  private static void commit(Path clone, String message) throws IOException, InterruptedException {
    git(clone, "-c", "user.name=meshgate bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", message);
  }

  private static String git(Path dir, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output.strip());
    }
    return output;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
