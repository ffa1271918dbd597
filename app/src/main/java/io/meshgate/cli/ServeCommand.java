package io.meshgate.cli;

import io.meshgate.service.IstioDurations;
import io.meshgate.service.MeshgateService;
import io.meshgate.service.ServeOptions;
import io.meshgate.service.ServiceAssembly;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meshgate serve}: the GitOps service (Camel routes, webhook, status, metrics). */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Watch a source Git repository and publish the rendered, policy-checked output to an"
        + " environment branch. Serves /healthz, /api/v1/status, /metrics, /hooks/git and /api/v1/validate.")
public final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--source", required = true, paramLabel = "GIT_URL",
      description = "Source repository holding the intents (URL or local path).")
  String source;

  @Option(names = "--source-branch", defaultValue = "main", description = "Branch to watch (default: ${DEFAULT-VALUE}).")
  String sourceBranch;

  @Option(names = "--env-branch", defaultValue = "env/main",
      description = "Branch the rendered output is committed to (default: ${DEFAULT-VALUE}).")
  String envBranch;

  @Option(names = "--env-remote", paramLabel = "GIT_URL",
      description = "Repository the environment branch is pushed to (default: the source).")
  String envRemote;

  @Option(names = "--intents-path", defaultValue = "intents",
      description = "Intents folder inside the source repository (default: ${DEFAULT-VALUE}).")
  String intentsPath;

  @Option(names = "--poll-interval", defaultValue = "30s",
      description = "How often to poll the source, Istio duration (default: ${DEFAULT-VALUE}).")
  String pollInterval;

  @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--policy-engine", defaultValue = "embedded",
      description = "embedded or opa (default: ${DEFAULT-VALUE}).")
  String policyEngine;

  @Option(names = "--opa-url", paramLabel = "URL", description = "OPA server URL (with --policy-engine opa).")
  String opaUrl;

  @Option(names = "--policies", paramLabel = "DIR",
      description = "Rego policies (default: ./policies if present, else $MESHGATE_HOME/policies).")
  Path policies;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where clones and scratch files live (default: a new temporary folder).")
  Path workDir;

  @Option(names = "--routes", paramLabel = "DIR",
      description = "Folder of Camel YAML routes (default: the routes bundled in the jar).")
  Path routes;

  @Option(names = "--webhook-secret-env", defaultValue = "MESHGATE_WEBHOOK_SECRET", paramLabel = "NAME",
      description = "Environment variable holding the webhook secret; unset = webhooks disabled (default: ${DEFAULT-VALUE}).")
  String webhookSecretEnv;

  @Override
  public Integer call() throws Exception {
    ServeOptions options;
    try {
      options = options();
    } catch (CommandLine.ParameterException e) {
      spec.commandLine().getErr().println("meshgate serve: " + e.getMessage());
      spec.commandLine().getErr().println("Run 'meshgate serve --help' for the flags.");
      return Main.EXIT_ERROR;
    }
    MeshgateService service;
    try {
      service = ServiceAssembly.start(options, webhookSecret(System.getenv(options.webhookSecretEnv())),
          Duration.ofSeconds(1));
    } catch (IllegalArgumentException | IllegalStateException e) {
      spec.commandLine().getErr().println("meshgate serve: " + e.getMessage());
      return Main.EXIT_ERROR;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      stopped.countDown();
    }, "meshgate-shutdown"));
    spec.commandLine().getErr().println("meshgate serve: listening on port " + service.port() + "; Ctrl+C stops");
    stopped.await();
    return Main.EXIT_OK;
  }

  /** Validates the flags; a bad one is a usage error (exit 2) naming the flag. */
  ServeOptions options() {
    Duration poll;
    try {
      poll = IstioDurations.parse(pollInterval);
    } catch (IllegalArgumentException e) {
      throw usage("--poll-interval: " + e.getMessage());
    }
    if (poll.toMillis() < 1) {
      throw usage("--poll-interval must be at least 1ms");
    }
    if (httpPort < 1 || httpPort > 65535) {
      throw usage("--http-port must be between 1 and 65535, not " + httpPort);
    }
    if (source.isBlank()) {
      throw usage("--source must name a Git repository");
    }
    for (String[] branch : new String[][] {{"--source-branch", sourceBranch}, {"--env-branch", envBranch}}) {
      if (!validBranch(branch[1])) {
        throw usage(branch[0] + ": '" + branch[1] + "' is not a valid branch name");
      }
    }
    if (sourceBranch.equals(envBranch) && (envRemote == null || envRemote.equals(source))) {
      throw usage("--env-branch must differ from --source-branch when both live in one repository");
    }
    if (intentsPath.isBlank() || intentsPath.startsWith("/") || intentsPath.contains("..")) {
      throw usage("--intents-path must be a relative folder inside the repository, not '" + intentsPath + "'");
    }
    URI opa = null;
    switch (policyEngine) {
      case "embedded" -> {
        if (opaUrl != null) {
          throw usage("--opa-url is only used with --policy-engine opa");
        }
      }
      case "opa" -> {
        if (opaUrl == null) {
          throw usage("--policy-engine opa needs --opa-url, e.g. http://localhost:8181");
        }
        try {
          opa = URI.create(opaUrl);
        } catch (IllegalArgumentException e) {
          throw usage("--opa-url: '" + opaUrl + "' is not a URL");
        }
        if (!"http".equals(opa.getScheme()) && !"https".equals(opa.getScheme())) {
          throw usage("--opa-url must be an http:// or https:// URL");
        }
      }
      default -> throw usage("--policy-engine must be embedded or opa, not '" + policyEngine + "'");
    }
    Path policiesDir = policies != null ? policies : defaultPolicies();
    // OPA mode pushes the same policies to the server, so both engines need the folder.
    if (policiesDir == null || !Files.isDirectory(policiesDir)) {
      throw usage("no policies folder: pass --policies DIR (looked for ./policies and $MESHGATE_HOME/policies)");
    }
    String routesPattern = MeshgateService.BUNDLED_ROUTES;
    if (routes != null) {
      if (!Files.isDirectory(routes)) {
        throw usage("--routes: " + routes + " is not a folder");
      }
      routesPattern = "file:" + routes.toAbsolutePath().normalize().toString().replace('\\', '/') + "/*.yaml";
    }
    if (webhookSecretEnv.isBlank()) {
      throw usage("--webhook-secret-env must name an environment variable");
    }
    // JGit resolves a relative path against its cache repository, not the working directory.
    String sourceUrl = absoluteIfLocalPath(source);
    String envUrl = envRemote == null ? sourceUrl : absoluteIfLocalPath(envRemote);
    return new ServeOptions(sourceUrl, sourceBranch, envBranch, envUrl,
        intentsPath.replaceAll("/+$", ""), poll, httpPort, policyEngine, opa, policiesDir, workDir,
        routesPattern, webhookSecretEnv);
  }

  /**
   * The secret as configured, without the line break a Secret made with {@code --from-file} or
   * {@code echo > file} carries (GitHub and GitLab never send one); null when unset or blank.
   */
  static String webhookSecret(String raw) {
    if (raw == null) {
      return null;
    }
    String secret = raw.replaceAll("[\\r\\n]+$", "");
    return secret.isBlank() ? null : secret;
  }

  /**
   * A plain path (no {@code scheme://}, not scp-like {@code host:path}) made absolute against the
   * working directory; URLs are returned unchanged.
   */
  static String absoluteIfLocalPath(String location) {
    if (location.contains("://")) {
      return location;
    }
    int colon = location.indexOf(':');
    int slash = location.indexOf('/');
    boolean scpLike = colon > 0 && (slash < 0 || colon < slash);
    if (scpLike) {
      return location;
    }
    try {
      return Path.of(location).toAbsolutePath().normalize().toString();
    } catch (java.nio.file.InvalidPathException e) {
      return location;
    }
  }

  static Path defaultPolicies() {
    Path local = Path.of("policies");
    if (Files.isDirectory(local)) {
      return local.toAbsolutePath();
    }
    String home = System.getenv("MESHGATE_HOME");
    return home == null ? null : Path.of(home, "policies");
  }

  private static boolean validBranch(String name) {
    return !name.isBlank() && !name.startsWith("/") && !name.endsWith("/") && !name.startsWith("-")
        && !name.contains("..") && !name.contains("//") && !name.endsWith(".lock")
        && name.chars().noneMatch(c -> c <= ' ' || "~^:?*[\\".indexOf(c) >= 0);
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
