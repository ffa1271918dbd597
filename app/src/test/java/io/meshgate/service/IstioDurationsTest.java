package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IstioDurationsTest {
  @Test
  void parsesSingleAndCombinedUnits() {
    assertEquals(Duration.ofSeconds(30), IstioDurations.parse("30s"));
    assertEquals(Duration.ofMillis(500), IstioDurations.parse("500ms"));
    assertEquals(Duration.ofMinutes(5), IstioDurations.parse("5m"));
    assertEquals(Duration.ofMinutes(90), IstioDurations.parse("1h30m"));
    assertEquals(Duration.ofMillis(1500), IstioDurations.parse("1.5s"));
    assertEquals(Duration.ofNanos(2500), IstioDurations.parse("2us500ns"));
  }

  @Test
  void formatsInTheLargestExactUnit() {
    assertEquals("30s", IstioDurations.format(Duration.ofSeconds(30)));
    assertEquals("90m", IstioDurations.format(Duration.ofMinutes(90)));
    assertEquals("1500ms", IstioDurations.format(Duration.ofMillis(1500)));
    assertEquals("2h", IstioDurations.format(IstioDurations.parse("2h")));
  }

  @Test
  void rejectsWhatIsNotADuration() {
    for (String bad : new String[] {"", "30", "s", "30 s", "1d", "-5s", "5s ", "abc"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IstioDurations.parse(bad), bad);
      assertTrue(e.getMessage().contains("30s"), e.getMessage());
    }
  }
}
