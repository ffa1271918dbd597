package io.meshgate.cli;

import io.meshgate.publish.Redactor;
import io.meshgate.service.IstioDurations;
import io.meshgate.service.MeshgateService;
import io.meshgate.service.ServeOptions;
import io.meshgate.service.ServiceAssembly;
import io.meshgate.service.SeedApi;
import io.meshgate.service.SeedApiOptions;
import io.meshgate.service.ServiceLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
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
        + " environment branch. Serves /healthz, /readyz, /api/v1/status, /metrics, /hooks/git and /api/v1/validate,"
        + " and with --seed-api the seed's REST API (/v2/projects/..., /api/v2/openapi.json)."
        + " Credentials come from the environment or files, never from arguments (they would show in ps).")
public final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin CrdOptions crds;

  /** How much of the intents tree each check reads (the sync job's and uploads'), as in validate. */
  @CommandLine.Mixin IntentLimitOptions intentLimits;

  @Option(names = ServiceLimits.ARCHIVE_BYTES_FLAG, defaultValue = ServiceLimits.DEFAULT_MAX_ARCHIVE_BYTES,
      paramLabel = "SIZE", converter = IntentLimitOptions.SizeConverter.class,
      description = "Largest upload to POST /api/v1/validate, compressed, e.g. 512MiB (default: ${DEFAULT-VALUE}).")
  long maxUploadBytes;

  @Option(names = ServiceLimits.ARCHIVE_ENTRIES_FLAG, defaultValue = ServiceLimits.DEFAULT_MAX_ARCHIVE_ENTRIES,
      paramLabel = "N", description = "Files and folders of one upload at most (default: ${DEFAULT-VALUE}).")
  int maxUploadEntries;

  @Option(names = ServiceLimits.UNPACKED_BYTES_FLAG, defaultValue = ServiceLimits.DEFAULT_MAX_UNPACKED_BYTES,
      paramLabel = "SIZE", converter = IntentLimitOptions.SizeConverter.class,
      description = "Bytes one upload may unpack to, e.g. 2GiB (default: ${DEFAULT-VALUE}).")
  long maxUploadUnpackedBytes;

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

  @Option(names = "--webhook-secret-file", paramLabel = "FILE",
      description = "File holding the webhook secret (e.g. a mounted Secret); instead of --webhook-secret-env.")
  Path webhookSecretFile;

  @Option(names = "--bind", defaultValue = ServeOptions.DEFAULT_BIND, paramLabel = "ADDRESS",
      description = "Address the HTTP server listens on, e.g. 127.0.0.1 (default: ${DEFAULT-VALUE}, every address).")
  String bind;

  @Option(names = "--api-token-file", paramLabel = "FILE",
      description = "Bearer tokens (one per line, e.g. a mounted Secret) required by POST /api/v1/validate, the"
          + " detailed GET /api/v1/status and any write endpoint; re-read when it changes. Unset: open.")
  Path apiTokenFile;

  @Option(names = "--leader-election", defaultValue = "none", paramLabel = "MODE",
      description = "Several replicas, one publisher: none (default), file:PATH (one host, a lock file) or"
          + " kubernetes[:[NAMESPACE/]NAME] (a Lease, default NAME meshgate in the pod's namespace).")
  String leaderElection;

  @Option(names = "--lease-duration", defaultValue = "15s", paramLabel = "DURATION",
      description = "How long a leader's lease lasts without renewal; a follower takes over after it (default: ${DEFAULT-VALUE}).")
  String leaseDuration;

  @Option(names = "--policies-path", paramLabel = "PATH",
      description = "Read the policies from this folder of the source repository (or of --policies-source) at every run,"
          + " instead of --policies.")
  String policiesPath;

  @Option(names = "--policies-source", paramLabel = "GIT_URL",
      description = "A second repository holding the policies (its --policies-path, default the whole repository).")
  String policiesSource;

  @Option(names = "--policies-branch", defaultValue = "main", paramLabel = "BRANCH",
      description = "Branch of --policies-source (default: ${DEFAULT-VALUE}).")
  String policiesBranch;

  @Option(names = "--max-deletion-share", defaultValue = "50%", paramLabel = "SHARE",
      description = "Largest share of all rendered objects one publication may remove without the source commit's"
          + " 'Meshgate-Allow-Deletion: true' trailer, e.g. 50% or 0.5 (default: ${DEFAULT-VALUE}).")
  String maxDeletionShare;

  @Option(names = "--max-connections", defaultValue = "256", paramLabel = "N",
      description = "Open HTTP connections at most (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--idle-timeout", defaultValue = "30s", paramLabel = "DURATION",
      description = "Close a connection with no request in progress after this long (default: ${DEFAULT-VALUE}).")
  String idleTimeout;

  @Option(names = "--read-timeout", defaultValue = "60s", paramLabel = "DURATION",
      description = "A request's body must arrive within this long, else 408 (default: ${DEFAULT-VALUE}).")
  String readTimeout;

  @Option(names = "--validation-threads", defaultValue = "2", paramLabel = "N",
      description = "Uploads to /api/v1/validate checked at once (default: ${DEFAULT-VALUE}).")
  int validationThreads;

  @Option(names = "--validation-queue", defaultValue = "4", paramLabel = "N",
      description = "Uploads waiting for a check; more are answered 429 (default: ${DEFAULT-VALUE}).")
  int validationQueue;

  @Option(names = "--validation-timeout", defaultValue = "60s", paramLabel = "DURATION",
      description = "Time budget of one upload, unpacking and check; then 503 (default: ${DEFAULT-VALUE}).")
  String validationTimeout;

  @Option(names = "--stuck-after", defaultValue = "10m", paramLabel = "DURATION",
      description = "A sync run longer than this makes /healthz fail, so the orchestrator restarts the pod"
          + " (default: ${DEFAULT-VALUE}).")
  String stuckAfter;

  @Option(names = "--seed-api",
      description = "Serve the seed's REST API (EMCO traffic controller) under /v2/projects/...: every write becomes a"
          + " checked commit of intent files. Needs --api-token-file (tokens naming who and which projects) or"
          + " --seed-api-unauthenticated.")
  boolean seedApi;

  @Option(names = "--seed-api-commit", defaultValue = "review", paramLabel = "MODE",
      description = "review: each write on a new branch, with a pull/merge request when --seed-api-forge is set;"
          + " direct: on --source-branch (default: ${DEFAULT-VALUE}).")
  String seedApiCommit;

  @Option(names = "--seed-api-placement", defaultValue = SeedApiOptions.DEFAULT_PLACEMENT, paramLabel = "PATH",
      description = "Placement file in the source repository: application -> service -> cluster (default: ${DEFAULT-VALUE}).")
  String seedApiPlacement;

  @Option(names = "--seed-api-forge", paramLabel = "FORGE",
      description = "github or gitlab: open a pull/merge request for each review branch (token from "
          + SeedApiOptions.ENV_FORGE_TOKEN_FILE + " or " + SeedApiOptions.ENV_FORGE_TOKEN + ").")
  String seedApiForge;

  @Option(names = "--seed-api-forge-url", paramLabel = "URL",
      description = "The forge's API base (default: https://api.github.com, or https://<host>/api/v4 of the source).")
  String seedApiForgeUrl;

  @Option(names = "--seed-api-forge-repo", paramLabel = "REPO",
      description = "GitHub owner/name or GitLab project path (default: from --source).")
  String seedApiForgeRepo;

  @Option(names = "--seed-api-unauthenticated",
      description = "Run the seed API without tokens: anyone who reaches the port commits. For tests and demos only.")
  boolean seedApiUnauthenticated;

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
    String crdProblem = crds.apply();
    if (crdProblem != null) {
      spec.commandLine().getErr().println("meshgate serve: " + crdProblem);
      return Main.EXIT_ERROR;
    }
    String secret;
    try {
      secret = webhookSecretFile != null ? webhookSecretFromFile(webhookSecretFile)
          : webhookSecret(System.getenv(options.webhookSecretEnv()));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("meshgate serve: " + e.getMessage());
      return Main.EXIT_ERROR;
    }
    // The hook comes first: a SIGTERM during start-up must stop what has started, quickly.
    java.util.concurrent.atomic.AtomicReference<MeshgateService> running = new java.util.concurrent.atomic.AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      MeshgateService started = running.get();
      if (started != null) {
        started.close();
      }
      stopped.countDown();
    }, "meshgate-shutdown"));
    MeshgateService service;
    try {
      service = ServiceAssembly.start(options, secret, Duration.ofSeconds(1));
    } catch (IllegalArgumentException | IllegalStateException e) {
      spec.commandLine().getErr().println("meshgate serve: " + e.getMessage());
      return Main.EXIT_ERROR;
    }
    running.set(service);
    if (stopped.getCount() == 0) {
      service.close(); // stopped while starting
      return Main.EXIT_OK;
    }
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
    refuseCredentialsInUrl("--source", source);
    refuseCredentialsInUrl("--env-remote", envRemote);
    refuseCredentialsInUrl("--policies-source", policiesSource);
    refuseCredentialsInUrl("--opa-url", opaUrl);
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
    boolean policiesFromGit = policiesPath != null || policiesSource != null;
    if (policiesFromGit && policies != null) {
      throw usage("--policies reads a folder; --policies-path and --policies-source read Git: choose one");
    }
    String policiesRepoPath = null;
    if (policiesFromGit) {
      policiesRepoPath = policiesPath == null ? "." : policiesPath.strip().replaceAll("/+$", "");
      boolean wholeRepo = policiesRepoPath.equals(".");
      if (policiesRepoPath.isEmpty() || policiesRepoPath.startsWith("/") || policiesRepoPath.contains("..")
          || (wholeRepo && policiesSource == null)) {
        throw usage("--policies-path must be a relative folder inside the repository, not '" + policiesPath + "'");
      }
      if (policiesSource != null && (policiesSource.isBlank() || !validBranch(policiesBranch))) {
        throw usage("--policies-source needs a repository and --policies-branch a valid branch name");
      }
      if (policiesSource == null && (policiesRepoPath.equals(intentsPath) || policiesRepoPath.startsWith(intentsPath + "/")
          || intentsPath.startsWith(policiesRepoPath + "/"))) {
        throw usage("--policies-path and --intents-path must be separate folders");
      }
    }
    Path policiesDir = policies != null ? policies : defaultPolicies();
    // OPA mode pushes the same policies to the server, so both engines need the folder.
    if (!policiesFromGit && (policiesDir == null || !Files.isDirectory(policiesDir))) {
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
    if (bind.isBlank() || bind.chars().anyMatch(Character::isWhitespace)) {
      throw usage("--bind must be an address such as 127.0.0.1, 0.0.0.0 or ::, not '" + bind + "'");
    }
    Duration lease = duration("--lease-duration", leaseDuration);
    if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw usage("--lease-duration must be at least 1s");
    }
    String election = leaderElection.strip();
    if (!election.equals("none") && !election.equals("kubernetes") && !election.startsWith("kubernetes:")
        && !(election.startsWith("file:") && election.length() > "file:".length())) {
      throw usage("--leader-election must be none, file:PATH or kubernetes[:[NAMESPACE/]NAME], not '" + election + "'");
    }
    double share = share(maxDeletionShare);
    if (maxConnections < 1 || validationThreads < 1 || validationQueue < 0) {
      throw usage("--max-connections and --validation-threads must be at least 1, --validation-queue at least 0");
    }
    if (maxUploadBytes < 1 || maxUploadEntries < 1 || maxUploadUnpackedBytes < 1) {
      throw usage(ServiceLimits.ARCHIVE_BYTES_FLAG + ", " + ServiceLimits.ARCHIVE_ENTRIES_FLAG + " and "
          + ServiceLimits.UNPACKED_BYTES_FLAG + " must be positive");
    }
    io.meshgate.intent.IntentLimits intents;
    try {
      intents = intentLimits.limits();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    ServiceLimits limits = ServiceLimits.DEFAULTS
        .withConnections(maxConnections, duration("--idle-timeout", idleTimeout), duration("--read-timeout", readTimeout))
        .withValidation(validationThreads, validationQueue, duration("--validation-timeout", validationTimeout))
        .withRunStuckAfter(duration("--stuck-after", stuckAfter))
        .withUploads(maxUploadBytes, maxUploadEntries, maxUploadUnpackedBytes)
        .withIntents(intents);
    // JGit resolves a relative path against its cache repository, not the working directory.
    String sourceUrl = absoluteIfLocalPath(source);
    String envUrl = envRemote == null ? sourceUrl : absoluteIfLocalPath(envRemote);
    return ServeOptions.of(sourceUrl, sourceBranch, envBranch, envUrl,
            intentsPath.replaceAll("/+$", ""), poll, httpPort, policyEngine, opa, policiesDir, workDir,
            routesPattern, webhookSecretEnv)
        .withBind(bind.strip())
        .withApiTokenFile(apiTokenFile)
        .withLeaderElection(election, lease)
        .withPoliciesFromGit(policiesRepoPath, policiesSource == null ? null : absoluteIfLocalPath(policiesSource),
            policiesSource == null ? null : policiesBranch)
        .withMaxDeletionShare(share)
        .withLimits(limits)
        .withSeedApi(seedApiOptions());
  }

  /** The seed API's flags, checked; null when it is off. */
  private SeedApiOptions seedApiOptions() {
    boolean anySeedFlag = seedApiForge != null || seedApiForgeUrl != null || seedApiForgeRepo != null
        || seedApiUnauthenticated || !seedApiCommit.equals("review")
        || !seedApiPlacement.equals(SeedApiOptions.DEFAULT_PLACEMENT);
    if (!seedApi) {
      if (anySeedFlag) {
        throw usage("the --seed-api-* flags need --seed-api");
      }
      return null;
    }
    if (apiTokenFile == null && !seedApiUnauthenticated) {
      throw usage("--seed-api commits to Git on request: give --api-token-file (a line per token: <token> <who>"
          + " projects=NAME,...) or, for a test or demo, --seed-api-unauthenticated");
    }
    if (apiTokenFile != null && seedApiUnauthenticated) {
      throw usage("--seed-api-unauthenticated and --api-token-file contradict each other: choose one");
    }
    SeedApi.CommitMode mode = switch (seedApiCommit) {
      case "review" -> SeedApi.CommitMode.REVIEW;
      case "direct" -> SeedApi.CommitMode.DIRECT;
      default -> throw usage("--seed-api-commit must be review or direct, not '" + seedApiCommit + "'");
    };
    String placement = seedApiPlacement.strip().replaceAll("^(\\./)+", "");
    if (placement.isEmpty() || placement.startsWith("/") || placement.contains("..") || placement.endsWith("/")) {
      throw usage("--seed-api-placement must be a file path inside the source repository, not '" + seedApiPlacement + "'");
    }
    if (placement.startsWith(intentsPath.replaceAll("/+$", "") + "/")) {
      throw usage("--seed-api-placement must lie outside --intents-path (every YAML file there is read as an intent)");
    }
    String forge = seedApiForge == null ? null : seedApiForge.strip().toLowerCase(Locale.ROOT);
    if (forge != null && !forge.equals("github") && !forge.equals("gitlab")) {
      throw usage("--seed-api-forge must be github or gitlab, not '" + seedApiForge + "'");
    }
    if (forge == null && (seedApiForgeUrl != null || seedApiForgeRepo != null)) {
      throw usage("--seed-api-forge-url and --seed-api-forge-repo need --seed-api-forge");
    }
    if (forge != null && mode == SeedApi.CommitMode.DIRECT) {
      throw usage("--seed-api-forge opens pull requests for review branches; it has nothing to do with --seed-api-commit direct");
    }
    URI forgeUrl = null;
    if (seedApiForgeUrl != null) {
      refuseCredentialsInUrl("--seed-api-forge-url", seedApiForgeUrl);
      try {
        forgeUrl = URI.create(seedApiForgeUrl.strip());
      } catch (IllegalArgumentException e) {
        throw usage("--seed-api-forge-url: '" + seedApiForgeUrl + "' is not a URL");
      }
      if (!"http".equals(forgeUrl.getScheme()) && !"https".equals(forgeUrl.getScheme())) {
        throw usage("--seed-api-forge-url must be an http:// or https:// URL");
      }
    }
    return new SeedApiOptions(mode, placement, forge, forgeUrl, seedApiForgeRepo == null ? null : seedApiForgeRepo.strip(),
        seedApiUnauthenticated);
  }

  private Duration duration(String flag, String text) {
    Duration d;
    try {
      d = IstioDurations.parse(text);
    } catch (IllegalArgumentException e) {
      throw usage(flag + ": " + e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw usage(flag + " must be longer than 0");
    }
    return d;
  }

  /** {@code 50%} or {@code 0.5}, between 0 and 1. */
  private double share(String text) {
    String t = text.strip();
    double value;
    try {
      value = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100 : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw usage("--max-deletion-share must be a share such as 50% or 0.5, not '" + text + "'");
    }
    if (!(value >= 0 && value <= 1)) {
      throw usage("--max-deletion-share must be between 0% and 100%, not '" + text + "'");
    }
    return value;
  }

  /**
   * A password (or any user info of an http(s) URL, which Git hosts accept as a token) in an argument
   * is visible to every user of the machine through {@code ps} and {@code /proc}: refuse it, saying how
   * to pass it instead. The message never repeats the value.
   */
  private void refuseCredentialsInUrl(String flag, String url) {
    if (url == null) {
      return;
    }
    String userinfo = Redactor.userinfoOf(url);
    if (userinfo == null) {
      return;
    }
    String scheme = url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT);
    boolean http = scheme.equals("http") || scheme.equals("https");
    if (http || userinfo.contains(":")) {
      throw usage(flag + " carries credentials in its URL, which every user can read with ps: remove them and"
          + " set MESHGATE_GIT_TOKEN_FILE (a file, e.g. a mounted Kubernetes Secret) or MESHGATE_GIT_TOKEN,"
          + " with MESHGATE_GIT_USERNAME for the user name" + (flag.equals("--opa-url") ? " (for OPA: put it in"
          + " front of OPA, e.g. a sidecar on localhost)" : ""));
    }
  }

  /** The secret of {@code --webhook-secret-file}, without a trailing line break. */
  static String webhookSecretFromFile(Path file) {
    try {
      String secret = webhookSecret(Files.readString(file, StandardCharsets.UTF_8));
      if (secret == null) {
        throw new IllegalArgumentException("--webhook-secret-file " + file + " is empty");
      }
      return secret;
    } catch (IOException e) {
      throw new IllegalArgumentException("--webhook-secret-file " + file + " cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
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
