package io.meshgate.intent;

import java.util.Map;
import java.util.Set;

/**
 * What to tell a user who put an Istio or Kubernetes object into the intents folder: meshgate does
 * not read such objects (it renders Istio objects from intents), which intent covers the same need
 * where one does, and where hand-written objects go instead.
 */
final class ForeignKinds {
  private ForeignKinds() {}

  /** Istio kinds, with the intent that covers them where there is one. */
  private static final Map<String, String> ISTIO = Map.ofEntries(
      Map.entry("VirtualService", "an InboundService's routes (match by header, path or method; weights to its"
          + " versions; retries, timeout, fault, mirror) render the VirtualServices"),
      Map.entry("DestinationRule", "an InboundService's versions (subsets), loadBalancing, connectionPool and"
          + " outlierDetection render the DestinationRules; alsoIn adds locality failover"),
      Map.entry("ServiceEntry", "an InboundService renders the ServiceEntries of <service>.<namespace>.global"
          + "; an ExternalService renders those of hosts outside the mesh"),
      Map.entry("Gateway", "the east-west Gateway is rendered from the Cluster's meshGateway, ingress Gateways from"
          + " IngressRoutes and egress ones from ExternalServices"),
      Map.entry("PeerAuthentication", "an InboundService's mutualTLS sets its pods' mode, and a Cluster's"
          + " peerAuthentication the mesh's and namespaces' defaults"),
      Map.entry("AuthorizationPolicy", "a ServiceClient's access and an InboundService's allowedNamespaces render"
          + " the ALLOW AuthorizationPolicy, an InboundService's authorization.deny the DENY one"),
      Map.entry("RequestAuthentication", "an EndUserAuth renders the RequestAuthentication and the"
          + " AuthorizationPolicy on its request principals or claims"),
      Map.entry("Sidecar", "no intent covers it"),
      Map.entry("EnvoyFilter", "no intent covers it"),
      Map.entry("WorkloadEntry", "no intent covers it"),
      Map.entry("WorkloadGroup", "no intent covers it"),
      Map.entry("Telemetry", "no intent covers it"),
      Map.entry("WasmPlugin", "no intent covers it"),
      Map.entry("ProxyConfig", "no intent covers it"));

  private static final Set<String> KUBERNETES = Set.of("Service", "Deployment", "StatefulSet", "DaemonSet", "Pod",
      "Namespace", "ConfigMap", "Secret", "ServiceAccount", "Ingress", "Job", "CronJob", "ReplicaSet",
      "Kustomization", "HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute");

  /** Where hand-written objects go. */
  static final String ELSEWHERE = "put hand-written Istio objects under overlays/<cluster>/ of the intents"
      + " folder, which meshgate validates and merges into that cluster's kustomization (never into the environment"
      + " branch's clusters/ folders, which render replaces)";

  /**
   * The sentence for an unknown {@code kind} (with its {@code apiVersion}, possibly null), or null when
   * it is neither an Istio nor a Kubernetes kind (then "did you mean" applies).
   */
  static String describe(String kind, Object apiVersion) {
    String group = apiVersion instanceof String text && text.contains("/") ? text.substring(0, text.indexOf('/')) : "";
    String covered = ISTIO.get(kind);
    if (covered != null || group.endsWith("istio.io")) {
      return kind + " is an Istio object, and meshgate does not read Istio objects from the intents folder: it renders"
          + " them from intents; " + (covered != null ? covered : "no intent covers it") + "; " + ELSEWHERE;
    }
    if (KUBERNETES.contains(kind) || group.endsWith("k8s.io") || group.equals("apps") || group.equals("batch")
        || "v1".equals(apiVersion)) {
      return kind + " is a Kubernetes object, and meshgate does not read or deploy them: the Services and"
          + " workloads an intent names are deployed as usual, and an InboundService or ServiceClient describes how"
          + " the mesh connects them; " + ELSEWHERE;
    }
    return null;
  }
}
