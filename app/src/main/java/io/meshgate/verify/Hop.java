package io.meshgate.verify;

import java.util.Locale;

/**
 * The fixed list of places a request passes, in order. A hop a request does not meet (route
 * without a VirtualService for its host) is left out of its trace.
 */
public enum Hop {
  DNS,
  OUTBOUND_CLUSTER,
  // Only when a VirtualService routes the host for the caller's sidecar.
  ROUTE,
  DESTINATION_RULE,
  TLS,
  ENDPOINT,
  GATEWAY_SERVER,
  GATEWAY_ROUTE,
  HOSTED_ENDPOINT,
  PEER_AUTHENTICATION,
  AUTHORIZATION_POLICY;

  /** {@code outbound-cluster}: the name used in every output. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
