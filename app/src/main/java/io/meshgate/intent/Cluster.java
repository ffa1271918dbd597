package io.meshgate.intent;

/** A Kubernetes cluster with its own Istio control plane. */
public record Cluster(Metadata metadata, Spec spec) implements Intent {

  /**
   * @param istioApiVersion meshgate extension: {@code v1} (default), {@code v1beta1} or
   *     {@code v1alpha3}, the Istio API version rendered for this cluster
   */
  public record Spec(String logicalCloud, String trustDomain, String network, MeshGateway meshGateway,
      String istioApiVersion) {}

  public record MeshGateway(String address, int port) {}

  @Override
  public Kind kind() {
    return Kind.Cluster;
  }
}
