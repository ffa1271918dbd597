package io.meshgate.verify;

/**
 * One request pushed through the hops.
 *
 * @param port null: the service's only (or first) port
 * @param method null for TCP or "any"
 * @param path null for TCP or "any"
 */
public record Request(Caller from, String host, Integer port, String method, String path) {

  /** {@code cluster01/default/sleep -> httpbin.default.global:8000 GET /status}. */
  public String describe() {
    StringBuilder s = new StringBuilder().append(from).append(" -> ").append(host);
    if (port != null) {
      s.append(':').append(port);
    }
    if (method != null) {
      s.append(' ').append(method);
    }
    if (path != null) {
      s.append(' ').append(path);
    }
    return s.toString();
  }
}
