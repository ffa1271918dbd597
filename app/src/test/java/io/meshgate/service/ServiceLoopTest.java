package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TimerTask;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Route;
import org.apache.camel.component.timer.TimerComponent;
import org.apache.camel.component.timer.TimerConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding 3: the sync loop survives errors of any kind, and /healthz tells the truth about it. */
class ServiceLoopTest {
  @TempDir Path tmp;

  private MeshgateService start(Duration poll, ServiceLimits limits, SyncAction action) throws Exception {
    return MeshgateService.start(new MeshgateService.Settings("127.0.0.1", ServiceHttpTest.freePort(), poll,
        Duration.ZERO, MeshgateService.BUNDLED_ROUTES, "main", null, "MESHGATE_WEBHOOK_SECRET", tmp.resolve("scratch"),
        Map.of(), limits, ApiTokens.none(), null), action, root -> List.of());
  }

  /**
   * An OutOfMemoryError in the poll timer's thread ends a java.util.Timer for good: polling used to
   * stop while /healthz stayed 200. The watchdog restarts the timer and polling goes on.
   */
  @Test
  void aPollTimerKilledByAnErrorIsRestartedAndPollingGoesOn() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (MeshgateService service = start(Duration.ofMillis(100), ServiceLimits.DEFAULTS, () -> {
      runs.incrementAndGet();
      return SyncOutcome.nothingToDo("abc");
    })) {
      TestHttp.await("polling", Duration.ofSeconds(30), () -> runs.get() >= 3);
      java.util.Timer timer = pollTimer(service);
      CountDownLatch killed = new CountDownLatch(1);
      timer.schedule(new TimerTask() {
        @Override
        public void run() {
          killed.countDown();
          throw new OutOfMemoryError("Java heap space (test)");
        }
      }, 0);
      assertTrue(killed.await(30, TimeUnit.SECONDS));
      TestHttp.await("the dead timer noticed", Duration.ofSeconds(30), () -> isCancelled(timer));
      int afterKill = runs.get();
      TestHttp.await("polling after the timer died", Duration.ofSeconds(60), () -> runs.get() >= afterKill + 5);
      HttpResponse<String> health = TestHttp.get(service.port(), "/healthz");
      assertEquals(200, health.statusCode(), health.body());
      assertTrue(pollTimer(service) != timer, "a new timer polls");
    }
  }

  /** A run that never ends (a hung remote) makes /healthz fail, so the orchestrator restarts the pod. */
  @Test
  void healthzFailsWhileARunIsStuckAndRecoversWhenItEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    SyncAction action = () -> {
      if (runs.incrementAndGet() == 1) {
        release.await(120, TimeUnit.SECONDS);
      }
      return SyncOutcome.nothingToDo("abc");
    };
    try (MeshgateService service = start(Duration.ofHours(1),
        ServiceLimits.DEFAULTS.withRunStuckAfter(Duration.ofSeconds(1)), action)) {
      service.trigger().fire("test");
      JsonNode[] last = new JsonNode[1];
      TestHttp.await("/healthz reports the stuck run", Duration.ofSeconds(60), () -> {
        try {
          HttpResponse<String> r = TestHttp.get(service.port(), "/healthz");
          last[0] = Json.MAPPER.readTree(r.body());
          return r.statusCode() == 503;
        } catch (Exception e) {
          return false;
        }
      });
      assertEquals("DOWN", last[0].path("status").asText());
      assertTrue(last[0].path("reason").asText().contains("in progress"), last[0].toString());
      assertEquals(503, TestHttp.get(service.port(), "/readyz").statusCode());
      release.countDown();
      assertTrue(service.trigger().awaitIdle(Duration.ofSeconds(30)));
      assertEquals(200, TestHttp.get(service.port(), "/healthz").statusCode());
    }
  }

  /** An OutOfMemoryError in a run: one error state, the loop goes on, status returns to ok. */
  @Test
  void anOutOfMemoryErrorInARunLeavesTheServiceAliveAndStatusRecovers() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    SyncAction action = () -> {
      int n = runs.incrementAndGet();
      if (n == 1) {
        throw new OutOfMemoryError("Java heap space (test)");
      }
      return n == 2 ? new SyncOutcome(RunState.PUBLISHED, "abc", "env1", List.of(), "published")
          : SyncOutcome.nothingToDo("abc");
    };
    try (MeshgateService service = start(Duration.ofMillis(200), ServiceLimits.DEFAULTS, action)) {
      TestHttp.await("runs after the error", Duration.ofSeconds(60), () -> runs.get() >= 4);
      JsonNode status = Json.MAPPER.readTree(TestHttp.get(service.port(), "/api/v1/status").body());
      assertEquals("published", status.path("state").asText(), status.toString());
      assertEquals(200, TestHttp.get(service.port(), "/healthz").statusCode());
      assertTrue(service.metrics().scrape().contains("meshgate_sync_runs_total{outcome=\"error\"} 1.0"));
    }
  }

  private static java.util.Timer pollTimer(MeshgateService service) {
    TimerComponent timers = service.camelContext().getComponent("timer", TimerComponent.class);
    for (Route route : service.camelContext().getRoutes()) {
      if (route.getConsumer() instanceof TimerConsumer consumer) {
        java.util.Timer timer = timers.getTimer(consumer);
        timers.removeTimer(consumer); // getTimer counted a user; give it back
        return timer;
      }
    }
    throw new AssertionError("no timer route");
  }

  /** A java.util.Timer whose thread died refuses new tasks. */
  private static boolean isCancelled(java.util.Timer timer) {
    try {
      timer.schedule(new TimerTask() {
        @Override
        public void run() {
        }
      }, 60_000);
      return false;
    } catch (IllegalStateException dead) {
      return true;
    }
  }
}
