package io.meshgate.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.List;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;

/**
 * A bare repository below the cache directory that mirrors what meshgate needs of one remote. It
 * survives restarts (only new objects are fetched) and holds no working tree, so nothing can be
 * half checked out. One directory per remote URL (userinfo stripped); the source and the
 * environment branch share it when they live in the same repository.
 */
final class CacheRepository implements AutoCloseable {
  // One lock per cache directory: two commands in this JVM never update the same refs at once.
  private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Repository repository;
  private final ReentrantLock lock;
  private final String url;
  private final GitCredentials credentials;
  private final int timeoutSeconds;

  private CacheRepository(
      Repository repository, ReentrantLock lock, String url, GitCredentials credentials,
      int timeoutSeconds) {
    this.repository = repository;
    this.lock = lock;
    this.url = url;
    this.credentials = credentials;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Opens (creating when absent) the cache repository for {@code url} and locks it. */
  static CacheRepository open(
      Path cacheDir, String url, GitCredentials credentials, int timeoutSeconds) {
    Path directory = cacheDir.toAbsolutePath().normalize().resolve(directoryName(url));
    ReentrantLock lock = LOCKS.computeIfAbsent(directory, key -> new ReentrantLock());
    lock.lock();
    try {
      Files.createDirectories(directory.getParent());
      Repository repository =
          new FileRepositoryBuilder().setGitDir(directory.toFile()).setBare().build();
      if (!repository.getObjectDatabase().exists()) {
        repository.create(true);
      }
      disableAutoGc(repository);
      return new CacheRepository(repository, lock, url, credentials, timeoutSeconds);
    } catch (IOException | IllegalStateException e) {
      lock.unlock();
      throw GitOperationException.of(
          "cannot open the Git cache directory " + directory, e, credentials.redactor());
    }
  }

  /**
   * JGit runs an automatic gc after fetches on a background thread; on a cache that is deleted or
   * reused concurrently it races with us over lock files. The cache stays small, so no auto gc.
   */
  private static void disableAutoGc(Repository repository) throws IOException {
    StoredConfig config = repository.getConfig();
    if (config.getInt("gc", "auto", -1) != 0) {
      config.setInt("gc", null, "auto", 0);
      config.save();
    }
  }

  /** A stable, filesystem-safe name: readable tail of the URL plus a hash of the whole URL. */
  static String directoryName(String url) {
    String withoutUserinfo = Redactor.urlsOnly().redact(url).replace(Redactor.MASK + "@", "");
    String tail = withoutUserinfo.replaceAll("/+$", "");
    tail = tail.substring(tail.lastIndexOf('/') + 1).replaceAll("\\.git$", "");
    tail = tail.replaceAll("[^A-Za-z0-9._-]", "_").toLowerCase(Locale.ROOT);
    if (tail.isEmpty() || tail.startsWith(".")) {
      tail = "repo" + tail;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(withoutUserinfo.getBytes(StandardCharsets.UTF_8));
      return tail + "-" + HexFormat.of().formatHex(digest, 0, 6) + ".git";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  Repository repository() {
    return repository;
  }

  Redactor redactor() {
    return credentials.redactor();
  }

  /** An open transport to the remote with credentials and timeout applied. */
  Transport openTransport() throws Exception {
    Transport transport = Transport.open(repository, url);
    transport.setTimeout(timeoutSeconds);
    credentials.applyTo(transport);
    return transport;
  }

  /**
   * Fetches {@code refs/heads/<branch>} into {@code trackingRef} and returns its tip, or empty when
   * the remote has no such branch (the tracking ref is then removed too). Throws JGit's
   * exceptions; callers wrap them in {@link NetworkRetry}.
   */
  Optional<ObjectId> fetchBranch(String branch, String trackingRef) throws Exception {
    String remoteRef = "refs/heads/" + branch;
    try (Transport transport = openTransport()) {
      Ref advertised;
      try (FetchConnection connection = transport.openFetch()) {
        advertised = connection.getRef(remoteRef);
      }
      if (advertised == null || advertised.getObjectId() == null) {
        deleteRef(trackingRef);
        return Optional.empty();
      }
      transport.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec("+" + remoteRef + ":" + trackingRef)));
    }
    Ref tracking = repository.exactRef(trackingRef);
    if (tracking == null || tracking.getObjectId() == null) {
      throw new GitOperationException(
          redactor().redact("fetched " + remoteRef + " from " + url + " but got no commit"));
    }
    return Optional.of(tracking.getObjectId());
  }

  /** Points a local ref at {@code id} (no remote involved). */
  void updateRef(String ref, ObjectId id) throws IOException {
    RefUpdate update = repository.updateRef(ref);
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    RefUpdate.Result result = update.update();
    if (result == RefUpdate.Result.LOCK_FAILURE || result == RefUpdate.Result.IO_FAILURE
        || result == RefUpdate.Result.REJECTED) {
      throw new IOException("cannot update " + ref + " in the Git cache: " + result);
    }
  }

  private void deleteRef(String ref) throws IOException {
    if (repository.exactRef(ref) != null) {
      RefUpdate update = repository.updateRef(ref);
      update.setForceUpdate(true);
      update.delete();
    }
  }

  @Override
  public void close() {
    try {
      repository.close();
    } finally {
      lock.unlock();
    }
  }
}
