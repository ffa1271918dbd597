package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.Gateway;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy;
import io.fabric8.istio.api.api.security.v1beta1.PeerAuthentication;
import io.fabric8.istio.api.api.security.v1beta1.RequestAuthentication;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.meshgate.intent.Cluster;

/**
 * Wraps an Istio spec into a Fabric8 resource with the API version a cluster asked for
 * ({@code Cluster.spec.istioApiVersion}).
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
    var o = new io.fabric8.istio.api.networking.v1.DestinationRule();
    o.setSpec(spec);
    return withVersion(o, v.networking(), meta);
  }

  static HasMetadata serviceEntry(ApiVersions v, ObjectMeta meta, ServiceEntry spec) {
    var o = new io.fabric8.istio.api.networking.v1.ServiceEntry();
    o.setSpec(spec);
    return withVersion(o, v.networking(), meta);
  }

  static HasMetadata gateway(ApiVersions v, ObjectMeta meta, Gateway spec) {
    var o = new io.fabric8.istio.api.networking.v1.Gateway();
    o.setSpec(spec);
    return withVersion(o, v.networking(), meta);
  }

  static HasMetadata virtualService(ApiVersions v, ObjectMeta meta, VirtualService spec) {
    var o = new io.fabric8.istio.api.networking.v1.VirtualService();
    o.setSpec(spec);
    return withVersion(o, v.networking(), meta);
  }

  static HasMetadata peerAuthentication(ApiVersions v, ObjectMeta meta, PeerAuthentication spec) {
    var o = new io.fabric8.istio.api.security.v1.PeerAuthentication();
    o.setSpec(spec);
    return withVersion(o, v.security(), meta);
  }

  static HasMetadata requestAuthentication(ApiVersions v, ObjectMeta meta, RequestAuthentication spec) {
    var o = new io.fabric8.istio.api.security.v1.RequestAuthentication();
    o.setSpec(spec);
    return withVersion(o, v.security(), meta);
  }

  static HasMetadata authorizationPolicy(ApiVersions v, ObjectMeta meta, AuthorizationPolicy spec) {
    var o = new io.fabric8.istio.api.security.v1.AuthorizationPolicy();
    o.setSpec(spec);
    return withVersion(o, v.security(), meta);
  }

  /** A core/v1 Namespace (cluster-scoped: {@code meta} carries no namespace). */
  static HasMetadata namespace(ObjectMeta meta) {
    Namespace namespace = new Namespace();
    namespace.setApiVersion("v1");
    namespace.setKind("Namespace");
    namespace.setMetadata(meta);
    return namespace;
  }

  /**
   * Every served version of these kinds has the same schema (one spec type in Fabric8, one
   * openAPIV3Schema per version in Istio's CRDs), so the v1 class carries any of them: only
   * {@code apiVersion} says which.
   */
  private static HasMetadata withVersion(HasMetadata object, String version, ObjectMeta meta) {
    String group = object.getApiVersion().substring(0, object.getApiVersion().indexOf('/'));
    object.setApiVersion(group + "/" + version);
    object.setMetadata(meta);
    return object;
  }
}
