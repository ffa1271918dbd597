package io.meshgate.publish;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A GitHub / GitLab REST API stand-in on loopback (the JDK's HttpServer): records every request and
 * answers what the test set, by default what the forge answers for a created pull/merge request.
 */
public final class ForgeStub implements AutoCloseable {
  /** One request as received. */
  public record Received(String method, String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name)) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile int status = 201;
  private volatile String answer;

  private ForgeStub(String defaultAnswer) throws IOException {
    this.answer = defaultAnswer;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
  }

  /** Answers like GitHub's "create a pull request". */
  public static ForgeStub github() throws IOException {
    return new ForgeStub("{\"number\": 42, \"html_url\": \"https://github.example/acme/mesh/pull/42\"}");
  }

  /** Answers like GitLab's "create a merge request". */
  public static ForgeStub gitlab() throws IOException {
    return new ForgeStub("{\"iid\": 7, \"web_url\": \"https://gitlab.example/acme/mesh/-/merge_requests/7\"}");
  }

  /** From now on answers {@code status} with {@code body}. */
  public ForgeStub answer(int status, String body) {
    this.status = status;
    this.answer = body;
    return this;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
