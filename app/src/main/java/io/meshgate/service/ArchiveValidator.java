package io.meshgate.service;

import io.meshgate.check.Violation;
import io.meshgate.intent.IntentFiles;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/validate} (bean {@code archiveValidator}): the body is a tar.gz, tar or zip of
 * an intents tree, either the tree itself or a folder holding {@code intents/}. Answers the report of
 * {@code validate --format json}: 200 whether ok or not (CI reads {@code ok}), 400 for an unusable
 * archive, 413 over a limit, 429 when the validation pool is full, 503 when the check cannot run,
 * exceeds its time budget or the service is stopping.
 *
 * <p>Uploads are unpacked and checked on a pool of their own ({@link ServiceLimits#validationThreads()}
 * threads, {@link ServiceLimits#validationQueue()} waiting), never on the threads of the sync loop or
 * of {@code /healthz} and {@code /metrics}. A check that overruns {@link ServiceLimits#validationTimeout()}
 * is answered 503 and interrupted; its pool thread stays taken until the check really ends, so the
 * pool keeps bounding the CPU spent on uploads.
 */
public final class ArchiveValidator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveValidator.class);

  private final TreeValidator validator;
  private final ArchiveExtractor extractor;
  private final ServiceLimits limits;
  private final Path scratchDir;
  private final ThreadPoolExecutor pool;
  // Uploads admitted and not yet answered: stopping cancels them so their requests end at once.
  private final java.util.Set<Future<Answer>> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public ArchiveValidator(TreeValidator validator, ServiceLimits limits, Path scratchDir) {
    this.validator = validator;
    this.limits = limits;
    this.extractor = new ArchiveExtractor(limits.maxArchiveEntries(), limits.maxUnpackedBytes());
    this.scratchDir = scratchDir.toAbsolutePath().normalize();
    AtomicInteger threadNumber = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(limits.validationThreads(), limits.validationThreads(), 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(Math.max(1, limits.validationQueue())), r -> {
          Thread t = new Thread(r, "meshgate-validate-" + threadNumber.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** What one upload is answered. */
  record Answer(int status, Map<String, Object> body) {
    static Answer error(int status, String message) {
      return new Answer(status, Json.error(message));
    }
  }

  /** Camel entry point. */
  public void handle(Exchange exchange) {
    byte[] body = exchange.getIn().getBody(byte[].class);
    String requestId = Json.requestId(exchange);
    Answer answer = answer(body, requestId);
    Map<String, String> headers = answer.status() == 429
        ? Map.of("Retry-After", Integer.toString(MeshgateHttpServer.RETRY_AFTER_SECONDS)) : Map.of();
    Json.respond(exchange, answer.status(), answer.body(), headers);
  }

  Answer answer(byte[] body, String requestId) {
    if (body == null || body.length == 0) {
      return Answer.error(400, "empty body: send a tar.gz or zip of the intents tree");
    }
    if (body.length > limits.maxArchiveBytes()) {
      return Answer.error(413, MeshgateHttpServer.archiveTooLarge(limits));
    }
    Future<Answer> task;
    try {
      task = pool.submit(() -> validateArchive(body, requestId));
    } catch (RejectedExecutionException e) {
      return Answer.error(pool.isShutdown() ? 503 : 429, pool.isShutdown() ? "the service is stopping"
          : "too many uploads are being validated; retry after " + MeshgateHttpServer.RETRY_AFTER_SECONDS + " s");
    }
    inFlight.add(task);
    if (pool.isShutdown()) {
      task.cancel(true);
    }
    try {
      return task.get(limits.validationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      LOG.warn("validate {}: no answer within {}; abandoned", requestId, IstioDurations.format(limits.validationTimeout()));
      return Answer.error(503, "the validation did not finish within " + IstioDurations.format(limits.validationTimeout())
          + "; send a smaller tree or retry later");
    } catch (CancellationException e) {
      return Answer.error(503, "the service is stopping");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.cancel(true);
      return Answer.error(503, "the service is stopping");
    } catch (ExecutionException e) {
      // validateArchive answers every failure itself; anything else is a bug worth a log line.
      LOG.warn("validate {}: {}", requestId, e.getCause().toString());
      return Answer.error(503, "the check could not run; the log has the details under this request id");
    } finally {
      inFlight.remove(task);
    }
  }

  private Answer validateArchive(byte[] body, String requestId) {
    Path work = null;
    try {
      Files.createDirectories(scratchDir);
      work = Files.createTempDirectory(scratchDir, "validate-");
      Path intents = work.resolve("intents");
      extractor.extract(body, intents, limits.validationTimeout());
      // Accept both an archive of the tree itself and one of a folder holding intents/.
      Path root = Files.isDirectory(intents.resolve("intents")) ? intents.resolve("intents") : intents;
      if (!holdsIntentFiles(root)) {
        return Answer.error(400, "the archive holds no *.yaml, *.yml or *.json intent files");
      }
      List<Violation> violations = validator.validate(root);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("ok", violations.stream().noneMatch(Violation::isError));
      report.put("violations", Json.violations(violations));
      return new Answer(200, report);
    } catch (ArchiveRejected e) {
      return Answer.error(e.isTooLarge() ? 413 : 400, withoutServerPaths(e.getMessage(), work));
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      String message = withoutServerPaths(describe(e), work);
      LOG.warn("validate {}: the check could not run: {}", requestId, message);
      return Answer.error(503, "the check could not run: " + message);
    } finally {
      if (work != null) {
        deleteTree(work);
      }
    }
  }

  /** The scratch folder is the server's business: findings and errors name {@code intents/...}. */
  String withoutServerPaths(String message, Path work) {
    if (message == null) {
      return null;
    }
    String text = message;
    if (work != null) {
      String base = work.toAbsolutePath().normalize().toString();
      text = text.replace(base + java.io.File.separator, "").replace(base, "");
    }
    String scratch = scratchDir.toString();
    return text.replace(scratch + java.io.File.separator, "").replace(scratch, "");
  }

  private static String describe(Throwable e) {
    String msg = e.getMessage();
    return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
  }

  private static boolean holdsIntentFiles(Path root) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(root)) {
      return files.anyMatch(f -> Files.isRegularFile(f) && IntentFiles.isIntentFile(f));
    }
  }

  private static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      LOG.warn("could not remove a scratch folder of the validate endpoint: {}", e.getClass().getSimpleName());
    }
  }

  /** Stops taking uploads and interrupts the ones in progress (their requests are answered 503). */
  @Override
  public void close() {
    pool.shutdownNow();
    inFlight.forEach(task -> task.cancel(true));
  }
}
