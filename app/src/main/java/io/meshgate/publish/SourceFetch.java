package io.meshgate.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Fetches the source branch into a cache repository and materialises the intents subtree of its
 * tip commit into a fresh temporary directory. Files are written straight from the commit's tree,
 * so a concurrent fetch can never leave a half-updated checkout behind.
 *
 * <pre>{@code
 * try (SourceSnapshot snapshot = SourceFetch.from(url).branch("main").intentsPath("intents")
 *     .cacheDir(work.resolve("cache")).credentials(GitCredentials.fromEnvironment()).call()) {
 *   load(snapshot.intentsDir());
 * }
 * }</pre>
 */
public final class SourceFetch {
  static final String TRACKING_PREFIX = "refs/meshgate/source/";
  /** The path that names the whole repository (a policies repository with its modules at the top). */
  public static final String WHOLE_TREE = ".";

  private final String url;
  private String branch = "main";
  private String intentsPath = "intents";
  private Path cacheDir;
  private Path tempParent;
  private GitCredentials credentials = GitCredentials.none();
  private NetworkRetry retry = new NetworkRetry(1, java.time.Duration.ZERO, java.time.Duration.ZERO);
  private int timeoutSeconds = 60;
  private String extraPath;
  private String pathLabel = "intents path";
  private String pathFlag = "--intents-path";
  private SourceCheckout checkout;

  private SourceFetch(String url) {
    this.url = requireText(url, "source URL");
  }

  /** Starts a fetch of the given remote (any URL JGit understands: https, ssh, file, a path). */
  public static SourceFetch from(String url) {
    return new SourceFetch(url);
  }

  /** Branch to read; default {@code main}. */
  public SourceFetch branch(String branch) {
    this.branch = requireText(branch, "source branch");
    return this;
  }

  /**
   * Path of the intents directory inside the repository; default {@code intents}.
   * {@link #WHOLE_TREE} takes the whole repository.
   */
  public SourceFetch intentsPath(String intentsPath) {
    this.intentsPath = WHOLE_TREE.equals(intentsPath) ? WHOLE_TREE : normalizeRepoPath(intentsPath);
    return this;
  }

  /**
   * A second folder of the same commit to materialise (the policies, when they live in the source
   * repository); {@link SourceSnapshot#extraDir()} then points at it. Missing in the commit is an error.
   */
  /** How messages name the main path and its flag; default {@code intents path}, {@code --intents-path}. */
  public SourceFetch describedAs(String label, String flag) {
    this.pathLabel = requireText(label, "label");
    this.pathFlag = requireText(flag, "flag");
    return this;
  }

  public SourceFetch alsoMaterialise(String path) {
    this.extraPath = path == null ? null : normalizeRepoPath(path);
    return this;
  }

  /**
   * Brings {@code checkout} up to date with the intents instead of writing them all into the fresh
   * temporary directory: {@link SourceSnapshot#intentsDir()} is then the checkout's folder, which
   * closing the snapshot leaves in place for the next run.
   */
  public SourceFetch checkout(SourceCheckout checkout) {
    this.checkout = checkout;
    return this;
  }

  /** Where the cache repository lives (required; reused across runs). */
  public SourceFetch cacheDir(Path cacheDir) {
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    return this;
  }

  /** Where the temporary snapshot directory is created; default the system temp directory. */
  public SourceFetch tempParent(Path tempParent) {
    this.tempParent = tempParent;
    return this;
  }

