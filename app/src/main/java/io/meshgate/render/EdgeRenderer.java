package io.meshgate.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects of the mesh edge, one renderer per concern: {@link IngressRenderer} (IngressRoute),
 * {@link EgressRenderer} (ExternalService), {@link EndUserAuthRenderer} (EndUserAuth). What an
 * ingress needs from the service it routes to (the gateway's identity in the service's
 * AuthorizationPolicy, the {@code .global} objects across clusters) comes from the main renderer,
 * through the derived clients of {@link io.meshgate.intent.IngressClients}. Deterministic (intents in
 * name order) and linear.
 */
final class EdgeRenderer {

  /** Every name of the mesh edge carries one of these after {@code meshgate-}. */
  static final String INGRESS = Renderer.NAME_PREFIX + "ingress-";
  static final String EGRESS = Renderer.NAME_PREFIX + "egress-";
  static final String JWT = Renderer.NAME_PREFIX + "jwt-";

  /** An object and the cluster it is applied to. */
  record Placed(String cluster, HasMetadata resource) {}

  private final IntentIndex index;

  EdgeRenderer(IntentIndex index) {
    this.index = index;
  }

  List<Placed> render() {
    List<Placed> out = new ArrayList<>();
    IngressRenderer.render(index, out);
    EgressRenderer.render(index, out);
    EndUserAuthRenderer.render(index, out);
    return out;
  }


  /**
   * The host the gateway of {@code from} calls {@code service} by: the Kubernetes Service in its own
   * cluster, else {@code <service>.<namespace>.global} through the hosting cluster's mesh gateway.
   */
  static String hostFrom(Cluster from, InboundService service) {
    return from.name().equals(service.spec().cluster()) ? Renderer.localHost(service) : Renderer.globalHost(service);
  }
}
