package io.meshgate.service;

import java.util.Optional;

/**
 * Who may publish when several instances watch one source and environment branch. Exactly one
 * instance is the leader; the others are followers: they serve validation and status and publish
 * nothing. The push to the environment branch names the tip it was built on, so even two instances
 * that both believe they lead (a paused leader whose lease ran out) cannot put one commit on top of
 * the other unseen; leadership keeps them from doing the work twice.
 *
 * <p>Implementations: {@link #single()} (no election, the default), {@link FileLockLeadership}
 * ({@code --leader-election file:PATH}, one host) and {@link KubernetesLeaseLeadership}
 * ({@code --leader-election kubernetes}, a coordination.k8s.io Lease through Fabric8's LeaderElector).
 */
public interface Leadership extends AutoCloseable {

  /** True while this instance may publish. */
  boolean isLeader();

  /** {@code single} when no election runs, else {@code leader} or {@code follower}. */
  default String role() {
    return isLeader() ? "leader" : "follower";
  }

  /** This instance's identity in the election. */
  String identity();

  /** The identity of the current leader, when known. */
  Optional<String> leader();

  /** One line for logs and the detailed status, e.g. {@code kubernetes lease meshgate/meshgate}. */
  String describe();

  /** Called (on any thread) whenever this instance gains or loses the leadership. */
  void onChange(Runnable listener);

  /** Stops taking part; a leader gives the leadership up so that a follower takes over at once. */
  @Override
  void close();

  /** One instance, always the leader. */
  static Leadership single() {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        return true;
      }

      @Override
      public String role() {
        return "single";
      }

      @Override
      public String identity() {
        return "single";
      }

      @Override
      public Optional<String> leader() {
        return Optional.empty();
      }

      @Override
      public String describe() {
        return "none (a single instance)";
      }

      @Override
      public void onChange(Runnable listener) {
        // never changes
      }

      @Override
      public void close() {
        // nothing held
      }
    };
  }
}
