package io.meshgate.service;

import io.meshgate.check.Violation;
import io.meshgate.cli.Version;
import io.meshgate.publish.EnvironmentPublish;
import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.NetworkRetry;
import io.meshgate.publish.PreviousState;
import io.meshgate.publish.PublishResult;
import io.meshgate.publish.Redactor;
import io.meshgate.publish.SourceFetch;
import io.meshgate.publish.SourceSnapshot;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.OutputTree;
import io.meshgate.render.Provenance;
import io.meshgate.render.RenderResult;
import io.meshgate.report.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * One sync run for a new source commit: fetch → check (structure and policies) → on any error
 * publish nothing ({@code refused}) → else render on top of the environment tip's ledger and publish
 * ({@code published} or {@code unchanged}). A commit already handled is not checked again; a failed
 * run (Git, OPA, network) is not remembered, so the next trigger retries it.
 */
public final class SyncJob implements SyncAction {

  /** The check step: structure, render and policies, as {@code validate} does it. */
  @FunctionalInterface
  public interface TreeCheck {
    /**
     * @param previousLedger the address ledger on the environment branch (empty when absent), so that
     *     policies judge exactly the addresses that would be published
     * @throws Exception when the check itself cannot run (e.g. OPA unreachable): fail closed
     */
    CheckedTree check(Path intentsRoot, AllocationLedger previousLedger) throws Exception;
  }

  /**
   * @param violations every finding, errors and warnings
   * @param rendered what would be published; may be null only when there are errors
   */
  public record CheckedTree(List<Violation> violations, RenderResult rendered) {
    public CheckedTree {
      violations = List.copyOf(violations);
    }

    boolean hasErrors() {
      return violations.stream().anyMatch(Violation::isError);
    }
  }

  /**
   * @param workDir holds the source and environment cache repositories and snapshot scratch space
   * @param policyDigest digest of the policies, written to the provenance; may be null
   * @param networkTimeoutSeconds how long a Git operation may wait on a silent remote
   */
  public record Config(
      String sourceUrl,
      String sourceBranch,
      String intentsPath,
      String envRemote,
      String envBranch,
      Path workDir,
      GitCredentials credentials,
      NetworkRetry networkRetry,
      String policyDigest,
      int networkTimeoutSeconds) {
    /**
     * A silent remote (firewall dropping packets) must turn into state {@code error} in well under a
     * minute rather than JGit's usual 60 s per attempt; the next trigger retries anyway.
     */
    public static final int DEFAULT_NETWORK_TIMEOUT_SECONDS = 15;

    public Config(String sourceUrl, String sourceBranch, String intentsPath, String envRemote, String envBranch,
        Path workDir, GitCredentials credentials, NetworkRetry networkRetry, String policyDigest) {
      this(sourceUrl, sourceBranch, intentsPath, envRemote, envBranch, workDir, credentials, networkRetry,
          policyDigest, DEFAULT_NETWORK_TIMEOUT_SECONDS);
    }
  }

  private final Config config;
  private final TreeCheck check;
  private final Redactor redactor;
  // Only the sync thread touches these.
  private String lastHandledSourceCommit;
  // The environment tip that run left or saw (null: the branch did not exist).
  private String lastSeenEnvTip;

  public SyncJob(Config config, TreeCheck check) {
    this.config = config;
    this.check = check;
    this.redactor = config.credentials().redactor();
  }

  @Override
  public SyncOutcome run() {
    SourceSnapshot snapshot;
    try {
      snapshot = SourceFetch.from(config.sourceUrl())
          .branch(config.sourceBranch())
          .intentsPath(config.intentsPath())
          .cacheDir(config.workDir().resolve("source-cache"))
          .tempParent(config.workDir().resolve("snapshots"))
          .credentials(config.credentials())
          .retry(config.networkRetry())
          .timeoutSeconds(config.networkTimeoutSeconds())
          .call();
    } catch (RuntimeException e) {
      return SyncOutcome.error(null, "fetching the source failed: " + describe(e));
    }
    try (snapshot) {
      return handle(snapshot);
    }
  }

