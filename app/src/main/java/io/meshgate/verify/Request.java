package io.meshgate.verify;

/**
 * One request pushed through the hops.
 *
 * @param port null: the service's only (or first) port
 * @param method null for TCP or "any"
 * @param path null for TCP or "any"
 * @param jwt the end-user token the request carries, or null
 */
public record Request(Caller from, String host, Integer port, String method, String path, Jwt jwt) {

  public Request(Caller from, String host, Integer port, String method, String path) {
    this(from, host, port, method, path, null);
  }

  /** The same request from another caller. */
  public Request from(Caller caller) {
    return new Request(caller, host, port, method, path, jwt);
  }

  /** The same request with another token (null: none). */
  public Request withJwt(Jwt token) {
    return new Request(from, host, port, method, path, token);
  }

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
    if (jwt != null) {
      s.append(" with ").append(jwt);
    }
    return s.toString();
  }
}
