package io.meshgate.service;

import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.Redactor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.main.Main;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: a Camel Main whose routes come from YAML files (bundled {@code routes/} by
 * default) and call the beans bound here by name: {@code syncTrigger}, {@code webhookHandler},
 * {@code statusBean}, {@code metricsBean}, {@code archiveValidator}, {@code healthBean}. The routes
 * are served by {@link MeshgateHttpServer}. A watchdog restarts the poll timer when it stops firing
 * (an {@link OutOfMemoryError} in the timer's thread ends a {@code java.util.Timer} for good).
 */
public final class MeshgateService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MeshgateService.class);
  /** Routes bundled in the jar from the repository's {@code routes/} folder. */
  public static final String BUNDLED_ROUTES = "classpath:routes/*.yaml";
  /** Camel waits this long for requests in progress when stopping (uploads are cancelled first). */
  private static final int CAMEL_SHUTDOWN_SECONDS = 1;

  /**
   * @param routesIncludePattern Camel resource pattern of the YAML routes, e.g. {@link #BUNDLED_ROUTES}
   *     or {@code file:/path/routes/*.yaml}
   * @param webhookSecret null or blank disables webhooks
   * @param statusSettings non-secret facts shown in the detailed status under {@code config}
   */
  public record Settings(
      String bindAddress,
      int httpPort,
      Duration pollInterval,
      Duration firstPollDelay,
      String routesIncludePattern,
      String sourceBranch,
      String webhookSecret,
      String webhookSecretEnv,
      Path scratchDir,
      Map<String, Object> statusSettings,
      ServiceLimits limits,
      ApiTokens apiTokens,
      SeedApiRoutes seedApi) {

    /** Default limits, no API tokens, all addresses. */
    public Settings(int httpPort, Duration pollInterval, Duration firstPollDelay, String routesIncludePattern,
        String sourceBranch, String webhookSecret, String webhookSecretEnv, Path scratchDir,
        Map<String, Object> statusSettings) {
      this(ServeOptions.DEFAULT_BIND, httpPort, pollInterval, firstPollDelay, routesIncludePattern, sourceBranch,
          webhookSecret, webhookSecretEnv, scratchDir, statusSettings, ServiceLimits.DEFAULTS, ApiTokens.none(), null);
    }

    /** The same settings with the seed API on {@code api} (null: off, its paths answer 404). */
    public Settings withSeedApi(SeedApiRoutes api) {
      return new Settings(bindAddress, httpPort, pollInterval, firstPollDelay, routesIncludePattern, sourceBranch,
          webhookSecret, webhookSecretEnv, scratchDir, statusSettings, limits, apiTokens, api);
    }

    public Settings withLimits(ServiceLimits serviceLimits) {
      return new Settings(bindAddress, httpPort, pollInterval, firstPollDelay, routesIncludePattern, sourceBranch,
          webhookSecret, webhookSecretEnv, scratchDir, statusSettings, serviceLimits, apiTokens, seedApi);
    }

    public Settings withApiTokens(ApiTokens tokens) {
      return new Settings(bindAddress, httpPort, pollInterval, firstPollDelay, routesIncludePattern, sourceBranch,
          webhookSecret, webhookSecretEnv, scratchDir, statusSettings, limits, tokens, seedApi);
    }

    /** The poll timer is restarted when it has not fired for this long. */
    Duration timerRestartAfter() {
      return pollInterval.multipliedBy(2).plus(firstPollDelay).plusSeconds(2);
    }

    /** {@code /healthz} fails when the poll timer has not fired for this long, restarts included. */
    Duration timerStallAfter() {
      return pollInterval.multipliedBy(3).plus(firstPollDelay).plusSeconds(60);
    }
  }

  private final Main camel;
  private final MeshgateHttpServer http;
  private final SyncTrigger trigger;
  private final ServiceStatus status;
  private final SyncMetrics metrics;
  private final ArchiveValidator validator;
  private final Leadership leadership;
  private final ScheduledExecutorService watchdog;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Duration stopGrace;
  private volatile Path temporaryWorkDir;
  private volatile long lastTimerRestartNanos = System.nanoTime();

  private MeshgateService(Main camel, MeshgateHttpServer http, SyncTrigger trigger, ServiceStatus status,
      SyncMetrics metrics, ArchiveValidator validator, Leadership leadership, ScheduledExecutorService watchdog,
      Duration stopGrace) {
    this.stopGrace = stopGrace;
    this.camel = camel;
    this.http = http;
    this.trigger = trigger;
    this.status = status;
    this.metrics = metrics;
    this.validator = validator;
    this.leadership = leadership;
    this.watchdog = watchdog;
  }

  /** Builds and starts a single instance; returns once HTTP is listening. */
  public static MeshgateService start(Settings settings, SyncAction action, TreeValidator validator) throws Exception {
    return start(settings, action, validator, Leadership.single(), () -> null);
  }

  /**
   * Builds and starts the service; returns once HTTP is listening.
   *
   * @param leadership decides whether this instance publishes; closed by {@link #close()}
   * @param notReady why the service cannot serve yet (e.g. no policies loaded), or null
   */
  public static MeshgateService start(Settings settings, SyncAction action, TreeValidator validator,
      Leadership leadership, Supplier<String> notReady) throws Exception {
    Clock clock = Clock.systemUTC();
    ServiceStatus status = new ServiceStatus(clock);
    SyncMetrics metrics = new SyncMetrics();
    // Status messages must not show the Git credentials or the webhook secret.
    Redactor scrubber = GitCredentials.fromEnvironment().redactor()
        .with(settings.webhookSecret() == null ? List.of() : List.of(settings.webhookSecret()));
    SyncTrigger trigger = new SyncTrigger(action, status, metrics, scrubber, clock, settings.limits().stopGrace());
    WebhookHandler webhooks = new WebhookHandler(settings.webhookSecret(), settings.webhookSecretEnv(),
        settings.sourceBranch(), trigger, metrics);
    ArchiveValidator uploads = new ArchiveValidator(validator, settings.limits(), settings.scratchDir());

    Main camel = new Main();
    camel.configure()
        .withName("meshgate")
        .withJmxEnabled(false)
        .withRoutesIncludePattern(settings.routesIncludePattern())
        .withShutdownTimeout(CAMEL_SHUTDOWN_SECONDS)
        .withShutdownNowOnTimeout(true)
        .withShutdownLogInflightExchangesOnTimeout(false);
    // One line for start and stop instead of a table of every route.
    camel.configure().setStartupSummaryLevel(StartupSummaryLevel.Oneline);
    // Camel Main's default strategy adds its own SIGTERM hook, which waits (up to 16 s, polling) for
    // a context that only close() stops; serve's own shutdown hook calls close().
    camel.setShutdownStrategy(new SimpleMainShutdownStrategy());
    camel.addInitialProperty("meshgate.poll-interval-ms", Long.toString(Math.max(1, settings.pollInterval().toMillis())));
    camel.addInitialProperty("meshgate.first-poll-delay-ms", Long.toString(Math.max(0, settings.firstPollDelay().toMillis())));
    MeshgateHttpServer http = MeshgateHttpServer.createFor(camel, settings.bindAddress(), settings.httpPort(),
        settings.limits(), settings.apiTokens(), metrics);
    HealthBean health = new HealthBean(trigger, settings.limits().runStuckAfter(), settings.timerStallAfter(), () -> {
      if (http.isStopping()) {
        return "the service is stopping";
      }
      return notReady.get();
    });
    camel.bind("syncTrigger", trigger);
    camel.bind("webhookHandler", webhooks);
    camel.bind("statusBean", new StatusBean(status, settings.statusSettings(), leadership, settings.limits()));
    camel.bind("metricsBean", metrics);
    camel.bind("archiveValidator", uploads);
    camel.bind("healthBean", health);
    if (settings.seedApi() != null) {
      // A write committed on the source branch is published without waiting for the next poll.
      settings.seedApi().onSourceChanged(() -> trigger.fire("seed API"));
    }
    camel.bind("seedApi", settings.seedApi() != null ? settings.seedApi()
        : new SeedApiRoutes(null, SeedApiRoutes.Callers.unauthenticated()));
    Runnable stopAll = () -> {
      uploads.close();
      trigger.close();
      http.close();
    };
    // A port in use fails here, before anything else starts.
    try {
      http.listen();
    } catch (RuntimeException e) {
      stopAll.run();
      throw e;
    }
    try {
      camel.start();
    } catch (Exception e) {
      stopAll.run();
      // Typically a broken --routes file: say where, in one line (YAML errors carry line and column).
      throw new IllegalStateException("the routes (" + settings.routesIncludePattern() + ") cannot start: "
          + deepestMessage(e), e);
    }
    if (camel.getCamelContext() == null || !camel.getCamelContext().isStarted()) {
      stopAll.run();
      throw new IllegalStateException("the Camel context did not start (routes: " + settings.routesIncludePattern() + ")");
    }
    http.routesStarted();
    int routes = camel.getCamelContext().getRoutes().size();
    if (routes == 0) {
      camel.stop();
      stopAll.run();
      throw new IllegalStateException("no routes found at " + settings.routesIncludePattern());
    }
    if (!answersHealthz(settings.bindAddress(), settings.httpPort())) {
      camel.stop();
      stopAll.run();
      throw new IllegalStateException("the HTTP server did not answer on port " + settings.httpPort());
    }
    if (!webhooks.isEnabled()) {
      LOG.warn("webhooks disabled: set {} to enable POST /hooks/git", settings.webhookSecretEnv());
    }
    if (!settings.apiTokens().enabled()) {
      LOG.warn("no --api-token-file: POST /api/v1/validate and the detailed GET /api/v1/status are open to anyone"
          + " who can reach {}:{}", settings.bindAddress(), settings.httpPort());
    }
    metrics.recordLeadership(leadership.isLeader());
    leadership.onChange(() -> {
      metrics.recordLeadership(leadership.isLeader());
      trigger.fire("leadership change");
    });
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshgate-watchdog");
      t.setDaemon(true);
      return t;
    });
    MeshgateService service = new MeshgateService(camel, http, trigger, status, metrics, uploads, leadership, watchdog,
        settings.limits().stopGrace());
    long every = Math.max(100, Math.min(1000, settings.pollInterval().toMillis()));
    watchdog.scheduleWithFixedDelay(() -> service.watch(settings.timerRestartAfter()), every, every, TimeUnit.MILLISECONDS);
    LOG.info("meshgate service listening on {}:{} ({} routes, poll every {}, leader election: {})",
        settings.bindAddress(), settings.httpPort(), routes, IstioDurations.format(settings.pollInterval()),
        leadership.describe());
    return service;
  }

  /**
   * The poll timer's thread can die (an error escaping Camel's timer task ends a {@code java.util.Timer}
   * for good): restart the timer routes, and poll meanwhile.
   */
  private void watch(Duration restartAfter) {
    try {
      boolean restartedRecently = System.nanoTime() - lastTimerRestartNanos < restartAfter.toNanos();
      if (closing.get() || restartedRecently || trigger.sinceLastTick().compareTo(restartAfter) <= 0) {
        return;
      }
      lastTimerRestartNanos = System.nanoTime();
      CamelContext context = camel.getCamelContext();
      LOG.error("the poll timer has not fired for {}; restarting it", IstioDurations.format(
          Duration.ofSeconds(trigger.sinceLastTick().toSeconds())));
      trigger.fire("watchdog");
      for (Route route : context.getRoutes()) {
        if (route.getEndpoint().getEndpointUri().startsWith("timer:")) {
          context.getRouteController().stopRoute(route.getRouteId());
          context.getRouteController().startRoute(route.getRouteId());
        }
      }
    } catch (Throwable e) { // NOPMD - the watchdog must outlive anything it watches
      LOG.error("watchdog: {}", e.toString());
    }
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

  /** Asks {@code /healthz} once the routes run, on a connection that is closed afterwards. */
  private static boolean answersHealthz(String bindAddress, int port) {
    String host = bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
    for (int attempt = 0; attempt < 20; attempt++) {
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(host, port), 2_000);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        // Our routes answer JSON; anything else is not meshgate.
        return answer.contains("\"status\"");
      } catch (IOException e) {
        sleepQuietly();
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
    return http.port();
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

  public Leadership leadership() {
    return leadership;
  }

  /** The HTTP listener (open connections), for tests. */
  MeshgateHttpServer httpServer() {
    return http;
  }

  /** The Camel context, for tests that play with routes. */
  CamelContext camelContext() {
    return camel.getCamelContext();
  }

  /**
   * Stops within {@link ServiceLimits#stopGrace()} plus at most 1.5 s for the lease, whatever is in progress:
   * new requests are answered 503, uploads in progress are cancelled (503), the HTTP server and Camel
   * stop, a sync run gets the grace period and is then abandoned (safe: the push is the only write and
   * it is atomic), and a leader releases its lease so that a follower takes over at once.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    http.beginStop();
    trigger.beginClose();
    watchdog.shutdownNow();
    validator.close();
    // The cancelled uploads are answered 503 by their routes; let those answers out before Camel stops.
    http.awaitUploadsAnswered(500);
    try {
      camel.stop();
    } catch (Exception e) {
      LOG.warn("stopping Camel: {}", e.getMessage());
    }
    http.close();
    // The run in progress had its grace period from the start of the stop, not from here.
    trigger.close(Duration.ofNanos(stopGrace.toNanos() - (System.nanoTime() - started)));
    leadership.close();
    LOG.info("meshgate service stopped in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
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
