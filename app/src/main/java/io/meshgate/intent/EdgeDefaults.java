package io.meshgate.intent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults of the mesh-edge kinds that are not constants (the constant ones are the schemas'
 * {@code default} keywords), applied by the loader in the documents themselves, so policies and the
 * renderer see the same values:
 * <ul>
 *   <li>IngressRoute {@code spec.namespace}: its Cluster's {@code ingressGateway.namespace};</li>
 *   <li>IngressRoute {@code spec.httpsRedirect}: true when {@code tls} is set, false otherwise;</li>
 *   <li>ExternalService {@code spec.tlsOrigination.sni}: {@code spec.host}.</li>
 * </ul>
 */
final class EdgeDefaults {
  private EdgeDefaults() {}

  /** A document with a kind and a name, its content already holding the schema defaults. */
  record Document(Kind kind, String name, Map<String, Object> content) {}

  /** The spec of the first Cluster of each name that has one (with its defaults). */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> clusterSpecs(List<Document> clusters) {
    Map<String, Map<String, Object>> clusterSpecs = new HashMap<>();
    for (Document document : clusters) {
      if (document.kind() == Kind.Cluster && document.content().get("spec") instanceof Map<?, ?> spec) {
        clusterSpecs.putIfAbsent(document.name(), (Map<String, Object>) spec);
      }
    }
    return clusterSpecs;
  }

  /**
   * What {@link #apply} reads from other documents for an IngressRoute: its cluster's gateway
   * namespace (the caller asks only for IngressRoutes; the other kinds read nothing). Read from the
   * document as written: the schemas default neither an IngressRoute's cluster nor its namespace.
   */
  static Object inputs(Map<String, Object> document, Map<String, Map<String, Object>> clusterSpecs) {
    return document.get("spec") instanceof Map<?, ?> spec && spec.get("cluster") instanceof String cluster
        ? gatewayNamespace(clusterSpecs.get(cluster)) : null;
  }

  private static Object gatewayNamespace(Map<String, Object> clusterSpec) {
    return clusterSpec != null && clusterSpec.get("ingressGateway") instanceof Map<?, ?> gateway
        && gateway.get("namespace") instanceof String namespace ? namespace : null;
  }

  /** Fills in the defaults of one document, reading its cluster in {@code clusterSpecs}. */
  @SuppressWarnings("unchecked")
  static void apply(Document document, Map<String, Map<String, Object>> clusterSpecs) {
    if (!(document.content().get("spec") instanceof Map<?, ?> rawSpec)) {
      return;
    }
    Map<String, Object> spec = (Map<String, Object>) rawSpec;
    if (document.kind() == Kind.IngressRoute) {
      spec.putIfAbsent("httpsRedirect", spec.get("tls") instanceof Map<?, ?>);
      if (!spec.containsKey("namespace") && spec.get("cluster") instanceof String cluster
          && gatewayNamespace(clusterSpecs.get(cluster)) instanceof String namespace) {
        spec.put("namespace", namespace);
      }
    } else if (document.kind() == Kind.ExternalService && spec.get("tlsOrigination") instanceof Map<?, ?> raw
        && !raw.containsKey("sni") && spec.get("host") instanceof String host) {
      ((Map<String, Object>) raw).put("sni", host);
    }
  }
}
