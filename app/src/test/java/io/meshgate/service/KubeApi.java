package io.meshgate.service;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;

/**
 * Fabric8's mock Kubernetes API server in CRUD mode on loopback: objects are stored and versioned,
 * so a Lease really is created, read and updated with optimistic locking as on a cluster.
 */
final class KubeApi implements AutoCloseable {
  private final KubernetesMockServer server;

  KubeApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init();
  }

  /** A new client of the server (each instance gets its own, as each pod has its own). */
  KubernetesClient client() {
    return server.createClient();
  }

  @Override
  public void close() {
    server.destroy();
  }
}
