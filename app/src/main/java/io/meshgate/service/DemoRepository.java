package io.meshgate.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A local bare Git repository with a working clone, as {@code demo} and the service's tests use it:
 * the "source" a team pushes intents to, and where the environment branch appears.
 */
public final class DemoRepository implements AutoCloseable {
  private static final PersonIdent AUTHOR = new PersonIdent("meshgate demo", "demo@meshgate.invalid");

  private final Path bare;
  private final Git work;

  private DemoRepository(Path bare, Git work) {
    this.bare = bare;
    this.work = work;
  }

  /** Creates {@code dir/source.git} (bare, default branch main) and a clone in {@code dir/work}. */
  public static DemoRepository create(Path dir) throws GitAPIException, IOException {
    Path bare = dir.resolve("source.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    Git work = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(dir.resolve("work").toFile()).call();
    return new DemoRepository(bare, work);
  }

  /** The URL to give {@code serve --source}. */
  public String url() {
    return bare.toUri().toString();
  }

  public Path workTree() {
    return work.getRepository().getWorkTree().toPath();
  }

  /** Copies every file below {@code from} to {@code intoPath} of the work tree (replacing what was there). */
  public void copyTree(Path from, String intoPath) throws IOException {
    Path target = workTree().resolve(intoPath);
    if (Files.exists(target)) {
      try (Stream<Path> old = Files.walk(target)) {
        for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        Path dest = target.resolve(from.relativize(file).toString());
        Files.createDirectories(dest.getParent());
        Files.copy(file, dest);
      }
    }
  }

  /** Writes one file of the work tree. */
  public void write(String path, String content) throws IOException {
    Path file = workTree().resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** Commits everything in the work tree and pushes it to {@code main}; returns the commit id. */
  public String commitAndPush(String message) throws GitAPIException {
    work.add().addFilepattern(".").call();
    work.add().addFilepattern(".").setUpdate(true).call();
    RevCommit commit = work.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
    for (PushResult result : work.push().setRemote("origin").setRefSpecs(new RefSpec("HEAD:refs/heads/main")).call()) {
      for (RemoteRefUpdate update : result.getRemoteUpdates()) {
        if (update.getStatus() != RemoteRefUpdate.Status.OK && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
          throw new IllegalStateException("push to main failed: " + update.getStatus());
        }
      }
    }
    return commit.name();
  }

  /** The tip of a branch of the bare repository, if it exists. */
  public Optional<String> tip(String branch) throws IOException {
    try (Repository repo = Git.open(bare.toFile()).getRepository()) {
      ObjectId id = repo.resolve("refs/heads/" + branch);
      return Optional.ofNullable(id).map(ObjectId::name);
    }
  }

  /** The full message of a commit of the bare repository. */
  public String message(String commitId) throws IOException {
    try (Repository repo = Git.open(bare.toFile()).getRepository(); RevWalk walk = new RevWalk(repo)) {
      return walk.parseCommit(ObjectId.fromString(commitId)).getFullMessage();
    }
  }

  /** Every file of a commit whose path starts with {@code prefix}, path → bytes, sorted. */
  public SortedMap<String, byte[]> files(String commitId, String prefix) throws IOException {
    SortedMap<String, byte[]> files = new TreeMap<>();
    try (Repository repo = Git.open(bare.toFile()).getRepository(); RevWalk walk = new RevWalk(repo);
        TreeWalk tree = new TreeWalk(repo)) {
      tree.addTree(walk.parseCommit(ObjectId.fromString(commitId)).getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        if (tree.getPathString().startsWith(prefix)) {
          files.put(tree.getPathString(), repo.open(tree.getObjectId(0)).getBytes());
        }
      }
    }
    return files;
  }

  @Override
  public void close() {
    work.close();
  }
}
