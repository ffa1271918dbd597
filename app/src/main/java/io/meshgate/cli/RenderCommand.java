package io.meshgate.cli;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.check.Progress;
import io.meshgate.policy.PolicyBundle;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.intent.IntentLimits;
import io.meshgate.intent.InvalidIntentsRootException;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.OutputTree;
import io.meshgate.render.Provenance;
import io.meshgate.render.RenderResult;
import io.meshgate.render.RenderedObject;
import io.meshgate.report.Report;
import io.meshgate.report.ReportFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshgate render}: checks the intents, renders the Istio objects of every cluster and
 * writes the output tree. Writes nothing when the intents have errors.
 */
@Command(
    name = "render",
    description = "Render the Istio resources of every cluster into an output tree.",
    mixinStandardHelpOptions = true)
public final class RenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--intents", paramLabel = "DIR", defaultValue = "intents",
      description = "Directory of intent files (default: ${DEFAULT-VALUE}).")
  Path intents;

  @Mixin PolicyOptions policy;

  @Mixin CrdOptions crds;
  @Mixin IntentLimitOptions intentLimits;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Where to write clusters/ and meshgate/ (other files there are left alone).")
  Path out;

  @Option(names = "--ledger", paramLabel = "FILE",
      description = "The previous address ledger (default: <out>/meshgate/allocations.yaml when present).")
  Path ledger;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (ledger != null && !Files.isRegularFile(ledger)) {
      return usage(err, "ledger file " + ledger + " does not exist");
    }
    if (out.toAbsolutePath().normalize().startsWith(intents.toAbsolutePath().normalize())) {
      // The rendered YAML would be read back as intent files by the next validate or render.
      return usage(err, "output directory " + out + " is inside the intents directory " + intents
          + "; choose an --out outside it");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      return usage(err, "output path " + out + " exists and is not a directory");
    }
    // Before anything is read from or written to --out: no links that lead outside it.
    String unsafe = OutputFolderGuard.problem(out, List.of(OutputTree.CLUSTERS_DIR, "meshgate"));
    if (unsafe != null) {
      return usage(err, "nothing written; " + unsafe);
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

    AllocationLedger previous;
    try {
      previous = AllocationLedger.read(ledger != null ? ledger : out.resolve(AllocationLedger.PATH));
    } catch (AllocationLedger.LedgerException e) {
      return usage(err, e.getMessage());
    }

    // Policies see the objects rendered with the real previous ledger, so address rules judge what
    // would actually be written.
    CheckResult check;
    PolicyOptions.StartedEngine engine = null;
    Progress progress = TerminalProgress.forTerminal(err, true);
    // The YAML of a successful render is put together while the policies finish; it reaches the
    // disk only if they find nothing.
    OutputTree.Prepared prepared;
    try {
      PolicyBundle bundle = policy.loadBundle();
      engine = policy.startEngine(bundle);
      prepared = new OutputTree.Prepared(rendered -> OutputTree.of(rendered, provenance(intents, bundle)));
      check = new Checker(engine).withIntentLimits(limits).withProgress(progress).whilePoliciesFinish(prepared)
          .check(intents, previous);
    } catch (InvalidIntentsRootException e) {
      try {
        engine.ready(); // broken policies are reported first, as when they were compiled first
      } catch (PolicyEngineException policyFailure) {
        return usage(err, "nothing written; policy evaluation failed: " + policyFailure.getMessage());
      }
      return usage(err, e.getMessage());
    } catch (PolicyEngineException e) {
      // Fail closed: nothing is written when the policies cannot be evaluated.
      return usage(err, "nothing written; policy evaluation failed: " + e.getMessage());
    } finally {
      progress.finish();
    }
    if (!check.violations().isEmpty()) {
      Report report = new Report(check.violations(), check.load().files(), check.load().documents().size());
      stdout.print(ReportFormat.parse("text").orElseThrow().write(report));
      stdout.flush();
    }
    if (check.hasErrors()) {
      err.println("meshgate render: nothing written to " + out + "; fix the errors above first");
      err.flush();
      return Main.EXIT_VIOLATIONS;
    }

    RenderResult result = check.rendered();
    OutputTree tree = prepared.treeOf(result);
    OutputTree.Changes changes;
    try {
      changes = tree.writeTo(out);
    } catch (IOException e) {
      return usage(err, "cannot write the output tree to " + out + ": " + Main.describe(e));
    }

    result.clusters().forEach((cluster, objects) -> {
      int overlays = result.overlays().objectsOf(cluster).size();
      stdout.println(cluster + ": " + describe(objects) + (overlays == 0 ? ""
          : ", and " + overlays + " overlay object" + (overlays == 1 ? "" : "s") + " from "
              + result.overlays().filesOf(cluster).size() + " file" + (result.overlays().filesOf(cluster).size() == 1 ? "" : "s")
              + " in " + io.meshgate.intent.Overlays.OUTPUT_FOLDER + "/"));
    });
    stdout.println(out + ": " + changes.describe());
    stdout.flush();
    return Main.EXIT_OK;
  }

  /** "6 objects (1 AuthorizationPolicy, 3 DestinationRule, ...)" or "no objects". */
  static String describe(List<RenderedObject> objects) {
    if (objects.isEmpty()) {
      return "no objects";
    }
    Map<String, Integer> byKind = new TreeMap<>();
    objects.forEach(o -> byKind.merge(o.kind(), 1, Integer::sum));
    StringBuilder s = new StringBuilder().append(objects.size()).append(objects.size() == 1 ? " object (" : " objects (");
    String sep = "";
    for (Map.Entry<String, Integer> e : byKind.entrySet()) {
      s.append(sep).append(e.getValue()).append(' ').append(e.getKey());
      sep = ", ";
    }
    return s.append(')').toString();
  }

  private static Provenance provenance(Path intents, PolicyBundle bundle) {
    return new Provenance(intents.normalize().toString().replace('\\', '/'), headCommit(intents), bundle.digest(),
        Version.current());
  }

  /** The HEAD commit when the intents live in a Git work tree; null otherwise (it is optional). */
  static String headCommit(Path intentsDir) {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment()
        .findGitDir(intentsDir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return null;
    }
    try (Repository repository = builder.build()) {
      ObjectId head = repository.resolve("HEAD");
      return head == null ? null : head.name();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int usage(PrintWriter err, String message) {
    err.println("meshgate render: " + message);
    err.flush();
    return Main.EXIT_ERROR;
  }
}
