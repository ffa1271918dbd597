package io.meshgate.intent;

/** Protocol of an InboundService's port, as Istio names it. */
public enum Protocol {
  HTTP, HTTP2, GRPC, TCP, TLS, HTTPS;

  /** True for protocols whose requests Istio parses (so cookie or header hashing can apply). */
  public boolean isHttp() {
    return this == HTTP || this == HTTP2 || this == GRPC;
  }

  /**
   * True when the application itself speaks TLS on the port (HTTPS, TLS): Istio sees TLS there, and
   * a client's application originates it.
   * https://istio.io/latest/docs/ops/configuration/traffic-management/traffic-routing/#tls
   */
  public boolean isAppTls() {
    return this == TLS || this == HTTPS;
  }
}
