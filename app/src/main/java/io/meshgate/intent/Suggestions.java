package io.meshgate.intent;

import java.util.Collection;

/** "Did you mean" for misspelt field names, values and (through policy findings) intent names. */
public final class Suggestions {
  private Suggestions() {}

  /** The closest candidate within a small edit distance (case-insensitive), or null. */
  public static String closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    String lower = word.toLowerCase();
    for (String candidate : candidates) {
      if (Math.abs(candidate.length() - word.length()) > allowed) {
        continue; // at least that many edits apart: not worth the distance (names lists can be long)
      }
      int distance = distance(lower, candidate.toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best != null && bestDistance <= allowed ? best : null;
  }

  /**
   * Edit distance counting a swap of two neighbouring letters as one edit ("optimal string
   * alignment"), so {@code grcp} is one edit from {@code grpc}, as people type.
   */
  static int distance(String a, String b) {
    int[] beforePrevious = new int[b.length() + 1];
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          current[j] = Math.min(current[j], beforePrevious[j - 2] + 1);
        }
      }
      int[] swap = beforePrevious;
      beforePrevious = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
