package io.meshgate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a user starts meshgate, so measured runs are real ones: the {@code ./meshgate} script of
 * {@code MESHGATE_HOME} (its JVM options, its class-data archive), or, when this JVM was started
 * without it ({@code java -jar}), the same java with this JVM's options and jar.
 */
public record Launcher(List<String> command, Optional<Path> home) {

  /** The launcher of this installation. */
  public static Launcher current() {
    String home = System.getenv("MESHGATE_HOME");
    if (home != null && !home.isBlank() && Files.isExecutable(Path.of(home, "meshgate"))) {
      Path dir = Path.of(home).toAbsolutePath().normalize();
      return new Launcher(List.of(dir.resolve("meshgate").toString()), Optional.of(dir));
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-jar");
    command.add(ownJar().toString());
    return new Launcher(List.copyOf(command), Optional.empty());
  }

  /** Runs {@code meshgate <arguments>} in {@code directory}. */
  public ChildRun run(List<String> arguments, Path directory, Path log, Duration timeLimit)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(command);
    full.addAll(arguments);
    return ChildRun.of(full, directory, log, timeLimit);
  }

  private static Path ownJar() {
    try {
      return Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot tell which jar is running; start the benchmark with ./meshgate bench", e);
    }
  }
}
