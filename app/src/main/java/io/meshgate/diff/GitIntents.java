package io.meshgate.diff;

import io.meshgate.intent.IntentLimits;
import io.meshgate.intent.IntentLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The intents of one side of a comparison, read from a local Git repository with JGit: a revision's
 * intents folder is written to a scratch folder (so the loader reads it exactly as {@code validate}
 * reads a checkout), or the work tree's folder is used as it is on disk.
 */
public final class GitIntents implements AutoCloseable {
  private final Repository repository;

  private GitIntents(Repository repository) {
    this.repository = repository;
  }

  /** Opens the repository holding {@code dir} (searching upwards, like git does). */
  public static GitIntents open(Path dir) throws DiffException {
    Path start = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(start)) {
      throw new DiffException("--repo " + dir + " is not a directory");
    }
    FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment().findGitDir(start.toFile());
    if (builder.getGitDir() == null) {
      // A bare repository given directly.
      if (Files.isRegularFile(start.resolve("HEAD")) && Files.isDirectory(start.resolve("objects"))) {
        builder = new FileRepositoryBuilder().setGitDir(start.toFile()).setBare();
      } else {
        throw new DiffException(dir + " is not inside a Git repository; pass --repo DIR");
      }
    }
    try {
      return new GitIntents(builder.build());
    } catch (IOException | IllegalArgumentException e) {
      throw new DiffException("cannot open the Git repository at " + dir + ": " + e.getMessage());
    }
  }

  /** The work tree's top folder, or null for a bare repository. */
  public Path workTree() {
    return repository.isBare() ? null : repository.getWorkTree().toPath();
  }

  /** A resolved revision: what the user wrote and the commit it names. */
  public record Revision(String ref, String commit) {
    /** {@code main (1a2b3c4)}. */
    public String label() {
      return ref + " (" + commit.substring(0, 7) + ")";
    }
  }

  /** Resolves {@code ref} (branch, tag, {@code origin/main}, commit id, {@code HEAD~1}) to a commit. */
  public Revision resolve(String ref) throws DiffException {
    try {
      ObjectId id = repository.resolve(ref + "^{commit}");
      if (id == null) {
        throw new DiffException("unknown revision \"" + ref + "\": no branch, tag or commit of that name in "
            + (workTree() == null ? repository.getDirectory() : workTree())
            + (ref.startsWith("origin/") ? "; fetch it first (in CI: actions/checkout with fetch-depth: 0)" : ""));
      }
      return new Revision(ref, id.name());
    } catch (RevisionSyntaxException | IOException e) {
      throw new DiffException("cannot resolve revision \"" + ref + "\": " + e.getMessage());
    }
  }

  /** HEAD as a revision, or null when the repository has no commit yet. */
  public Revision head() throws DiffException {
    try {
      ObjectId id = repository.resolve(Constants.HEAD + "^{commit}");
      return id == null ? null : new Revision(Constants.HEAD, id.name());
    } catch (IOException e) {
      throw new DiffException("cannot resolve HEAD: " + e.getMessage());
    }
  }

  /**
   * Writes the regular files below {@code intentsPath} (repository-relative, forward slashes; empty
   * for the top) of {@code revision} into {@code target}, keeping their relative paths. Symbolic
   * links and submodules are not followed. A file larger than the loader accepts is cut just past
   * the limit, so the loader reports it as too large without this copying all of it.
   *
   * @return false when the revision has no such folder
   */
  public boolean export(Revision revision, String intentsPath, Path target) throws DiffException {
    try (RevWalk walk = new RevWalk(repository); ObjectReader reader = repository.newObjectReader()) {
      RevCommit commit = walk.parseCommit(ObjectId.fromString(revision.commit()));
      TreeWalk tree;
      if (intentsPath.isEmpty()) {
        tree = new TreeWalk(reader);
        tree.addTree(commit.getTree());
      } else {
        tree = TreeWalk.forPath(reader, intentsPath, commit.getTree());
        if (tree == null || !tree.isSubtree()) {
          if (tree != null) {
            tree.close();
          }
          return false;
        }
        tree.enterSubtree();
      }
      try (TreeWalk walking = tree) {
        walking.setRecursive(true);
        String prefix = intentsPath.isEmpty() ? "" : intentsPath + "/";
        Files.createDirectories(target);
        while (walking.next()) {
          if (walking.getFileMode(0) != FileMode.REGULAR_FILE && walking.getFileMode(0) != FileMode.EXECUTABLE_FILE) {
            continue;
          }
          String relative = walking.getPathString().substring(prefix.length());
          Path file = target.resolve(relative).normalize();
          if (!file.startsWith(target)) {
            continue; // a hostile path never leaves the scratch folder
          }
          Files.createDirectories(file.getParent());
          ObjectLoader blob = reader.open(walking.getObjectId(0), Constants.OBJ_BLOB);
          try (InputStream in = blob.openStream(); OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(new LimitedOutput(out, IntentLimits.DEFAULTS.maxFileBytes() + 1));
          }
        }
      }
      return true;
    } catch (IOException e) {
      throw new DiffException("cannot read " + (intentsPath.isEmpty() ? "the files" : intentsPath) + " at "
          + revision.label() + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    repository.close();
  }

  /** Passes the first {@code limit} bytes on and drops the rest. */
  private static final class LimitedOutput extends OutputStream {
    private final OutputStream out;
    private long left;

    LimitedOutput(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left > 0) {
        out.write(b);
        left--;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int n = (int) Math.min(len, left);
      if (n > 0) {
        out.write(b, off, n);
        left -= n;
      }
    }
  }
}
