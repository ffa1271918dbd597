package io.meshgate.graph;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntPredicate;

/**
 * A generated mesh as intent files: {@code services} services over {@code clusters} clusters, each
 * with one client in the next cluster ({@code GET /api*}). {@code changed} selects the services whose
 * client asks for {@code POST /api*} too, so two generations differ in exactly those edges.
 */
final class BigMesh {
  private BigMesh() {}

  static IntentSet load(Path dir, int services, int clusters, IntPredicate changed) throws IOException {
    Files.createDirectories(dir);
    StringBuilder clusterDocs = new StringBuilder();
    for (int c = 0; c < clusters; c++) {
      clusterDocs.append("apiVersion: meshgate.io/v1alpha1\nkind: Cluster\nmetadata: {name: c").append(c)
          .append("}\nspec:\n  logicalCloud: lc1\n  meshGateway: {address: 10.0.").append(c).append(".1}\n---\n");
    }
    Files.writeString(dir.resolve("clusters.yaml"), clusterDocs);
    StringBuilder docs = new StringBuilder();
    for (int s = 0; s < services; s++) {
      int host = s % clusters;
      docs.append("apiVersion: meshgate.io/v1alpha1\nkind: InboundService\nmetadata: {name: svc").append(s)
          .append("}\nspec:\n  service: svc").append(s).append("\n  namespace: team").append(s % 7)
          .append("\n  cluster: c").append(host).append("\n  protocol: HTTP\n  port: 8080\n  mutualTLS: ISTIO_MUTUAL\n---\n")
          .append("apiVersion: meshgate.io/v1alpha1\nkind: ServiceClient\nmetadata: {name: caller").append(s)
          .append("}\nspec:\n  service: caller").append(s).append("\n  namespace: team").append(s % 7)
          .append("\n  cluster: c").append((host + 1) % clusters).append("\n  target: svc").append(s)
          .append("\n  access:\n    - methods: [GET").append(changed.test(s) ? ", POST" : "")
          .append("]\n      paths: [\"/api*\"]\n---\n");
      if (s % 100 == 99 || s == services - 1) {
        Files.writeString(dir.resolve("services-" + (s / 100) + ".yaml"), docs);
        docs.setLength(0);
      }
    }
    LoadResult load = IntentLoader.load(dir);
    if (load.hasErrors()) {
      throw new IllegalStateException(load.violations().toString());
    }
    return load.intents();
  }
}
