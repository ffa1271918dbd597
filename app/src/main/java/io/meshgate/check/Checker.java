package io.meshgate.check;

import io.meshgate.crd.IstioCrds;
import io.meshgate.intent.IntentLimits;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.Kind;
import io.meshgate.intent.InvalidIntentsRootException;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.ServiceClient;
import io.meshgate.policy.EmbeddedPolicyEngine;
import io.meshgate.policy.PolicyBundle;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyViolations;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.RenderResult;
import io.meshgate.render.Renderer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The validation pipeline shared by {@code validate}, {@code render} and the service. Steps run in
 * order and each adds its violations: load (structure, {@code MG-SCHEMA}); render, when there is no
 * structural error; policy evaluation over every loaded document and what was rendered (deny →
 * error, warn → warning, placed at file:line:column); reachability of every declared edge in what was
 * rendered ({@code MG-REACH-01}, see {@link io.meshgate.verify.Verifier}); Istio's CRDs over every
 * rendered and overlay object ({@code MG-CRD-01}, {@code MG-OVERLAY-02}, see {@link CrdCheck}).
 */
public final class Checker {
  private final PolicyEngine policyEngine;

  private final Path policiesDir;

  /** Istio's CRDs every rendered and overlay object is checked against; null: {@link IstioCrds#current()}. */
  private final IstioCrds crds;
  private final IntentLimits intentLimits;

  private final Progress progress;

  /** What the caller does with the render on the checking thread while the policies finish; or null. */
  private final java.util.function.Consumer<RenderResult> whilePoliciesFinish;

  /** @param policyEngine the policies to evaluate, or null for structural checks only */
  public Checker(PolicyEngine policyEngine) {
    this(policyEngine, null, IntentLimits.DEFAULTS, null, Progress.NONE, null);
  }

  /**
   * @param policiesDir a policies folder evaluated with the embedded engine (built at check time,
   *     so a broken folder surfaces as {@link PolicyEngineException} from {@link #check}), or null
   */
  public Checker(Path policiesDir) {
    this(null, policiesDir, IntentLimits.DEFAULTS, null, Progress.NONE, null);
  }

  private Checker(PolicyEngine policyEngine, Path policiesDir, IntentLimits intentLimits, IstioCrds crds,
      Progress progress, java.util.function.Consumer<RenderResult> whilePoliciesFinish) {
    this.policyEngine = policyEngine;
    this.policiesDir = policiesDir;
    this.intentLimits = intentLimits;
    this.crds = crds;
    this.progress = progress;
    this.whilePoliciesFinish = whilePoliciesFinish;
  }

  /** This checker reading at most {@code limits} of intents (the defaults otherwise). */
  public Checker withIntentLimits(IntentLimits limits) {
    return new Checker(policyEngine, policiesDir, limits, crds, progress, whilePoliciesFinish);
  }

  /**
   * Checks rendered and overlay objects against these CRDs instead of the ones bundled with meshgate
   * ({@code --istio-crds FILE}).
   */
  public Checker withIstioCrds(IstioCrds crds) {
    return new Checker(policyEngine, policiesDir, intentLimits, crds, progress, whilePoliciesFinish);
  }

  /** This checker reporting how far each step has got (files read, objects rendered, requests simulated). */
  public Checker withProgress(Progress progress) {
    return new Checker(policyEngine, policiesDir, intentLimits, crds, progress == null ? Progress.NONE : progress,
        whilePoliciesFinish);
  }

  /**
   * This checker handing a successful render to {@code work} on the checking thread once the CRD and
   * reachability steps are done, while the policies may still be evaluated: what the caller does
   * with the render anyway (its YAML) overlaps them. The findings are not known yet, so the work
   * must not publish anything; it is not run when the intents do not load.
   */
  public Checker whilePoliciesFinish(java.util.function.Consumer<RenderResult> work) {
    return new Checker(policyEngine, policiesDir, intentLimits, crds, progress, work);
  }

  /**
   * Checks the intents below {@code intentsRoot} with no previous address ledger.
   *
   * @throws InvalidIntentsRootException when the root is missing or not a directory
   * @throws PolicyEngineException when the policies cannot be evaluated: fail closed, publish nothing
   */
  public CheckResult check(Path intentsRoot) throws PolicyEngineException {
    return check(intentsRoot, null);
  }

  /**
   * @param previousLedger the address ledger of the last publication (keeps addresses stable), or null
   */
  public CheckResult check(Path intentsRoot, AllocationLedger previousLedger) throws PolicyEngineException {
    return check(intentsRoot, previousLedger, null);
  }

