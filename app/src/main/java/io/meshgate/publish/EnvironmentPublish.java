package io.meshgate.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Commits a rendered output tree to the environment branch and pushes it, without a working tree.
 *
 * <p>Each round fetches the branch tip, hands its {@link PreviousState} (the address ledger) to
 * the render function, builds the new tree from the returned files plus every path of the tip
 * outside {@code clusters/} and {@code meshgate/}, and pushes a commit whose parent is the tip
 * with that tip as the expected old value. When the branch moved in between, the push is
 * rejected and the round repeats on the new tip (bounded). When {@code clusters/} and {@code
 * meshgate/allocations.yaml} equal the tip's, nothing is committed: a new source commit that
 * changes only the provenance is not a change. The push is the only write to the remote, so a
 * failure never leaves a partial commit there.
 *
 * <pre>{@code
 * PublishResult result = EnvironmentPublish.to(envUrl).branch("env/main")
 *     .cacheDir(cache).credentials(credentials).sourceCommit(snapshot.commitId())
 *     .render(previous -> renderer.render(intents, previous.flatMap(PreviousState::allocationsYaml)))
 *     .call();
 * }</pre>
 */
public final class EnvironmentPublish {
  public static final String CLUSTERS_DIR = "clusters";
  public static final String MESHGATE_DIR = "meshgate";
  public static final String ALLOCATIONS_PATH = "meshgate/allocations.yaml";
  public static final String PROVENANCE_PATH = "meshgate/provenance.yaml";
  public static final String SOURCE_COMMIT_TRAILER = "Meshgate-Source-Commit";
  static final String TRACKING_PREFIX = "refs/meshgate/env/";

  private final String url;
  private String branch = "env/main";
  private Path cacheDir;
  private GitCredentials credentials = GitCredentials.none();
  private Function<Optional<PreviousState>, SortedMap<String, byte[]>> render;
  private String sourceCommit;
  private String message;
  private PersonIdent identity;
  private String identityName = "meshgate";
  private String identityEmail = "meshgate@localhost";
  private int maxPushAttempts = 5;
  private NetworkRetry networkRetry = NetworkRetry.DEFAULT;
  private int timeoutSeconds = 60;
  private KnownBlobs knownBlobs;

  private EnvironmentPublish(String url) {
    this.url = requireText(url, "environment remote URL");
  }

  /** Publishes to the given remote (the source repository or another one). */
  public static EnvironmentPublish to(String url) {
    return new EnvironmentPublish(url);
  }

  /** Environment branch; default {@code env/main}. */
  public EnvironmentPublish branch(String branch) {
    this.branch = requireText(branch, "environment branch");
    return this;
  }

  /** Where the cache repository lives (required; reused across runs). */
  public EnvironmentPublish cacheDir(Path cacheDir) {
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    return this;
  }

