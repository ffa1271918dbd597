package io.meshgate.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
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
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Real bare repositories on disk for the publish tests. */
final class GitFixtures {
  private GitFixtures() {}

  /** A new, empty bare repository. */
  static Path bareRepository(Path dir) throws Exception {
    try (Git git = Git.init().setBare(true).setInitialBranch("main").setGitDir(dir.toFile())
        .setDirectory(dir.toFile()).call()) {
      // Lets git http-backend accept pushes whatever REMOTE_USER says.
      git.getRepository().getConfig().setBoolean("http", null, "receivepack", true);
      git.getRepository().getConfig().save();
    }
    return dir;
  }

  static String fileUrl(Path bare) {
    return bare.toUri().toString();
  }

  private static Repository open(Path bare) throws IOException {
    return new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
  }

  /**
   * Writes a commit straight into the bare repository: the branch tip's files (when {@code keep})
   * overlaid with {@code files}; returns its id.
   */
  static String commit(Path bare, String branch, Map<String, String> files, boolean keep,
      String message) throws Exception {
    try (Repository repository = open(bare);
        ObjectInserter inserter = repository.newObjectInserter()) {
      Ref ref = repository.exactRef(Constants.R_HEADS + branch);
      SortedMap<String, String> all = new TreeMap<>();
      if (keep && ref != null) {
        all.putAll(files(bare, branch));
      }
      all.putAll(files);
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      for (Map.Entry<String, String> file : all.entrySet()) {
        DirCacheEntry entry = new DirCacheEntry(file.getKey());
        entry.setFileMode(FileMode.REGULAR_FILE);
        entry.setObjectId(inserter.insert(Constants.OBJ_BLOB,
            file.getValue().getBytes(StandardCharsets.UTF_8)));
        builder.add(entry);
      }
      builder.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(inserter));
      if (ref != null) {
        commit.setParentId(ref.getObjectId());
      }
      PersonIdent person = new PersonIdent("Test Author", "author@example.com");
      commit.setAuthor(person);
      commit.setCommitter(person);
      commit.setMessage(message);
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repository.updateRef(Constants.R_HEADS + branch);
      update.setNewObjectId(id);
      update.setForceUpdate(true);
      update.update();
      return id.name();
    }
  }

  static Optional<String> tip(Path bare, String branch) throws IOException {
    try (Repository repository = open(bare)) {
      Ref ref = repository.exactRef(Constants.R_HEADS + branch);
      return ref == null ? Optional.empty() : Optional.of(ref.getObjectId().name());
    }
  }

  /** All files of a branch tip or commit, path to UTF-8 text. */
  static SortedMap<String, String> files(Path bare, String revision) throws IOException {
    try (Repository repository = open(bare);
        RevWalk walk = new RevWalk(repository);
        ObjectReader reader = repository.newObjectReader();
        TreeWalk tree = new TreeWalk(reader)) {
      RevCommit commit = walk.parseCommit(repository.resolve(revision));
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      SortedMap<String, String> files = new TreeMap<>();
      while (tree.next()) {
        files.put(tree.getPathString(),
            new String(reader.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
      }
      return files;
    }
  }

  /** Commits reachable from the branch tip, newest first. */
  static List<RevCommit> history(Path bare, String branch) throws IOException {
    try (Repository repository = open(bare); RevWalk walk = new RevWalk(repository)) {
      walk.markStart(walk.parseCommit(repository.resolve(Constants.R_HEADS + branch)));
      List<RevCommit> commits = new ArrayList<>();
      for (RevCommit commit : walk) {
        commits.add(commit);
      }
      return commits;
    }
  }

  /** Runs the git command line (another writer than JGit) and returns its output. */
  static String git(Path workDir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Other Writer",
        "-c", "user.email=other@example.com", "-c", "init.defaultBranch=main"));
    command.addAll(List.of(args));
    Files.createDirectories(workDir);
    Process process = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).start();
    String output = GitHttpServer.readAll(process.getInputStream());
    process.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
    return output;
  }

  /** Another writer (git CLI) adds a file to {@code branch} of {@code url} and pushes. */
  static void pushFromOtherWriter(Path scratch, String url, String branch, String path,
      String content) throws Exception {
    Path clone = Files.createTempDirectory(scratch, "other-writer-");
    git(clone, "clone", "--quiet", "--branch", branch, url, "work");
    Path work = clone.resolve("work");
    Path file = work.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    git(work, "add", path);
    git(work, "commit", "--quiet", "-m", "ops: " + path);
    git(work, "push", "--quiet", "origin", "HEAD:refs/heads/" + branch);
  }

  static SortedMap<String, byte[]> output(Map<String, String> files) {
    SortedMap<String, byte[]> output = new TreeMap<>();
    files.forEach((path, text) -> output.put(path, text.getBytes(StandardCharsets.UTF_8)));
    return output;
  }
}
