package io.meshgate.cli;

import io.meshgate.diff.DiffException;
import io.meshgate.diff.ObjectChange;
import io.meshgate.intent.InvalidIntentsRootException;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.report.PullRequestReport;
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
 * {@code meshgate report}: the pull-request comment (Markdown with a Mermaid diagram), from the same
 * comparison as {@code diff}. Exit codes as {@code diff}.
 */
@Command(
    name = "report",
    description = "Write the pull-request report: violations with file:line links, objects changed per cluster, "
        + "a Mermaid diagram of the connectivity with this change highlighted, and the reachability delta.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class)
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ComparisonOptions comparison;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "markdown",
      description = "Output format: markdown (default).")
  String format;

  @Option(names = "--protect", paramLabel = "CLUSTER[/NAMESPACE]",
      description = "Mark changes in this cluster or namespace and exit 3 (repeatable; * matches any text).")
  List<String> protect;

  @Option(names = "--max-nodes", paramLabel = "N", defaultValue = "40",
      description = "Above this many workloads the diagram shows only the changes, or one node per cluster "
          + "(default: ${DEFAULT-VALUE}; 0 draws everything).")
  int maxNodes;

  @Option(names = "--max-chars", paramLabel = "N", defaultValue = "60000",
      description = "Longest report; details are dropped to fit (default: ${DEFAULT-VALUE}, under GitHub's 65,536).")
  int maxChars;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!format.equals("markdown")) {
      return usage(err, "unknown format \"" + format + "\"; use markdown");
    }
    if (maxNodes < 0 || maxChars < 1000) {
      return usage(err, "--max-nodes must be 0 or more and --max-chars at least 1000");
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
    SourceLinks links = SourceLinks.fromEnvironment(System.getenv(), compared.headCommit(), compared.intentsPath());
    out.print(PullRequestReport.markdown(compared.diff(), protectedChanges, links, maxNodes, maxChars));
    out.flush();
    return DiffCommand.exitCode(compared.diff().violations().ok(), protectedChanges);
  }

  private static int usage(PrintWriter err, String message) {
    err.println("meshgate report: " + message);
    err.flush();
    return Main.EXIT_ERROR;
  }
}
