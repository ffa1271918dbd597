package io.meshgate.service;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code meshgate serve} was told, validated. URLs never hold credentials ({@code serve}
 * refuses them); still, show them only through {@link io.meshgate.publish.Redactor}.
 *
 * @param source the source Git URL (or local path)
 * @param envRemote where the environment branch is pushed; the source when not given
 * @param policyEngine {@code embedded} or {@code opa}
 * @param opaUrl the OPA server for {@code opa}; null otherwise
 * @param policiesDir the policies folder; used when the policies do not come from Git
 * @param routesIncludePattern Camel resource pattern of the YAML routes
 * @param webhookSecretEnv the environment variable holding the webhook secret
 * @param bindAddress the address the HTTP server listens on
 * @param apiTokenFile bearer tokens for the protected endpoints, or null (they are open)
 * @param leaderElection {@code none}, {@code file:PATH} or {@code kubernetes[:NAMESPACE/NAME]}
 * @param leaseDuration how long a leader's lease (or lock check) lasts without renewal
 * @param policiesPath the policies folder inside the source repository, or inside
 *     {@code policiesSource}; null when the policies come from {@code policiesDir}
 * @param policiesSource a second repository holding the policies, or null
 * @param policiesBranch the branch of {@code policiesSource}
 * @param maxDeletionShare the share of all objects (0 to 1) a publication may remove without opt-in
 * @param limits connection, upload and loop limits
 * @param seedApi the seed's REST API, or null when it is off
 */
public record ServeOptions(
    String source,
    String sourceBranch,
    String envBranch,
    String envRemote,
    String intentsPath,
    Duration pollInterval,
    int httpPort,
    String policyEngine,
    URI opaUrl,
    Path policiesDir,
    Path workDir,
    String routesIncludePattern,
    String webhookSecretEnv,
    String bindAddress,
    Path apiTokenFile,
    String leaderElection,
    Duration leaseDuration,
    String policiesPath,
    String policiesSource,
    String policiesBranch,
    double maxDeletionShare,
    ServiceLimits limits,
    SeedApiOptions seedApi) {

  public static final String DEFAULT_BIND = "0.0.0.0";
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);

  /** The options of a single instance with policies from a folder and every other default. */
  public static ServeOptions of(String source, String sourceBranch, String envBranch, String envRemote,
      String intentsPath, Duration pollInterval, int httpPort, String policyEngine, URI opaUrl, Path policiesDir,
      Path workDir, String routesIncludePattern, String webhookSecretEnv) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, DEFAULT_BIND, null,
        "none", DEFAULT_LEASE_DURATION, null, null, null, SyncJob.Guards.DEFAULT_MAX_DELETION_SHARE,
        ServiceLimits.DEFAULTS, null);
  }

  public ServeOptions withBind(String address) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, address, apiTokenFile,
        leaderElection, leaseDuration, policiesPath, policiesSource, policiesBranch, maxDeletionShare, limits, seedApi);
  }

  public ServeOptions withPollInterval(Duration interval) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, interval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, bindAddress, apiTokenFile,
        leaderElection, leaseDuration, policiesPath, policiesSource, policiesBranch, maxDeletionShare, limits, seedApi);
  }

  public ServeOptions withApiTokenFile(Path file) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, bindAddress, file,
        leaderElection, leaseDuration, policiesPath, policiesSource, policiesBranch, maxDeletionShare, limits, seedApi);
  }

  public ServeOptions withLeaderElection(String spec, Duration lease) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, bindAddress, apiTokenFile,
        spec, lease, policiesPath, policiesSource, policiesBranch, maxDeletionShare, limits, seedApi);
  }

  /** Policies from Git: {@code path} in the source repository, or in {@code repository} at {@code branch}. */
  public ServeOptions withPoliciesFromGit(String path, String repository, String branch) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, bindAddress, apiTokenFile,
        leaderElection, leaseDuration, path, repository, branch, maxDeletionShare, limits, seedApi);
  }

  public ServeOptions withMaxDeletionShare(double share) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, bindAddress, apiTokenFile,
        leaderElection, leaseDuration, policiesPath, policiesSource, policiesBranch, share, limits, seedApi);
  }

  public ServeOptions withLimits(ServiceLimits serviceLimits) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, bindAddress, apiTokenFile,
        leaderElection, leaseDuration, policiesPath, policiesSource, policiesBranch, maxDeletionShare, serviceLimits, seedApi);
  }

  public ServeOptions withWorkDir(Path dir) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, dir, routesIncludePattern, webhookSecretEnv, bindAddress, apiTokenFile,
        leaderElection, leaseDuration, policiesPath, policiesSource, policiesBranch, maxDeletionShare, limits, seedApi);
  }

  public ServeOptions withSeedApi(SeedApiOptions api) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, httpPort,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, bindAddress, apiTokenFile,
        leaderElection, leaseDuration, policiesPath, policiesSource, policiesBranch, maxDeletionShare, limits, api);
  }

  public ServeOptions withHttpPort(int port) {
    return new ServeOptions(source, sourceBranch, envBranch, envRemote, intentsPath, pollInterval, port,
        policyEngine, opaUrl, policiesDir, workDir, routesIncludePattern, webhookSecretEnv, bindAddress, apiTokenFile,
        leaderElection, leaseDuration, policiesPath, policiesSource, policiesBranch, maxDeletionShare, limits, seedApi);
  }
}
