package io.meshgate.verify;

import java.util.List;

/**
 * The hop-by-hop answer for one request.
 *
 * @param reached the workload the request reached ({@code cluster/namespace/service}), or null
 * @param version the version (DestinationRule subset of spec.versions) of the pods it reached, or null
 */
public record Trace(Request request, List<HopResult> hops, String reached, String version) {

  public Trace {
    hops = List.copyOf(hops);
  }

  public Trace(Request request, List<HopResult> hops, String reached) {
    this(request, hops, reached, null);
  }

  public boolean allowed() {
    return !hops.isEmpty() && hops.stream().noneMatch(HopResult::failed);
  }

  /** The hop that stopped the request, or null when it was allowed. */
  public HopResult failure() {
    return hops.stream().filter(HopResult::failed).findFirst().orElse(null);
  }

  /** The last hop that passed (for an allowed request: the AuthorizationPolicy decision). */
  public HopResult last() {
    return hops.isEmpty() ? null : hops.get(hops.size() - 1);
  }
}
