package io.meshgate.publish;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * One folder that holds the intents of the latest source commit and is brought up to date from
 * commit to commit: only the files whose Git blob changed are written, and files gone from the
 * commit are deleted. A service watching a repository of 10,000 files writes one file for a push
 * that changes one, instead of materialising all of them again.
 *
 * <p>It remembers the blob id of every file it wrote; a failure half-way forgets everything and
 * empties the folder, so the next update writes it whole. Used by one sync thread at a time.
 */
public final class SourceCheckout {
  private final Path dir;
  /** Path below {@link #dir} (forward slashes) to the blob written there. */
  private final Map<String, ObjectId> written = new HashMap<>();
  private int writtenLastUpdate;
  private int deletedLastUpdate;

  public SourceCheckout(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /** Files the last update wrote (new or changed blobs). */
  public int writtenLastUpdate() {
    return writtenLastUpdate;
  }

  /** Files the last update deleted. */
  public int deletedLastUpdate() {
    return deletedLastUpdate;
  }

  /**
   * Makes the folder hold exactly the regular files of {@code tree} (symbolic links and submodules
   * are skipped, as in a fresh snapshot).
   */
  synchronized Path update(ObjectReader reader, ObjectId tree) throws IOException {
    try {
      if (written.isEmpty()) {
        clear(); // whatever an earlier process left is not known to match any commit
      }
      Files.createDirectories(dir);
      Map<String, ObjectId> wanted = regularFiles(reader, tree, dir);
      int deleted = 0;
      for (String path : written.keySet()) {
        if (!wanted.containsKey(path)) {
          Files.deleteIfExists(dir.resolve(path));
          deleted++;
        }
      }
      int changed = 0;
      for (Map.Entry<String, ObjectId> file : wanted.entrySet()) {
        if (file.getValue().equals(written.get(file.getKey()))) {
          continue;
        }
        Path target = dir.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        if (Files.isDirectory(target)) {
          deleteTree(target); // a folder of the last commit is a file in this one
        }
        writeBlob(reader, file.getValue(), target);
        changed++;
      }
      written.clear();
      written.putAll(wanted);
      writtenLastUpdate = changed;
      deletedLastUpdate = deleted;
      return dir;
    } catch (IOException | RuntimeException e) {
      written.clear();
      try {
        clear();
      } catch (IOException | UncheckedIOException ignored) {
        // the next update starts by clearing again
      }
      throw e;
    }
  }

  /**
   * The regular files of {@code tree} by path (forward slashes), each with its blob: symbolic links
   * and submodules are skipped (a link could point outside), and so is a path that would leave
   * {@code target} once resolved there.
   */
  static Map<String, ObjectId> regularFiles(ObjectReader reader, ObjectId tree, Path target) throws IOException {
    Map<String, ObjectId> files = new HashMap<>();
    try (TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(tree);
      walk.setRecursive(true);
      while (walk.next()) {
        FileMode mode = walk.getFileMode(0);
        if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
          continue;
        }
        String path = walk.getPathString();
        if (target.resolve(path).normalize().startsWith(target)) {
          files.put(path, walk.getObjectId(0));
        }
      }
    }
    return files;
  }

  /** Writes a blob's bytes to {@code file} (its folder must exist). */
  static void writeBlob(ObjectReader reader, ObjectId blob, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      reader.open(blob, Constants.OBJ_BLOB).copyTo(out);
    }
  }

  private void clear() throws IOException {
    if (Files.exists(dir)) {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
