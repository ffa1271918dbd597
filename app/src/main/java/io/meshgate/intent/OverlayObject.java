package io.meshgate.intent;

import java.util.Collections;
import java.util.Map;

/**
 * One object of an overlay file ({@code overlays/<cluster>/**}{@code /*.yaml} below the intents
 * root): plain Istio YAML a team writes by hand, published next to meshgate's objects.
 */
public final class OverlayObject {
  private final String cluster;
  private final Map<String, Object> content;
  private final FieldLocations locations;

  OverlayObject(String cluster, Map<String, Object> content, FieldLocations locations) {
    this.cluster = cluster;
    this.content = Collections.unmodifiableMap(content);
    this.locations = locations;
  }

  /** The cluster folder it is in ({@code overlays/<cluster>/}). */
  public String cluster() {
    return cluster;
  }

  /** The object as written (plain maps, lists, strings, numbers, booleans). */
  public Map<String, Object> content() {
    return content;
  }

  /** Where the document starts. */
  public SourceLocation source() {
    return locations.documentStart();
  }

  /** Where a dotted field path ({@code spec.servers[0].port}) stands, as far as it exists. */
  public SourceLocation locate(String fieldPath) {
    return locations.locate(fieldPath);
  }

  public String kind() {
    return content.get("kind") instanceof String kind ? kind : null;
  }

  public String apiVersion() {
    return content.get("apiVersion") instanceof String version ? version : null;
  }

  public String name() {
    return content.get("metadata") instanceof Map<?, ?> meta && meta.get("name") instanceof String name ? name : null;
  }

  public String namespace() {
    return content.get("metadata") instanceof Map<?, ?> meta && meta.get("namespace") instanceof String ns ? ns : null;
  }

  /** {@code Kind namespace/name}, as messages name it. */
  public String describe() {
    return kind() + " " + namespace() + "/" + name();
  }
}
