package io.meshgate.intent;

/** One intent document. */
public sealed interface Intent permits Cluster, InboundService, ServiceClient {
  Metadata metadata();

  Kind kind();

  default String name() {
    return metadata().name();
  }
}
