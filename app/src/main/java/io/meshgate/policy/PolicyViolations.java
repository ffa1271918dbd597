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
    return toViolations(decision, loaded, rendered);
  }

  /** Places findings in files; a finding about no known document keeps its kind/name but no file. */
  public static List<Violation> toViolations(PolicyDecision decision, LoadResult loaded) {
    return toViolations(decision, loaded, Map.of());
  }

  /**
   * As {@link #toViolations(PolicyDecision, LoadResult)}; a finding about a rendered object (kind
   * ServiceEntry, DestinationRule, ...) is placed at the intent it was rendered from, found
   * through the object's {@code meshgate.io/source} annotation.
   */
  public static List<Violation> toViolations(PolicyDecision decision, LoadResult loaded,
      Map<String, ? extends List<? extends Map<String, ?>>> rendered) {
    List<Violation> violations = new ArrayList<>();
    for (PolicyFinding finding : decision.all()) {
      SourceLocation location = locate(finding, loaded);
      if (location == null) {
        location = locateRendered(finding, loaded, rendered);
      }
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

  /**
   * The intent behind a rendered object named by a finding: the document of the object's source
   * file whose service (or client service) the object is named after, else that file's first
   * document. Null when no rendered object has that kind and name.
   */
  private static SourceLocation locateRendered(PolicyFinding finding, LoadResult loaded,
      Map<String, ? extends List<? extends Map<String, ?>>> rendered) {
    if (finding.kind() == null || finding.name() == null || rendered == null) {
      return null;
    }
    String sourceFile = null;
    for (String cluster : new java.util.TreeSet<>(rendered.keySet())) {
      for (Map<String, ?> object : rendered.get(cluster)) {
        if (finding.kind().equals(object.get("kind")) && object.get("metadata") instanceof Map<?, ?> metadata
            && finding.name().equals(metadata.get("name")) && metadata.get("annotations") instanceof Map<?, ?> notes
            && notes.get("meshgate.io/source") instanceof String file) {
          sourceFile = file;
          break;
        }
      }
      if (sourceFile != null) {
        break;
      }
    }
    if (sourceFile == null) {
      return null;
    }
    SourceLocation firstInFile = null;
    for (io.meshgate.intent.IntentDocument document : loaded.documents()) {
      if (!sourceFile.equals(document.source().file())) {
        continue;
      }
      if (firstInFile == null) {
        firstInFile = document.source();
      }
      if (document.content().get("spec") instanceof Map<?, ?> spec && spec.get("service") instanceof String service
          && (finding.name().equals(service) || finding.name().startsWith(service + "-"))) {
        return document.locate("spec.service");
      }
    }
    return firstInFile;
  }
}
