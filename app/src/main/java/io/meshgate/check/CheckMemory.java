package io.meshgate.check;

import io.meshgate.crd.CrdProblem;
import io.meshgate.crd.IstioCrds;
import io.meshgate.intent.ParseCache;
import io.meshgate.policy.PolicyMemory;
import io.meshgate.render.IncrementalRender;
import java.util.List;
import java.util.Map;

/**
 * What one check of a tree keeps for the next check of the same tree, so a commit that changes a
 * few files costs little more than those files: the parsed files ({@link ParseCache}, by Git blob
 * id), the last render ({@link IncrementalRender}: only the clusters a change touches are rendered
 * again), the CRD check's answer for each distinct rendered object (an object rendered exactly as
 * last time has the same problems), and the reachability model and each service's edges with the
 * look-ups their simulation made (kept while the service, its clients and every look-up's answer are
 * unchanged; see {@link Reachability.Memory}), and the
 * embedded policy engine's results per rule element ({@link PolicyMemory}: the policies still see
 * the whole input, and an element is evaluated again when anything it read changed). A parsed
 * file also keeps its documents' schema findings and, while nothing their defaults read from other
 * documents changed, their content with defaults, the problems found filling them in, their typed
 * intents and the documents handed out (see {@link ParseCache}); the sorted intents of the last load
 * are patched rather than built again. Duplicate names, host collisions and references are looked at
 * across the whole tree every time. The service's sync job keeps one; checks of one memory run one
 * at a time.
 */
public final class CheckMemory {
  private final ParseCache parsed = new ParseCache();
  private final IncrementalRender render = new IncrementalRender();
  private final Reachability.Memory reach = new Reachability.Memory();
  private final PolicyMemory policies = new PolicyMemory();
  private IstioCrds crdsOfLastRun;
  private Map<Map<String, Object>, List<CrdProblem>> crdAnswersOfLastRun = Map.of();
  private int crdReusedLastRun;

  /** The parsed files. */
  public ParseCache parsed() {
    return parsed;
  }

  /** The renders of this tree: only the clusters a change touches are rendered again. */
  public IncrementalRender render() {
    return render;
  }

  /** The embedded engine's results per rule element (see {@link PolicyMemory}). */
  public PolicyMemory policies() {
    return policies;
  }

  /** The edges of the last reachability check, by service. */
  Reachability.Memory reach() {
    return reach;
  }

  /** Services whose edges the last reachability check took from the one before (see {@link Reachability.Memory}). */
  public int reachReusedLastRun() {
    return reach.reusedLastRun();
  }

  /** Rendered objects whose CRD answer the last check took from the one before. */
  public int crdReusedLastRun() {
    return crdReusedLastRun;
  }

  /** The answers of the last check when it used the same CRDs, else none. */
  synchronized Map<Map<String, Object>, List<CrdProblem>> crdAnswers(IstioCrds crds) {
    return crds == crdsOfLastRun ? crdAnswersOfLastRun : Map.of();
  }

  /** Keeps this check's answers (only those: objects no longer rendered are forgotten). */
  synchronized void keepCrdAnswers(IstioCrds crds, Map<Map<String, Object>, List<CrdProblem>> answers, int reused) {
    crdsOfLastRun = crds;
    crdAnswersOfLastRun = answers; // a map of its own, which that check no longer changes
    crdReusedLastRun = reused;
  }
}
