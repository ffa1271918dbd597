package io.meshgate.cli;

import io.meshgate.check.Violation;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.InvalidIntentsRootException;
import io.meshgate.intent.LoadResult;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyViolations;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.Renderer;
import io.meshgate.report.Report;
import io.meshgate.report.ReportFormat;
import io.meshgate.verify.RenderedTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code verify} and {@code explain} read: the intents (declared edges, Cluster facts), and the
 * objects of every cluster, rendered from them or read from {@code --rendered DIR}. Use as
 * {@code @Mixin VerifyInputs inputs;}.
 */
public final class VerifyInputs {

  @Option(names = "--intents", paramLabel = "DIR", defaultValue = "intents",
      description = "Directory of intent files (default: ${DEFAULT-VALUE}).")
  Path intents;

  @Option(names = "--rendered", paramLabel = "DIR",
      description = "Check this tree (clusters/<cluster>/**/*.yaml, e.g. a checkout of the environment branch) "
          + "instead of rendering the intents.")
  Path rendered;

  @Mixin PolicyOptions policy;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: text|json (default: ${DEFAULT-VALUE}).")
  String format;

  /** The loaded intents, the objects per cluster, and policy errors (only with an explicit --policies). */
  record Loaded(LoadResult load, Map<String, ? extends List<? extends Map<String, ?>>> objects, List<Violation> policyErrors) {}

  /**
   * Why the inputs cannot be used; the command prints it and exits {@link #exitCode()}: 1 when the
   * intents have errors (they are violations, as for validate), 2 for a usage or input problem.
   */
  static final class InputProblem extends Exception {
    private final int exitCode;

    InputProblem(String message) {
      this(message, Main.EXIT_ERROR);
    }

    InputProblem(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  boolean json() throws InputProblem {
    if (!format.equals("text") && !format.equals("json")) {
      throw new InputProblem("unknown format \"" + format + "\"; use text or json");
    }
    return format.equals("json");
  }

  Loaded load() throws InputProblem {
    LoadResult load;
    try {
      load = IntentLoader.load(intents);
    } catch (InvalidIntentsRootException e) {
      throw new InputProblem(e.getMessage());
    }
    if (load.hasErrors()) {
      Report report = new Report(load.violations(), load.files(), load.documents().size());
      throw new InputProblem("the intents have errors; fix them first:\n"
          + ReportFormat.TEXT.write(report).stripTrailing(), Main.EXIT_VIOLATIONS);
    }
    Map<String, ? extends List<? extends Map<String, ?>>> objects;
    if (rendered != null) {
      try {
        objects = RenderedTree.read(rendered);
      } catch (RenderedTree.TreeException e) {
        throw new InputProblem(e.getMessage());
      }
    } else {
      // What each cluster will hold: meshgate's objects and the overlays published beside them.
      objects = new Renderer().render(load.intents(), AllocationLedger.empty()).withOverlays(load.overlays())
          .withOverlayObjects();
    }
    List<Violation> policyErrors = List.of();
    if (policy.policies != null) {
      try {
        policyErrors = PolicyViolations.check(policy.createEngine(), load, objects).stream()
            .filter(Violation::isError).toList();
      } catch (PolicyEngineException e) {
        throw new InputProblem("policy evaluation failed: " + e.getMessage());
      }
    }
    return new Loaded(load, objects, policyErrors);
  }
}
