package io.meshgate.service;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code meshgate serve} was told, validated. URLs may hold credentials: never log or show
 * them without {@link io.meshgate.publish.Redactor}.
 *
 * @param source the source Git URL (or local path)
 * @param envRemote where the environment branch is pushed; the source when not given
 * @param policyEngine {@code embedded} or {@code opa}
 * @param opaUrl the OPA server for {@code opa}; null otherwise
 * @param routesIncludePattern Camel resource pattern of the YAML routes
 * @param webhookSecretEnv the environment variable holding the webhook secret
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
    String webhookSecretEnv) {}
