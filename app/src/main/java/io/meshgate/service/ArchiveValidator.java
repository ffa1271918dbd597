package io.meshgate.service;

import io.meshgate.check.Violation;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/validate} (bean {@code archiveValidator}): the body is a tar.gz, tar or zip of
 * an intents tree, either the tree itself or a folder holding {@code intents/}. Answers the report of
 * {@code validate --format json}: 200 whether ok or not (CI reads {@code ok}), 400 for an unusable
 * archive, 413 over a limit, 503 when the check cannot run.
 */
public final class ArchiveValidator {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveValidator.class);
  public static final long DEFAULT_MAX_ARCHIVE_BYTES = 8L * 1024 * 1024;

  private final TreeValidator validator;
  private final ArchiveExtractor extractor;
  private final long maxArchiveBytes;
  private final Path scratchDir;

  public ArchiveValidator(TreeValidator validator, ArchiveExtractor extractor, long maxArchiveBytes,
      Path scratchDir) {
    this.validator = validator;
    this.extractor = extractor;
    this.maxArchiveBytes = maxArchiveBytes;
    this.scratchDir = scratchDir;
  }

  public static ArchiveValidator withDefaultLimits(TreeValidator validator, Path scratchDir) {
    return new ArchiveValidator(validator, new ArchiveExtractor(2_000, 32L * 1024 * 1024),
        DEFAULT_MAX_ARCHIVE_BYTES, scratchDir);
  }

  /** Camel entry point. */
  public void handle(Exchange exchange) {
    byte[] body = exchange.getIn().getBody(byte[].class);
    if (body == null || body.length == 0) {
      Json.respond(exchange, 400, Json.error("empty body: send a tar.gz or zip of the intents tree"));
      return;
    }
    if (body.length > maxArchiveBytes) {
      Json.respond(exchange, 413, Json.error("archive larger than " + maxArchiveBytes + " bytes"));
      return;
    }
    Path work = null;
    try {
      Files.createDirectories(scratchDir);
      work = Files.createTempDirectory(scratchDir, "validate-");
      Path intents = work.resolve("intents");
      extractor.extract(body, intents);
      // Accept both an archive of the tree itself and one of a folder holding intents/.
      Path root = Files.isDirectory(intents.resolve("intents")) ? intents.resolve("intents") : intents;
      if (!holdsIntentFiles(root)) {
        Json.respond(exchange, 400, Json.error("the archive holds no *.yaml or *.yml intent files"));
        return;
      }
      List<Violation> violations = validator.validate(root);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("ok", violations.stream().noneMatch(Violation::isError));
      report.put("violations", Json.violations(violations));
      Json.respond(exchange, 200, report);
    } catch (ArchiveRejected e) {
      Json.respond(exchange, e.isTooLarge() ? 413 : 400, Json.error(e.getMessage()));
    } catch (Exception e) {
      LOG.warn("validate endpoint: the check could not run: {}", e.getMessage());
      Json.respond(exchange, 503, Json.error("the check could not run: " + e.getMessage()));
    } finally {
      if (work != null) {
        deleteTree(work);
      }
    }
  }

  private static boolean holdsIntentFiles(Path root) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(root)) {
      return files.anyMatch(f -> Files.isRegularFile(f)
          && (f.getFileName().toString().endsWith(".yaml") || f.getFileName().toString().endsWith(".yml")));
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
      LOG.warn("could not remove scratch folder {}: {}", dir, e.getMessage());
    }
  }
}
