package io.meshgate.policy;

import io.meshgate.check.Violation;
import io.meshgate.intent.Kind;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The policy step of the pipeline: builds the input, evaluates it, and places every finding at
 * file:line:column through {@link LoadResult#locate}. Deny findings become errors, warn findings
 * warnings.
 */
public final class PolicyViolations {
  private PolicyViolations() {}

  /**
   * @throws PolicyEngineException when the policies cannot be evaluated; callers fail closed
   */
  public static List<Violation> check(PolicyEngine engine, LoadResult loaded,
      Map<String, ? extends List<? extends Map<String, ?>>> rendered) throws PolicyEngineException {
    PolicyDecision decision = engine.evaluate(PolicyInput.build(loaded, rendered));
    return toViolations(decision, loaded);
  }

  /** Places findings in files; a finding about no known document keeps its kind/name but no file. */
  public static List<Violation> toViolations(PolicyDecision decision, LoadResult loaded) {
    List<Violation> violations = new ArrayList<>();
    for (PolicyFinding finding : decision.all()) {
      SourceLocation location = locate(finding, loaded);
      violations.add(new Violation(finding.rule(), finding.severity(), finding.message(),
          location == null ? null : location.file(),
          location == null ? 0 : location.line(),
          location == null ? 0 : location.column(),
          finding.kind(), finding.name(), finding.field()));
    }
    return violations;
  }

  private static SourceLocation locate(PolicyFinding finding, LoadResult loaded) {
    if (finding.kind() == null || finding.name() == null) {
      return null;
    }
    Kind kind;
    try {
      kind = Kind.valueOf(finding.kind());
    } catch (IllegalArgumentException e) {
      return null; // e.g. a finding about a rendered ServiceEntry: no intent file to point at
    }
    return loaded.locate(kind, finding.name(), finding.field() == null ? "" : finding.field());
  }
}
