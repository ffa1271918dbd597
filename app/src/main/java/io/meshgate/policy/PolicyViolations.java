package io.meshgate.policy;

import io.meshgate.check.Violation;
import io.meshgate.intent.IntentDocument;
import io.meshgate.intent.Kind;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.OverlayObject;
import io.meshgate.intent.SourceLocation;
import io.meshgate.intent.Suggestions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The policy step of the pipeline: builds the input, evaluates it, and places every finding at
 * file:line:column through {@link LoadResult#locate}. Deny findings become errors, warn findings
 * warnings.
 */
public final class PolicyViolations {
  /** SOURCE_ANNOTATION and NAME_PREFIX; the policy step reads objects as plain maps. */
  private static final String SOURCE_ANNOTATION = "meshgate.io/source";
  private static final String NAME_PREFIX = "meshgate-";
  private static final java.util.Set<Kind> EDGE_KINDS =
      java.util.EnumSet.of(Kind.IngressRoute, Kind.ExternalService, Kind.EndUserAuth);

  /** Findings that get a "did you mean" at most, per run. */
  static final int MAX_SUGGESTIONS = 200;

  private PolicyViolations() {}

  /**
   * @throws PolicyEngineException when the policies cannot be evaluated; callers fail closed
   */
  public static List<Violation> check(PolicyEngine engine, LoadResult loaded,
      Map<String, ? extends List<? extends Map<String, ?>>> rendered) throws PolicyEngineException {
    return check(engine, loaded, rendered, null);
  }

  /**
   * As {@link #check(PolicyEngine, LoadResult, Map)}, reusing what {@code memory} kept from the last
   * evaluation over this tree (see {@link PolicyMemory}); or null.
   */
  public static List<Violation> check(PolicyEngine engine, LoadResult loaded,
      Map<String, ? extends List<? extends Map<String, ?>>> rendered, PolicyMemory memory) throws PolicyEngineException {
    PolicyDecision decision = engine.evaluate(
        PolicyInput.build(loaded, rendered, memory == null ? null : memory.input()), memory);
    return toViolations(decision, loaded, rendered);
  }

  /** Places findings in files; a finding about no known document keeps its kind/name but no file. */
  public static List<Violation> toViolations(PolicyDecision decision, LoadResult loaded) {
    return toViolations(decision, loaded, Map.of());
  }

  /**
   * As {@link #toViolations(PolicyDecision, LoadResult)}; a finding about a rendered object (kind
   * ServiceEntry, DestinationRule, ...) is placed at the intent it was rendered from, found
   * through the object's {@code meshgate.io/source} annotation. Documents and objects are indexed
   * once, so placing many findings stays linear.
   */
  public static List<Violation> toViolations(PolicyDecision decision, LoadResult loaded,
      Map<String, ? extends List<? extends Map<String, ?>>> rendered) {
    Locator locator = new Locator(loaded, rendered);
    Map<String, List<String>> namesByKind = new HashMap<>();
    for (IntentDocument document : loaded.documents()) {
      namesByKind.computeIfAbsent(document.kind().name(), k -> new ArrayList<>()).add(document.name());
    }
    List<Violation> violations = new ArrayList<>();
    int hinted = 0;
    for (PolicyFinding finding : decision.all()) {
      SourceLocation location = locator.locate(finding);
      // "Did you mean" helps on a handful of typos; past that many, the messages go without it.
      String message = finding.suggest() != null && hinted++ < MAX_SUGGESTIONS
          ? withSuggestion(finding, namesByKind) : finding.message();
      violations.add(new Violation(finding.rule(), finding.severity(), message,
          location == null ? null : location.file(),
          location == null ? 0 : location.line(),
          location == null ? 0 : location.column(),
          finding.kind(), finding.name(), finding.field()));
    }
    return violations;
  }

  /**
   * A finding's message with "did you mean" appended when it carries a {@code suggest} hint and a
   * close name exists (among the names of an intent kind, or the candidates the policy gave).
   */
  static String withSuggestion(PolicyFinding finding, Map<String, List<String>> namesByKind) {
    PolicyFinding.Suggest hint = finding.suggest();
    if (hint == null) {
      return finding.message();
    }
    List<String> candidates = new ArrayList<>(hint.candidates());
    if (hint.kind() != null) {
      candidates.addAll(namesByKind.getOrDefault(hint.kind(), List.of()));
    }
    candidates.removeIf(hint.value()::equals);
    String closest = Suggestions.closest(hint.value(), candidates);
    return closest == null ? finding.message() : finding.message() + "; did you mean \"" + closest + "\"?";
  }

  /** Finds the place of a finding; its indexes are built on first use. */
  private static final class Locator {
    private final LoadResult loaded;
    private final Map<String, ? extends List<? extends Map<String, ?>>> rendered;
    private Map<String, IntentDocument> documentsByKindAndName;
    private Map<String, List<IntentDocument>> documentsByFile;
    private Map<String, String> sourceFileByObject;
    private Map<String, OverlayObject> overlayByObject;

    Locator(LoadResult loaded, Map<String, ? extends List<? extends Map<String, ?>>> rendered) {
      this.loaded = loaded;
      this.rendered = rendered == null ? Map.of() : rendered;
    }

    SourceLocation locate(PolicyFinding finding) {
      if (finding.kind() == null || finding.name() == null) {
        return null;
      }
      Kind kind = kindOf(finding.kind());
      if (kind != null) {
        IntentDocument document = documents().get(kind + "/" + finding.name());
        return document == null ? null : document.locate(finding.field() == null ? "" : finding.field());
      }
      OverlayObject overlay = overlays().get(finding.kind() + "/" + finding.name());
      if (overlay != null) {
        return overlay.locate(finding.field() == null ? "" : finding.field());
      }
      return locateRendered(finding);
    }

    /** Overlay objects by "Kind/name" (the first cluster folder by name wins), at their file:line. */
    private Map<String, OverlayObject> overlays() {
      if (overlayByObject == null) {
        overlayByObject = new HashMap<>();
        loaded.overlays().objects().values().forEach(list -> list.forEach(o ->
            overlayByObject.putIfAbsent(o.kind() + "/" + o.name(), o)));
      }
      return overlayByObject;
    }

    /**
     * The intent behind a rendered object named by a finding: the document of the object's source
     * file whose service (or client service) the object is named after ({@code meshgate-<service>...}),
     * else that file's first document. Null when no rendered object has that kind and name.
     */
    private SourceLocation locateRendered(PolicyFinding finding) {
      String sourceFile = sourceFiles().get(finding.kind() + "/" + finding.name());
      if (sourceFile == null) {
        return null;
      }
      String name = finding.name().startsWith(NAME_PREFIX)
          ? finding.name().substring(NAME_PREFIX.length()) : finding.name();
      List<IntentDocument> inFile = filesToDocuments().getOrDefault(sourceFile, List.of());
      for (IntentDocument document : inFile) {
        if (document.content().get("spec") instanceof Map<?, ?> spec && spec.get("service") instanceof String service
            && (name.equals(service) || name.startsWith(service + "-"))) {
          return document.locate("spec.service");
        }
      }
      // The mesh edge's objects are named meshgate-<concern>-<metadata.name> (ingress-, egress-, jwt-).
      for (IntentDocument document : inFile) {
        if (name.endsWith("-" + document.name())
            && EDGE_KINDS.contains(document.kind())) {
          // A field of the rendered object that the intent spells the same way (jwtRules[0].jwksUri).
          return document.hasField(finding.field()) ? document.locate(finding.field()) : document.source();
        }
      }
      return inFile.isEmpty() ? null : inFile.get(0).source();
    }

    private static Kind kindOf(String kind) {
      try {
        return Kind.valueOf(kind);
      } catch (IllegalArgumentException e) {
        return null; // e.g. a finding about a rendered ServiceEntry: placed through its source
      }
    }

    /** The first document of each kind and name, as {@link LoadResult#locate} picks it. */
    private Map<String, IntentDocument> documents() {
      if (documentsByKindAndName == null) {
        documentsByKindAndName = new HashMap<>();
        for (IntentDocument document : loaded.documents()) {
          documentsByKindAndName.putIfAbsent(document.kind() + "/" + document.name(), document);
        }
      }
      return documentsByKindAndName;
    }

    private Map<String, List<IntentDocument>> filesToDocuments() {
      if (documentsByFile == null) {
        documentsByFile = new HashMap<>();
        for (IntentDocument document : loaded.documents()) {
          documentsByFile.computeIfAbsent(document.source().file(), f -> new ArrayList<>()).add(document);
        }
      }
      return documentsByFile;
    }

    /** "Kind/name" of every rendered object to its source file; the first cluster (by name) wins. */
    private Map<String, String> sourceFiles() {
      if (sourceFileByObject == null) {
        sourceFileByObject = new HashMap<>();
        for (String cluster : new TreeSet<>(rendered.keySet())) {
          for (Map<String, ?> object : rendered.get(cluster)) {
            if (object.get("metadata") instanceof Map<?, ?> metadata && metadata.get("name") instanceof String name
                && metadata.get("annotations") instanceof Map<?, ?> notes
                && notes.get(SOURCE_ANNOTATION) instanceof String file) {
              sourceFileByObject.putIfAbsent(object.get("kind") + "/" + name, file);
            }
          }
        }
      }
      return sourceFileByObject;
    }
  }
}
