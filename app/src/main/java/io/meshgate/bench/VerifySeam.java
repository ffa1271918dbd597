package io.meshgate.bench;

import io.meshgate.cli.Main;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Command;

/**
 * How the benchmark runs {@code verify}: the contract's {@code verify --intents DIR}, when this
 * build has the command (it lands on its own branch); absent, the phase is reported as n/a. The
 * one place to change if verify's flags differ.
 */
final class VerifySeam {
  static final String COMMAND = "verify";

  private VerifySeam() {}

  /** The arguments of verify given its scratch output folder, or empty without a verify command. */
  static Optional<Function<Path, List<String>>> arguments(Path intents) {
    if (!available()) {
      return Optional.empty();
    }
    String dir = intents.toAbsolutePath().toString();
    return Optional.of(scratch -> List.of(COMMAND, "--intents", dir));
  }

  /** True when {@code meshgate verify} exists (read from the annotations: nothing is instantiated). */
  static boolean available() {
    return Arrays.stream(Main.class.getAnnotation(Command.class).subcommands())
        .map(type -> type.getAnnotation(Command.class))
        .anyMatch(command -> command != null && COMMAND.equals(command.name()));
  }
}
