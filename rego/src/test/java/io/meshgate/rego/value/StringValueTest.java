package io.meshgate.rego.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strings are ordered by code point (Go compares UTF-8 bytes), whatever their characters. */
class StringValueTest {

  private static int byCodePoint(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    return java.util.Arrays.compare(x, y);
  }

  private static int compare(String a, String b) {
    return new StringValue(a).compareTo(new StringValue(b));
  }

  @Test
  void aCharacterAboveTheBasicPlaneSortsAfterOneBelowIt() {
    String grin = "\uD83D\uDE00"; // U+1F600, two UTF-16 units starting below U+E000
    assertTrue(compare(grin, "\uFFFD") > 0); // UTF-16 order would say the opposite
    assertTrue(compare("\uFFFD", grin) < 0);
    assertTrue(compare("a" + grin, "a\uE000") > 0);
    assertTrue(compare("abc", "abd") < 0);
    assertTrue(compare("ab", "abc") < 0);
    assertEquals(0, compare("caf\u00e9", "caf\u00e9"));
    assertTrue(compare("caf\u00e9", "cafe") > 0);
  }

  @Test
  void randomStringsCompareAsTheirCodePointsDo() {
    Random random = new Random(7);
    String[] alphabet = {"a", "b", "z", "\u00e9", "\u4e2d", "\uE000", "\uFFFD", "\uD83D\uDE00", "\uD800\uDC00"};
    for (int round = 0; round < 20_000; round++) {
      String a = randomText(random, alphabet);
      String b = random.nextInt(4) == 0 ? a + randomText(random, alphabet) : randomText(random, alphabet);
      StringValue x = new StringValue(a);
      StringValue y = new StringValue(b);
      int expected = Integer.signum(byCodePoint(a, b));
      assertEquals(expected, Integer.signum(x.compareTo(y)), a + " vs " + b);
      assertEquals(expected, Integer.signum(x.compareTo(y)), "asked again: " + a + " vs " + b);
      assertEquals(-expected, Integer.signum(y.compareTo(x)), b + " vs " + a);
    }
  }

  private static String randomText(Random random, String[] alphabet) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(5);
    for (int i = 0; i < length; i++) {
      text.append(alphabet[random.nextInt(random.nextInt(3) == 0 ? alphabet.length : 3)]);
    }
    return text.toString();
  }
}
