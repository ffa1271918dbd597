package io.meshgate.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A change to the intents of the source repository, decided on its current tip and committed on
 * top of it: straight onto the source branch, or onto a new branch for review. The decision runs
 * on a fresh checkout of the intents (so it can be validated there first); when the source branch
 * moved before the push, the whole round runs again on the new tip, so no concurrent change is lost.
 */
public final class IntentCommit {
  private final String url;
  private String branch = "main";
  private String intentsPath = "intents";
  private Path cacheDir;
  private Path tempParent;
  private GitCredentials credentials = GitCredentials.none();
  private NetworkRetry retry = new NetworkRetry(1, Duration.ZERO, Duration.ZERO);
  private int timeoutSeconds = 60;
  private int maxAttempts = 5;

  private IntentCommit(String url) {
    this.url = Objects.requireNonNull(url, "url");
  }

  public static IntentCommit to(String url) {
    return new IntentCommit(url);
  }

  /** The source branch: the tip the change is decided on, and where a direct change lands. */
  public IntentCommit branch(String branch) {
    this.branch = Objects.requireNonNull(branch);
    return this;
  }

  public IntentCommit intentsPath(String intentsPath) {
    this.intentsPath = Objects.requireNonNull(intentsPath);
    return this;
  }

  public IntentCommit cacheDir(Path cacheDir) {
    this.cacheDir = Objects.requireNonNull(cacheDir);
    return this;
  }

  public IntentCommit tempParent(Path tempParent) {
    this.tempParent = tempParent;
    return this;
  }

  public IntentCommit credentials(GitCredentials credentials) {
    this.credentials = Objects.requireNonNull(credentials);
    return this;
  }

  public IntentCommit retry(NetworkRetry retry) {
    this.retry = Objects.requireNonNull(retry);
    return this;
  }

  public IntentCommit timeoutSeconds(int timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
    return this;
  }

  /** The source tip as the decision sees it: the intents on disk, and any other file of the commit. */
  public interface Tip {
    SourceSnapshot snapshot();

    /** A file of the tip commit by repository path, or empty. */
    Optional<byte[]> file(String repositoryPath) throws IOException;
  }

  /**
   * What to do on a tip: the files to write (path → content) or delete (path → null), by
   * repository path, with the answer for the caller; {@code changes} null means "commit nothing".
   */
  public record Decision<T>(T answer, SortedMap<String, byte[]> changes) {
    public static <T> Decision<T> refuse(T answer) {
      return new Decision<>(answer, null);
    }
  }

  /** Decides on a tip. Runs again on the newer tip when the source branch moved meanwhile. */
  @FunctionalInterface
  public interface Edit<T> {
    Decision<T> decide(Tip tip) throws Exception;
  }

  /**
   * The outcome.
   *
   * @param commitId the new commit, or null when the decision committed nothing
   * @param branch where it was pushed (the source branch, or the review branch)
   * @param baseCommit the source tip it was decided on
   */
  public record Result<T>(T answer, String commitId, String branch, String baseCommit) {
    public boolean committed() {
      return commitId != null;
    }
  }

