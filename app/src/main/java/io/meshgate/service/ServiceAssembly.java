package io.meshgate.service;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.check.Violation;
import io.meshgate.policy.PolicyBundle;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyEngines;
import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.NetworkRetry;
import io.meshgate.publish.Redactor;
import io.meshgate.render.AllocationLedger;
import io.meshgate.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the running service from {@code serve}'s options: the sync job (fetch, check, render,
 * publish) and the validator behind {@code POST /api/v1/validate}, both on the shared {@link Checker}.
 */
public final class ServiceAssembly {
  /** Service runs retry an unreachable remote briefly; the next trigger retries anyway. */
  static final NetworkRetry SERVICE_RETRY = new NetworkRetry(2, Duration.ofSeconds(1), Duration.ofSeconds(8));

  private ServiceAssembly() {}

  // The sync thread and validate requests share one policy engine; evaluate one tree at a time.
  private static final Object CHECK_LOCK = new Object();

  /** {@code POST /api/v1/validate}'s check: the same as {@code validate}, findings in report order. */
  public static TreeValidator treeValidator(Checker checker) {
    return root -> {
      List<Violation> violations;
      synchronized (CHECK_LOCK) {
        violations = new ArrayList<>(checker.check(root).violations());
      }
      violations.sort(Report.ORDER);
      return violations;
    };
  }

  /** The shared check on the environment's ledger: violations, and what would be published. */
  public static SyncJob.CheckedTree checkAndRender(Checker checker, Path intentsRoot, AllocationLedger ledger)
      throws PolicyEngineException {
    CheckResult result;
    synchronized (CHECK_LOCK) {
      result = checker.check(intentsRoot, ledger);
    }
    return new SyncJob.CheckedTree(result.violations(), result.hasErrors() ? null : result.rendered());
  }

  /**
   * Starts the service.
   *
   * @param webhookSecret the webhook secret (from the environment), or null to disable webhooks
   * @param firstPollDelay when the first sync runs after start-up
   * @throws IllegalArgumentException for configuration the user must fix (the message says what)
   */
  public static MeshgateService start(ServeOptions options, String webhookSecret, Duration firstPollDelay)
      throws Exception {
    GitCredentials credentials = GitCredentials.fromEnvironment();
    PolicyBundle bundle;
    PolicyEngine engine;
    try {
      bundle = PolicyBundle.load(options.policiesDir());
      engine = PolicyEngines.create(PolicyEngines.Kind.valueOf(options.policyEngine()), bundle, options.opaUrl());
    } catch (PolicyEngineException e) {
      throw new IllegalArgumentException("policies: " + e.getMessage(), e);
    }
    String policyDigest = bundle.digest();
    Path workDir = options.workDir() != null
        ? Files.createDirectories(options.workDir())
        : Files.createTempDirectory("meshgate-serve-");
    Checker checker = new Checker(engine);
    SyncJob job = new SyncJob(
        new SyncJob.Config(options.source(), options.sourceBranch(), options.intentsPath(), options.envRemote(),
            options.envBranch(), workDir, credentials, SERVICE_RETRY, policyDigest),
        (root, ledger) -> checkAndRender(checker, root, ledger));
    TreeValidator validator = treeValidator(checker);
    Redactor urls = Redactor.urlsOnly();
    Map<String, Object> shown = new TreeMap<>();
    shown.put("source", urls.redact(options.source()));
    shown.put("sourceBranch", options.sourceBranch());
    shown.put("envRemote", urls.redact(options.envRemote()));
    shown.put("envBranch", options.envBranch());
    shown.put("intentsPath", options.intentsPath());
    shown.put("policyEngine", options.policyEngine());
    shown.put("pollInterval", IstioDurations.format(options.pollInterval()));
    MeshgateService.Settings settings = new MeshgateService.Settings(options.httpPort(), options.pollInterval(),
        firstPollDelay, options.routesIncludePattern(), options.sourceBranch(), webhookSecret,
        options.webhookSecretEnv(), workDir.resolve("validate"), shown, null);
    MeshgateService service;
    try {
      service = MeshgateService.start(settings, job, validator);
    } catch (Exception e) {
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

  private static void deleteQuietly(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      // best effort: a temporary folder
    }
  }
}
