package io.meshgate.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Locale;
import java.util.Map;

/**
 * One Istio object rendered for one cluster. The Fabric8 object it was built from is not kept: its
 * plain form is what is written, evaluated and verified, and 100,000 Fabric8 objects (each nested
 * part with a map of its own) would double the memory of a large render.
 *
 * @param cluster the cluster it is applied to
 * @param kind the object's kind, e.g. {@code ServiceEntry}
 * @param name its {@code metadata.name}
 * @param namespace its {@code metadata.namespace}, null for a cluster-scoped object
 * @param plain the object as immutable ordered plain maps, empty values removed (what is written)
 */
public record RenderedObject(String cluster, String kind, String name, String namespace, Map<String, Object> plain) {

  public static RenderedObject of(String cluster, HasMetadata resource) {
    return new RenderedObject(cluster, resource.getKind(), resource.getMetadata().getName(),
        resource.getMetadata().getNamespace(), ResourceYaml.toPlain(resource));
  }

  /**
   * Path below {@code clusters/<cluster>/}: {@code <namespace>/<kind lowercase>-<name>.yaml}. A
   * cluster-scoped object (the Namespace meshgate creates) is filed in the folder of the namespace
   * it is: {@code <name>/namespace-<name>.yaml}, next to the objects that live in it.
   */
  public String relativePath() {
    return relativePath(kind, name, namespace);
  }

  /** {@link #relativePath()} of an object of this kind, name and namespace (null: cluster-scoped). */
  static String relativePath(String kind, String name, String namespace) {
    String folder = namespace == null ? name : namespace;
    return folder + "/" + kind.toLowerCase(Locale.ROOT) + "-" + name + ".yaml";
  }

  /** The intent file it was rendered from: its {@code meshgate.io/source} annotation, null when absent. */
  public String sourceFile() {
    if (plain.get("metadata") instanceof Map<?, ?> metadata && metadata.get("annotations") instanceof Map<?, ?> notes
        && notes.get(Renderer.SOURCE_ANNOTATION) instanceof String file) {
      return file;
    }
    return null;
  }

  /** The YAML file content. */
  public String toYaml() {
    return ResourceYaml.dump(plain);
  }

  /** The file content as UTF-8 bytes. */
  public byte[] toYamlBytes() {
    return ResourceYaml.dumpBytes(plain);
  }
}