  /**
   * Decides and commits.
   *
   * @param reviewBranch null: commit on the source branch; else a new branch of that name (it must not exist)
   * @throws GitOperationException fetch, push or the repository failed; nothing was committed then
   * @throws Exception what {@code edit} threw
   */
  public <T> Result<T> run(Edit<T> edit, PersonIdent author, PersonIdent committer, String message,
      String reviewBranch) throws Exception {
    if (cacheDir == null) {
      throw new IllegalStateException("IntentCommit needs a cacheDir");
    }
    // As SourceFetch does: the same cache directory (by the URL without user info) holds the tip.
    GitCredentials.Remote remote = credentials.forRemote(url);
    Redactor redactor = remote.credentials().redactor();
    String target = reviewBranch == null ? branch : reviewBranch;
    String where = "branch '" + target + "' of " + redactor.redact(url);
    String lastRejection = "none";
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try (SourceSnapshot snapshot = SourceFetch.from(url).branch(branch).intentsPath(intentsPath).cacheDir(cacheDir)
          .tempParent(tempParent).credentials(credentials).retry(retry).timeoutSeconds(timeoutSeconds).call();
          CacheRepository cache = CacheRepository.open(cacheDir, remote.url(), remote.credentials(), timeoutSeconds)) {
        Repository repository = cache.repository();
        ObjectId base = ObjectId.fromString(snapshot.commitId());
        Decision<T> decision = edit.decide(new Tip() {
          @Override
          public SourceSnapshot snapshot() {
            return snapshot;
          }

          @Override
          public Optional<byte[]> file(String repositoryPath) throws IOException {
            return readFile(repository, base, repositoryPath);
          }
        });
        if (decision.changes() == null || decision.changes().isEmpty()) {
          return new Result<>(decision.answer(), null, target, snapshot.commitId());
        }
        ObjectId commit = commit(repository, base, decision.changes(), author, committer, message);
        ObjectId expected = reviewBranch == null ? base : ObjectId.zeroId();
        RemoteRefUpdate update = retry.run("cannot push to " + where, redactor,
            () -> push(cache, commit, Constants.R_HEADS + target, expected));
        RemoteRefUpdate.Status status = update == null ? RemoteRefUpdate.Status.NOT_ATTEMPTED : update.getStatus();
        lastRejection = status + (update == null || update.getMessage() == null ? "" : " (" + update.getMessage() + ")");
        switch (status) {
          case OK -> {
            return new Result<>(decision.answer(), commit.name(), target, snapshot.commitId());
          }
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED, REJECTED_OTHER_REASON -> {
            if (reviewBranch != null) {
              throw new GitOperationException(redactor.redact("cannot create " + where + ": " + lastRejection
                  + " (does the branch exist already?)"));
            }
            // The source branch moved: decide again on its new tip.
          }
          default -> throw new GitOperationException(redactor.redact("push to " + where + " was refused: " + lastRejection));
        }
      }
    }
    throw new GitOperationException(redactor.redact(where + " kept moving: gave up after " + maxAttempts
        + " attempts (last push: " + lastRejection + ")"));
  }

  private static ObjectId commit(Repository repository, ObjectId base, SortedMap<String, byte[]> changes,
      PersonIdent author, PersonIdent committer, String message) throws IOException {
    try (RevWalk walk = new RevWalk(repository);
        ObjectInserter inserter = repository.newObjectInserter();
        ObjectReader reader = repository.newObjectReader()) {
      RevCommit tip = walk.parseCommit(base);
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      try (TreeWalk tree = new TreeWalk(reader)) {
        tree.addTree(tip.getTree());
        tree.setRecursive(true);
        while (tree.next()) {
          if (changes.containsKey(tree.getPathString())) {
            continue;
          }
          DirCacheEntry entry = new DirCacheEntry(tree.getPathString());
          entry.setFileMode(tree.getFileMode(0));
          entry.setObjectId(tree.getObjectId(0));
          builder.add(entry);
        }
      }
      for (Map.Entry<String, byte[]> change : changes.entrySet()) {
        if (change.getValue() != null) {
          DirCacheEntry entry = new DirCacheEntry(change.getKey());
          entry.setFileMode(FileMode.REGULAR_FILE);
          entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, change.getValue()));
          builder.add(entry);
        }
      }
      builder.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(inserter));
      commit.setParentId(tip);
      commit.setAuthor(author);
      commit.setCommitter(committer);
      commit.setMessage(message.endsWith("\n") ? message : message + "\n");
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      return id;
    }
  }

  private static Optional<byte[]> readFile(Repository repository, ObjectId commitId, String path) throws IOException {
    try (RevWalk walk = new RevWalk(repository); ObjectReader reader = repository.newObjectReader()) {
      RevCommit commit = walk.parseCommit(commitId);
      try (TreeWalk tree = TreeWalk.forPath(reader, path, commit.getTree())) {
        if (tree == null || !FileMode.REGULAR_FILE.equals(tree.getFileMode(0))
            && !FileMode.EXECUTABLE_FILE.equals(tree.getFileMode(0))) {
          return Optional.empty();
        }
        return Optional.of(reader.open(tree.getObjectId(0), Constants.OBJ_BLOB).getBytes());
      }
    }
  }

  private static RemoteRefUpdate push(CacheRepository cache, ObjectId commit, String remoteRef, ObjectId expected)
      throws Exception {
    try (Transport transport = cache.openTransport()) {
      RemoteRefUpdate update = new RemoteRefUpdate(cache.repository(), (String) null, commit, remoteRef, false, null,
          expected);
      PushResult result = transport.push(org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE, java.util.List.of(update));
      return result.getRemoteUpdate(remoteRef);
    }
  }
}
