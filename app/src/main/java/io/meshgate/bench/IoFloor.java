package io.meshgate.bench;

import io.meshgate.intent.IntentLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The least any tool does with a repository: parse every YAML document with SnakeYAML, then write
 * as many files of the same sizes as {@code render} wrote. The benchmark runs it as a child JVM
 * like the commands it is compared with, so the floor includes the JVM's start too.
 */
public final class IoFloor {
  private IoFloor() {}

  /** The files of a rendered tree: one line {@code <bytes> <relative path>} per file, sorted. */
  public static List<String> manifestOf(Path renderedTree) throws IOException {
    try (Stream<Path> files = Files.walk(renderedTree)) {
      return files.filter(Files::isRegularFile).sorted().map(file -> {
        try {
          return Files.size(file) + " " + renderedTree.relativize(file).toString().replace('\\', '/');
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  /**
   * Parses every {@code *.yaml}/{@code *.yml} below {@code intents} and writes the files of
   * {@code manifest} (see {@link #manifestOf}) below {@code out}.
   *
   * @return documents parsed
   */
  public static int run(Path intents, Path manifest, Path out) throws IOException {
    int documents = 0;
    List<Path> yamlFiles;
    try (Stream<Path> files = Files.walk(intents)) {
      yamlFiles = files.filter(Files::isRegularFile).filter(IntentLoader::isIntentFile).sorted().toList();
    }
    for (Path file : yamlFiles) {
      Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      for (Object document : yaml.loadAll(new StringReader(Files.readString(file, StandardCharsets.UTF_8)))) {
        if (document != null) {
          documents++;
        }
      }
    }
    byte[] filler = new byte[0];
    for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
      int space = line.indexOf(' ');
      int size = Integer.parseInt(line.substring(0, space));
      Path target = out.resolve(line.substring(space + 1));
      if (filler.length < size) {
        filler = new byte[Math.max(size, filler.length * 2)];
        Arrays.fill(filler, (byte) 'x');
      }
      Files.createDirectories(target.getParent());
      try (OutputStream stream = Files.newOutputStream(target)) {
        stream.write(filler, 0, size);
      }
    }
    return documents;
  }
}
