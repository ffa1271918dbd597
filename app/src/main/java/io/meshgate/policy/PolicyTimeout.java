package io.meshgate.policy;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * How long one policy evaluation may run before it fails closed: a fixed duration
 * ({@code --policy-timeout 5m}), or by default a budget that grows with the input, so a large
 * legitimate repository is never refused for its size while a runaway policy (a loop over all pairs
 * of a big collection) still ends. The budget is {@link #BASE} plus {@link #PER_THOUSAND} per 1,000
 * documents and rendered objects: 10,000 services with 30,000 clients and their ~100,000 rendered
 * objects get a few minutes, where the shipped policies need seconds.
 *
 * @param fixed the limit given, or null for the scaled default
 */
public record PolicyTimeout(Duration fixed) {
  /** The flag of {@code validate}, {@code render} and {@code serve}. */
  public static final String FLAG = "--policy-timeout";
  /** How the default is written on the command line. */
  public static final String AUTO_TEXT = "auto";
  public static final PolicyTimeout AUTO = new PolicyTimeout(null);
  static final Duration BASE = Duration.ofSeconds(60);
  static final Duration PER_THOUSAND = Duration.ofSeconds(1);

  public PolicyTimeout {
    if (fixed != null && (fixed.isZero() || fixed.isNegative())) {
      throw new IllegalArgumentException(FLAG + " must be longer than 0");
    }
  }

  public static PolicyTimeout of(Duration limit) {
    return new PolicyTimeout(limit);
  }

  /** The limit of one evaluation of {@code input} (the contract's input: collections by name, rendered per cluster). */
  public Duration forInput(Map<String, ?> input) {
    return forInput(input, BASE);
  }

  /** As {@link #forInput(Map)}, the default starting from {@code base} instead of {@link #BASE}. */
  public Duration forInput(Map<String, ?> input, Duration base) {
    if (fixed != null) {
      return fixed;
    }
    long items = size(input);
    return base.plus(PER_THOUSAND.multipliedBy(items).dividedBy(1000));
  }

  /** Documents (entries of the top-level collections) and rendered objects (entries of each cluster's list). */
  static long size(Map<String, ?> input) {
    long items = 0;
    if (input == null) {
      return 0;
    }
    for (Object collection : input.values()) {
      if (collection instanceof Map<?, ?> map) {
        items += map.size();
        for (Object member : map.values()) {
          if (member instanceof Collection<?> list) {
            items += list.size(); // rendered: cluster -> objects
          }
        }
      } else if (collection instanceof Collection<?> list) {
        items += list.size();
      }
    }
    return items;
  }

  /** What an exceeded limit says: the limit, how it came about, and how to raise it. */
  String exceeded(Duration limit) {
    String how = fixed != null ? "" : " (the default: " + seconds(BASE) + " plus " + seconds(PER_THOUSAND)
        + " per 1,000 intents and rendered objects)";
    return "policy evaluation exceeded its limit of " + seconds(limit) + how + "; a policy may loop over all pairs"
        + " of a large collection (see policies/README.md, \"Writing rules that stay fast\"), or raise the limit with "
        + FLAG + " DURATION, e.g. " + FLAG + " 10m";
  }

  private static String seconds(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  @Override
  public String toString() {
    return fixed == null ? AUTO_TEXT : seconds(fixed);
  }
}
