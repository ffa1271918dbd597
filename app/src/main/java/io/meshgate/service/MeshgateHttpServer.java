package io.meshgate.service;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener of {@code serve}: a Vert.x server that meshgate configures itself (Camel's
 * built-in one cannot be given timeouts or a connection limit), with the Camel platform-http routes
 * of {@code routes/} mounted on its router. In front of the routes it
 * <ul>
 *   <li>gives every request an id ({@code X-Request-Id}, echoed in the answer and in error bodies);
 *   <li>bounds connections: at most {@link ServiceLimits#maxConnections()}, closed when idle (even
 *       when trickling bytes) for {@link ServiceLimits#idleTimeout()}, and 408 when a request's body
 *       has not arrived within {@link ServiceLimits#readTimeout()};
 *   <li>admits uploads to {@code POST /api/v1/validate} before their body is read: bearer token,
 *       declared size, and at most {@link ServiceLimits#validationSlots()} at once (else 429 with
 *       {@code Retry-After}), so uploads can neither fill the heap nor the worker threads that
 *       {@code /healthz}, {@code /metrics} and webhooks need;
 *   <li>answers JSON for every path: unknown paths (404), wrong methods (405), bodies over the
 *       limit (413), never Vert.x's HTML page.
 * </ul>
 */
final class MeshgateHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MeshgateHttpServer.class);
  static final String REQUEST_ID = "X-Request-Id";
  /** Set by this server only (a client's value is removed): whether the caller presented a valid token. */
  static final String AUTHORIZED = "X-Meshgate-Authorized";
  /** Request header holding a form content type that was replaced (see {@link #keepFormBodiesRaw}). */
  static final String DECLARED_CONTENT_TYPE = "X-Meshgate-Declared-Content-Type";
  static final String VALIDATE_PATH = "/api/v1/validate";
  static final String STATUS_PATH = "/api/v1/status";
  static final String WEBHOOK_PATH = "/hooks/git";
  /** Seconds a client told 429 should wait before trying again. */
  static final int RETRY_AFTER_SECONDS = 5;
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{8,64}");
  private static final String ENDPOINTS = "GET /healthz, GET /readyz, GET /api/v1/status, GET /metrics, "
      + "POST /api/v1/validate, POST /hooks/git, and with --seed-api the seed API under /v2/projects/"
      + " (GET /api/v2/openapi.json)";

  private final Vertx vertx;
  private final Router router;
  private final ServiceLimits limits;
  private final ApiTokens tokens;
  private final SyncMetrics metrics;
  private final String host;
  private final int port;
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicLong refusedConnections = new AtomicLong();
  private final AtomicInteger admittedUploads = new AtomicInteger();
  private final Map<HttpConnection, ConnectionState> connections = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private volatile boolean routesStarted;
  private HttpServer server;
  private long sweeper = -1;

  /** What one connection is doing; the sweeper closes it when a phase lasts too long. */
  private static final class ConnectionState {
    volatile long phaseStarted = System.nanoTime();
    volatile RoutingContext request; // null between requests

    void startRequest(RoutingContext ctx) {
      request = ctx;
      phaseStarted = System.nanoTime();
    }

    void endRequest() {
      request = null;
      phaseStarted = System.nanoTime();
    }
  }

  private MeshgateHttpServer(String host, int port, ServiceLimits limits, ApiTokens tokens, SyncMetrics metrics) {
    this.metrics = metrics;
    this.host = host;
    this.port = port;
    this.limits = limits;
    this.tokens = tokens;
    long maxWorkerMillis = limits.validationTimeout().plus(limits.readTimeout()).plusSeconds(30).toMillis();
    this.vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(2)
        .setUseDaemonThread(true)
        // Worker threads wait for uploads for up to the validation budget: no "Thread blocked" noise.
        .setMaxWorkerExecuteTime(maxWorkerMillis)
        .setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(maxWorkerMillis * 10)
        .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    this.router = Router.router(vertx);
    installFrontHandlers();
    installJsonErrors();
  }

  /**
   * Creates the server and makes its router the one Camel's platform-http routes register on. Call
   * before the Camel context starts; {@link #listen()} after.
   */
  static MeshgateHttpServer createFor(Main camel, String host, int port, ServiceLimits limits, ApiTokens tokens,
      SyncMetrics metrics) {
    MeshgateHttpServer http = new MeshgateHttpServer(host, port, limits, tokens, metrics);
    String name = VertxPlatformHttpRouter.getRouterNameFromPort(port);
    camel.bind(name, new VertxPlatformHttpRouter(null, http.vertx, http.router, name) {
      @Override
      public io.vertx.core.Handler<RoutingContext> bodyHandler() {
        // In memory only (no upload folder on a read-only root filesystem), bounded: uploads by the
        // archive limit (admitted before their body is read), every other body by the small one.
        BodyHandler small = BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes());
        BodyHandler upload = BodyHandler.create(false).setBodyLimit(Math.max(limits.maxBodyBytes(),
            limits.maxArchiveBytes()));
        return ctx -> (VALIDATE_PATH.equals(ctx.request().path()) ? upload : small).handle(ctx);
      }
    });
    // Camel's platform-http engine finds the port of the routes' router through this.
    VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
    configuration.setBindHost(host);
    configuration.setBindPort(port);
    camel.bind("meshgateHttpServerConfiguration", configuration);
    return http;
  }

  /** Starts listening; throws naming the port and address when they cannot be bound. */
  void listen() {
    HttpServerOptions options = new HttpServerOptions()
        // One request at a time per connection, so the phase of a connection is the phase of its request.
        .setHttp2ClearTextEnabled(false)
        .setMaxInitialLineLength(4096)
        .setMaxHeaderSize(16 * 1024);
    server = vertx.createHttpServer(options);
    server.connectionHandler(this::onConnection).requestHandler(router);
    try {
      server.listen(port, host).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("--http-port " + port + " on --bind " + host + " is not available: "
          + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
    }
    long every = Math.max(100, Math.min(1000, Math.min(limits.idleTimeout().toMillis(), limits.readTimeout().toMillis()) / 4));
    sweeper = vertx.setPeriodic(every, id -> sweep());
  }

  int port() {
    return port;
  }

  int openConnections() {
    return openConnections.get();
  }

  long refusedConnections() {
    return refusedConnections.get();
  }

  /** The Camel routes are registered: requests are served from now on. */
  void routesStarted() {
    routesStarted = true;
  }

  /** Waits (bounded) until every admitted upload has had its answer written. */
  void awaitUploadsAnswered(long maxMillis) {
    long deadline = System.nanoTime() + maxMillis * 1_000_000;
    while (admittedUploads.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** From now on every request is answered 503 (the Service stops sending traffic on /readyz). */
  void beginStop() {
    stopping = true;
  }

  boolean isStopping() {
    return stopping;
  }

  private void onConnection(HttpConnection connection) {
    if (openConnections.incrementAndGet() > limits.maxConnections()) {
      openConnections.decrementAndGet();
      metrics.recordRefused("connection_limit");
      long refused = refusedConnections.incrementAndGet();
      if (refused == 1 || refused % 1000 == 0) {
        LOG.warn("HTTP: {} connection(s) refused so far: the limit of {} open connections is reached",
            refused, limits.maxConnections());
      }
      connection.close();
      return;
    }
    connections.put(connection, new ConnectionState());
    connection.closeHandler(v -> {
      if (connections.remove(connection) != null) {
        openConnections.decrementAndGet();
      }
    });
  }

  /** Closes connections idle (or trickling a request head) too long, and requests whose body is too slow. */
  private void sweep() {
    long now = System.nanoTime();
    long idleNanos = limits.idleTimeout().toNanos();
    long readNanos = limits.readTimeout().toNanos();
    connections.forEach((connection, state) -> {
      RoutingContext ctx = state.request;
      long inPhase = now - state.phaseStarted;
      if (ctx == null) {
        if (inPhase > idleNanos) {
          connection.close();
        }
      } else if (!ctx.request().isEnded() && !ctx.response().ended() && inPhase > readNanos) {
        LOG.info("HTTP {}: request body not received within {}; closing the connection",
            ctx.<String>get(REQUEST_ID), IstioDurations.format(limits.readTimeout()));
        metrics.recordRefused("read_timeout");
        refuse(ctx, 408, "the request was not received within " + IstioDurations.format(limits.readTimeout()), Map.of(),
            true);
      }
    });
  }

  private void installFrontHandlers() {
    router.route().order(-1000).handler(ctx -> {
      HttpServerRequest request = ctx.request();
      String id = requestId(request.getHeader(REQUEST_ID));
      ctx.put(REQUEST_ID, id);
      request.headers().set(REQUEST_ID, id);
      // Whether the caller presented a valid token (or none is needed): read by the status bean.
      request.headers().set(AUTHORIZED, Boolean.toString(tokens.check(request.getHeader("Authorization")).allowed()));
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set(REQUEST_ID, id));
      ConnectionState state = connections.get(request.connection());
      if (state != null) {
        state.startRequest(ctx);
        ctx.addEndHandler(v -> state.endRequest());
      }
      if (stopping || !routesStarted) {
        // Listening starts before the routes (a port in use fails first): no 404 while they start.
        refuse(ctx, 503, stopping ? "the service is stopping" : "the service is starting",
            Map.of("Retry-After", "1"));
        return;
      }
      keepFormBodiesRaw(request);
      // Camel hands request headers to the routes next to the path parameters: a header named like a
      // parameter the path lacks ("intentSet" on .../us-to-us-intents/...) would pass for one.
      SeedApiRoutes.PATH_PARAMETERS.forEach(request.headers()::remove);
      ctx.next();
    });
    // Any write (a request that is not a read) needs a token, except the webhook, which is signed.
    router.route().order(-900).handler(ctx -> {
      HttpMethod method = ctx.request().method();
      boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
      // The router takes "/hooks/git/" for "/hooks/git": so does this exemption.
      if (read || WEBHOOK_PATH.equals(withoutTrailingSlash(ctx.normalizedPath()))) {
        ctx.next();
        return;
      }
      ApiTokens.Verdict verdict = tokens.check(ctx.request().getHeader("Authorization"));
      if (!verdict.allowed()) {
        unauthorized(ctx, verdict);
        return;
      }
      ctx.next();
    });
    router.route(HttpMethod.POST, VALIDATE_PATH).order(-800).handler(this::admitUpload);
    // The detailed status needs a token; without one the summary is shown, with a wrong one 401.
    router.route(HttpMethod.GET, STATUS_PATH).order(-800).handler(ctx -> {
      ApiTokens.Verdict verdict = tokens.check(ctx.request().getHeader("Authorization"));
      if (verdict == ApiTokens.Verdict.DENIED) {
        unauthorized(ctx, verdict);
        return;
      }
      ctx.next();
    });
  }

  /** The answer to an upload over the limit, saying how the operator raises it. */
  static String archiveTooLarge(ServiceLimits limits) {
    return "archive larger than " + limits.maxArchiveBytes() + " bytes; the operator can raise the limit with serve "
        + ServiceLimits.ARCHIVE_BYTES_FLAG + " SIZE";
  }

  /** Upload admission, decided before the body is read. */
  private void admitUpload(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > limits.maxArchiveBytes()) {
          refuse(ctx, 413, archiveTooLarge(limits), Map.of());
          return;
        }
      } catch (NumberFormatException e) {
        refuse(ctx, 400, "Content-Length is not a number", Map.of());
        return;
      }
    }
    if (admittedUploads.incrementAndGet() > limits.validationSlots()) {
      admittedUploads.decrementAndGet();
      metrics.recordRefused("uploads_busy");
      refuse(ctx, 429, "too many uploads are being validated (" + limits.validationSlots()
          + " at once); retry after " + RETRY_AFTER_SECONDS + " s",
          Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
      return;
    }
    AtomicBoolean released = new AtomicBoolean();
    ctx.addEndHandler(v -> {
      if (released.compareAndSet(false, true)) {
        admittedUploads.decrementAndGet();
      }
    });
    ctx.next();
  }

  private void unauthorized(RoutingContext ctx, ApiTokens.Verdict verdict) {
    metrics.recordRefused("unauthorized");
    String message = verdict == ApiTokens.Verdict.MISSING
        ? "this endpoint needs 'Authorization: Bearer <token>' with a token of --api-token-file"
        : "the bearer token is not valid";
    refuse(ctx, 401, message, Map.of("WWW-Authenticate", "Bearer realm=\"meshgate\""));
  }

  /**
   * {@code curl --data-binary @intents.zip} sends {@code application/x-www-form-urlencoded} unless told
   * otherwise; Vert.x would then decode the body as a form, fail on binary bytes or hand over parsed
   * fields instead of the bytes a webhook signature covers. No endpoint takes forms, so such bodies
   * stay raw bytes; the declared type is kept in {@link #DECLARED_CONTENT_TYPE} for the webhook's hint.
   */
  private static void keepFormBodiesRaw(HttpServerRequest request) {
    request.headers().remove(DECLARED_CONTENT_TYPE);
    String type = request.getHeader("Content-Type");
    if (type != null && type.toLowerCase(Locale.ROOT).contains("application/x-www-form-urlencoded")) {
      request.headers().set(DECLARED_CONTENT_TYPE, type);
      request.headers().set("Content-Type", "application/octet-stream");
    }
  }

  private void installJsonErrors() {
    for (int status : new int[] {400, 401, 403, 404, 405, 408, 413, 414, 415, 429, 431, 500, 501, 503}) {
      router.errorHandler(status, ctx -> {
        String message = switch (status) {
          case 404 -> "no endpoint " + shortPath(ctx) + "; the endpoints are " + ENDPOINTS;
          case 405 -> "method " + ctx.request().method() + " is not allowed on " + shortPath(ctx)
              + "; the endpoints are " + ENDPOINTS;
          case 413 -> "request body larger than " + limits.maxBodyBytes() + " bytes";
          case 500 -> "internal error; the log has the details under this request id";
          default -> "request refused (HTTP " + status + ")";
        };
        if (status == 500 && ctx.failure() != null) {
          LOG.warn("HTTP {} {}: {}", ctx.<String>get(REQUEST_ID), shortPath(ctx), ctx.failure().toString());
        }
        refuse(ctx, status, message, Map.of());
      });
    }
  }

  private static String withoutTrailingSlash(String path) {
    return path != null && path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String shortPath(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path == null) {
      return "(none)";
    }
    return path.length() > 200 ? path.substring(0, 200) + "..." : path;
  }

  /**
   * Answers a JSON error before or after the body was read. An unread body of a declared length within
   * the upload limit is read and thrown away (the client can then read the answer, and nothing is
   * kept); any other unread body ends with the connection, so a client cannot stream a body nobody
   * reads.
   */
  private void refuse(RoutingContext ctx, int status, String message, Map<String, String> headers) {
    refuse(ctx, status, message, headers, false);
  }

  private void refuse(RoutingContext ctx, int status, String message, Map<String, String> headers,
      boolean forceClose) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    HttpServerRequest request = ctx.request();
    boolean unread = !request.isEnded();
    boolean discard = !forceClose && unread && declaredLength(request) >= 0
        && declaredLength(request) <= limits.maxArchiveBytes();
    boolean close = forceClose || (unread && !discard);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("requestId", ctx.get(REQUEST_ID));
    try {
      if (!response.headWritten()) {
        response.setStatusCode(status);
        response.headers().set("Content-Type", "application/json");
        headers.forEach((k, v) -> response.headers().set(k, v));
        if (close) {
          response.headers().set("Connection", "close");
        }
      }
      if (discard) {
        request.handler(ignored -> { });
        request.resume();
      }
      response.end(Json.write(body)).onComplete(done -> {
        if (close) {
          request.connection().close();
        }
      });
    } catch (IllegalStateException e) {
      request.connection().close();
    }
  }

  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    try {
      return length == null ? -1 : Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The client's id when it is a plain token of sane length, else a new random one. */
  static String requestId(String fromClient) {
    if (fromClient != null && CLIENT_REQUEST_ID.matcher(fromClient).matches()) {
      return fromClient;
    }
    return String.format("%016x", ThreadLocalRandom.current().nextLong());
  }

  /** Stops listening and the event loops; bounded, for a quick SIGTERM. */
  @Override
  public void close() {
    stopping = true;
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
    long wait = 500;
    try {
      if (server != null) {
        server.close().toCompletionStage().toCompletableFuture().get(wait, TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      LOG.debug("closing the HTTP server: {}", e.toString());
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(wait, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.debug("closing Vert.x: {}", e.toString());
    }
  }
}