  /**
   * As {@link #check(Path, AllocationLedger)}, taking from {@code memory} what the last check of
   * this tree found for files and objects that did not change (the service's sync job keeps one for
   * the tree it watches); the policies and every other step still see the whole tree.
   *
   * @param memory what the last check of this tree kept, updated for the next one; or null
   */
  public CheckResult check(Path intentsRoot, AllocationLedger previousLedger, CheckMemory memory)
      throws PolicyEngineException {
    warmUp(crds);
    long started = System.nanoTime();
    LoadResult load = IntentLoader.load(intentsRoot, intentLimits, progress, memory == null ? null : memory.parsed());
    long loaded = System.nanoTime();
    List<Violation> violations = new ArrayList<>(load.violations());
    AllocationLedger ledger = previousLedger == null ? AllocationLedger.empty() : previousLedger;
    RenderResult rendered = load.hasErrors() ? null : (memory == null
        ? new Renderer().render(load.intents(), ledger, progress)
        : memory.render().render(load.intents(), ledger, progress)).withOverlays(load.overlays());
    long renderDone = System.nanoTime();
    PolicyEngine engine = policyEngine;
    if (engine == null && policiesDir != null) {
      engine = EmbeddedPolicyEngine.create(PolicyBundle.load(policiesDir));
    }
    Map<String, List<Map<String, Object>>> objects = rendered == null ? Map.of() : rendered.asPlainObjects();
    // The policies run on their own thread while this one checks the CRDs and reachability: the
    // steps only read the load and the render, and on a repository of 10,000 services each takes
    // seconds. The policies' findings come first, as when the steps ran one after the other.
    FutureTask<List<Violation>> policyFindings = null;
    long[] policyNanos = {-1}; // written by the policies' thread, read after its task is done
    if (engine != null) {
      PolicyEngine evaluating = engine;
      policyFindings = new FutureTask<>(() -> {
        long from = System.nanoTime();
        try {
          return PolicyViolations.check(evaluating, load, objects, memory == null ? null : memory.policies());
        } finally {
          policyNanos[0] = System.nanoTime() - from;
        }
      });
      Thread thread = new Thread(policyFindings, "meshgate-policies");
      thread.setDaemon(true);
      thread.start();
    }
    List<Violation> crdFindings = List.of();
    List<Violation> unreachable = List.of();
    Duration crdTook = null;
    Duration reachTook = null;
    if (rendered != null) {
      // MG-CRD-01, MG-OVERLAY-02: nothing the API server would reject, no overlay in meshgate's names.
      long from = System.nanoTime();
      crdFindings = CrdCheck.check(crds == null ? IstioCrds.current() : crds, load, rendered, memory);
      crdTook = Duration.ofNanos(System.nanoTime() - from);
      from = System.nanoTime();
      // MG-REACH-01: output in which a declared client cannot reach its service is refused (overlays
      // are applied with meshgate's objects, so the model has both).
      unreachable = Reachability.check(load, rendered, memory == null ? null : memory.reach(), progress);
      reachTook = Duration.ofNanos(System.nanoTime() - from);
      if (whilePoliciesFinish != null) {
        whilePoliciesFinish.accept(rendered);
      }
    }
    if (policyFindings != null) {
      violations.addAll(policyOutcome(policyFindings));
    }
    violations.addAll(crdFindings);
    // An intent (a client, an IngressRoute, ...) a policy or the CRD check already denies is not
    // reported unreachable too, nor a client of a service a policy denies (its edge fails because of
    // that service): one mistake, one finding.
    Set<String> denied = new HashSet<>();
    violations.stream().filter(v -> v.isError() && v.kind() != null && isIntentKind(v.kind()))
        .forEach(v -> denied.add(v.kind() + "/" + v.name()));
    violations.addAll(unreachable.stream()
        .filter(v -> !denied.contains(v.kind() + "/" + v.name()) && !targetDenied(load, v, denied)).toList());
    CheckTimings timings = new CheckTimings(Duration.ofNanos(loaded - started), Duration.ofNanos(renderDone - loaded),
        policyNanos[0] < 0 ? null : Duration.ofNanos(policyNanos[0]), crdTook, reachTook);
    return new CheckResult(load, violations, rendered, timings);
  }

  /**
   * Objects of the kinds meshgate renders, as small as their schemas allow: checking them once makes
   * the CRD check's first real object cheap (the CEL runtime and each kind's rules are ready).
   */
  private static final List<Map<String, Object>> WARM_UP_OBJECTS = java.util.stream.Stream.of(
          "networking.istio.io/v1 ServiceEntry", "networking.istio.io/v1 DestinationRule",
          "networking.istio.io/v1 Gateway", "networking.istio.io/v1 VirtualService", "networking.istio.io/v1 Sidecar",
          "security.istio.io/v1 AuthorizationPolicy", "security.istio.io/v1 PeerAuthentication",
          "security.istio.io/v1 RequestAuthentication")
      .map(type -> Map.<String, Object>of("apiVersion", type.split(" ")[0], "kind", type.split(" ")[1],
          "metadata", Map.of("name", "warm-up", "namespace", "warm-up"), "spec", Map.of()))
      .toList();

  /**
   * Gets the CRD check ready on another core while this one loads and renders: on a small repository
   * (a pull request's, the seed) reading the CRDs and starting CEL is a third of the command's time.
   * What it finds is thrown away; a failure here is found again by the check itself.
   */
  private static void warmUp(IstioCrds chosen) {
    if (WARMED_UP.getAndSet(true)) {
      return;
    }
    Thread thread = new Thread(() -> {
      try {
        IstioCrds crds = chosen == null ? IstioCrds.current() : chosen;
        WARM_UP_OBJECTS.forEach(crds::validate);
      } catch (RuntimeException e) {
        // only a warm-up
      }
    }, "meshgate-crd-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  private static final java.util.concurrent.atomic.AtomicBoolean WARMED_UP = new java.util.concurrent.atomic.AtomicBoolean();

  /** The policy step's findings, its failure rethrown as it was (fail closed). */
  private static List<Violation> policyOutcome(FutureTask<List<Violation>> task) throws PolicyEngineException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new PolicyEngineException("interrupted while the policies were evaluated", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PolicyEngineException policyProblem) {
        throw policyProblem;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new PolicyEngineException("policy evaluation failed: " + cause, cause);
    }
  }

  /** A ServiceClient's finding whose target InboundService has an error of its own. */
  private static boolean targetDenied(LoadResult load, Violation v, Set<String> denied) {
    if (!Kind.ServiceClient.name().equals(v.kind()) || v.name() == null) {
      return false;
    }
    ServiceClient client = load.intents().clients().get(v.name());
    return client != null && denied.contains(Kind.InboundService.name() + "/" + client.spec().target());
  }

  private static boolean isIntentKind(String kind) {
    for (Kind k : Kind.values()) {
      if (k.name().equals(kind)) {
        return true;
      }
    }
    return false;
  }

}