  private SyncOutcome handle(SourceSnapshot snapshot) {
    String commit = snapshot.commitId();
    if (commit.equals(lastHandledSourceCommit) && environmentAsLeft()) {
      return SyncOutcome.nothingToDo(commit);
    }
    // The check runs inside the publish's render step, on the environment tip's ledger: what the
    // policies judge is exactly what would be committed. A refusal aborts before anything is pushed.
    List<Violation> findings = new ArrayList<>();
    PublishResult published;
    try {
      published = EnvironmentPublish.to(config.envRemote())
          .branch(config.envBranch())
          .cacheDir(config.workDir().resolve("env-cache"))
          .credentials(config.credentials())
          .networkRetry(config.networkRetry())
          .timeoutSeconds(config.networkTimeoutSeconds())
          .sourceCommit(commit)
          .message("meshgate: render source " + snapshot.shortId())
          .render(previous -> checkAndRender(snapshot, previous, findings))
          .call();
    } catch (Refused refused) {
      lastHandledSourceCommit = commit;
      lastSeenEnvTip = refused.envTip;
      long errors = findings.stream().filter(Violation::isError).count();
      return new SyncOutcome(RunState.REFUSED, commit, refused.envTip, findings,
          "source " + snapshot.shortId() + " refused: " + errors + (errors == 1 ? " error" : " errors")
              + "; nothing published");
    } catch (Superseded superseded) {
      // Not remembered as handled: the next trigger fetches the newer commit (queued by the push).
      return SyncOutcome.nothingToDo(commit);
    } catch (CheckFailed e) {
      return SyncOutcome.error(commit, "checking " + snapshot.shortId() + " failed: " + describe(e.getCause()));
    } catch (RuntimeException e) {
      return new SyncOutcome(RunState.ERROR, commit, null, findings,
          "publishing " + snapshot.shortId() + " failed: " + describe(e));
    }
    lastHandledSourceCommit = commit;
    lastSeenEnvTip = published.envCommitId();
    RunState state = published.committed() ? RunState.PUBLISHED : RunState.UNCHANGED;
    String message = published.committed()
        ? "source " + snapshot.shortId() + " published to " + config.envBranch() + " as "
            + published.envCommitId().substring(0, Math.min(7, published.envCommitId().length()))
        : "source " + snapshot.shortId() + " renders what " + config.envBranch() + " already holds; no commit";
    return new SyncOutcome(state, commit, published.envCommitId(), findings, message);
  }

  /**
   * True when the environment branch is still where the last run left it. Someone deleting it or
   * resetting it (drift) makes the same source commit run again, so the branch heals without a new
   * source commit. When the remote cannot be asked, the fetch of the next real run will say so.
   */
  private boolean environmentAsLeft() {
    try {
      String tip = EnvironmentPublish.remoteTip(config.envRemote(), config.envBranch(), config.credentials(),
          config.networkTimeoutSeconds()).orElse(null);
      return java.util.Objects.equals(tip, lastSeenEnvTip);
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** One render round of the publish: check on the tip's ledger, then the output tree or a refusal. */
  private SortedMap<String, byte[]> checkAndRender(SourceSnapshot snapshot, Optional<PreviousState> previous,
      List<Violation> findings) {
    AllocationLedger ledger = ledgerOf(previous);
    CheckedTree checked;
    try {
      checked = check.check(snapshot.intentsDir(), ledger);
    } catch (Exception e) {
      throw new CheckFailed(e);
    }
    findings.clear();
    findings.addAll(checked.violations());
    findings.sort(Report.ORDER);
    if (checked.hasErrors()) {
      throw new Refused(previous.map(PreviousState::commitId).orElse(null));
    }
    if (sourceMovedOn(snapshot.commitId())) {
      throw new Superseded();
    }
    RenderResult result = checked.rendered();
    if (result == null) {
      throw new IllegalStateException("the check passed but rendered nothing");
    }
    Provenance provenance = new Provenance(redactor.redact(config.sourceUrl()), snapshot.commitId(),
        config.policyDigest(), Version.current());
    return OutputTree.of(result, provenance).files();
  }

  private AllocationLedger ledgerOf(Optional<PreviousState> previous) {
    Optional<byte[]> yaml = previous.flatMap(PreviousState::allocationsYaml);
    if (yaml.isEmpty()) {
      return AllocationLedger.empty();
    }
    try {
      return AllocationLedger.parse(new String(yaml.get(), StandardCharsets.UTF_8),
          config.envBranch() + ":" + AllocationLedger.PATH);
    } catch (AllocationLedger.LedgerException e) {
      throw new IllegalStateException("the ledger on " + config.envBranch() + " is unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * True when the source branch no longer points at {@code commit}. Publishing it then could put an
   * older output on top of what another instance already published for the newer commit; the newer
   * commit's own run publishes instead. Asked right before the push, so the window is small.
   */
  private boolean sourceMovedOn(String commit) {
    try {
      return EnvironmentPublish.remoteTip(config.sourceUrl(), config.sourceBranch(), config.credentials(),
          config.networkTimeoutSeconds()).map(tip -> !tip.equals(commit)).orElse(false);
    } catch (RuntimeException e) {
      return false; // cannot tell: publish what was checked
    }
  }

  /** The source branch moved on during the run: publish nothing for this commit. */
  private static final class Superseded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Superseded() {
      super("superseded", null, false, false);
    }
  }

  /** Errors found: abort the publish round before anything is committed. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String envTip;

    Refused(String envTip) {
      super("refused", null, false, false);
      this.envTip = envTip;
    }
  }

  /** The check could not run: abort the publish round, report an error. */
  private static final class CheckFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckFailed(Exception cause) {
      super(cause);
    }
  }

  private String describe(Throwable e) {
    String msg = e.getMessage();
    return redactor.redact(msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg);
  }
}
