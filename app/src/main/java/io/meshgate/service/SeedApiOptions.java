package io.meshgate.service;

import java.net.URI;

/**
 * How {@code serve --seed-api} runs the seed's REST API.
 *
 * @param placementPath repository path of the placement file (application → service → cluster)
 * @param forgeKind {@code github}, {@code gitlab}, or null: review branches are pushed without a pull request
 * @param forgeUrl the forge's API base, or null for the default of its kind
 * @param forgeRepository GitHub {@code owner/name} or GitLab project path, or null: from the source URL
 * @param unauthenticated {@code --seed-api-unauthenticated}: no tokens, every caller writes (tests, demos)
 */
public record SeedApiOptions(SeedApi.CommitMode mode, String placementPath, String forgeKind, URI forgeUrl,
    String forgeRepository, boolean unauthenticated) {

  public static final String DEFAULT_PLACEMENT = "placement.yaml";
  /** Where the forge token comes from (a file first, as for Git): never an argument. */
  public static final String ENV_FORGE_TOKEN = "MESHGATE_FORGE_TOKEN";
  public static final String ENV_FORGE_TOKEN_FILE = "MESHGATE_FORGE_TOKEN_FILE";
}
