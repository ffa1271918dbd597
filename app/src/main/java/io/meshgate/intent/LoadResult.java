package io.meshgate.intent;

import io.meshgate.check.Violation;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link IntentLoader#load} found. The documents are indexed by kind and name once, so placing
 * thousands of policy findings costs one lookup each.
 */
public final class LoadResult {
  private final IntentSet intents;
  private final List<IntentDocument> documents;
  private final List<Violation> violations;
  private final List<String> files;
  private final Overlays overlays;
  /** The first document of each kind and name. */
  private final Map<Kind, Map<String, IntentDocument>> byName = new EnumMap<>(Kind.class);

  /**
   * @param intents the structurally valid documents, typed, defaults filled in
   * @param documents every document with a recognised kind and a name, valid or not, in file order
   * @param violations every structural problem ({@code MG-SCHEMA}), in file order
   * @param files the intent files read, as shown to users ({@code intents/...}), sorted
   * @param overlays the overlay files and objects ({@code overlays/<cluster>/} below the intents root)
   */
  public LoadResult(IntentSet intents, List<IntentDocument> documents, List<Violation> violations, List<String> files,
      Overlays overlays) {
    this.intents = intents;
    this.documents = List.copyOf(documents);
    this.violations = List.copyOf(violations);
    this.files = List.copyOf(files);
    this.overlays = overlays == null ? Overlays.NONE : overlays;
    for (IntentDocument document : this.documents) {
      byName.computeIfAbsent(document.kind(), k -> new HashMap<>()).putIfAbsent(document.name(), document);
    }
  }

  /** Without overlays. */
  public LoadResult(IntentSet intents, List<IntentDocument> documents, List<Violation> violations, List<String> files) {
    this(intents, documents, violations, files, Overlays.NONE);
  }

  /** The overlay files and objects ({@code overlays/<cluster>/} below the intents root). */
  public Overlays overlays() {
    return overlays;
  }

  /** The structurally valid documents, typed, defaults filled in. */
  public IntentSet intents() {
    return intents;
  }

  /** Every document with a recognised kind and a name, valid or not, in file order. */
  public List<IntentDocument> documents() {
    return documents;
  }

  /** Every structural problem ({@code MG-SCHEMA}), in file order. */
  public List<Violation> violations() {
    return violations;
  }

  /** The intent files read, as shown to users ({@code intents/...}), sorted. */
  public List<String> files() {
    return files;
  }

  public boolean hasErrors() {
    return violations.stream().anyMatch(Violation::isError);
  }

  /**
   * Maps a policy finding's kind/name/field to a place in a file: the field's location, the
   * document start when the field is absent, null when there is no such document.
   */
  public SourceLocation locate(Kind kind, String name, String fieldPath) {
    Map<String, IntentDocument> ofKind = byName.get(kind);
    IntentDocument document = ofKind == null || name == null ? null : ofKind.get(name);
    return document == null ? null : document.locate(fieldPath);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LoadResult that && intents.equals(that.intents) && documents.equals(that.documents)
        && violations.equals(that.violations) && files.equals(that.files) && overlays.equals(that.overlays);
  }

  @Override
  public int hashCode() {
    return Objects.hash(intents, documents, violations, files);
  }

  @Override
  public String toString() {
    return "LoadResult[" + documents.size() + " documents, " + violations.size() + " violations, " + files.size()
        + " files]";
  }
}
