package io.meshgate.cli;

import io.meshgate.report.PullRequestReport;
import java.io.PrintWriter;
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
    ComparisonOptions.Compared compared = comparison.compareOrExplain("report", err);
    if (compared == null) {
      return Main.EXIT_ERROR;
    }
    out.print(PullRequestReport.markdown(compared.diff(), compared.protectedChanges(), compared.links(), maxNodes,
        maxChars));
    out.flush();
    return compared.exitCode();
  }

  private static int usage(PrintWriter err, String message) {
    err.println("meshgate report: " + message);
    err.flush();
    return Main.EXIT_ERROR;
  }
}
