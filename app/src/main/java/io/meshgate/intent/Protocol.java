package io.meshgate.intent;

/** Protocol of an InboundService's mesh port, as Istio names it. */
public enum Protocol {
  HTTP, HTTP2, GRPC, TCP, TLS, HTTPS;

  /** True for protocols whose requests Istio parses (so cookie or header hashing can apply). */
  public boolean isHttp() {
    return this == HTTP || this == HTTP2 || this == GRPC;
  }
}
