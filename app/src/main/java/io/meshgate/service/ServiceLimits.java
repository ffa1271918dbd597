package io.meshgate.service;

import io.meshgate.intent.IntentLimits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every bound the service puts on its clients and on itself. The defaults are what
 * {@code docs/service.md} documents; {@code serve} flags override the ones operators tune.
 *
 * @param maxConnections open HTTP connections at most; more are closed as soon as they are accepted
 * @param idleTimeout a connection with no request in progress is closed after this long, even if it
 *     trickles bytes (a slow request head)
 * @param readTimeout a request's head and body must have arrived this long after the head began;
 *     otherwise 408 and the connection is closed (slow bodies)
 * @param maxBodyBytes largest request body read into memory (webhooks; uploads have their own limit)
 * @param validationThreads checks of uploaded trees running at once
 * @param validationQueue uploads waiting for a validation thread; beyond threads + queue: 429
 * @param validationTimeout wall-clock budget of one upload (unpack and check); beyond it: 503
 * @param maxArchiveBytes largest upload to {@code POST /api/v1/validate}
 * @param maxArchiveEntries entries of an upload at most, skipped macOS metadata included
 * @param maxUnpackedBytes bytes an upload may expand to, counting every entry, skipped or not
 * @param runStuckAfter a sync run in progress for longer makes {@code /healthz} fail
 * @param stopGrace how long stopping waits for a sync run in progress before abandoning it
 * @param intents how much of an intents tree a check reads (the sync job's and uploads'), as the
 *     {@code --max-intent-*} flags of {@code validate}
 */
public record ServiceLimits(
    int maxConnections,
    Duration idleTimeout,
    Duration readTimeout,
    long maxBodyBytes,
    int validationThreads,
    int validationQueue,
    Duration validationTimeout,
    long maxArchiveBytes,
    int maxArchiveEntries,
    long maxUnpackedBytes,
    Duration runStuckAfter,
    Duration stopGrace,
    IntentLimits intents) {

  public static final String ARCHIVE_BYTES_FLAG = "--max-upload-bytes";
  public static final String ARCHIVE_ENTRIES_FLAG = "--max-upload-entries";
  public static final String UNPACKED_BYTES_FLAG = "--max-upload-unpacked-bytes";
  /** The defaults as the flags take them: an upload may hold what a check reads (100,000 files, 1 GiB). */
  public static final String DEFAULT_MAX_ARCHIVE_BYTES = "256MiB";
  public static final String DEFAULT_MAX_ARCHIVE_ENTRIES = "200000";
  public static final String DEFAULT_MAX_UNPACKED_BYTES = "1GiB";

  public static final ServiceLimits DEFAULTS = new ServiceLimits(
      256, Duration.ofSeconds(30), Duration.ofSeconds(60), 16L * 1024 * 1024,
      2, 4, Duration.ofSeconds(60),
      IntentLimits.parseBytes(DEFAULT_MAX_ARCHIVE_BYTES), Integer.parseInt(DEFAULT_MAX_ARCHIVE_ENTRIES),
      IntentLimits.parseBytes(DEFAULT_MAX_UNPACKED_BYTES),
      Duration.ofMinutes(10), Duration.ofSeconds(3), IntentLimits.DEFAULTS);

  public ServiceLimits {
    if (maxConnections < 1 || validationThreads < 1 || validationQueue < 0 || maxArchiveEntries < 1) {
      throw new IllegalArgumentException("connection, thread and entry limits must be positive");
    }
    if (maxArchiveBytes < 1 || maxUnpackedBytes < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("byte limits must be positive");
    }
    java.util.Objects.requireNonNull(intents, "intents");
    for (Duration d : new Duration[] {idleTimeout, readTimeout, validationTimeout, runStuckAfter, stopGrace}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }
  }

  public ServiceLimits withConnections(int max, Duration idle, Duration read) {
    return new ServiceLimits(max, idle, read, maxBodyBytes, validationThreads, validationQueue, validationTimeout,
        maxArchiveBytes, maxArchiveEntries, maxUnpackedBytes, runStuckAfter, stopGrace, intents);
  }

  public ServiceLimits withValidation(int threads, int queue, Duration timeout) {
    return new ServiceLimits(maxConnections, idleTimeout, readTimeout, maxBodyBytes, threads, queue, timeout,
        maxArchiveBytes, maxArchiveEntries, maxUnpackedBytes, runStuckAfter, stopGrace, intents);
  }

  public ServiceLimits withRunStuckAfter(Duration stuckAfter) {
    return new ServiceLimits(maxConnections, idleTimeout, readTimeout, maxBodyBytes, validationThreads,
        validationQueue, validationTimeout, maxArchiveBytes, maxArchiveEntries, maxUnpackedBytes, stuckAfter, stopGrace,
        intents);
  }

  /** Uploads to {@code POST /api/v1/validate}: compressed size, entries, and bytes unpacked. */
  public ServiceLimits withUploads(long archiveBytes, int archiveEntries, long unpackedBytes) {
    return new ServiceLimits(maxConnections, idleTimeout, readTimeout, maxBodyBytes, validationThreads,
        validationQueue, validationTimeout, archiveBytes, archiveEntries, unpackedBytes, runStuckAfter, stopGrace,
        intents);
  }

  /** How much of an intents tree each check reads. */
  public ServiceLimits withIntents(IntentLimits limits) {
    return new ServiceLimits(maxConnections, idleTimeout, readTimeout, maxBodyBytes, validationThreads,
        validationQueue, validationTimeout, maxArchiveBytes, maxArchiveEntries, maxUnpackedBytes, runStuckAfter,
        stopGrace, limits);
  }

  /** Uploads admitted at once: running plus queued. */
  int validationSlots() {
    return validationThreads + validationQueue;
  }

  /** For the detailed status: what this instance enforces. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("maxConnections", maxConnections);
    m.put("idleTimeout", IstioDurations.format(idleTimeout));
    m.put("readTimeout", IstioDurations.format(readTimeout));
    m.put("maxBodyBytes", maxBodyBytes);
    m.put("validationThreads", validationThreads);
    m.put("validationQueue", validationQueue);
    m.put("validationTimeout", IstioDurations.format(validationTimeout));
    m.put("maxArchiveBytes", maxArchiveBytes);
    m.put("maxArchiveEntries", maxArchiveEntries);
    m.put("maxUnpackedBytes", maxUnpackedBytes);
    m.put("runStuckAfter", IstioDurations.format(runStuckAfter));
    m.put("maxIntentFiles", intents.maxFiles());
    m.put("maxIntentBytes", intents.maxTotalBytes());
    m.put("maxIntentFileBytes", intents.maxFileBytes());
    return m;
  }
}
