package io.meshgate.verify;

import java.util.Map;
import java.util.TreeMap;

/**
 * One request pushed through the hops.
 *
 * @param port null: the service's only (or first) port
 * @param method null for TCP or "any"
 * @param path null for TCP or "any"
 * @param jwt the end-user token the request carries, or null
 * @param headers request headers by lower-case name (VirtualService matches read them), empty when none
 */
public record Request(Caller from, String host, Integer port, String method, String path, Jwt jwt,
    Map<String, String> headers) {

  public Request {
    headers = headers == null ? Map.of() : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(headers));
  }

  public Request(Caller from, String host, Integer port, String method, String path) {
    this(from, host, port, method, path, null, null);
  }

  public Request(Caller from, String host, Integer port, String method, String path, Jwt jwt) {
    this(from, host, port, method, path, jwt, null);
  }

  /** The same request from another caller. */
  public Request from(Caller caller) {
    return new Request(caller, host, port, method, path, jwt, headers);
  }

  /** The same request with another token (null: none). */
  public Request withJwt(Jwt token) {
    return new Request(from, host, port, method, path, token, headers);
  }

  /** The same request with these headers. */
  public Request withHeaders(Map<String, String> more) {
    return new Request(from, host, port, method, path, jwt, more);
  }

  /** {@code cluster01/default/sleep -> httpbin.default.global:8000 GET /status [end-user: john]}. */
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
    headers.forEach((name, value) -> s.append(" [").append(name).append(": ").append(value).append(']'));
    if (jwt != null) {
      s.append(" with ").append(jwt);
    }
    return s.toString();
  }
}
