package io.meshgate.service;

import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.Redactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.Main;
import org.apache.camel.StartupSummaryLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: a Camel Main whose routes come from YAML files (bundled {@code routes/} by
 * default) and call the beans bound here by name: {@code syncTrigger}, {@code webhookHandler},
 * {@code statusBean}, {@code metricsBean}, {@code archiveValidator}.
 */
public final class MeshgateService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MeshgateService.class);
  /** Routes bundled in the jar from the repository's {@code routes/} folder. */
  public static final String BUNDLED_ROUTES = "classpath:routes/*.yaml";
  private static final long MAX_HTTP_BODY_BYTES = 16L * 1024 * 1024;
  /** Request header holding a form content type that {@link #keepFormBodiesRaw} replaced. */
  static final String DECLARED_CONTENT_TYPE = "X-Meshgate-Declared-Content-Type";

  /**
   * @param routesIncludePattern Camel resource pattern of the YAML routes, e.g. {@link #BUNDLED_ROUTES}
   *     or {@code file:/path/routes/*.yaml}
   * @param webhookSecret null or blank disables webhooks
   * @param statusSettings non-secret facts shown in the status under {@code config}
   */
  public record Settings(
      int httpPort,
      Duration pollInterval,
      Duration firstPollDelay,
      String routesIncludePattern,
      String sourceBranch,
      String webhookSecret,
      String webhookSecretEnv,
      Path scratchDir,
      Map<String, Object> statusSettings,
      SeedApiRoutes seedApi) {}

  private final Main camel;
  private final SyncTrigger trigger;
  private final ServiceStatus status;
  private final SyncMetrics metrics;
  private final int port;
  private volatile Path temporaryWorkDir;

  private MeshgateService(Main camel, SyncTrigger trigger, ServiceStatus status, SyncMetrics metrics, int port) {
    this.camel = camel;
    this.trigger = trigger;
    this.status = status;
    this.metrics = metrics;
    this.port = port;
  }

  /** Builds and starts the service; returns once HTTP is listening. */
  public static MeshgateService start(Settings settings, SyncAction action, TreeValidator validator)
      throws Exception {
    Clock clock = Clock.systemUTC();
    ServiceStatus status = new ServiceStatus(clock);
    SyncMetrics metrics = new SyncMetrics();
    // Status messages must not show the Git credentials or the webhook secret.
    Redactor scrubber = GitCredentials.fromEnvironment().redactor()
        .with(settings.webhookSecret() == null ? List.of() : List.of(settings.webhookSecret()));
    SyncTrigger trigger = new SyncTrigger(action, status, metrics, scrubber, clock);
    WebhookHandler webhooks = new WebhookHandler(settings.webhookSecret(), settings.webhookSecretEnv(),
        settings.sourceBranch(), trigger, metrics);

    requirePortFree(settings.httpPort());
    Main camel = new Main();
    camel.configure()
        .withName("meshgate")
        .withJmxEnabled(false)
        .withRoutesIncludePattern(settings.routesIncludePattern())
        .httpServer()
        .withEnabled(true)
        .withPort(settings.httpPort())
        .withMaxBodySize(MAX_HTTP_BODY_BYTES);
    // One line for start and stop instead of a table of every route.
    camel.configure().setStartupSummaryLevel(StartupSummaryLevel.Oneline);
    camel.addInitialProperty("meshgate.poll-interval-ms", Long.toString(Math.max(1, settings.pollInterval().toMillis())));
    camel.addInitialProperty("meshgate.first-poll-delay-ms", Long.toString(Math.max(0, settings.firstPollDelay().toMillis())));
    camel.bind("syncTrigger", trigger);
    camel.bind("webhookHandler", webhooks);
    camel.bind("statusBean", new StatusBean(status, settings.statusSettings()));
    camel.bind("metricsBean", metrics);
    camel.bind("archiveValidator", ArchiveValidator.withDefaultLimits(validator, settings.scratchDir()));
    camel.bind("seedApi", settings.seedApi() != null ? settings.seedApi()
        : new SeedApiRoutes(null, SeedApiRoutes.Callers.unauthenticated()));
    try {
      camel.start();
    } catch (Exception e) {
      trigger.close();
      // Typically a broken --routes file: say where, in one line (YAML errors carry line and column).
      throw new IllegalStateException("the routes (" + settings.routesIncludePattern() + ") cannot start: "
          + deepestMessage(e), e);
    }
    if (camel.getCamelContext() == null || !camel.getCamelContext().isStarted()) {
      trigger.close();
      throw new IllegalStateException("the Camel context did not start (routes: " + settings.routesIncludePattern() + ")");
    }
    keepFormBodiesRaw(camel, settings.httpPort());
    int routes = camel.getCamelContext().getRoutes().size();
    if (routes == 0) {
      camel.stop();
      trigger.close();
      throw new IllegalStateException("no routes found at " + settings.routesIncludePattern());
    }
    // Vert.x reports a failed bind only in its log; make sure our routes really answer.
    if (!answersHealthz(settings.httpPort())) {
      camel.stop();
      trigger.close();
      throw new IllegalStateException("the HTTP server did not come up on port " + settings.httpPort()
          + " (is another process using it?)");
    }
    if (!webhooks.isEnabled()) {
      LOG.warn("webhooks disabled: set {} to enable POST /hooks/git", settings.webhookSecretEnv());
    }
    LOG.info("meshgate service listening on port {} ({} routes, poll every {})", settings.httpPort(), routes,
        IstioDurations.format(settings.pollInterval()));
    return new MeshgateService(camel, trigger, status, metrics, settings.httpPort());
  }

  /**
   * {@code curl --data-binary @intents.zip} sends {@code application/x-www-form-urlencoded} unless told
   * otherwise; Vert.x would then decode the body as a form, fail on binary bytes (400 and a stack
   * trace in the log) or hand over parsed fields instead of the bytes a webhook signature covers.
   * No endpoint takes forms, so such bodies stay raw bytes; the declared type is kept in
   * {@link #DECLARED_CONTENT_TYPE} for the webhook's hint. Multipart uploads are left to Camel.
   */
  private static void keepFormBodiesRaw(Main camel, int port) {
    VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(camel.getCamelContext(),
        VertxPlatformHttpRouter.getRouterNameFromPort(port));
    if (router == null) {
      throw new IllegalStateException("the HTTP router of port " + port + " is not registered");
    }
    router.route().order(Integer.MIN_VALUE).handler(ctx -> {
      String type = ctx.request().getHeader("Content-Type");
      if (type != null && type.toLowerCase(Locale.ROOT).contains("application/x-www-form-urlencoded")) {
        ctx.request().headers().set(DECLARED_CONTENT_TYPE, type);
        ctx.request().headers().set("Content-Type", "application/octet-stream");
      }
      ctx.next();
    });
  }

  /** The innermost cause's message on one line (SnakeYAML's are multi-line with a caret). */
  static String deepestMessage(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    StringBuilder line = new StringBuilder();
    for (String part : message.split("\\R")) {
      String trimmed = part.strip();
      if (!trimmed.isEmpty() && !trimmed.equals("^")) {
        line.append(line.length() == 0 ? "" : " ").append(trimmed);
      }
    }
    return line.toString();
  }

  private static void requirePortFree(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new IllegalArgumentException("--http-port " + port + " is not available: " + e.getMessage());
    }
  }

  private static boolean answersHealthz(int port) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && response.body().contains("UP");
      } catch (IOException e) {
        sleepQuietly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return port;
  }

  public SyncTrigger trigger() {
    return trigger;
  }

  public ServiceStatus status() {
    return status;
  }

  public SyncMetrics metrics() {
    return metrics;
  }

  /** Stops HTTP and the timer first, then lets a running sync finish. */
  @Override
  public void close() {
    try {
      camel.stop();
    } catch (Exception e) {
      LOG.warn("stopping Camel: {}", e.getMessage());
    }
    trigger.close();
    Path temporary = temporaryWorkDir;
    if (temporary != null) {
      deleteTree(temporary);
    }
  }

  /** The work folder the service created for itself (no {@code --work-dir}), else null. */
  Path temporaryWorkDir() {
    return temporaryWorkDir;
  }

  /** A work folder the service created for itself: removed on {@link #close()}. */
  void deleteOnClose(Path workDir) {
    this.temporaryWorkDir = workDir;
  }

  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      LOG.warn("could not remove the temporary work folder {}: {}", dir, e.getMessage());
    }
  }
}
