package io.meshgate.intent;

import io.meshgate.check.Violation;
import java.util.List;

/**
 * What {@link IntentLoader#load} found.
 *
 * @param intents the structurally valid documents, typed, defaults filled in
 * @param documents every document with a recognised kind and a name, valid or not, in file order
 * @param violations every structural problem ({@code MG-SCHEMA}), in file order
 * @param files the intent files read, as shown to users ({@code intents/...}), sorted
 * @param overlays the overlay files and objects ({@code overlays/<cluster>/} below the intents root)
 */
public record LoadResult(IntentSet intents, List<IntentDocument> documents, List<Violation> violations,
    List<String> files, Overlays overlays) {

  public LoadResult {
    documents = List.copyOf(documents);
    violations = List.copyOf(violations);
    files = List.copyOf(files);
    overlays = overlays == null ? Overlays.NONE : overlays;
  }

  /** Without overlays. */
  public LoadResult(IntentSet intents, List<IntentDocument> documents, List<Violation> violations, List<String> files) {
    this(intents, documents, violations, files, Overlays.NONE);
  }

  public boolean hasErrors() {
    return violations.stream().anyMatch(Violation::isError);
  }

  /**
   * Maps a policy finding's kind/name/field to a place in a file: the field's location, the
   * document start when the field is absent, null when there is no such document.
   */
  public SourceLocation locate(Kind kind, String name, String fieldPath) {
    for (IntentDocument document : documents) {
      if (document.kind() == kind && document.name().equals(name)) {
        return document.locate(fieldPath);
      }
    }
    return null;
  }
}
