package io.meshgate.intent;

import java.util.Collections;
import java.util.Map;

/**
 * One intent document with a recognised kind and a name, valid or not. {@link #content()} is the
 * whole document as plain immutable Java ({@link FrozenMap} in the order written, immutable lists,
 * String, Boolean, Long, BigDecimal, null) with defaults applied and unknown fields kept — what
 * policies see.
 */
public final class IntentDocument {
  private final Kind kind;
  private final String name;
  private final Map<String, Object> content;
  private final FieldLocations locations;
  private final boolean valid;

  IntentDocument(Kind kind, String name, Map<String, Object> content, FieldLocations locations, boolean valid) {
    this.kind = kind;
    this.name = name;
    this.content = content instanceof FrozenMap ? content : Collections.unmodifiableMap(content);
    this.locations = locations;
    this.valid = valid;
  }

  public Kind kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  /** Where the document starts (its first key). */
  public SourceLocation source() {
    return locations.documentStart();
  }

  public Map<String, Object> content() {
    return content;
  }

  /** True when the loader found no structural error in this document. */
  public boolean valid() {
    return valid;
  }

  /**
   * Location of a dotted field path such as {@code spec.access[1].paths} or {@code spec.mutualTLS}:
   * the deepest node that exists along the path (the value for a scalar, the key for a mapping or
   * list), falling back to the document start.
   */
  public SourceLocation locate(String fieldPath) {
    return locations.locate(fieldPath);
  }

  /** True when the document has a node at exactly this dotted path. */
  public boolean hasField(String fieldPath) {
    return fieldPath != null && locations.has(fieldPath);
  }

  @Override
  public String toString() {
    return kind + "/" + name + " at " + source();
  }
}
