package io.meshgate.intent;

/** The intent kinds of {@code meshgate.io/v1alpha1}. */
public enum Kind {
  Cluster,
  InboundService,
  ServiceClient;

  public static final String API_VERSION = "meshgate.io/v1alpha1";
}
