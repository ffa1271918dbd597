package io.meshgate.verify;

import java.util.Locale;

/** The fixed list of places a request passes, in order. */
public enum Hop {
  DNS,
  OUTBOUND_CLUSTER,
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
