package io.meshgate.check;

import java.time.Duration;

/**
 * How long each step of one {@link Checker#check} took, for the service's log and for anyone asking
 * where a large repository's time goes. The policies run on their own threads beside the CRD check
 * and reachability, so the steps do not add up to the whole.
 *
 * @param policies null when no policies were evaluated
 * @param crd null when nothing was rendered (structural errors)
 * @param reachability null when nothing was rendered
 */
public record CheckTimings(Duration load, Duration render, Duration policies, Duration crd, Duration reachability) {
  /** No step timed (a result not produced by {@link Checker}). */
  public static final CheckTimings NONE = new CheckTimings(Duration.ZERO, Duration.ZERO, null, null, null);

  /** "load 569 ms, render 405 ms, CRD 305 ms, reachability 2,912 ms, policies 3,843 ms". */
  public String describe() {
    StringBuilder out = new StringBuilder();
    append(out, "load", load);
    append(out, "render", render);
    append(out, "CRD", crd);
    append(out, "reachability", reachability);
    append(out, "policies", policies);
    return out.toString();
  }

  private static void append(StringBuilder out, String step, Duration took) {
    if (took == null) {
      return;
    }
    if (out.length() > 0) {
      out.append(", ");
    }
    out.append(step).append(' ').append(String.format(java.util.Locale.ROOT, "%,d", took.toMillis())).append(" ms");
  }
}
