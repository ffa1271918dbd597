package io.meshgate.service;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.intent.IntentLimits;
import io.meshgate.check.CheckMemory;
import io.meshgate.check.Violation;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyEngines;
import io.meshgate.publish.Forge;
import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.NetworkRetry;
import io.meshgate.publish.Redactor;
import io.meshgate.render.AllocationLedger;
import io.meshgate.report.Report;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Builds the running service from {@code serve}'s options: the policies (a folder or Git), the
 * leadership, the sync job (fetch, check, render, publish) and the validator behind
 * {@code POST /api/v1/validate}, both checking with the policies in effect.
 */
public final class ServiceAssembly {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServiceAssembly.class);
  /** Service runs retry an unreachable remote briefly; the next trigger retries anyway. */
  static final NetworkRetry SERVICE_RETRY = new NetworkRetry(2, Duration.ofSeconds(1), Duration.ofSeconds(8));

  private ServiceAssembly() {}

  // The sync thread and validate requests share one policy engine; evaluate one tree at a time.
  private static final Object CHECK_LOCK = new Object();

  /** {@code POST /api/v1/validate}'s check: the same as {@code validate}, findings in report order. */
  public static TreeValidator treeValidator(Checker checker) {
    return root -> check(checker, root);
  }

  /** As {@link #treeValidator(Checker)} with the policies in effect at the time of each request. */
  static TreeValidator treeValidator(ServicePolicies policies, IntentLimits intentLimits) {
    return root -> {
      ServicePolicies.Loaded loaded = policies.current();
      if (loaded == null) {
        throw new PolicyEngineException("the policies are not loaded yet (the first sync run reads them from Git)");
      }
      return check(loaded.checker().withIntentLimits(intentLimits), root);
    };
  }

  private static List<Violation> check(Checker checker, Path root) throws PolicyEngineException {
    List<Violation> violations;
    synchronized (CHECK_LOCK) {
      violations = new ArrayList<>(checker.check(root).violations());
    }
    violations.sort(Report.ORDER);
    return violations;
  }

  /** The shared check on the environment's ledger: violations, and what would be published. */
  public static SyncJob.CheckedTree checkAndRender(Checker checker, Path intentsRoot, AllocationLedger ledger)
      throws PolicyEngineException {
    return checkAndRender(checker, intentsRoot, ledger, null);
  }

  /**
   * As {@link #checkAndRender(Checker, Path, AllocationLedger)}, with what the last check of this tree
   * kept (the sync job's {@link CheckMemory} of the tree it watches), or none when null.
   */
  public static SyncJob.CheckedTree checkAndRender(Checker checker, Path intentsRoot, AllocationLedger ledger,
      CheckMemory memory) throws PolicyEngineException {
    CheckResult result;
    synchronized (CHECK_LOCK) {
      result = checker.check(intentsRoot, ledger, memory);
    }
    // Where a run's time goes, one line per run: what an operator of a large repository asks first.
    LOG.info("sync: checked {} intent files: {} ({} rule elements evaluated, {} kept)", result.load().files().size(),
        result.timings().describe(), memory == null ? 0 : memory.policies().evaluatedLastRun(),
        memory == null ? 0 : memory.policies().reusedLastRun());
    return new SyncJob.CheckedTree(result.violations(), result.hasErrors() ? null : result.rendered());
  }

  /**
   * Starts the service.
   *
   * @param webhookSecret the webhook secret (from the environment or a file), or null to disable webhooks
   * @param firstPollDelay when the first sync runs after start-up
   * @throws IllegalArgumentException for configuration the user must fix (the message says what)
   */
  public static MeshgateService start(ServeOptions options, String webhookSecret, Duration firstPollDelay)
      throws Exception {
    return start(options, webhookSecret, firstPollDelay, null, UnaryOperator.identity());
  }

  /**
   * As {@link #start(ServeOptions, String, Duration)}.
   *
   * @param leadership the leadership to use instead of the one {@code options} names, or null
   * @param decorateCheck wraps the sync job's check (tests hold a run in the middle with it)
   */
  static MeshgateService start(ServeOptions options, String webhookSecret, Duration firstPollDelay,
      Leadership leadership, UnaryOperator<SyncJob.TreeCheck> decorateCheck) throws Exception {
    GitCredentials credentials = GitCredentials.fromEnvironment();
    ApiTokens tokens = options.apiTokenFile() == null ? ApiTokens.none() : ApiTokens.fromFile(options.apiTokenFile());
    ServicePolicies policies = policies(options);
    Path workDir = options.workDir() != null
        ? Files.createDirectories(options.workDir())
        : Files.createTempDirectory("meshgate-serve-");
    Leadership election = leadership;
    MeshgateService service;
    try {
      if (election == null) {
        election = leadership(options);
      }
      String policyDigest = policies.current() == null ? null : policies.current().digest();
      SyncJob.Config config = new SyncJob.Config(options.source(), options.sourceBranch(), options.intentsPath(),
          options.envRemote(), options.envBranch(), workDir, credentials, SERVICE_RETRY, policyDigest);
      // The sync job checks one tree commit after commit: unchanged files are not parsed again, objects
      // rendered as last time not checked against the CRDs again.
      CheckMemory memory = new CheckMemory();
      IntentLimits intentLimits = options.limits().intents();
      SyncJob job = new SyncJob(config, policies,
          loaded -> decorateCheck.apply((root, ledger) -> checkAndRender(loaded.checker().withIntentLimits(intentLimits), root,
              ledger, memory)),
          new SyncJob.Guards(election, options.maxDeletionShare()));
      MeshgateService.Settings settings = new MeshgateService.Settings(options.bindAddress(), options.httpPort(),
          options.pollInterval(), firstPollDelay, options.routesIncludePattern(), options.sourceBranch(),
          webhookSecret, options.webhookSecretEnv(), workDir.resolve("validate"), shown(options, policies),
          options.limits(), tokens, options.seedApi() == null ? null : seedApi(options, workDir, credentials, policies, tokens));
      service = MeshgateService.start(settings, job, treeValidator(policies, intentLimits), election,
          () -> policies.current() == null ? "the policies are not loaded yet (the first sync run reads them from Git)" : null);
    } catch (Exception | Error e) {
      if (election != null && election != leadership) {
        election.close();
      }
      if (options.workDir() == null) {
        deleteQuietly(workDir);
      }
      throw e;
    }
    if (options.workDir() == null) {
      // Without --work-dir every start clones afresh into a new folder; do not leave it behind.
      service.deleteOnClose(workDir);
    }
    return service;
  }

  /**
   * The seed's REST API on the source repository, checking writes with the policies in effect (the
   * sync job's), committing as the caller named by its token.
   */
  static SeedApiRoutes seedApi(ServeOptions options, Path workDir, GitCredentials credentials,
      ServicePolicies policies, ApiTokens tokens) {
    SeedApiOptions api = options.seedApi();
    Forge forge = null;
    if (api.forgeKind() != null) {
      String token = forgeToken(System.getenv());
      if (token == null) {
        throw new IllegalArgumentException("--seed-api-forge " + api.forgeKind() + " needs a token: set "
            + SeedApiOptions.ENV_FORGE_TOKEN_FILE + " (a file, e.g. a mounted Secret) or " + SeedApiOptions.ENV_FORGE_TOKEN
            + " (or the Git token variables, when the Git token may open pull requests)");
      }
      URI url = api.forgeUrl() != null ? api.forgeUrl() : Forge.defaultApiUrl(api.forgeKind(), options.source())
          .orElseThrow(() -> new IllegalArgumentException("--seed-api-forge-url is needed: the API of "
              + Redactor.urlsOnly().redact(options.source()) + " cannot be told from its URL"));
      String repository = api.forgeRepository() != null ? api.forgeRepository() : Forge.repositoryOf(options.source())
          .orElseThrow(() -> new IllegalArgumentException("--seed-api-forge-repo is needed: the repository of "
              + Redactor.urlsOnly().redact(options.source()) + " cannot be told from its URL"));
      forge = Forge.of(api.forgeKind(), url, repository, token);
    }
    SeedApi.Settings settings = new SeedApi.Settings(options.source(), options.sourceBranch(), options.intentsPath(),
        api.placementPath(), api.mode(), forge, workDir.resolve("seed-api-cache"), workDir.resolve("seed-api-scratch"),
        credentials, SERVICE_RETRY, new PersonIdent("meshgate", "meshgate@localhost"));
    SyncJob.TreeCheck check = (root, ledger) -> {
      ServicePolicies.Loaded loaded = policies.current();
      if (loaded == null) {
        throw new PolicyEngineException("the policies are not loaded yet (the first sync run reads them from Git)");
      }
      return checkAndRender(loaded.checker().withIntentLimits(options.limits().intents()), root, ledger);
    };
    SeedApiRoutes.Callers callers = api.unauthenticated() ? SeedApiRoutes.Callers.unauthenticated() : tokens::identify;
    return new SeedApiRoutes(new SeedApi(settings, check), callers);
  }

  /** The forge token from its file or variable, else the Git token's; null when none is set. */
  static String forgeToken(Map<String, String> environment) {
    for (String[] source : new String[][] {{SeedApiOptions.ENV_FORGE_TOKEN_FILE, SeedApiOptions.ENV_FORGE_TOKEN},
        {GitCredentials.ENV_TOKEN_FILE, GitCredentials.ENV_TOKEN}}) {
      String file = environment.get(source[0]);
      if (file != null && !file.isBlank()) {
        try {
          String token = Files.readString(Path.of(file.strip()), java.nio.charset.StandardCharsets.UTF_8).strip();
          if (!token.isEmpty()) {
            return token;
          }
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException(source[0] + " names " + file + ", which cannot be read ("
              + e.getClass().getSimpleName() + ")");
        }
      }
      String value = environment.get(source[1]);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }

  private static ServicePolicies policies(ServeOptions options) {
    PolicyEngines.Kind kind = PolicyEngines.Kind.valueOf(options.policyEngine());
    if (options.policiesSource() != null) {
      return ServicePolicies.repository(options.policiesSource(), options.policiesBranch(),
          options.policiesPath(), kind, options.opaUrl());
    }
    if (options.policiesPath() != null) {
      return ServicePolicies.inSource(options.policiesPath(), kind, options.opaUrl());
    }
    try {
      return ServicePolicies.folder(options.policiesDir(), kind, options.opaUrl());
    } catch (PolicyEngineException e) {
      throw new IllegalArgumentException("policies: " + e.getMessage(), e);
    }
  }

  /** The leadership {@code --leader-election} names. */
  static Leadership leadership(ServeOptions options) {
    String spec = options.leaderElection() == null ? "none" : options.leaderElection();
    Duration lease = options.leaseDuration();
    String identity = instanceIdentity();
    if (spec.equals("none")) {
      return Leadership.single();
    }
    if (spec.startsWith("file:")) {
      // Relative to the working directory, as any path argument: the instances must name one file.
      Path lock = Path.of(spec.substring("file:".length())).toAbsolutePath().normalize();
      return FileLockLeadership.start(lock, identity, Duration.ofMillis(Math.max(200, lease.toMillis() / 7)));
    }
    if (spec.equals("kubernetes") || spec.startsWith("kubernetes:")) {
      Config config = new ConfigBuilder(Config.autoConfigure(null))
          .withRequestTimeout((int) Math.min(5_000, lease.toMillis() / 3))
          .withConnectionTimeout((int) Math.min(5_000, lease.toMillis() / 3))
          .build();
      KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
      String namespace = client.getNamespace() == null ? "default" : client.getNamespace();
      String name = "meshgate";
      if (spec.startsWith("kubernetes:")) {
        String[] parts = spec.substring("kubernetes:".length()).split("/", 2);
        if (parts.length == 2) {
          namespace = parts[0];
          name = parts[1];
        } else {
          name = parts[0];
        }
      }
      return KubernetesLeaseLeadership.start(client, true, namespace, name, identity, lease);
    }
    throw new IllegalArgumentException("--leader-election must be none, file:PATH or kubernetes[:[NAMESPACE/]NAME], not '"
        + spec + "'");
  }

  /**
   * The pod's name in Kubernetes (Downward API POD_NAME: stable, so a restarted pod takes its own lease
   * back at once), elsewhere the host name, process id and a random suffix (unique per instance).
   */
  static String instanceIdentity() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod.strip();
    }
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "meshgate";
      }
    }
    return host.strip() + "-" + ProcessHandle.current().pid() + "-"
        + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }

  private static Map<String, Object> shown(ServeOptions options, ServicePolicies policies) {
    // URLs never hold credentials when they come through serve's flags; mask them whatever they hold.
    Redactor urls = Redactor.urlsOnly().withUrls(java.util.Arrays.asList(options.source(), options.envRemote(),
        options.policiesSource()));
    Map<String, Object> shown = new TreeMap<>();
    shown.put("source", urls.redact(options.source()));
    shown.put("sourceBranch", options.sourceBranch());
    shown.put("envRemote", urls.redact(options.envRemote()));
    shown.put("envBranch", options.envBranch());
    shown.put("intentsPath", options.intentsPath());
    shown.put("policyEngine", options.policyEngine());
    shown.put("policies", policies.describe());
    shown.put("pollInterval", IstioDurations.format(options.pollInterval()));
    shown.put("bind", options.bindAddress());
    shown.put("maxDeletionShare", DeletionGuard.percent(options.maxDeletionShare()));
    shown.put("apiTokens", options.apiTokenFile() != null);
    shown.put("seedApi", options.seedApi() == null ? "off" : options.seedApi().mode().name().toLowerCase(java.util.Locale.ROOT)
        + (options.seedApi().forgeKind() == null ? "" : " (" + options.seedApi().forgeKind() + ")"));
    return shown;
  }

  private static void deleteQuietly(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      // best effort: a temporary folder
    }
  }
}
