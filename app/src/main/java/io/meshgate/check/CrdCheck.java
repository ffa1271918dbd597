package io.meshgate.check;

import io.meshgate.crd.CrdProblem;
import io.meshgate.crd.IstioCrds;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.OverlayObject;
import io.meshgate.intent.SourceLocation;
import io.meshgate.policy.PolicyDecision;
import io.meshgate.policy.PolicyFinding;
import io.meshgate.policy.PolicyViolations;
import io.meshgate.render.RenderResult;
import io.meshgate.render.RenderedObject;
import io.meshgate.render.Renderer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nothing the API server would reject is published. {@code MG-CRD-01}: every rendered object and
 * every overlay object against Istio's CRDs (structural schema and CEL rules, {@link IstioCrds}); a
 * rendered object's problem is reported at the intent it was rendered from, an overlay object's at
 * its own file:line. {@code MG-OVERLAY-02}: an overlay object named like one of meshgate's (the
 * {@code meshgate-} prefix is meshgate's), or twice in one cluster (kustomize refuses duplicates).
 */
final class CrdCheck {
  static final String CRD_RULE = "MG-CRD-01";
  static final String CLASH_RULE = "MG-OVERLAY-02";

  private CrdCheck() {}

  static List<Violation> check(IstioCrds crds, LoadResult load, RenderResult rendered) {
    return check(crds, load, rendered, null);
  }

  /** @param memory the answers of the last check of this tree, kept for the next; or null */
  static List<Violation> check(IstioCrds crds, LoadResult load, RenderResult rendered, CheckMemory memory) {
    List<RenderedObject> all = new ArrayList<>();
    rendered.clusters().values().forEach(all::addAll);
    // 100,000 objects are a normal render: checked on every core, and an object rendered alike in
    // several clusters (a .global host's objects usually are) is checked once; in the service, an
    // object rendered exactly as in the last check is not checked again.
    Map<Map<String, Object>, List<CrdProblem>> known = memory == null ? Map.of() : memory.crdAnswers(crds);
    Map<Map<String, Object>, List<CrdProblem>> checked = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger reused = new java.util.concurrent.atomic.AtomicInteger();
    List<List<CrdProblem>> problems = all.parallelStream()
        .map(object -> checked.computeIfAbsent(object.plain(), plain -> {
          List<CrdProblem> answer = known.get(plain);
          if (answer != null) {
            reused.incrementAndGet();
            return answer;
          }
          return crds.validate(plain);
        }))
        .toList();
    if (memory != null) {
      memory.keepCrdAnswers(crds, checked, reused.get());
    }
    List<PolicyFinding> renderedProblems = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      RenderedObject object = all.get(i);
      for (CrdProblem problem : problems.get(i)) {
        renderedProblems.add(new PolicyFinding(CRD_RULE, Severity.ERROR, object.cluster() + ": " + object.kind() + " "
            + object.namespace() + "/" + object.name() + " would be rejected by the API server: " + describe(problem)
            + "; fix the intent field it comes from", object.kind(), object.name(),
            problem.path().isEmpty() ? null : problem.path()));
      }
    }
    List<Violation> violations = new ArrayList<>(PolicyViolations.toViolations(
        new PolicyDecision(renderedProblems, List.of()), load, rendered.asPlainObjects()));

    for (Map.Entry<String, List<OverlayObject>> entry : rendered.overlays().objects().entrySet()) {
      String cluster = entry.getKey();
      Map<String, RenderedObject> meshgateObjects = new HashMap<>();
      rendered.objectsOf(cluster).forEach(o -> meshgateObjects.put(key(o.kind(), o.namespace(), o.name()), o));
      Map<String, OverlayObject> seen = new HashMap<>();
      Map<String, RenderedObject> meshgateRules = new HashMap<>();
      rendered.objectsOf(cluster).stream().filter(o -> o.kind().equals("DestinationRule"))
          .forEach(o -> {
            String host = namespaceWideRuleHost(o.plain(), o.namespace());
            if (host != null) {
              meshgateRules.putIfAbsent(o.namespace() + "|" + host, o);
            }
          });
      for (OverlayObject object : entry.getValue()) {
        String ruleHost = "DestinationRule".equals(object.kind())
            ? namespaceWideRuleHost(object.content(), object.namespace()) : null;
        RenderedObject sameHost = ruleHost == null ? null : meshgateRules.get(object.namespace() + "|" + ruleHost);
        if (sameHost != null) {
          // https://istio.io/latest/docs/ops/best-practices/traffic-management/#split-virtual-services :
          // rules of one host in one namespace are merged oldest first, and only the oldest one's
          // trafficPolicy is kept, so the outcome would depend on the order the objects were created.
          violations.add(at(object.locate("spec.host"), CLASH_RULE, cluster + ": overlay " + object.describe()
              + " configures host " + ruleHost + ", which meshgate's DestinationRule " + sameHost.namespace() + "/"
              + sameHost.name() + " (from " + sameHost.sourceFile()
              + ") configures in the same namespace: Istio merges the two by creation time and keeps the older one's"
              + " trafficPolicy only, so which settings apply is not decided by the repository; put the overlay rule in"
              + " the callers' namespace (looked up first) or give it a workloadSelector, or say it in the intent"));
        }
        for (CrdProblem problem : crds.validate(object.content())) {
          violations.add(at(object.locate(problem.path()), CRD_RULE, cluster + ": overlay " + object.describe()
              + " would be rejected by the API server: " + describe(problem)));
        }
        String key = key(object.kind(), object.namespace(), object.name());
        OverlayObject first = seen.putIfAbsent(key, object);
        RenderedObject ours = meshgateObjects.get(key);
        if (ours != null) {
          violations.add(at(object.locate("metadata.name"), CLASH_RULE, cluster + ": overlay " + object.describe()
              + " has the name of an object meshgate renders there (from " + ours.sourceFile() + "); rename the overlay object"));
        } else if (object.name() != null && object.name().startsWith(Renderer.NAME_PREFIX)) {
          violations.add(at(object.locate("metadata.name"), CLASH_RULE, cluster + ": overlay " + object.describe()
              + " uses the " + Renderer.NAME_PREFIX + " prefix, which is meshgate's own (its objects may take the name"
              + " at any time); rename the overlay object"));
        } else if (first != null) {
          violations.add(at(object.locate("metadata.name"), CLASH_RULE, cluster + ": overlay " + object.describe()
              + " is defined twice (first at " + first.source() + "); kustomize refuses duplicate objects, keep one"));
        }
      }
    }
    return violations;
  }

  /**
   * The host (as a full name) of a DestinationRule without workloadSelector, which every proxy that
   * sees it applies; null for a rule with a workloadSelector or without host. A short host names a
   * Service of the rule's namespace.
   */
  private static String namespaceWideRuleHost(Map<String, Object> object, String namespace) {
    Object spec = object.get("spec");
    if (!(spec instanceof Map<?, ?> map) || map.get("workloadSelector") != null || !(map.get("host") instanceof String host)) {
      return null;
    }
    return host.contains(".") || host.contains("*") ? host : host + "." + namespace + ".svc.cluster.local";
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }

  private static String describe(CrdProblem problem) {
    return (problem.path().isEmpty() ? "" : problem.path() + ": ") + problem.message()
        + (problem.rule() == null ? "" : " (CEL rule: " + problem.rule() + ")");
  }

  private static Violation at(SourceLocation location, String rule, String message) {
    return new Violation(rule, Severity.ERROR, message, location.file(), location.line(), location.column(), null, null,
        null);
  }
}