  public EnvironmentPublish credentials(GitCredentials credentials) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    return this;
  }

  /**
   * The render step (required). Called once per round with the branch tip's state (empty when the
   * branch does not exist yet); returns the output tree: relative path (forward slashes, below
   * {@code clusters/} or {@code meshgate/}) to file content. May be called more than once.
   */
  public EnvironmentPublish render(
      Function<Optional<PreviousState>, SortedMap<String, byte[]>> render) {
    this.render = Objects.requireNonNull(render, "render");
    return this;
  }

  /** Full id of the source commit the output was rendered from (required; goes in the message). */
  public EnvironmentPublish sourceCommit(String sourceCommitId) {
    this.sourceCommit = requireText(sourceCommitId, "source commit id");
    return this;
  }

  /**
   * Blob ids of the file contents the last publication committed (the service keeps one across
   * pushes): contents handed back as the same byte arrays are not hashed again.
   */
  public EnvironmentPublish knownBlobs(KnownBlobs knownBlobs) {
    this.knownBlobs = knownBlobs;
    return this;
  }

  /** Commit message; default names the source commit. The source id is appended when missing. */
  public EnvironmentPublish message(String message) {
    this.message = message;
    return this;
  }

  /** Author and committer name and e-mail; default {@code meshgate <meshgate@localhost>}. */
  public EnvironmentPublish identity(String name, String email) {
    this.identityName = requireText(name, "committer name");
    this.identityEmail = requireText(email, "committer e-mail");
    return this;
  }

  /** A fixed author/committer including time (for reproducible tests). */
  public EnvironmentPublish identity(PersonIdent identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
    return this;
  }

  /** Render-and-push rounds before giving up on a branch that keeps moving; default 5. */
  public EnvironmentPublish maxPushAttempts(int maxPushAttempts) {
    if (maxPushAttempts < 1) {
      throw new IllegalArgumentException("maxPushAttempts must be at least 1");
    }
    this.maxPushAttempts = maxPushAttempts;
    return this;
  }

  /** Retries of one fetch or push when the remote is unreachable; default {@link NetworkRetry#DEFAULT}. */
  public EnvironmentPublish networkRetry(NetworkRetry networkRetry) {
    this.networkRetry = Objects.requireNonNull(networkRetry, "networkRetry");
    return this;
  }

  /** Convenience for {@link #networkRetry(NetworkRetry)}. */
  public EnvironmentPublish networkRetry(int attempts, Duration initialDelay, Duration maxDelay) {
    return networkRetry(new NetworkRetry(attempts, initialDelay, maxDelay));
  }

  /** Network timeout per operation in seconds; default 60. */
  public EnvironmentPublish timeoutSeconds(int timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
    return this;
  }

  /**
   * The commit {@code branch} points at on the remote, read from the ref advertisement only (no
   * objects fetched): cheap enough to ask on every poll.
   *
   * @return empty when the remote has no such branch
   * @throws GitOperationException when the remote cannot be asked
   */
  public static Optional<String> remoteTip(String url, String branch, GitCredentials credentials, int timeoutSeconds) {
    GitCredentials.Remote remote = credentials.forRemote(url);
    Redactor redactor = remote.credentials().redactor();
    try {
      Map<String, org.eclipse.jgit.lib.Ref> refs = org.eclipse.jgit.api.Git.lsRemoteRepository()
          .setRemote(remote.url()).setHeads(true).setTimeout(timeoutSeconds)
          .setTransportConfigCallback(remote.credentials()::applyTo)
          .callAsMap();
      org.eclipse.jgit.lib.Ref ref = refs.get(Constants.R_HEADS + branch);
      return ref == null || ref.getObjectId() == null ? Optional.empty() : Optional.of(ref.getObjectId().name());
    } catch (Exception e) {
      throw GitOperationException.of("cannot list the branches of " + redactor.redact(url), e, redactor);
    }
  }

  /**
   * Runs the publish.
   *
   * @throws GitOperationException remote unreachable after the retries, authentication refused,
   *     branch kept moving for {@code maxPushAttempts} rounds, or push rejected for another reason
   * @throws IllegalArgumentException the render function returned a path outside the managed
   *     directories
   */
  public PublishResult call() {
    if (cacheDir == null || render == null || sourceCommit == null) {
      throw new IllegalStateException("EnvironmentPublish needs cacheDir, render and sourceCommit");
    }
    GitCredentials.Remote remote = credentials.forRemote(url);
    Redactor redactor = remote.credentials().redactor();
    String where = "branch '" + branch + "' of " + redactor.redact(url);
    String trackingRef = TRACKING_PREFIX + branch;
    String lastRejection = "none";
    try (CacheRepository cache = CacheRepository.open(cacheDir, remote.url(), remote.credentials(), timeoutSeconds)) {
      Repository repository = cache.repository();
      for (int attempt = 1; attempt <= maxPushAttempts; attempt++) {
        Optional<ObjectId> tip =
            networkRetry.run(
                "cannot fetch " + where, redactor, () -> cache.fetchBranch(branch, trackingRef));
        Round round = prepare(repository, tip, where, redactor);
        if (round.unchanged()) {
          return new PublishResult(PublishResult.Status.UNCHANGED, tip.get().name(), attempt);
        }
        RemoteRefUpdate update =
            networkRetry.run(
                "cannot push to " + where, redactor, () -> push(cache, round.commit(), tip));
        RemoteRefUpdate.Status status =
            update == null ? RemoteRefUpdate.Status.NOT_ATTEMPTED : update.getStatus();
        lastRejection = status + (update == null || update.getMessage() == null
            ? "" : " (" + update.getMessage() + ")");
        switch (status) {
          case OK -> {
            if (knownBlobs != null) {
              knownBlobs.committed(round.commit());
            }
            try {
              cache.updateRef(trackingRef, round.commit());
            } catch (IOException e) {
              // The remote has the commit; the next fetch repairs the local ref.
            }
            PublishResult.Status outcome =
                tip.isEmpty() ? PublishResult.Status.CREATED : PublishResult.Status.UPDATED;
            return new PublishResult(outcome, round.commit().name(), attempt);
          }
          case UP_TO_DATE -> {
            // Another instance pushed the very same commit (same tree, parent, message and second)
            // between our fetch and our push: the branch holds exactly what we publish.
            try {
              cache.updateRef(trackingRef, round.commit());
            } catch (IOException e) {
              // the next fetch repairs the local ref
            }
            return new PublishResult(PublishResult.Status.UNCHANGED, round.commit().name(), attempt);
          }
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED, REJECTED_OTHER_REASON -> {
            // Someone else moved the branch (or holds its lock): render again on the new tip.
          }
          default ->
              throw new GitOperationException(
                  redactor.redact("push to " + where + " was refused: " + lastRejection));
        }
      }
      throw new GitOperationException(
          redactor.redact(
              where + " kept moving: gave up after " + maxPushAttempts
                  + " render-and-push attempts (last push: " + lastRejection + ")"));
    }
  }

  private record Round(ObjectId commit, boolean unchanged) {}

  private Round prepare(
      Repository repository, Optional<ObjectId> tip, String where, Redactor redactor) {
    try (RevWalk revWalk = new RevWalk(repository);
        ObjectInserter inserter = repository.newObjectInserter();
        ObjectReader reader = repository.newObjectReader()) {
      RevCommit tipCommit = tip.isPresent() ? revWalk.parseCommit(tip.get()) : null;
      TreeListing tipListing = tipCommit == null ? null : listingOf(reader, tipCommit, knownBlobs);
      Optional<PreviousState> previous =
          tipCommit == null ? Optional.empty() : Optional.of(previousState(reader, tipCommit, tipListing));
      SortedMap<String, byte[]> files = render.apply(previous);
      if (files == null) {
        throw new IllegalArgumentException("the render function returned no output tree");
      }
      TreeListing built = buildTree(inserter, tipListing, files, knownBlobs);
      ObjectId tree = built.tree();
      inserter.flush();
      if (tipCommit != null && sameManagedContent(reader, tipCommit.getTree(), tree)) {
        return new Round(tipCommit, true);
      }
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(tree);
      if (tipCommit != null) {
        commit.setParentId(tipCommit);
      }
      PersonIdent person =
          identity != null ? identity : new PersonIdent(identityName, identityEmail);
      commit.setAuthor(person);
      commit.setCommitter(person);
      commit.setMessage(commitMessage());
      ObjectId commitId = inserter.insert(commit);
      inserter.flush();
      if (knownBlobs != null) {
        knownBlobs.built(commitId, built);
      }
      return new Round(commitId, false);
    } catch (IOException e) {
      throw GitOperationException.of("cannot build the commit for " + where, e, redactor);
    }
  }

  private String commitMessage() {
    String text =
        message == null || message.isBlank()
            ? "meshgate: render source " + abbreviate(sourceCommit)
            : message.strip();
    if (!text.contains(sourceCommit)) {
      text = text + "\n\n" + SOURCE_COMMIT_TRAILER + ": " + sourceCommit;
    }
    return text + "\n";
  }

  private static PreviousState previousState(ObjectReader reader, RevCommit tip, TreeListing listing)
      throws IOException {
    return new PreviousState(
        tip.name(),
        readFile(reader, tip.getTree(), ALLOCATIONS_PATH),
        readFile(reader, tip.getTree(), PROVENANCE_PATH),
        listing.clusterFiles());
  }

  /**
   * What the tip's tree holds: from {@code known} when the tip is the commit this service built and
   * pushed last (a commit id names its tree, so nothing there can differ), else by one walk over it.
   */
  private static TreeListing listingOf(ObjectReader reader, RevCommit tip, KnownBlobs known) throws IOException {
    TreeListing kept = known == null ? null : known.listingOf(tip);
    if (kept != null) {
      return kept;
    }
    java.util.List<String> clusterFiles = new java.util.ArrayList<>();
    Map<String, ObjectId> managed = new HashMap<>();
    java.util.List<TreeListing.Entry> others = new java.util.ArrayList<>();
    try (TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(tip.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        String path = walk.getPathString();
        if (isManaged(path)) {
          managed.put(path, walk.getObjectId(0));
          if (path.startsWith(CLUSTERS_DIR + "/")) {
            clusterFiles.add(path);
          }
        } else {
          others.add(new TreeListing.Entry(path, walk.getFileMode(0), walk.getObjectId(0)));
        }
      }
    }
    return new TreeListing(tip.getTree().copy(), clusterFiles, managed, others, TreeBuilder.Folders.NONE);
  }

  private static Optional<byte[]> readFile(ObjectReader reader, RevTree tree, String path)
      throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
      if (walk == null || !walk.getFileMode(0).equals(FileMode.REGULAR_FILE)
          && !walk.getFileMode(0).equals(FileMode.EXECUTABLE_FILE)) {
        return Optional.empty();
      }
      return Optional.of(reader.open(walk.getObjectId(0), Constants.OBJ_BLOB).getBytes());
    }
  }

  /**
   * Tip entries outside the managed directories, plus the rendered files; with what the new tree
   * holds. The folders of a tip this service wrote keep their tree ids where their entries did not change.
   */
  private static TreeListing buildTree(ObjectInserter inserter, TreeListing tip, SortedMap<String, byte[]> files,
      KnownBlobs known) throws IOException {
    Map<String, ObjectId> tipIds = tip == null ? Map.of() : tip.managedIds();
    java.util.List<TreeListing.Entry> others = tip == null ? java.util.List.of() : tip.others();
    Map<String, TreeBuilder.Entry> entries = new java.util.LinkedHashMap<>((files.size() + others.size()) * 4 / 3 + 1);
    for (TreeListing.Entry other : others) {
      entries.put(other.path(), new TreeBuilder.Entry(other.path(), other.mode(), other.id()));
    }
    if (known != null) {
      known.startTree();
    }
    java.util.List<String> clusterFiles = new java.util.ArrayList<>(files.size());
    Map<String, ObjectId> managed = new HashMap<>(files.size() * 4 / 3 + 1);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      String path = checkOutputPath(file.getKey());
      byte[] content = Objects.requireNonNull(file.getValue(), () -> "no content for " + path);
      ObjectId id = known == null ? null : known.idFor(content, tipIds.get(path));
      boolean reused = id != null;
      if (id == null) {
        id = inserter.insert(Constants.OBJ_BLOB, content);
      }
      if (known != null) {
        known.keep(content, id, reused);
      }
      entries.put(path, new TreeBuilder.Entry(path, FileMode.REGULAR_FILE, id));
      managed.put(path, id);
      if (path.startsWith(CLUSTERS_DIR + "/")) {
        clusterFiles.add(path);
      }
    }
    Map<String, TreeBuilder.Folder> folders = new HashMap<>();
    ObjectId tree = TreeBuilder.write(inserter, entries, tip == null ? TreeBuilder.Folders.NONE : tip.folders(), folders);
    if (known != null) {
      known.finishTree();
    }
    return new TreeListing(tree, clusterFiles, managed, others, new TreeBuilder.Folders(folders));
  }

  /** {@code clusters/} and the ledger decide whether there is anything to publish. */
  private static boolean sameManagedContent(ObjectReader reader, RevTree tipTree, ObjectId newTree)
      throws IOException {
    return Objects.equals(idAt(reader, tipTree, CLUSTERS_DIR), idAt(reader, newTree, CLUSTERS_DIR))
        && Objects.equals(
            idAt(reader, tipTree, ALLOCATIONS_PATH), idAt(reader, newTree, ALLOCATIONS_PATH));
  }

  private static ObjectId idAt(ObjectReader reader, ObjectId tree, String path) throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
      return walk == null ? null : walk.getObjectId(0);
    }
  }

  private RemoteRefUpdate push(CacheRepository cache, ObjectId commit, Optional<ObjectId> tip)
      throws Exception {
    String remoteRef = Constants.R_HEADS + branch;
    // Expected old value: the tip we rendered on, or "must not exist" for the first publish.
    ObjectId expected = tip.orElse(ObjectId.zeroId());
    try (Transport transport = cache.openTransport()) {
      RemoteRefUpdate update =
          new RemoteRefUpdate(
              cache.repository(), (String) null, commit, remoteRef, false, null, expected);
      PushResult result = transport.push(NullProgressMonitor.INSTANCE, java.util.List.of(update));
      return result.getRemoteUpdate(remoteRef);
    }
  }

  static boolean isManaged(String path) {
    return path.equals(CLUSTERS_DIR) || path.startsWith(CLUSTERS_DIR + "/")
        || path.equals(MESHGATE_DIR) || path.startsWith(MESHGATE_DIR + "/");
  }

  static String checkOutputPath(String path) {
    boolean wellFormed =
        path != null
            && !path.isEmpty()
            && !path.startsWith("/")
            && !path.endsWith("/")
            && !path.contains("\\")
            && !path.contains("//")
            && !path.equals("..") && !path.startsWith("../") && !path.endsWith("/..") && !path.contains("/../")
            && !path.equals(".") && !path.startsWith("./") && !path.endsWith("/.") && !path.contains("/./");
    if (!wellFormed || !isManaged(path) || path.equals(CLUSTERS_DIR) || path.equals(MESHGATE_DIR)) {
      throw new IllegalArgumentException(
          "output path '" + path + "' must be a relative file path below clusters/ or meshgate/");
    }
    return path;
  }

  private static String abbreviate(String commitId) {
    return commitId.length() > 7 ? commitId.substring(0, 7) : commitId;
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return value.strip();
  }
}
