package io.meshgate.cli;

import io.meshgate.check.Violation;
import io.meshgate.emco.Placement;
import io.meshgate.emco.SeedImport;
import io.meshgate.emco.SeedProblem;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.LoadResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meshgate import}: converts another system's definitions into intent files. */
@Command(
    name = "import",
    description = "Convert another system's definitions into intent files.",
    mixinStandardHelpOptions = true,
    subcommands = {ImportCommand.Emco.class})
public final class ImportCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name what to import from: emco");
  }

  /**
   * {@code meshgate import emco FILE...|DIR}: the seed's (EMCO traffic controller) JSON bodies into
   * {@code services/<name>.yaml} and {@code clients/<name>.yaml}. All or nothing: with any problem,
   * nothing is written (exit 1).
   */
  @Command(
      name = "emco",
      description = "Convert the seed's (EMCO traffic controller) JSON request bodies into intent files:"
          + " <out>/services/<name>.yaml for inbound services, <out>/clients/<name>.yaml for clients with their"
          + " security intents. A client saved under <inbound>/clients/ calls <inbound>; a security intent saved"
          + " under <client>/security/ belongs to <client>. Nothing is written when any field cannot be mapped.",
      mixinStandardHelpOptions = true)
  public static final class Emco implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "JSON bodies, or folders of them (every *.json below).")
    List<Path> inputs;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "intents",
        description = "Intents folder to write into (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--placement", paramLabel = "FILE",
        description = "Where each application's services run: YAML mapping application → service → cluster"
            + " (EMCO's placement intents; the bodies name no cluster).")
    Path placementFile;

    @Option(names = "--cluster", paramLabel = "NAME",
        description = "Cluster of every service the placement file does not place.")
    String cluster;

    @Option(names = "--force", description = "Replace intent files that exist with other content.")
    boolean force;

    @Override
    public Integer call() {
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Placement placement = Placement.none();
      if (placementFile != null) {
        try {
          placement = Placement.read(placementFile);
        } catch (Placement.PlacementException e) {
          return usage(err, e.getMessage());
        }
      }
      if (cluster != null && !cluster.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        return usage(err, "--cluster " + cluster + " is not a cluster name (a DNS-1123 label)");
      }
      for (Path input : inputs) {
        if (!Files.exists(input)) {
          return usage(err, input + ": no such file or folder");
        }
      }
      if (Files.exists(out) && !Files.isDirectory(out)) {
        return usage(err, "--out " + out + " exists and is not a folder");
      }
      SeedImport.Result result = SeedImport.run(inputs, placement.withDefaultCluster(cluster));
      if (!result.ok()) {
        for (SeedProblem problem : result.problems()) {
          stdout.println(problem);
        }
        stdout.println(result.problems().size() + (result.problems().size() == 1 ? " problem" : " problems")
            + "; nothing written to " + out);
        stdout.flush();
        return Main.EXIT_VIOLATIONS;
      }
      if (result.files().isEmpty()) {
        return usage(err, "no seed bodies found in " + inputs);
      }
      List<String> conflicts = new ArrayList<>();
      List<SeedImport.IntentFile> changed = new ArrayList<>();
      for (SeedImport.IntentFile file : result.files()) {
        Path target = out.resolve(file.path());
        try {
          if (Files.exists(target)) {
            if (Files.readString(target, StandardCharsets.UTF_8).equals(file.model().toYaml())) {
              continue;
            }
            conflicts.add(target.toString());
          }
        } catch (IOException e) {
          return usage(err, "cannot read " + target + ": " + Main.describe(e));
        }
        changed.add(file);
      }
      if (!conflicts.isEmpty() && !force) {
        return usage(err, "nothing written: these files exist with other content: " + String.join(", ", conflicts)
            + "; pass --force to replace them");
      }
      try {
        if (!write(changed, result.files(), stdout)) {
          return Main.EXIT_VIOLATIONS;
        }
      } catch (IOException e) {
        return usage(err, "nothing written to " + out + ": " + Main.describe(e));
      }
      int unchanged = result.files().size() - changed.size();
      stdout.println("imported " + result.files().size() + (result.files().size() == 1 ? " intent" : " intents")
          + " into " + out + (unchanged > 0 ? " (" + unchanged + " unchanged)" : "") + "; check them with: meshgate validate --intents " + out);
      stdout.flush();
      return Main.EXIT_OK;
    }

    /**
     * Writes all files or none: each is written to a scratch folder beside {@code --out}, the
     * whole set is loaded as intents there (structure only), and only then moved into place;
     * files replaced by {@code --force} come back when a move fails. False: the set does not load
     * (reported, nothing written).
     */
    private boolean write(List<SeedImport.IntentFile> changed, List<SeedImport.IntentFile> all, PrintWriter stdout)
        throws IOException {
      Path outAbsolute = out.toAbsolutePath().normalize();
      Path parent = outAbsolute.getParent() == null ? outAbsolute : outAbsolute.getParent();
      Files.createDirectories(parent);
      Path scratch = Files.createTempDirectory(parent, ".meshgate-import-");
      try {
        Path fresh = scratch.resolve(out.getFileName() == null ? "intents" : out.getFileName().toString());
        for (SeedImport.IntentFile file : all) {
          Path target = fresh.resolve(file.path());
          Files.createDirectories(target.getParent());
          Files.writeString(target, file.model().toYaml(), StandardCharsets.UTF_8);
        }
        LoadResult load = IntentLoader.load(fresh);
        if (load.hasErrors()) {
          // A conversion meshgate's own schema refuses is a bug of the importer: say so, write nothing.
          for (Violation v : load.violations()) {
            stdout.println(v.file() + ":" + v.line() + ":" + v.column() + ": " + v.rule() + ": " + v.message());
          }
          stdout.println("meshgate import emco produced intents that do not load (a bug: please report it); nothing written to " + out);
          stdout.flush();
          return false;
        }
        Path backup = scratch.resolve("replaced");
        List<Path> moved = new ArrayList<>();
        List<Path[]> replaced = new ArrayList<>();
        try {
          for (SeedImport.IntentFile file : changed) {
            Path target = outAbsolute.resolve(file.path());
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
              Path kept = backup.resolve(file.path());
              Files.createDirectories(kept.getParent());
              move(target, kept);
              replaced.add(new Path[] {kept, target});
            }
            move(fresh.resolve(file.path()), target);
            moved.add(target);
          }
        } catch (IOException e) {
          for (Path done : moved) {
            Files.deleteIfExists(done);
          }
          for (Path[] pair : replaced) {
            move(pair[0], pair[1]);
          }
          throw e;
        }
        for (SeedImport.IntentFile file : changed) {
          stdout.println("wrote " + out.resolve(file.path()) + ": " + file.kind() + " " + file.name());
        }
        return true;
      } finally {
        deleteTree(scratch);
      }
    }

    private static void move(Path from, Path to) throws IOException {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    private static void deleteTree(Path dir) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | java.io.UncheckedIOException e) {
        // a scratch folder: best effort
      }
    }

    private static int usage(PrintWriter err, String message) {
      err.println("meshgate import emco: " + message);
      err.flush();
      return Main.EXIT_ERROR;
    }
  }
}
