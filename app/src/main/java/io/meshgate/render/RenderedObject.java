package io.meshgate.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Locale;
import java.util.Map;

/**
 * One Istio object rendered for one cluster.
 *
 * @param cluster the cluster it is applied to
 * @param resource the Fabric8 object
 * @param plain the same object as ordered plain maps, empty values removed (what is written)
 */
public record RenderedObject(String cluster, HasMetadata resource, Map<String, Object> plain) {

  public static RenderedObject of(String cluster, HasMetadata resource) {
    return new RenderedObject(cluster, resource, ResourceYaml.toPlain(resource));
  }

  public String kind() {
    return resource.getKind();
  }

  public String name() {
    return resource.getMetadata().getName();
  }

  public String namespace() {
    return resource.getMetadata().getNamespace();
  }

  /**
   * Path below {@code clusters/<cluster>/}: {@code <namespace>/<kind lowercase>-<name>.yaml}. A
   * cluster-scoped object (the Namespace meshgate creates) is filed in the folder of the namespace
   * it is: {@code <name>/namespace-<name>.yaml}, next to the objects that live in it.
   */
  public String relativePath() {
    String folder = namespace() == null ? name() : namespace();
    return folder + "/" + kind().toLowerCase(Locale.ROOT) + "-" + name() + ".yaml";
  }

  /** The YAML file content. */
  public String toYaml() {
    return ResourceYaml.dump(plain);
  }
}
