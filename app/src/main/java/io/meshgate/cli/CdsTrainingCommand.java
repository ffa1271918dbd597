package io.meshgate.cli;

import io.meshgate.bench.Benchmark;
import io.meshgate.bench.SyntheticRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code meshgate cds-training}: what the launcher runs once per build with
 * {@code -XX:ArchiveClassesAtExit}, so the class-data archive holds the classes everyday commands
 * load: validate (clean and with errors, text and JSON) and render, on a small generated repository,
 * then validate on the bundled seed repository when it is there.
 * Output is of no interest; the exit code is 0 unless the training itself could not run.
 */
@Command(name = "cds-training", hidden = true,
    description = "Run validate and render on a small generated repository (for the launcher's class-data archive).")
public final class CdsTrainingCommand implements Callable<Integer> {

  @Override
  public Integer call() throws IOException {
    Path scratch = Files.createTempDirectory("meshgate-cds-training");
    try {
      Path intents = scratch.resolve("intents");
      SyntheticRepository.write(intents, new SyntheticRepository.Shape(60, 4, 2, 1));
      String dir = intents.toString();
      Main.run("validate", "--intents", dir);
      Main.run("render", "--intents", dir, "--out", scratch.resolve("out").toString());
      // The error path of a pull request: a schema error and a policy finding, as text and JSON.
      Files.writeString(intents.resolve("broken.yaml"), """
          apiVersion: meshgate.io/v1alpha1
          kind: ServiceClient
          metadata:
            name: broken
          spec:
            service: broken
            cluster: nowhere
            target: missing
            mutualTLS: SIMPLE
            colour: blue
          """);
      Main.run("validate", "--intents", dir);
      Main.run("validate", "--intents", dir, "--format", "json");
      // The bundled example (the launcher runs this in its own folder): the features the generated
      // repository does not use (consistent hashing, versions, ...) load their classes too.
      Path seed = Path.of("repo-fixtures", "seed", "intents");
      if (Files.isDirectory(seed)) {
        Main.run("validate", "--intents", seed.toString());
      }
      return Main.EXIT_OK;
    } finally {
      Benchmark.deleteTree(scratch);
    }
  }
}
