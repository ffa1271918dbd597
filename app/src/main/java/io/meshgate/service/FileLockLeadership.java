package io.meshgate.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership on one host ({@code --leader-election file:PATH}): the instance holding an exclusive
 * lock on the file leads. The operating system drops the lock when the process ends, however it
 * ends (kill -9 included), so a waiting instance takes over within one retry period. The holder
 * writes its identity into the file for the others to show. Only for a local file system: network
 * file systems may not honour the lock.
 */
public final class FileLockLeadership implements Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(FileLockLeadership.class);

  private final Path file;
  private final String identity;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer;
  private FileChannel channel;
  private volatile FileLock lock;
  private volatile boolean closed;

  private FileLockLeadership(Path file, String identity) {
    this.file = file.toAbsolutePath().normalize();
    this.identity = identity;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshgate-leader-file");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts contending for the lock at once and every {@code retry} after that.
   *
   * @throws IllegalArgumentException when the file's folder does not exist
   */
  public static FileLockLeadership start(Path file, String identity, Duration retry) {
    Path folder = file.toAbsolutePath().normalize().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new IllegalArgumentException("--leader-election file:" + file + ": the folder " + folder + " does not exist");
    }
    FileLockLeadership leadership = new FileLockLeadership(file, identity);
    leadership.tryAcquire();
    long every = Math.max(50, retry.toMillis());
    leadership.timer.scheduleWithFixedDelay(leadership::tryAcquire, every, every, TimeUnit.MILLISECONDS);
    return leadership;
  }

  private synchronized void tryAcquire() {
    if (closed || (lock != null && lock.isValid())) {
      return;
    }
    boolean wasLeader = lock != null;
    lock = null;
    try {
      if (channel == null || !channel.isOpen()) {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      FileLock acquired;
      try {
        acquired = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        acquired = null; // another instance in this JVM holds it
      }
      if (acquired != null) {
        lock = acquired;
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((identity + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        LOG.info("leader election: {} leads (lock on {})", identity, file);
      }
    } catch (IOException e) {
      LOG.warn("leader election: cannot lock {}: {}", file, e.getMessage());
    }
    if (wasLeader != (lock != null)) {
      listeners.forEach(Runnable::run);
    }
  }

  @Override
  public boolean isLeader() {
    FileLock held = lock;
    return !closed && held != null && held.isValid();
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public Optional<String> leader() {
    if (isLeader()) {
      return Optional.of(identity);
    }
    try {
      String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      return holder.isEmpty() ? Optional.empty() : Optional.of(holder);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public String describe() {
    return "file lock " + file;
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public synchronized void close() {
    boolean wasLeader = isLeader();
    closed = true;
    timer.shutdownNow();
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      LOG.debug("releasing {}: {}", file, e.getMessage());
    }
    lock = null;
    if (wasLeader) {
      listeners.forEach(Runnable::run);
    }
  }
}
