package io.meshgate.intent;

/** One intent document. */
public sealed interface Intent permits Cluster, InboundService, ServiceClient, IngressRoute, ExternalService,
    EndUserAuth {
  Metadata metadata();

  Kind kind();

  default String name() {
    return metadata().name();
  }
}
