package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.publish.Redactor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay window of {@link WebhookHandler}: remembered for 72 hours, never for forged deliveries. */
class WebhookReplayTest {
  private static final String SECRET = "replay-window-secret";

  @Test
  void aDeliveryIsRememberedForTheWindowOnlyAndForgeriesAreNotRemembered() throws Exception {
    SyncTriggerTest.MutableClock clock = new SyncTriggerTest.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    ServiceStatus status = new ServiceStatus(clock);
    SyncMetrics metrics = new SyncMetrics();
    try (SyncTrigger trigger = new SyncTrigger(() -> SyncOutcome.nothingToDo("x"), status, metrics,
        Redactor.of(List.of()), clock)) {
      WebhookHandler hooks = new WebhookHandler(SECRET, "ENV", "main", trigger, metrics, clock);
      byte[] body = TestArchives.utf8("{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}");
      String good = "sha256=" + HexFormat.of().formatHex(WebhookHandler.hmacSha256(TestArchives.utf8(SECRET), body));
      // A forged delivery (bad signature) must not make the genuine one look like a replay.
      assertEquals(401, hooks.decide(body, "sha256=00", null, "push", "github:id-1").status());
      assertEquals(202, hooks.decide(body, good, null, "push", "github:id-1").status());
      assertEquals(200, hooks.decide(body, good, null, "push", "github:id-1").status());
      clock.advance(WebhookHandler.REPLAY_WINDOW.minus(Duration.ofMinutes(1)));
      assertEquals("replayed", hooks.decide(body, good, null, "push", "github:id-2").result());
      clock.advance(Duration.ofMinutes(2));
      assertEquals(202, hooks.decide(body, good, null, "push", "github:id-1").status(), "forgotten after the window");
    }
  }
}
