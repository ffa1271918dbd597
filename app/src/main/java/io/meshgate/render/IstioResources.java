package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.Gateway;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy;
import io.fabric8.istio.api.api.security.v1beta1.PeerAuthentication;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.meshgate.intent.Cluster;
import java.util.function.Consumer;

/**
 * Wraps an Istio spec into the Fabric8 resource of the API version a cluster asked for
 * ({@code Cluster.spec.istioApiVersion}). Each Istio API version is its own Fabric8 class, but all
 * versions share one spec type.
 */
final class IstioResources {

  private IstioResources() {}

  /** The Istio API versions a cluster asked for. */
  record ApiVersions(String networking, String security) {
    static ApiVersions of(Cluster cluster) {
      String asked = cluster.spec().istioApiVersion();
      if (asked == null || asked.equals("v1")) {
        return new ApiVersions("v1", "v1");
      }
      if (asked.equals("v1beta1")) {
        return new ApiVersions("v1beta1", "v1beta1");
      }
      if (asked.equals("v1alpha3")) {
        // security.istio.io has no v1alpha3; v1beta1 is the oldest version still served.
        return new ApiVersions("v1alpha3", "v1beta1");
      }
      throw new IllegalArgumentException("cluster " + cluster.name() + ": unknown istioApiVersion '" + asked
          + "' (expected v1, v1beta1 or v1alpha3)");
    }
  }

  static HasMetadata destinationRule(ApiVersions v, ObjectMeta meta, DestinationRule spec) {
    return switch (v.networking()) {
      case "v1beta1" -> withMeta(new io.fabric8.istio.api.networking.v1beta1.DestinationRule(), meta, o -> o.setSpec(spec));
      case "v1alpha3" -> withMeta(new io.fabric8.istio.api.networking.v1alpha3.DestinationRule(), meta, o -> o.setSpec(spec));
      default -> withMeta(new io.fabric8.istio.api.networking.v1.DestinationRule(), meta, o -> o.setSpec(spec));
    };
  }

  static HasMetadata serviceEntry(ApiVersions v, ObjectMeta meta, ServiceEntry spec) {
    return switch (v.networking()) {
      case "v1beta1" -> withMeta(new io.fabric8.istio.api.networking.v1beta1.ServiceEntry(), meta, o -> o.setSpec(spec));
      case "v1alpha3" -> withMeta(new io.fabric8.istio.api.networking.v1alpha3.ServiceEntry(), meta, o -> o.setSpec(spec));
      default -> withMeta(new io.fabric8.istio.api.networking.v1.ServiceEntry(), meta, o -> o.setSpec(spec));
    };
  }

  static HasMetadata gateway(ApiVersions v, ObjectMeta meta, Gateway spec) {
    return switch (v.networking()) {
      case "v1beta1" -> withMeta(new io.fabric8.istio.api.networking.v1beta1.Gateway(), meta, o -> o.setSpec(spec));
      case "v1alpha3" -> withMeta(new io.fabric8.istio.api.networking.v1alpha3.Gateway(), meta, o -> o.setSpec(spec));
      default -> withMeta(new io.fabric8.istio.api.networking.v1.Gateway(), meta, o -> o.setSpec(spec));
    };
  }

  static HasMetadata virtualService(ApiVersions v, ObjectMeta meta, VirtualService spec) {
    return switch (v.networking()) {
      case "v1beta1" -> withMeta(new io.fabric8.istio.api.networking.v1beta1.VirtualService(), meta, o -> o.setSpec(spec));
      case "v1alpha3" -> withMeta(new io.fabric8.istio.api.networking.v1alpha3.VirtualService(), meta, o -> o.setSpec(spec));
      default -> withMeta(new io.fabric8.istio.api.networking.v1.VirtualService(), meta, o -> o.setSpec(spec));
    };
  }

  static HasMetadata peerAuthentication(ApiVersions v, ObjectMeta meta, PeerAuthentication spec) {
    return v.security().equals("v1beta1")
        ? withMeta(new io.fabric8.istio.api.security.v1beta1.PeerAuthentication(), meta, o -> o.setSpec(spec))
        : withMeta(new io.fabric8.istio.api.security.v1.PeerAuthentication(), meta, o -> o.setSpec(spec));
  }

  static HasMetadata authorizationPolicy(ApiVersions v, ObjectMeta meta, AuthorizationPolicy spec) {
    return v.security().equals("v1beta1")
        ? withMeta(new io.fabric8.istio.api.security.v1beta1.AuthorizationPolicy(), meta, o -> o.setSpec(spec))
        : withMeta(new io.fabric8.istio.api.security.v1.AuthorizationPolicy(), meta, o -> o.setSpec(spec));
  }

  /** A core/v1 Namespace (cluster-scoped: {@code meta} carries no namespace). */
  static HasMetadata namespace(ObjectMeta meta) {
    Namespace namespace = new Namespace();
    namespace.setApiVersion("v1");
    namespace.setKind("Namespace");
    namespace.setMetadata(meta);
    return namespace;
  }

  private static <T extends HasMetadata> T withMeta(T object, ObjectMeta meta, Consumer<T> setSpec) {
    object.setMetadata(meta);
    setSpec.accept(object);
    return object;
  }
}
