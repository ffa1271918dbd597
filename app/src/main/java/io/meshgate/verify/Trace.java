package io.meshgate.verify;

import java.util.List;

/**
 * The hop-by-hop answer for one request.
 *
 * @param reached the workload the request reached ({@code cluster/namespace/service}), or null
 * @param version the version (DestinationRule subset of spec.versions) of the pods it reached, or null
 * @param spread every workload an allowed request reaches ({@code cluster/namespace/service}, with
 *     {@code @version} when it has one), in the order found: several when the request forks (weighted
 *     routes, endpoints sharing the load)
 */
public record Trace(Request request, List<HopResult> hops, String reached, String version, List<String> spread) {

  public Trace {
    hops = List.copyOf(hops);
    spread = spread == null ? List.of() : List.copyOf(spread);
  }

  public Trace(Request request, List<HopResult> hops, String reached) {
    this(request, hops, reached, null, null);
  }

  public Trace(Request request, List<HopResult> hops, String reached, String version) {
    this(request, hops, reached, version, reached == null ? null : List.of(reached + (version == null ? "" : "@" + version)));
  }

  public boolean allowed() {
    return !hops.isEmpty() && failure() == null;
  }

  /** The hop that stopped the request, or null when it was allowed. */
  public HopResult failure() {
    for (HopResult hop : hops) { // asked of every simulated request: no stream
      if (hop.failed()) {
        return hop;
      }
    }
    return null;
  }

  /** The last hop that passed (for an allowed request: the AuthorizationPolicy decision). */
  public HopResult last() {
    return hops.isEmpty() ? null : hops.get(hops.size() - 1);
  }
}
