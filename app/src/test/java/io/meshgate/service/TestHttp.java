package io.meshgate.service;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** Real HTTP to a service on loopback, and bounded waiting, for the service's tests. */
final class TestHttp {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestHttp() {}

  static HttpResponse<String> get(int port, String path, String... headers) throws Exception {
    return CLIENT.send(request(port, "GET", path, null, headers), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(int port, String path, byte[] body, String... headers) throws Exception {
    return CLIENT.send(request(port, "POST", path, body, headers), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(int port, String method, String path, byte[] body, String... headers)
      throws Exception {
    return CLIENT.send(request(port, method, path, body, headers), HttpResponse.BodyHandlers.ofString());
  }

  static CompletableFuture<HttpResponse<String>> postAsync(int port, String path, byte[] body, String... headers) {
    return CLIENT.sendAsync(request(port, "POST", path, body, headers), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(int port, String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      req.header(headers[i], headers[i + 1]);
    }
    return req.build();
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code max}. */
  static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + max + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
