package io.meshgate.cli;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.check.Progress;
import io.meshgate.intent.IntentLimits;
import io.meshgate.intent.InvalidIntentsRootException;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.report.Report;
import io.meshgate.report.ReportFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshgate validate}: checks intents and prints the violations in the chosen format. */
@Command(
    name = "validate",
    description = "Check intent files (structure, then policies) and report violations.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class)
public final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--intents", paramLabel = "DIR", defaultValue = "intents",
      description = "Directory of intent files (default: ${DEFAULT-VALUE}).")
  Path intents;

  @Mixin PolicyOptions policy;

  @Mixin CrdOptions crds;
  @Mixin IntentLimitOptions intentLimits;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: text|json|sarif|junit|github|tap|table|codequality (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<ReportFormat> reportFormat = ReportFormat.parse(format);
    if (reportFormat.isEmpty()) {
      return usage(err, "unknown format \"" + format + "\"; use one of " + ReportFormat.choices());
    }
    String crdProblem = crds.apply();
    if (crdProblem != null) {
      return usage(err, crdProblem);
    }
    IntentLimits limits;
    try {
      limits = intentLimits.limits();
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    CheckResult result;
    PolicyOptions.StartedEngine engine = null;
    Progress progress = TerminalProgress.forTerminal(err, reportFormat.get() == ReportFormat.TEXT);
    try {
      engine = policy.startEngine(policy.loadBundle());
      result = new Checker(engine).withIntentLimits(limits).withProgress(progress).check(intents);
    } catch (InvalidIntentsRootException e) {
      try {
        engine.ready(); // broken policies are reported first, as when they were compiled first
      } catch (PolicyEngineException policyFailure) {
        return usage(err, "policy evaluation failed: " + policyFailure.getMessage());
      }
      return usage(err, e.getMessage());
    } catch (PolicyEngineException e) {
      // Fail closed: no report that could be mistaken for a clean run.
      return usage(err, "policy evaluation failed: " + e.getMessage());
    } finally {
      progress.finish();
    }
    Report report = new Report(result.violations(), result.load().files(), result.load().documents().size());
    out.print(reportFormat.get().write(report));
    out.flush();
    return result.hasErrors() ? Main.EXIT_VIOLATIONS : Main.EXIT_OK;
  }

  private static int usage(PrintWriter err, String message) {
    err.println("meshgate validate: " + message);
    err.flush();
    return Main.EXIT_ERROR;
  }
}
