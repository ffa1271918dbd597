package io.meshgate.cli;

import io.meshgate.diff.ObjectChange;
import io.meshgate.report.DiffReport;
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
    ComparisonOptions.Compared compared = comparison.compareOrExplain("diff", err);
    if (compared == null) {
      return Main.EXIT_ERROR;
    }
    Set<ObjectChange> protectedChanges = compared.protectedChanges();
    out.print(switch (format) {
      case "json" -> DiffReport.json(compared.diff(), protectedChanges);
      case "markdown" -> DiffReport.markdown(compared.diff(), protectedChanges, compared.links());
      default -> DiffReport.text(compared.diff(), protectedChanges, new DiffReport.Style(colour(color)));
    });
    out.flush();
    return compared.exitCode();
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
