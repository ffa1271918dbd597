package io.meshgate.service;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Violation;
import io.meshgate.cli.Version;
import io.meshgate.intent.IntentSet;
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
import io.meshgate.render.Renderer;
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

  /** The check step: structure, render-time checks and policies, as {@code validate} does it. */
  @FunctionalInterface
  public interface TreeCheck {
    CheckResult check(Path intentsRoot) throws Exception;
  }

  /**
   * @param workDir holds the source and environment cache repositories and snapshot scratch space
   * @param policyDigest digest of the policies, written to the provenance; may be null
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
      String policyDigest) {}

  private final Config config;
  private final TreeCheck check;
  private final Renderer renderer;
  private final Redactor redactor;
  // Only the sync thread touches this.
  private String lastHandledSourceCommit;

  public SyncJob(Config config, TreeCheck check, Renderer renderer) {
    this.config = config;
    this.check = check;
    this.renderer = renderer;
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
    if (commit.equals(lastHandledSourceCommit)) {
      return SyncOutcome.nothingToDo(commit);
    }
    CheckResult result;
    try {
      result = check.check(snapshot.intentsDir());
    } catch (Exception e) {
      // OPA unreachable and the like: fail closed, retry on the next trigger.
      return SyncOutcome.error(commit, "checking " + snapshot.shortId() + " failed: " + describe(e));
    }
    List<Violation> violations = new ArrayList<>(result.violations());
    violations.sort(Report.ORDER);
    if (result.hasErrors()) {
      lastHandledSourceCommit = commit;
      long errors = violations.stream().filter(Violation::isError).count();
      return new SyncOutcome(RunState.REFUSED, commit, null, violations,
          "source " + snapshot.shortId() + " refused: " + errors + (errors == 1 ? " error" : " errors")
              + "; nothing published");
    }
    IntentSet intents = result.load().intents();
    PublishResult published;
    try {
      published = EnvironmentPublish.to(config.envRemote())
          .branch(config.envBranch())
          .cacheDir(config.workDir().resolve("env-cache"))
          .credentials(config.credentials())
          .networkRetry(config.networkRetry())
          .sourceCommit(commit)
          .message("meshgate: render source " + snapshot.shortId())
          .render(previous -> render(intents, previous, commit))
          .call();
    } catch (RuntimeException e) {
      return new SyncOutcome(RunState.ERROR, commit, null, violations,
          "publishing " + snapshot.shortId() + " failed: " + describe(e));
    }
    lastHandledSourceCommit = commit;
    RunState state = published.committed() ? RunState.PUBLISHED : RunState.UNCHANGED;
    String message = published.committed()
        ? "source " + snapshot.shortId() + " published to " + config.envBranch() + " as "
            + published.envCommitId().substring(0, Math.min(7, published.envCommitId().length()))
        : "source " + snapshot.shortId() + " renders what " + config.envBranch() + " already holds; no commit";
    return new SyncOutcome(state, commit, published.envCommitId(), violations, message);
  }

  /** The output tree on top of the environment tip's address ledger (so addresses stay stable). */
  private SortedMap<String, byte[]> render(IntentSet intents, Optional<PreviousState> previous, String commit) {
    AllocationLedger ledger = AllocationLedger.empty();
    Optional<byte[]> yaml = previous.flatMap(PreviousState::allocationsYaml);
    if (yaml.isPresent()) {
      try {
        ledger = AllocationLedger.parse(new String(yaml.get(), StandardCharsets.UTF_8),
            config.envBranch() + ":" + AllocationLedger.PATH);
      } catch (AllocationLedger.LedgerException e) {
        throw new IllegalStateException("the ledger on " + config.envBranch() + " is unreadable: " + e.getMessage(), e);
      }
    }
    RenderResult result = renderer.render(intents, ledger);
    Provenance provenance = new Provenance(redactor.redact(config.sourceUrl()), commit, config.policyDigest(),
        Version.current());
    return OutputTree.of(result, provenance).files();
  }

  private String describe(Throwable e) {
    String msg = e.getMessage();
    return redactor.redact(msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg);
  }
}
