package io.meshgate.publish;

/**
 * Outcome of {@link EnvironmentPublish#call()}.
 *
 * @param status CREATED (branch did not exist), UPDATED (new commit pushed) or UNCHANGED (the
 *     rendered {@code clusters/} and ledger equal the tip: no commit)
 * @param envCommitId the environment branch tip after the call
 * @param attempts render-and-push rounds used (more than 1 when the branch moved under us)
 */
public record PublishResult(Status status, String envCommitId, int attempts) {
  public enum Status {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  public boolean committed() {
    return status != Status.UNCHANGED;
  }
}
