package io.meshgate.verify;

import java.util.Locale;

/**
 * The fixed list of places a request passes, in order. Hops of the mesh edge that a request does
 * not meet (the ingress hops for a mesh workload, route without VirtualService, egress inside the
 * mesh, request authentication without RequestAuthentication or token) are left out of its trace.
 */
public enum Hop {
  // Only for a client outside the mesh (explain --from external): the ingress gateway.
  INGRESS_SERVER,
  INGRESS_POLICY,
  INGRESS_ROUTE,
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
  // Only when the request leaves the mesh (a MESH_EXTERNAL host).
  EGRESS,
  PEER_AUTHENTICATION,
  // Only when a RequestAuthentication selects the workload or the request carries a token.
  REQUEST_AUTHENTICATION,
  AUTHORIZATION_POLICY;

  /** {@code outbound-cluster}: the name used in every output. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
