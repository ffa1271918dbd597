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

  @SuppressWarnings("unchecked")
  static void apply(List<Document> documents) {
    Map<String, Map<String, Object>> clusterSpecs = new HashMap<>();
    for (Document document : documents) {
      if (document.kind() == Kind.Cluster && document.content().get("spec") instanceof Map<?, ?> spec) {
        clusterSpecs.putIfAbsent(document.name(), (Map<String, Object>) spec);
      }
    }
    for (Document document : documents) {
      if (!(document.content().get("spec") instanceof Map<?, ?> rawSpec)) {
        continue;
      }
      Map<String, Object> spec = (Map<String, Object>) rawSpec;
      if (document.kind() == Kind.IngressRoute) {
        spec.putIfAbsent("httpsRedirect", spec.get("tls") instanceof Map<?, ?>);
        if (!spec.containsKey("namespace") && spec.get("cluster") instanceof String cluster
            && clusterSpecs.get(cluster) != null
            && clusterSpecs.get(cluster).get("ingressGateway") instanceof Map<?, ?> gateway
            && gateway.get("namespace") instanceof String namespace) {
          spec.put("namespace", namespace);
        }
      } else if (document.kind() == Kind.ExternalService && spec.get("tlsOrigination") instanceof Map<?, ?> raw
          && !raw.containsKey("sni") && spec.get("host") instanceof String host) {
        ((Map<String, Object>) raw).put("sni", host);
      }
    }
  }
}
