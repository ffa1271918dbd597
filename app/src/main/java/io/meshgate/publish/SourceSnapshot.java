package io.meshgate.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The intents of one source commit, materialised on disk.
 *
 * @param commitId full id of the source branch tip
 * @param shortId its first 7 characters
 * @param message the full commit message
 * @param intentsDir the intents subtree of that commit ({@code root/<intents path>})
 * @param root the fresh temporary directory that holds it; {@link #close()} deletes it
 * @param extraDir a second subtree asked for with {@link SourceFetch#alsoMaterialise} (the policies),
 *     or null
 */
public record SourceSnapshot(
    String commitId, String shortId, String message, Path intentsDir, Path root, Path extraDir)
    implements AutoCloseable {

  public SourceSnapshot(String commitId, String shortId, String message, Path intentsDir, Path root) {
    this(commitId, shortId, message, intentsDir, root, null);
  }

  /** Deletes the temporary directory. */
  @Override
  public void close() {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete snapshot directory " + root, e);
    }
  }
}
