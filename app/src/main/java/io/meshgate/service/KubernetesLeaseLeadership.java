package io.meshgate.service;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership on a Kubernetes Lease ({@code coordination.k8s.io/v1}), through Fabric8's
 * {@link LeaderElector}, the client-go algorithm: the holder renews the Lease every retry period; a
 * follower takes it over once {@code renewTime + leaseDuration} has passed without a renewal; a
 * holder that could not renew for {@code renewDeadline} (shorter than the lease) stops leading first,
 * so two holders never overlap while clocks agree. On a clean stop the holder releases the Lease and a
 * follower takes over within one retry period; after a crash, within the lease duration.
 *
 * <p>(Camel's {@code camel-kubernetes} cluster service would do the same through Camel's
 * {@code CamelClusterService}, but its 4.18.1 artifact, like {@code camel-master}, is not on Maven
 * Central: the Camel stack stays on one camel-bom, so Fabric8's elector is used directly.)
 */
public final class KubernetesLeaseLeadership implements Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesLeaseLeadership.class);

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService executor;
  private volatile boolean leading;
  private volatile String currentLeader;
  private volatile boolean closed;
  private volatile CompletableFuture<?> election;

  private KubernetesLeaseLeadership(KubernetesClient client, boolean ownsClient, String namespace, String leaseName,
      String identity, Duration leaseDuration) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.leaseDuration = leaseDuration;
    // client-go's proportions (15 s / 10 s / 2 s): stop leading well before the lease can be taken.
    this.renewDeadline = leaseDuration.multipliedBy(2).dividedBy(3);
    this.retryPeriod = Duration.ofMillis(Math.max(100, leaseDuration.toMillis() / 7));
    this.executor = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "meshgate-leader-lease");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts contending for the Lease {@code namespace/leaseName} (created when absent).
   *
   * @param ownsClient whether {@link #close()} closes the client
   */
  public static KubernetesLeaseLeadership start(KubernetesClient client, boolean ownsClient, String namespace,
      String leaseName, String identity, Duration leaseDuration) {
    KubernetesLeaseLeadership leadership =
        new KubernetesLeaseLeadership(client, ownsClient, namespace, leaseName, identity, leaseDuration);
    leadership.elect();
    return leadership;
  }

  /** One election round; when it ends (leadership lost, API unreachable) the next one starts. */
  private void elect() {
    if (closed) {
      return;
    }
    LeaderElector elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
        .withName("meshgate")
        .withLock(new LeaseLock(namespace, leaseName, identity))
        .withLeaseDuration(leaseDuration)
        .withRenewDeadline(renewDeadline)
        .withRetryPeriod(retryPeriod)
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
        .build(), executor);
    CompletableFuture<?> round = elector.start();
    election = round;
    round.whenComplete((ok, failure) -> {
      if (failure != null && !closed && !(failure instanceof java.util.concurrent.CancellationException)) {
        LOG.warn("leader election on lease {}/{}: {}", namespace, leaseName, failure.toString());
      }
      stopped();
      if (!closed) {
        executor.schedule(this::elect, retryPeriod.toMillis(), TimeUnit.MILLISECONDS);
      }
    });
  }

  private void started() {
    if (!leading) {
      leading = true;
      currentLeader = identity;
      LOG.info("leader election: {} leads (lease {}/{})", identity, namespace, leaseName);
      listeners.forEach(Runnable::run);
    }
  }

  private void stopped() {
    if (leading) {
      leading = false;
      LOG.warn("leader election: {} is no longer the leader (lease {}/{})", identity, namespace, leaseName);
      listeners.forEach(Runnable::run);
    }
  }

  private void newLeader(String holder) {
    currentLeader = holder;
  }

  @Override
  public boolean isLeader() {
    return leading && !closed;
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public Optional<String> leader() {
    if (isLeader()) {
      return Optional.of(identity);
    }
    String known = currentLeader;
    if (known != null && !known.isBlank()) {
      return Optional.of(known);
    }
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(leaseName).get();
      return Optional.ofNullable(lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String describe() {
    return "kubernetes lease " + namespace + "/" + leaseName + " (duration " + IstioDurations.format(leaseDuration) + ")";
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Releases the Lease when leading (a follower takes over within one retry period). */
  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> round = election;
    if (round != null) {
      // The elector releases the lease it holds: one API call, bounded so that a stop stays quick when
      // the API server does not answer (the lease then simply expires).
      Thread release = new Thread(() -> round.cancel(true), "meshgate-leader-release");
      release.setDaemon(true);
      release.start();
      try {
        release.join(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (leading) {
      leading = false;
      listeners.forEach(Runnable::run);
    }
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    if (ownsClient) {
      client.close();
    }
  }
}
