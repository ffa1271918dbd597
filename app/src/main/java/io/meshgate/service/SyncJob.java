package io.meshgate.service;

import io.meshgate.check.CheckMemory;
import io.meshgate.check.Violation;
import io.meshgate.cli.Version;
import io.meshgate.publish.EnvironmentPublish;
import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.NetworkRetry;
import io.meshgate.publish.PreviousState;
import io.meshgate.publish.PublishResult;
import io.meshgate.publish.SourceCheckout;
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
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * One sync run for a new source commit: fetch → check (structure and policies) → on any error
 * publish nothing ({@code refused}) → else render on top of the environment tip's ledger and publish
 * ({@code published} or {@code unchanged}). A commit already handled with the same policies is not
 * checked again; a policy change (policies read from Git) checks the current commit again. A failed
 * run (Git, OPA, network) is not remembered, so the next trigger retries it.
 *
 * <p>Before anything is pushed: the source branch must still point at the commit, the deletion guard
 * must pass (see {@link DeletionGuard}), and this instance must still be the leader. A follower
 * publishes nothing; it only keeps the policies current for uploads.
 */
public final class SyncJob implements SyncAction {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyncJob.class);

  /** Where one run's time went (only the sync thread uses it). */
  private static final class StepTimes {
    long fetch;
    long ledger;
    long check;
    long output;
    long render; // the whole render round: ledger, check, output tree and guards

    /**
     * "fetch 12 ms, ledger 0 ms, check 3,100 ms, output tree 80 ms, guards 20 ms, commit and push 300 ms"
     * (guards: the source branch's tip asked again, the deletion guard, the leadership).
     */
    String describe(long publish) {
      return "fetch " + ms(fetch) + ", ledger " + ms(ledger) + ", check " + ms(check) + ", output tree " + ms(output)
          + ", guards " + ms(Math.max(0, render - ledger - check - output))
          + ", commit and push " + ms(Math.max(0, publish - render));
    }

    private static String ms(long nanos) {
      return String.format(java.util.Locale.ROOT, "%,d ms", nanos / 1_000_000);
    }
  }

  private final StepTimes times = new StepTimes();

  /**
   * What guards publication besides the check.
   *
   * @param maxDeletionShare the share of all objects (0 to 1) a publication may remove without the
   *     source commit's opt-in
   */
  public record Guards(Leadership leadership, double maxDeletionShare) {
    public static final double DEFAULT_MAX_DELETION_SHARE = 0.5;

    public static Guards defaults() {
      return new Guards(Leadership.single(), DEFAULT_MAX_DELETION_SHARE);
    }
  }

  /** The check step: structure, render and policies, as {@code validate} does it. */
  @FunctionalInterface
  public interface TreeCheck {
    /**
     * @param previousLedger the address ledger on the environment branch (empty when absent), so that
     *     policies judge exactly the addresses that would be published
     * @throws Exception when the check itself cannot run (e.g. OPA unreachable): fail closed
     */
    CheckedTree check(Path intentsRoot, AllocationLedger previousLedger) throws Exception;

    /**
     * As {@link #check(Path, AllocationLedger)}, handing a successful render to {@code whilePoliciesFinish}
     * while the policies may still be evaluated (see {@link io.meshgate.check.Checker#whilePoliciesFinish});
     * a check that cannot do that ignores it.
     */
    default CheckedTree check(Path intentsRoot, AllocationLedger previousLedger,
        java.util.function.Consumer<RenderResult> whilePoliciesFinish) throws Exception {
      return check(intentsRoot, previousLedger);
    }
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
  private final ServicePolicies policies;
  private final java.util.function.Function<ServicePolicies.Loaded, TreeCheck> checks;
  private final Guards guards;
  private final Redactor redactor;
  /**
   * What the last output tree wrote (objects' YAML, kustomizations, the ledger's file): objects an
   * incremental render hands back unchanged are not written out again (only the sync thread uses it).
   */
  private final OutputTree.Memory written = new OutputTree.Memory();
  /** The blob ids of what the last publication committed, so unchanged files are not hashed again. */
  private final io.meshgate.publish.KnownBlobs knownBlobs = new io.meshgate.publish.KnownBlobs();
  /** The intents of the latest source commit, updated file by file (only the sync thread uses it). */
  private final SourceCheckout checkout;
  // Only the sync thread touches these.
  private String lastHandledKey;
  // The ledger file of the environment tip last read, and the ledger parsed from it.
  private byte[] lastLedgerYaml;
  private AllocationLedger lastLedger;
  // The environment tip that run left or saw (null: the branch did not exist).
  private String lastSeenEnvTip;

  /** A job whose check is given (its policies fixed, digest {@link Config#policyDigest()}), single instance. */
  public SyncJob(Config config, TreeCheck check) {
    this(config, ServicePolicies.fixed(null, config.policyDigest()), loaded -> check, Guards.defaults());
  }

  /** A job checking with {@code policies} (which may come from Git), guarded by {@code guards}. */
  public SyncJob(Config config, ServicePolicies policies, Guards guards) {
    this(config, policies, new CheckMemory(), guards);
  }

  private SyncJob(Config config, ServicePolicies policies, CheckMemory memory, Guards guards) {
    this(config, policies, loaded -> new TreeCheck() {
      @Override
      public CheckedTree check(Path root, AllocationLedger ledger) throws Exception {
        return check(root, ledger, null);
      }

      @Override
      public CheckedTree check(Path root, AllocationLedger ledger,
          java.util.function.Consumer<RenderResult> whilePoliciesFinish) throws Exception {
        return ServiceAssembly.checkAndRender(loaded.checker().whilePoliciesFinish(whilePoliciesFinish), root, ledger,
            memory);
      }
    }, guards);
  }

  SyncJob(Config config, ServicePolicies policies, java.util.function.Function<ServicePolicies.Loaded, TreeCheck> checks,
      Guards guards) {
    this.config = config;
    this.policies = policies;
    this.checks = checks;
    this.guards = guards;
    // Named as the intents path's last folder, as a fresh snapshot is: messages name intents/... files.
    String folder = config.intentsPath() == null ? "intents" : SourceFetch.WHOLE_TREE.equals(config.intentsPath()) ? "tree"
        : Path.of(config.intentsPath()).getFileName().toString();
    this.checkout = new SourceCheckout(config.workDir().resolve("source-checkout").resolve(folder));
    // URLs are masked as literal values too: a password may hold any character.
    this.redactor = config.credentials().redactor().withUrls(java.util.Arrays.asList(config.sourceUrl(), config.envRemote()));
  }

  @Override
  public SyncOutcome run() {
    boolean leader = guards.leadership().isLeader();
    if (!leader && policies.origin() == ServicePolicies.Origin.FOLDER) {
      return following(null);
    }
    SourceSnapshot snapshot;
    long fetchStarted = System.nanoTime();
    try {
      SourceFetch fetch = SourceFetch.from(config.sourceUrl())
          .branch(config.sourceBranch())
          .intentsPath(config.intentsPath())
          .cacheDir(config.workDir().resolve("source-cache"))
          .checkout(checkout)
          .tempParent(config.workDir().resolve("snapshots"))
          .credentials(config.credentials())
          .retry(config.networkRetry())
          .timeoutSeconds(config.networkTimeoutSeconds());
      if (policies.pathInSource() != null) {
        fetch.alsoMaterialise(policies.pathInSource());
      }
      snapshot = fetch.call();
      times.fetch = System.nanoTime() - fetchStarted;
    } catch (RuntimeException e) {
      return SyncOutcome.error(null, "fetching the source failed: " + describe(e));
    }
    try (snapshot) {
      ServicePolicies.Loaded loaded;
      try {
        loaded = policies.forRun(snapshot, config);
      } catch (ServicePolicies.Unavailable e) {
        return SyncOutcome.error(snapshot.commitId(), e.getMessage() + "; nothing published");
      }
      if (!leader) {
        return following(loaded.commit());
      }
      return handle(snapshot, loaded).withPolicyCommit(loaded.commit());
    }
  }

  private SyncOutcome following(String policyCommit) {
    String leader = guards.leadership().leader().orElse("another instance");
    return SyncOutcome.follower("following " + leader + " (" + guards.leadership().describe()
        + "); the leader publishes, this instance serves validation and status").withPolicyCommit(policyCommit);
  }

  private SyncOutcome handle(SourceSnapshot snapshot, ServicePolicies.Loaded loaded) {
    String commit = snapshot.commitId();
    // The same commit checked with other policies is a new check: a policy change takes effect at once.
    String key = commit + " " + loaded.digest();
    if (key.equals(lastHandledKey) && environmentAsLeft()) {
      return SyncOutcome.nothingToDo(commit);
    }
    TreeCheck check = checks.apply(loaded);
    // The check runs inside the publish's render step, on the environment tip's ledger: what the
    // policies judge is exactly what would be committed. A refusal aborts before anything is pushed.
    List<Violation> findings = new ArrayList<>();
    PublishResult published;
    long publishStarted = System.nanoTime();
    times.render = 0;
    try {
      published = EnvironmentPublish.to(config.envRemote())
          .branch(config.envBranch())
          .cacheDir(config.workDir().resolve("env-cache"))
          .credentials(config.credentials())
          .networkRetry(config.networkRetry())
          .timeoutSeconds(config.networkTimeoutSeconds())
          .knownBlobs(knownBlobs)
          .sourceCommit(commit)
          .message("meshgate: render source " + snapshot.shortId())
          .render(previous -> checkAndRender(snapshot, previous, findings, check, loaded))
          .call();
    } catch (DeletionRefused refused) {
      lastHandledKey = key;
      lastSeenEnvTip = refused.envTip;
      String message = "source " + snapshot.shortId() + " refused by the deletion guard: " + refused.getMessage()
          + "; nothing published. " + DeletionGuard.howToConfirm();
      List<Violation> all = new ArrayList<>(findings);
      all.add(0, new Violation(DeletionGuard.RULE, io.meshgate.check.Severity.ERROR, message, null, 0, 0, null, null, null));
      return new SyncOutcome(RunState.REFUSED, commit, refused.envTip, all, message);
    } catch (NotLeader notLeader) {
      return SyncOutcome.follower("lost the leadership while checking source " + snapshot.shortId()
          + "; nothing published, the new leader publishes");
    } catch (Refused refused) {
      lastHandledKey = key;
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
    lastHandledKey = key;
    lastSeenEnvTip = published.envCommitId();
    // With the check's own line (load, render, ...): where a push's time went, end to end.
    LOG.info("sync: source {} steps: {}", snapshot.shortId(), times.describe(System.nanoTime() - publishStarted));
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
      List<Violation> findings, TreeCheck check, ServicePolicies.Loaded loaded) {
    long started = System.nanoTime();
    AllocationLedger ledger = ledgerOf(previous);
    long ledgerRead = System.nanoTime();
    times.ledger = ledgerRead - started;
    Provenance provenance = new Provenance(redactor.redact(config.sourceUrl()), snapshot.commitId(),
        loaded.digest() != null ? loaded.digest() : config.policyDigest(), Version.current(), loaded.repo(),
        loaded.commit());
    // The output tree is put together while the policies finish; it is published only if they pass.
    OutputTree.Prepared output = new OutputTree.Prepared(rendered -> OutputTree.of(rendered, provenance, written));
    CheckedTree checked;
    try {
      checked = check.check(snapshot.intentsDir(), ledger, output);
    } catch (Exception e) {
      throw new CheckFailed(e);
    }
    times.check = System.nanoTime() - ledgerRead;
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
    SortedMap<String, byte[]> files = output.treeOf(result).files();
    times.output = output.nanos();
    if (previous.isPresent() && !DeletionGuard.optedIn(snapshot.message())) {
      String problem = DeletionGuard.problem(previous.get().clusterFiles(), files.keySet(), guards.maxDeletionShare());
      if (problem != null) {
        throw new DeletionRefused(previous.get().commitId(), problem);
      }
    }
    // Fencing: a leader that lost its lease while checking (paused, cut off) must not push.
    if (!guards.leadership().isLeader()) {
      throw new NotLeader();
    }
    times.render += System.nanoTime() - started; // a push rejected for a moved branch renders again
    return files;
  }

  AllocationLedger ledgerOf(Optional<PreviousState> previous) {
    Optional<byte[]> yaml = previous.flatMap(PreviousState::allocationsYaml);
    if (yaml.isEmpty()) {
      return AllocationLedger.empty();
    }
    // The ledger file changes only when an address does: the same bytes as last run, the same ledger.
    if (lastLedger != null && java.util.Arrays.equals(yaml.get(), lastLedgerYaml)) {
      return lastLedger;
    }
    try {
      AllocationLedger ledger = AllocationLedger.parse(new String(yaml.get(), StandardCharsets.UTF_8),
          config.envBranch() + ":" + AllocationLedger.PATH);
      lastLedgerYaml = yaml.get();
      lastLedger = ledger;
      return ledger;
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

  /** The publication would delete too much without the source commit's opt-in. */
  private static final class DeletionRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String envTip;

    DeletionRefused(String envTip, String message) {
      super(message, null, false, false);
      this.envTip = envTip;
    }
  }

  /** This instance is no longer the leader: another one publishes. */
  private static final class NotLeader extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotLeader() {
      super("not the leader", null, false, false);
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
