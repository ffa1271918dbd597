package io.meshgate.cli;

import io.meshgate.diff.DiffException;
import io.meshgate.diff.ObjectChange;
import io.meshgate.intent.InvalidIntentsRootException;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.report.DiffReport;
import io.meshgate.report.SourceLinks;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshgate diff}: what a change of the intents does to each cluster's environment tree and to
 * reachability, like {@code argocd app diff} / {@code flux diff kustomization} for meshgate. Exit 0
 * clean, 1 the head has violations, 2 usage or input error, 3 a change in a {@code --protect}ed scope.
 */
@Command(
    name = "diff",
    description = "Show what a change of the intents does to each cluster: objects added, removed and changed "
        + "(YAML diff), addresses that move, and requests newly allowed or no longer allowed.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class)
public final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ComparisonOptions comparison;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: text|json|markdown (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--protect", paramLabel = "CLUSTER[/NAMESPACE]",
      description = "Exit 3 when anything changes in this cluster or namespace (repeatable; * matches any text).")
  List<String> protect;

  @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
      description = "Colour the text format: auto (on a terminal, unless NO_COLOR is set), always, never.")
  String color;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!List.of("text", "json", "markdown").contains(format)) {
      return usage(err, "unknown format \"" + format + "\"; use text, json or markdown");
    }
    if (!List.of("auto", "always", "never").contains(color)) {
      return usage(err, "unknown --color \"" + color + "\"; use auto, always or never");
    }
    Protection protection;
    try {
      protection = new Protection(protect);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    ComparisonOptions.Compared compared;
    try {
      compared = comparison.compare();
    } catch (DiffException | InvalidIntentsRootException e) {
      return usage(err, e.getMessage());
    } catch (PolicyEngineException e) {
      return usage(err, "policy evaluation failed: " + e.getMessage());
    }
    Set<ObjectChange> protectedChanges = protection.matching(compared.diff().allChanges());
    out.print(switch (format) {
      case "json" -> DiffReport.json(compared.diff(), protectedChanges);
      case "markdown" -> DiffReport.markdown(compared.diff(), protectedChanges,
          SourceLinks.fromEnvironment(System.getenv(), compared.headCommit(), compared.intentsPath()));
      default -> DiffReport.text(compared.diff(), protectedChanges, new DiffReport.Style(colour(color)));
    });
    out.flush();
    return exitCode(compared.diff().violations().ok(), protectedChanges);
  }

  static int exitCode(boolean headOk, Set<ObjectChange> protectedChanges) {
    if (!headOk) {
      return Main.EXIT_VIOLATIONS;
    }
    return protectedChanges.isEmpty() ? Main.EXIT_OK : Protection.EXIT_PROTECTED;
  }

  /** auto: a terminal, NO_COLOR unset (https://no-color.org), TERM not dumb. */
  static boolean colour(String when) {
    if (when.equals("always")) {
      return true;
    }
    if (when.equals("never")) {
      return false;
    }
    String noColor = System.getenv("NO_COLOR");
    return System.console() != null && (noColor == null || noColor.isEmpty()) && !"dumb".equals(System.getenv("TERM"));
  }

  private static int usage(PrintWriter err, String message) {
    err.println("meshgate diff: " + message);
    err.flush();
    return Main.EXIT_ERROR;
  }
}
