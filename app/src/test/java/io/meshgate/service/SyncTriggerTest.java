package io.meshgate.service;

import io.meshgate.publish.Redactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncTriggerTest {
  private final ServiceStatus status = new ServiceStatus(Clock.systemUTC());
  private final SyncMetrics metrics = new SyncMetrics();
  private final Redactor scrubber = Redactor.of(List.of("hunter22"));

  @Test
  void triggersDuringARunCoalesceIntoExactlyOneMoreRun() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch firstRunEntered = new CountDownLatch(1);
    CountDownLatch releaseFirstRun = new CountDownLatch(1);
    SyncAction blockingFirstRun = () -> {
      if (runs.incrementAndGet() == 1) {
        firstRunEntered.countDown();
        assertTrue(releaseFirstRun.await(10, TimeUnit.SECONDS));
      }
      return new SyncOutcome(RunState.UNCHANGED, "c" + runs.get(), "e1", List.of(), "ok");
    };
    try (SyncTrigger trigger = new SyncTrigger(blockingFirstRun, status, metrics, scrubber, Clock.systemUTC())) {
      assertTrue(trigger.fire("test"));
      assertTrue(firstRunEntered.await(10, TimeUnit.SECONDS));
      assertEquals(RunState.SYNCING, status.current().state(), "the first run shows syncing");
      assertTrue(status.current().running());
      for (int i = 0; i < 25; i++) {
        assertFalse(trigger.fire("burst"), "a trigger during a run must not start a parallel run");
      }
      releaseFirstRun.countDown();
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
      assertEquals(2, runs.get(), "25 triggers during a run give exactly one extra run");
      assertEquals(RunState.UNCHANGED, status.current().state());
      assertEquals("c2", status.current().sourceCommit());
      assertEquals(2, status.current().runs());

      // Idle again: a new trigger starts a new run.
      assertTrue(trigger.fire("later"));
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
      assertEquals(3, runs.get());
    }
  }

  @Test
  void aRunInProgressKeepsShowingTheLastOutcome() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch secondRunEntered = new CountDownLatch(1);
    CountDownLatch releaseSecondRun = new CountDownLatch(1);
    SyncAction action = () -> {
      if (runs.incrementAndGet() == 1) {
        return SyncOutcome.error(null, "cannot fetch");
      }
      secondRunEntered.countDown();
      assertTrue(releaseSecondRun.await(10, TimeUnit.SECONDS));
      return SyncOutcome.error(null, "cannot fetch");
    };
    try (SyncTrigger trigger = new SyncTrigger(action, status, metrics, scrubber, Clock.systemUTC())) {
      trigger.fire("first");
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
      assertEquals(RunState.ERROR, status.current().state());
      assertFalse(status.current().running());
      trigger.fire("second");
      assertTrue(secondRunEntered.await(10, TimeUnit.SECONDS));
      // A poll during a routine (retrying) run still sees the error, not "syncing".
      assertEquals(RunState.ERROR, status.current().state());
      assertEquals("cannot fetch", status.current().message());
      assertTrue(status.current().running());
      releaseSecondRun.countDown();
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
      assertFalse(status.current().running());
    }
  }

  @Test
  void closeDoesNotWaitLongForARunStuckOnTheNetwork() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    // Like a socket read on an unresponsive remote: interrupts do not end it.
    SyncAction stuck = () -> {
      entered.countDown();
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (never.getCount() > 0 && System.nanoTime() < until) {
        try {
          never.await(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ignored) {
          // keep blocking
        }
      }
      return SyncOutcome.nothingToDo("x");
    };
    SyncTrigger trigger = new SyncTrigger(stuck, status, metrics, scrubber, Clock.systemUTC(), Duration.ofMillis(300));
    trigger.fire("test");
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    long started = System.nanoTime();
    trigger.close();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "close took " + took);
    assertFalse(trigger.fire("after close"), "a closed trigger starts no run");
    never.countDown();
  }

  @Test
  void aFailingRunBecomesStateErrorWithTheSecretScrubbed() throws Exception {
    SyncAction failing = () -> {
      throw new IllegalStateException("push to https://bot:hunter22@git.example/repo.git failed (token hunter22)");
    };
    try (SyncTrigger trigger = new SyncTrigger(failing, status, metrics, scrubber, Clock.systemUTC())) {
      trigger.fire("test");
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
    }
    StatusSnapshot s = status.current();
    assertEquals(RunState.ERROR, s.state());
    assertFalse(s.message().contains("hunter22"), s.message());
    assertTrue(s.message().contains("https://***@git.example/repo.git"), s.message());
    assertTrue(metrics.scrape().contains("meshgate_sync_runs_total{outcome=\"error\"} 1.0"), metrics.scrape());
  }

  @Test
  void nothingToDoKeepsTheLastOutcomeAndItsViolations() throws Exception {
    Violation denial = new Violation("MG-TLS-01", Severity.ERROR, "no", "intents/a.yaml", 3, 5,
        "ServiceClient", "sleep", "spec.mutualTLS");
    AtomicInteger runs = new AtomicInteger();
    SyncAction action = () -> runs.incrementAndGet() == 1
        ? new SyncOutcome(RunState.REFUSED, "abc", "env1", List.of(denial), "refused: 1 error")
        : SyncOutcome.nothingToDo("abc");
    try (SyncTrigger trigger = new SyncTrigger(action, status, metrics, scrubber, Clock.systemUTC())) {
      trigger.fire("one");
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
      trigger.fire("two");
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
    }
    StatusSnapshot s = status.current();
    assertEquals(RunState.REFUSED, s.state());
    assertEquals(List.of(denial), s.violations());
    assertEquals(2, s.runs());
    assertEquals(null, s.lastSuccessAt());
  }

  /** Finding 3: an OutOfMemoryError in a run ended the loop for good, silently. */
  @Test
  void anOutOfMemoryErrorInARunIsReportedAndTheNextRunHappens() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    SyncAction action = () -> {
      if (runs.incrementAndGet() == 1) {
        throw new OutOfMemoryError("Java heap space");
      }
      return new SyncOutcome(RunState.PUBLISHED, "c2", "e2", List.of(), "published");
    };
    try (SyncTrigger trigger = new SyncTrigger(action, status, metrics, scrubber, Clock.systemUTC())) {
      assertTrue(trigger.fire("first"));
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)), "the loop must not stay busy after the error");
      assertEquals(RunState.ERROR, status.current().state());
      assertTrue(status.current().message().contains("OutOfMemoryError"), status.current().message());
      assertTrue(trigger.lastFault().contains("Java heap space"), trigger.lastFault());
      assertTrue(trigger.fire("second"), "a new run starts");
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
      assertEquals(2, runs.get());
      assertEquals(RunState.PUBLISHED, status.current().state(), "the state recovers after the fault");
    }
  }

  /** Finding 7: after a fault, a poll that finds the handled commit again showed the error forever. */
  @Test
  void aPollWithNothingNewAfterAFaultShowsTheLastCheckAgain() throws Exception {
    Violation warning = new Violation("MG-LB-02", Severity.WARNING, "hash", "intents/a.yaml", 2, 1,
        "InboundService", "a", "spec.loadBalancing");
    List<SyncOutcome> outcomes = List.of(
        new SyncOutcome(RunState.PUBLISHED, "abc", "env1", List.of(warning), "source abc published"),
        SyncOutcome.error(null, "fetching the source failed: connection refused"),
        SyncOutcome.nothingToDo("abc"));
    AtomicInteger next = new AtomicInteger();
    try (SyncTrigger trigger = new SyncTrigger(() -> outcomes.get(next.getAndIncrement()), status, metrics, scrubber,
        Clock.systemUTC())) {
      for (int i = 0; i < 3; i++) {
        trigger.fire("poll");
        assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
        if (i == 1) {
          assertEquals(RunState.ERROR, status.current().state());
        }
      }
    }
    StatusSnapshot s = status.current();
    assertEquals(RunState.PUBLISHED, s.state(), "the fault is over: " + s.message());
    assertEquals("source abc published", s.message());
    assertEquals(List.of(warning), s.violations());
    assertEquals("env1", s.envCommit());
  }

  /** Finding 11: the last-success metric stayed at the last publish, so a healthy idle server looked stale. */
  @Test
  void theLastSuccessMetricIsTheLastSuccessfulCheck() throws Exception {
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    AtomicInteger runs = new AtomicInteger();
    SyncAction action = () -> runs.incrementAndGet() == 1
        ? new SyncOutcome(RunState.PUBLISHED, "abc", "env1", List.of(), "published")
        : SyncOutcome.nothingToDo("abc");
    ServiceStatus clocked = new ServiceStatus(clock);
    try (SyncTrigger trigger = new SyncTrigger(action, clocked, metrics, scrubber, clock)) {
      trigger.fire("publish");
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
      clock.advance(Duration.ofSeconds(2075));
      trigger.fire("idle poll");
      assertTrue(trigger.awaitIdle(Duration.ofSeconds(10)));
    }
    long now = clock.instant().getEpochSecond();
    assertTrue(metrics.scrape().contains("meshgate_last_success_timestamp_seconds " + (double) now), metrics.scrape());
    assertTrue(metrics.scrape().contains("meshgate_last_publish_timestamp_seconds " + (double) (now - 2075)), metrics.scrape());
    assertEquals(clock.instant(), clocked.current().lastCheckAt());
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private java.time.Instant now;

    MutableClock(java.time.Instant start) {
      this.now = start;
    }

    synchronized void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public synchronized java.time.Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
