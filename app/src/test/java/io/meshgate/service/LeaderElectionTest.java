package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two elections on their own: a lock file on one host, a Lease on Fabric8's mock API server. */
class LeaderElectionTest {
  @TempDir Path tmp;

  @Test
  void aFileLockHasOneHolderAndTheOtherTakesOverWhenItIsReleased() throws Exception {
    Path lock = tmp.resolve("meshgate.lock");
    AtomicInteger changes = new AtomicInteger();
    FileLockLeadership a = FileLockLeadership.start(lock, "a", Duration.ofMillis(100));
    FileLockLeadership b = FileLockLeadership.start(lock, "b", Duration.ofMillis(100));
    try {
      b.onChange(changes::incrementAndGet);
      assertTrue(a.isLeader());
      assertFalse(b.isLeader());
      assertEquals("follower", b.role());
      assertEquals("a", b.leader().orElseThrow(), "the follower names the holder");
      a.close();
      TestHttp.await("b takes over and says so", Duration.ofSeconds(30), () -> b.isLeader() && changes.get() == 1);
      assertEquals("b", b.leader().orElseThrow());
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void aLeaseHasOneHolderAndAReleasedLeaseIsTakenOver() throws Exception {
    try (KubeApi api = new KubeApi(); KubernetesClient clientA = api.client(); KubernetesClient clientB = api.client()) {
      KubernetesLeaseLeadership a = KubernetesLeaseLeadership.start(clientA, false, "mesh", "meshgate", "pod-a",
          Duration.ofSeconds(3));
      TestHttp.await("a leads", Duration.ofSeconds(30), a::isLeader);
      KubernetesLeaseLeadership b = KubernetesLeaseLeadership.start(clientB, false, "mesh", "meshgate", "pod-b",
          Duration.ofSeconds(3));
      try {
        Thread.sleep(1500); // several of b's retry periods: it must stay a follower while a renews
        assertTrue(a.isLeader());
        assertFalse(b.isLeader());
        assertEquals("pod-a", b.leader().orElseThrow());
        Lease lease = clientA.leases().inNamespace("mesh").withName("meshgate").get();
        assertEquals("pod-a", lease.getSpec().getHolderIdentity());
        a.close(); // a clean stop releases the Lease
        TestHttp.await("b takes over", Duration.ofSeconds(30), b::isLeader);
        assertEquals("pod-b", clientB.leases().inNamespace("mesh").withName("meshgate").get().getSpec().getHolderIdentity());
      } finally {
        a.close();
        b.close();
      }
    }
  }
}