  public SourceFetch credentials(GitCredentials credentials) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    return this;
  }

  /** Retries for an unreachable remote; default a single try (the service polls again anyway). */
  public SourceFetch retry(NetworkRetry retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    return this;
  }

  /** Network timeout per operation in seconds; default 60. */
  public SourceFetch timeoutSeconds(int timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
    return this;
  }

  /**
   * Fetches and materialises.
   *
   * @throws GitOperationException remote unreachable, unknown branch, missing intents path, or
   *     local I/O failure; the message names the remote (redacted) and what is missing
   */
  public SourceSnapshot call() {
    if (cacheDir == null) {
      throw new IllegalStateException("SourceFetch needs a cacheDir");
    }
    GitCredentials.Remote remote = credentials.forRemote(url);
    Redactor redactor = remote.credentials().redactor();
    String where = redactor.redact(url);
    try (CacheRepository cache = CacheRepository.open(cacheDir, remote.url(), remote.credentials(), timeoutSeconds)) {
      Optional<ObjectId> tip =
          retry.run(
              "cannot fetch branch '" + branch + "' from " + where,
              redactor,
              () -> cache.fetchBranch(branch, TRACKING_PREFIX + branch));
      if (tip.isEmpty()) {
        throw new GitOperationException(
            "source branch '" + branch + "' does not exist in " + where
                + " (check --source-branch)");
      }
      return materialise(cache.repository(), tip.get(), where, redactor);
    }
  }

  private SourceSnapshot materialise(
      Repository repository, ObjectId tip, String where, Redactor redactor) {
    Path root = null;
    try (RevWalk revWalk = new RevWalk(repository)) {
      RevCommit commit = revWalk.parseCommit(tip);
      try (ObjectReader reader = repository.newObjectReader()) {
        ObjectId intentsTree = subtree(reader, commit, intentsPath, where, pathLabel, pathFlag);
        ObjectId extraTree = extraPath == null ? null : subtree(reader, commit, extraPath, where, "policies path", "--policies-path");
        root =
            tempParent == null
                ? Files.createTempDirectory("meshgate-source-")
                : Files.createTempDirectory(
                    Files.createDirectories(tempParent), "meshgate-source-");
        Path intentsDir;
        if (checkout != null) {
          intentsDir = checkout.update(reader, intentsTree);
        } else {
          intentsDir = WHOLE_TREE.equals(intentsPath) ? root.resolve("tree") : root.resolve(intentsPath);
          Files.createDirectories(intentsDir);
          writeTree(reader, intentsTree, intentsDir);
        }
        Path extraDir = null;
        if (extraTree != null) {
          extraDir = root.resolve(".meshgate-extra").resolve(extraPath);
          Files.createDirectories(extraDir);
          writeTree(reader, extraTree, extraDir);
        }
        return new SourceSnapshot(
            commit.name(), commit.abbreviate(7).name(), commit.getFullMessage(), intentsDir, root, extraDir);
      }
    } catch (GitOperationException e) {
      deleteQuietly(root);
      throw e;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(root);
      throw GitOperationException.of(
          "cannot read intents of branch '" + branch + "' from " + where, e, redactor);
    }
  }

  /** The tree at {@code path} of the commit ({@link #WHOLE_TREE}: its root tree). */
  private ObjectId subtree(ObjectReader reader, RevCommit commit, String path, String where, String label,
      String hint) throws IOException {
    if (WHOLE_TREE.equals(path)) {
      return commit.getTree();
    }
    try (TreeWalk walk = TreeWalk.forPath(reader, path, commit.getTree())) {
      if (walk == null || walk.getFileMode(0) != FileMode.TREE) {
        throw new GitOperationException(
            label + " '" + path + "' is not a directory in commit "
                + commit.abbreviate(7).name() + " of branch '" + branch + "' in " + where
                + " (check " + hint + ")");
      }
      return walk.getObjectId(0);
    }
  }

  private static void writeTree(ObjectReader reader, ObjectId treeId, Path target)
      throws IOException {
    Path root = target.toAbsolutePath().normalize();
    for (java.util.Map.Entry<String, ObjectId> file : SourceCheckout.regularFiles(reader, treeId, root).entrySet()) {
      Path path = root.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      SourceCheckout.writeBlob(reader, file.getValue(), path);
    }
  }

  private static void deleteQuietly(Path root) {
    if (root != null) {
      try {
        new SourceSnapshot("", "", "", root, root).close();
      } catch (RuntimeException ignored) {
        // Best effort: a leftover temp directory is harmless.
      }
    }
  }

  static String normalizeRepoPath(String path) {
    String trimmed = requireText(path, "intents path").replace('\\', '/').strip();
    trimmed = trimmed.replaceAll("^(\\./)+", "").replaceAll("/+$", "").replaceAll("/{2,}", "/");
    if (trimmed.isEmpty() || trimmed.startsWith("/") || trimmed.equals(".")
        || ("/" + trimmed + "/").contains("/../") || ("/" + trimmed + "/").contains("/./")) {
      throw new IllegalArgumentException(
          "intents path '" + path + "' must be a relative path inside the repository, e.g. intents");
    }
    return trimmed;
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return value.strip();
  }
}
