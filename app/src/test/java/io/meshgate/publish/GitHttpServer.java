package io.meshgate.publish;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Git smart-HTTP server on loopback for tests: the JDK's HttpServer in front of {@code git
 * http-backend} (CGI), serving the bare repositories below one directory. Optional Basic auth with
 * a token, and a switch that makes it answer 503 as an unreachable remote would.
 */
final class GitHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Path projectRoot;
  private final String requiredToken;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger unauthorized = new AtomicInteger();

  private GitHttpServer(Path projectRoot, String requiredToken) throws IOException {
    this.projectRoot = projectRoot;
    this.requiredToken = requiredToken;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/git", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Serves {@code projectRoot/<name>} at {@code <url>/<name>} without authentication. */
  static GitHttpServer open(Path projectRoot) throws IOException {
    return new GitHttpServer(projectRoot, null);
  }

  /** As {@link #open(Path)}, but every request needs Basic auth with {@code token} as password. */
  static GitHttpServer withToken(Path projectRoot, String token) throws IOException {
    return new GitHttpServer(projectRoot, token);
  }

  String url(String repositoryName) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/git/" + repositoryName;
  }

  /** While down, every request gets 503 Service Unavailable. */
  void setDown(boolean isDown) {
    down.set(isDown);
  }

  int requestCount() {
    return requests.get();
  }

  int unauthorizedCount() {
    return unauthorized.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (down.get()) {
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      String user = "anonymous";
      if (requiredToken != null) {
        user = authenticatedUser(exchange.getRequestHeaders().getFirst("Authorization"));
        if (user == null) {
          unauthorized.incrementAndGet();
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
          exchange.sendResponseHeaders(401, -1);
          return;
        }
      }
      runBackend(exchange, body, user);
    }
  }

  private String authenticatedUser(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return null;
    }
    String decoded =
        new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    if (colon < 1 || !decoded.substring(colon + 1).equals(requiredToken)) {
      return null;
    }
    return decoded.substring(0, colon);
  }

  private void runBackend(HttpExchange exchange, byte[] body, String user) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
    Map<String, String> env = builder.environment();
    env.put("GIT_PROJECT_ROOT", projectRoot.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("PATH_INFO", exchange.getRequestURI().getPath().substring("/git".length()));
    String query = exchange.getRequestURI().getRawQuery();
    env.put("QUERY_STRING", query == null ? "" : query);
    env.put("CONTENT_LENGTH", Integer.toString(body.length));
    env.put("REMOTE_ADDR", "127.0.0.1");
    // A set REMOTE_USER lets http-backend accept pushes (receive-pack).
    env.put("REMOTE_USER", user);
    putHeader(exchange, env, "Content-Type", "CONTENT_TYPE");
    putHeader(exchange, env, "Content-Encoding", "HTTP_CONTENT_ENCODING");
    putHeader(exchange, env, "Git-Protocol", "GIT_PROTOCOL");
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    executor.execute(
        () -> {
          try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(body);
          } catch (IOException e) {
            // The backend may exit early on a bad request; its answer says why.
          }
        });
    byte[] output;
    try (InputStream stdout = process.getInputStream()) {
      output = stdout.readAllBytes();
    }
    writeCgiResponse(exchange, output);
  }

  private static void putHeader(HttpExchange exchange, Map<String, String> env, String header,
      String variable) {
    String value = exchange.getRequestHeaders().getFirst(header);
    if (value != null) {
      env.put(variable, value);
    }
  }

  private static void writeCgiResponse(HttpExchange exchange, byte[] output) throws IOException {
    int headerEnd = -1;
    int separatorLength = 0;
    for (int i = 0; i + 1 < output.length; i++) {
      if (output[i] == '\n' && output[i + 1] == '\n') {
        headerEnd = i;
        separatorLength = 2;
        break;
      }
      if (i + 3 < output.length && output[i] == '\r' && output[i + 1] == '\n'
          && output[i + 2] == '\r' && output[i + 3] == '\n') {
        headerEnd = i;
        separatorLength = 4;
        break;
      }
    }
    if (headerEnd < 0) {
      exchange.sendResponseHeaders(502, -1);
      return;
    }
    int status = 200;
    String headers = new String(output, 0, headerEnd, StandardCharsets.ISO_8859_1);
    for (String line : headers.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ")[0]);
      } else {
        exchange.getResponseHeaders().add(name, value);
      }
    }
    int bodyStart = headerEnd + separatorLength;
    int bodyLength = output.length - bodyStart;
    exchange.sendResponseHeaders(status, bodyLength == 0 ? -1 : bodyLength);
    if (bodyLength > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(output, bodyStart, bodyLength);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Reads a whole stream; used by tests that shell out to git. */
  static String readAll(InputStream in) {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      return buffer.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
