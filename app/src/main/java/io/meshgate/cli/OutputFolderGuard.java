package io.meshgate.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * {@code render --out DIR} writes only inside DIR and never through a link. In CI the output folder
 * often comes from a pull request's checkout, so whatever is already in it is untrusted: a symbolic
 * link planted as {@code DIR}, {@code DIR/clusters/...} or {@code DIR/meshgate/...} would make the
 * render write (or delete) outside DIR, and a hard link would make it overwrite the file it shares
 * with. Such a folder is refused before anything is read or written.
 */
final class OutputFolderGuard {
  private OutputFolderGuard() {}

  /**
   * What makes {@code out} unsafe to write, or null. Checks {@code out} and its parents up to the
   * working directory (the part a checkout can plant), and everything below {@code out/clusters} and
   * {@code out/meshgate} (the parts meshgate writes and deletes).
   */
  static String problem(Path out, List<String> managedFolders) throws IOException {
    Path absolute = out.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath().normalize();
    Path from = absolute.startsWith(cwd) ? cwd : absolute;
    for (Path p = absolute; p != null && p.startsWith(from) && !p.equals(cwd); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        return "--out " + out + ": " + describe(cwd, p) + " is a symbolic link (to " + Files.readSymbolicLink(p)
            + "); pass a real folder";
      }
    }
    for (String folder : managedFolders) {
      Path managed = absolute.resolve(folder);
      if (!Files.exists(managed, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      String[] found = new String[1];
      Files.walkFileTree(managed, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String why = attrs.isSymbolicLink() ? "is a symbolic link (to " + Files.readSymbolicLink(file) + ")"
              : attrs.isRegularFile() && linkCount(file) > 1 ? "is a hard link shared with another file"
              : !attrs.isRegularFile() && !attrs.isDirectory() ? "is not a regular file" : null;
          if (why != null) {
            found[0] = "--out " + out + ": " + absolute.relativize(file).toString().replace('\\', '/') + " " + why
                + "; meshgate writes only regular files inside --out: remove it, or render into a fresh folder";
            return FileVisitResult.TERMINATE;
          }
          return FileVisitResult.CONTINUE;
        }
      });
      if (found[0] != null) {
        return found[0];
      }
    }
    return null;
  }

  private static String describe(Path cwd, Path p) {
    return p.startsWith(cwd) && !p.equals(cwd) ? cwd.relativize(p).toString() : p.toString();
  }

  private static int linkCount(Path file) {
    try {
      Object n = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      return n instanceof Integer i ? i : 1;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return 1; // no such attribute on this file system: nothing to check
    }
  }
}
