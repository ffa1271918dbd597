package io.meshgate.cli;

import io.meshgate.bench.Benchmark;
import io.meshgate.bench.IoFloor;
import io.meshgate.bench.Launcher;
import io.meshgate.bench.SyntheticRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code meshgate bench}: the benchmark harness (README, "Performance"). Hidden from the main help:
 * it is for people measuring meshgate, not for everyday use.
 */
@Command(
    name = "bench",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Time validate, render and verify on generated repositories against the I/O floor; print"
        + " peak memory and the cold start.",
    subcommands = {BenchCommand.Generate.class, BenchCommand.Floor.class})
public final class BenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--sizes", split = ",", paramLabel = "N[,N...]", defaultValue = "1000,10000",
      description = "Services per repository (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Mixin ShapeOptions shape;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Scratch folder for repositories, outputs and logs (default: $MESHGATE_HOME/app/target/bench,"
          + " else a new temporary folder).")
  Path workDir;

  @Option(names = "--policies", paramLabel = "DIR",
      description = "Policies of the phases with policies (default: $MESHGATE_HOME/policies, else ./policies).")
  Path policies;

  @Option(names = "--runs", defaultValue = "1", description = "Runs per phase, median reported (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--cold-start-runs", defaultValue = "7",
      description = "Runs of the cold start after a warm-up, median reported; 0 skips it (default: ${DEFAULT-VALUE}).")
  int coldStartRuns;

  @Option(names = "--serve-changes", defaultValue = "5", paramLabel = "N",
      description = "One-file pushes timed through a real serve on the largest repository (after one warm-up); "
          + "0 skips the serve phase (default: ${DEFAULT-VALUE}).")
  int serveChanges;

  @Option(names = "--phases", split = ",", paramLabel = "PHASE[,PHASE...]", defaultValue = "commands,cold-start,serve",
      description = "What to run: commands (validate, render, verify and the I/O floor at each size), cold-start,"
          + " serve (one-file pushes on the largest size; its repository is generated either way)"
          + " (default: ${DEFAULT-VALUE}).")
  List<String> phases;

  @Option(names = "--time-limit", defaultValue = "900", paramLabel = "SECONDS",
      description = "Stops a run after this long (default: ${DEFAULT-VALUE}).")
  int timeLimitSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (sizes.isEmpty() || sizes.stream().anyMatch(size -> size < 1) || runs < 1 || timeLimitSeconds < 1
        || serveChanges < 0) {
      err.println("meshgate bench: --sizes, --runs and --time-limit must be positive, --serve-changes at least 0");
      return Main.EXIT_ERROR;
    }
    Set<Benchmark.Phase> chosen = EnumSet.noneOf(Benchmark.Phase.class);
    for (String phase : phases) {
      Optional<Benchmark.Phase> known = Benchmark.Phase.named(phase);
      if (known.isEmpty()) {
        err.println("meshgate bench: --phases takes commands, cold-start and serve, not '" + phase + "'");
        return Main.EXIT_ERROR;
      }
      chosen.add(known.get());
    }
    try {
      shape.of(sizes.get(0));
    } catch (IllegalArgumentException e) {
      err.println("meshgate bench: " + e.getMessage());
      return Main.EXIT_ERROR;
    }
    Launcher launcher = Launcher.current();
    Path policyDir = policies != null ? policies
        : launcher.home().map(home -> home.resolve("policies")).orElse(Path.of("policies"));
    Path scratch = workDir != null ? workDir : launcher.home().isPresent()
        ? launcher.home().get().resolve("app/target/bench") : Files.createTempDirectory("meshgate-bench");
    Benchmark.Settings settings = new Benchmark.Settings(sizes.stream().sorted().toList(), shape.clusters,
        shape.clientsPerService, shape.seed, shape.vocabulary(), scratch.toAbsolutePath(), policyDir, runs, coldStartRuns, Duration.ofSeconds(timeLimitSeconds),
        serveChanges, chosen);
    return new Benchmark(settings, launcher, spec.commandLine().getOut()).run();
  }

  /** The shape of the generated repositories, but for their size: {@code --clusters}, {@code --clients-per-service}, {@code --seed}. */
  static final class ShapeOptions {
    @Option(names = "--clusters", defaultValue = "50", description = "Clusters (default: ${DEFAULT-VALUE}).")
    int clusters;

    @Option(names = "--clients-per-service", defaultValue = "3", description = "Clients of each service (default: ${DEFAULT-VALUE}).")
    int clientsPerService;

    @Option(names = "--seed", defaultValue = "1", description = "Picks names and placement (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--names", defaultValue = "syllables", paramLabel = "syllables|words",
        description = "How names are made; words, with another --seed, gives a repository of the same shape that"
            + " shares no name with the default one (default: ${DEFAULT-VALUE}).")
    String names;

    SyntheticRepository.Names vocabulary() {
      try {
        return SyntheticRepository.Names.valueOf(names.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--names must be syllables or words, not '" + names + "'");
      }
    }

    /** @throws IllegalArgumentException for a shape no repository can have */
    SyntheticRepository.Shape of(int services) {
      return new SyntheticRepository.Shape(services, clusters, clientsPerService, seed, vocabulary());
    }
  }

  /** {@code meshgate bench generate}: writes one synthetic repository. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write a valid synthetic intent repository: clusters.yaml and one file per service with its clients.")
  static final class Generate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The intents folder to write (must be empty or absent).")
    Path out;

    @Option(names = "--services", defaultValue = "10000", description = "InboundServices (default: ${DEFAULT-VALUE}).")
    int services;

    @Mixin ShapeOptions shape;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      if (Files.isDirectory(out)) {
        try (var entries = Files.list(out)) {
          if (entries.findAny().isPresent()) {
            err.println("meshgate bench generate: " + out + " is not empty; choose a new folder");
            return Main.EXIT_ERROR;
          }
        }
      }
      SyntheticRepository.Summary summary;
      try {
        summary = SyntheticRepository.write(out, shape.of(services));
      } catch (IllegalArgumentException e) {
        err.println("meshgate bench generate: " + e.getMessage());
        return Main.EXIT_ERROR;
      }
      spec.commandLine().getOut().printf(Locale.ROOT, "wrote %d clusters, %d services, %d clients in %d files (%d bytes) to %s%n",
          summary.clusters(), summary.services(), summary.clients(), summary.files(), summary.bytes(), out);
      return Main.EXIT_OK;
    }
  }

  /** {@code meshgate bench floor}: the I/O floor, run by the benchmark as a child process. */
  @Command(name = "floor", hidden = true, description = "Parse every intent file and write the files of a manifest.")
  static final class Floor implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--intents", required = true) Path intents;
    @Option(names = "--manifest", required = true) Path manifest;
    @Option(names = "--out", required = true) Path out;

    @Override
    public Integer call() throws IOException {
      int documents = IoFloor.run(intents, manifest, out);
      spec.commandLine().getOut().println("parsed " + documents + " documents");
      return Main.EXIT_OK;
    }
  }
}
