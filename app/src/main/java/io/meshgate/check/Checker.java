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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /** @param policyEngine the policies to evaluate, or null for structural checks only */
  public Checker(PolicyEngine policyEngine) {
    this(policyEngine, null, IntentLimits.DEFAULTS, null, Progress.NONE);
  }

  /**
   * @param policiesDir a policies folder evaluated with the embedded engine (built at check time,
   *     so a broken folder surfaces as {@link PolicyEngineException} from {@link #check}), or null
   */
  public Checker(Path policiesDir) {
    this(null, policiesDir, IntentLimits.DEFAULTS, null, Progress.NONE);
  }

  private Checker(PolicyEngine policyEngine, Path policiesDir, IntentLimits intentLimits, IstioCrds crds,
      Progress progress) {
    this.policyEngine = policyEngine;
    this.policiesDir = policiesDir;
    this.intentLimits = intentLimits;
    this.crds = crds;
    this.progress = progress;
  }

  /** This checker reading at most {@code limits} of intents (the defaults otherwise). */
  public Checker withIntentLimits(IntentLimits limits) {
    return new Checker(policyEngine, policiesDir, limits, crds, progress);
  }

  /**
   * Checks rendered and overlay objects against these CRDs instead of the ones bundled with meshgate
   * ({@code --istio-crds FILE}).
   */
  public Checker withIstioCrds(IstioCrds crds) {
    return new Checker(policyEngine, policiesDir, intentLimits, crds, progress);
  }

  /** This checker reporting how far each step has got (files read, objects rendered, requests simulated). */
  public Checker withProgress(Progress progress) {
    return new Checker(policyEngine, policiesDir, intentLimits, crds, progress == null ? Progress.NONE : progress);
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
    LoadResult load = IntentLoader.load(intentsRoot, intentLimits, progress);
    List<Violation> violations = new ArrayList<>(load.violations());
    RenderResult rendered = load.hasErrors() ? null : new Renderer().render(load.intents(),
        previousLedger == null ? AllocationLedger.empty() : previousLedger, progress).withOverlays(load.overlays());
    PolicyEngine engine = policyEngine;
    if (engine == null && policiesDir != null) {
      engine = EmbeddedPolicyEngine.create(PolicyBundle.load(policiesDir));
    }
    Map<String, List<Map<String, Object>>> objects = rendered == null ? Map.of() : rendered.asPlainObjects();
    if (engine != null) {
      violations.addAll(PolicyViolations.check(engine, load, objects));
    }
    if (rendered != null) {
      // MG-CRD-01, MG-OVERLAY-02: nothing the API server would reject, no overlay in meshgate's names.
      // (After the policies, not beside them: their evaluation has a time limit to keep.)
      violations.addAll(CrdCheck.check(crds == null ? IstioCrds.current() : crds, load, rendered));
      // MG-REACH-01: output in which a declared client cannot reach its service is refused (overlays
      // are applied with meshgate's objects, so the model has both). An intent (a client, an
      // IngressRoute, ...) a policy already denies is not reported again, nor a client of a service
      // a policy denies (its edge fails because of that service): one mistake, one finding.
      Set<String> denied = new HashSet<>();
      violations.stream().filter(v -> v.isError() && v.kind() != null && isIntentKind(v.kind()))
          .forEach(v -> denied.add(v.kind() + "/" + v.name()));
      violations.addAll(Reachability.check(load, rendered.withOverlayObjects(), progress).stream()
          .filter(v -> !denied.contains(v.kind() + "/" + v.name()) && !targetDenied(load, v, denied)).toList());
    }
    return new CheckResult(load, violations, rendered);
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
