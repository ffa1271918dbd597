package io.meshgate.publish;

import java.util.List;
import java.util.Optional;

/**
 * What the environment branch tip holds that the next render builds on.
 *
 * @param commitId the tip commit id
 * @param allocationsYaml {@code meshgate/allocations.yaml} (the address ledger), when present
 * @param provenanceYaml {@code meshgate/provenance.yaml}, when present
 * @param clusterFiles every file path below {@code clusters/}, sorted (what a publish would replace)
 */
public record PreviousState(
    String commitId, Optional<byte[]> allocationsYaml, Optional<byte[]> provenanceYaml, List<String> clusterFiles) {

  public PreviousState {
    clusterFiles = List.copyOf(clusterFiles);
  }

  public PreviousState(String commitId, Optional<byte[]> allocationsYaml, Optional<byte[]> provenanceYaml) {
    this(commitId, allocationsYaml, provenanceYaml, List.of());
  }
}
