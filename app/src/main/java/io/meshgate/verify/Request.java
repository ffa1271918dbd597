package io.meshgate.verify;

import java.util.Map;
import java.util.TreeMap;

/**
 * One request pushed through the hops.
 *
 * @param port null: the service's only (or first) port
 * @param method null for TCP or "any"
 * @param path null for TCP or "any"
 * @param headers request headers by lower-case name (VirtualService matches read them), empty when none
 */
public record Request(Caller from, String host, Integer port, String method, String path, Map<String, String> headers) {

  public Request {
    headers = headers == null ? Map.of() : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(headers));
  }

  public Request(Caller from, String host, Integer port, String method, String path) {
    this(from, host, port, method, path, null);
  }

  /** The same request with these headers. */
  public Request withHeaders(Map<String, String> more) {
    return new Request(from, host, port, method, path, more);
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
    return s.toString();
  }
}
