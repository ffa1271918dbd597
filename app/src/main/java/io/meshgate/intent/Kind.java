package io.meshgate.intent;

/** The intent kinds of {@code meshgate.io/v1alpha1}. */
public enum Kind {
  Cluster,
  InboundService,
  ServiceClient,
  // The mesh edge: ingress, egress and end-user authentication (their own files and renderers).
  IngressRoute,
  ExternalService,
  EndUserAuth;

  public static final String API_VERSION = "meshgate.io/v1alpha1";
}
