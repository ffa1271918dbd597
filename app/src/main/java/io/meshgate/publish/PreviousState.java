package io.meshgate.publish;

import java.util.Optional;

/**
 * What the environment branch tip holds that the next render builds on.
 *
 * @param commitId the tip commit id
 * @param allocationsYaml {@code meshgate/allocations.yaml} (the address ledger), when present
 * @param provenanceYaml {@code meshgate/provenance.yaml}, when present
 */
public record PreviousState(
    String commitId, Optional<byte[]> allocationsYaml, Optional<byte[]> provenanceYaml) {}
