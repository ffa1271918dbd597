package io.meshgate.cli;

import io.meshgate.check.Progress;
import io.meshgate.check.Violation;
import io.meshgate.report.Report;
import io.meshgate.report.ReportFormat;
import io.meshgate.report.VerifyReport;
import io.meshgate.verify.MeshModel;
import io.meshgate.verify.Verifier;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code meshgate verify}: simulates what Istio does with every declared edge and with probes the
 * intents mean to deny. Exit 0 when every edge is allowed and every probe denied, 1 otherwise, 2 on
 * usage or input errors.
 */
@Command(
    name = "verify",
    description = "Prove from the rendered objects that every declared client reaches its service and undeclared callers do not.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class)
public final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin VerifyInputs inputs;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    VerifyInputs.Loaded loaded;
    boolean json;
    try {
      json = inputs.json();
      loaded = inputs.load();
    } catch (VerifyInputs.InputProblem e) {
      err.println("meshgate verify: " + e.getMessage());
      err.flush();
      return e.exitCode();
    }
    Progress progress = TerminalProgress.forTerminal(err, !json);
    Verifier.Result result;
    try {
      result = new Verifier(loaded.load().intents(), MeshModel.build(loaded.load().intents(), loaded.objects()))
          .run(true, progress);
    } finally {
      progress.finish();
    }
    if (!loaded.policyErrors().isEmpty()) {
      // Such intents are never rendered: say so, and fail, whatever the simulation says.
      err.print(ReportFormat.TEXT.write(new Report(loaded.policyErrors(), loaded.load().files(),
          loaded.load().documents().size())));
      err.println("meshgate verify: policies deny these intents; render would publish nothing");
      err.flush();
    }
    out.print(json ? VerifyReport.json(result) : VerifyReport.text(result));
    out.flush();
    boolean ok = result.ok() && loaded.policyErrors().stream().noneMatch(Violation::isError);
    return ok ? Main.EXIT_OK : Main.EXIT_VIOLATIONS;
  }
}
