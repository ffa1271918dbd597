package io.meshgate.cli;

import io.meshgate.check.Checker;
import io.meshgate.diff.DiffException;
import io.meshgate.diff.EnvironmentDiff;
import io.meshgate.diff.GitIntents;
import io.meshgate.diff.ObjectChange;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.report.SourceLinks;
import java.io.PrintWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code diff} and {@code report} compare: two sides of a local Git repository. The base is a
 * revision; the head is a revision with {@code --head}, else the work tree as it is on disk
 * (uncommitted edits included, exactly what {@code validate} would read), or HEAD in a bare repository.
 * Use as {@code @Mixin ComparisonOptions comparison;}.
 */
public final class ComparisonOptions {

  @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".",
      description = "The Git repository (default: the one holding the current directory).")
  Path repo;

  @Option(names = "--base", paramLabel = "REF", required = true,
      description = "Base revision: branch, tag, commit, origin/main, HEAD~1 ...")
  String base;

  @Option(names = "--head", paramLabel = "REF",
      description = "Head revision (default: the work tree as it is on disk; HEAD in a bare repository).")
  String head;

  @Option(names = "--intents", paramLabel = "PATH", defaultValue = "intents",
      description = "The intents folder, as a path inside the repository (default: ${DEFAULT-VALUE}).")
  String intents;

  @Option(names = "--protect", paramLabel = "CLUSTER[/NAMESPACE]",
      description = "Mark changes in this cluster or namespace and exit 3 (repeatable; * matches any text).")
  List<String> protect;

  @Mixin PolicyOptions policy;

  /**
   * @param headCommit the head's commit when it is a revision, else null (the work tree)
   * @param intentsPath the intents folder inside the repository, normalised ({@code ""} for the top)
   * @param protectedChanges the changes inside a {@code --protect}ed scope
   */
  record Compared(EnvironmentDiff diff, String headCommit, String intentsPath, Set<ObjectChange> protectedChanges) {

    /** 1 when the head has errors, else 3 for a protected change, else 0. */
    int exitCode() {
      if (!diff.violations().ok()) {
        return Main.EXIT_VIOLATIONS;
      }
      return protectedChanges.isEmpty() ? Main.EXIT_OK : Protection.EXIT_PROTECTED;
    }

    /** Links to file:line for the CI the command runs in (GitHub, GitLab), else relative paths. */
    SourceLinks links() {
      return SourceLinks.fromEnvironment(System.getenv(), headCommit, intentsPath);
    }
  }

  /**
   * Compares, or prints why it cannot ({@code meshgate <command>: ...} on standard error) and returns null:
   * the command then exits 2.
   */
  Compared compareOrExplain(String command, PrintWriter err) {
    try {
      return compare();
    } catch (DiffException | IllegalArgumentException e) { // InvalidIntentsRootException and bad --protect
      err.println("meshgate " + command + ": " + e.getMessage());
    } catch (PolicyEngineException e) {
      err.println("meshgate " + command + ": policy evaluation failed: " + e.getMessage());
    }
    err.flush();
    return null;
  }

  /** Reads both sides, renders and compares them; scratch files are removed before returning. */
  Compared compare() throws DiffException, PolicyEngineException {
    Protection protection = new Protection(protect);
    String intentsPath = normalise(intents);
    Path scratch;
    try {
      scratch = Files.createTempDirectory("meshgate-diff-");
    } catch (IOException e) {
      throw new DiffException("cannot create a scratch folder: " + e.getMessage());
    }
    try (GitIntents git = GitIntents.open(repo)) {
      String leaf = intentsPath.isEmpty()
          ? (git.workTree() == null ? "repository" : git.workTree().getFileName().toString())
          : intentsPath.substring(intentsPath.lastIndexOf('/') + 1);
      GitIntents.Revision baseRevision = git.resolve(base);
      Path baseRoot = scratch.resolve("base").resolve(leaf);
      if (!git.export(baseRevision, intentsPath, baseRoot)) {
        baseRoot = null; // the base has no intents yet: everything is new
      }
      String headLabel;
      String headCommit;
      Path headRoot;
      GitIntents.Revision headRevision = head != null ? git.resolve(head) : git.workTree() == null ? git.head() : null;
      if (headRevision != null) {
        headRoot = scratch.resolve("head").resolve(leaf);
        if (!git.export(headRevision, intentsPath, headRoot)) {
          throw new DiffException(headRevision.label() + " has no folder " + display(intentsPath)
              + "; pass --intents PATH (a path inside the repository)");
        }
        headLabel = headRevision.label();
        headCommit = headRevision.commit();
      } else if (git.workTree() != null) {
        headRoot = intentsPath.isEmpty() ? git.workTree() : git.workTree().resolve(intentsPath);
        if (!Files.isDirectory(headRoot)) {
          throw new DiffException("the work tree has no folder " + display(intentsPath)
              + "; pass --intents PATH (a path inside the repository)");
        }
        headLabel = "work tree";
        headCommit = null;
      } else {
        throw new DiffException("the repository has no commit and no work tree to compare; pass --head REF");
      }
      EnvironmentDiff diff = EnvironmentDiff.compare(baseRevision.label(), baseRoot, headLabel, headRoot,
          new Checker(policy.createEngine()));
      return new Compared(diff, headCommit, intentsPath, protection.matching(diff.allChanges()));
    } finally {
      deleteQuietly(scratch);
    }
  }

  private static String display(String intentsPath) {
    return intentsPath.isEmpty() ? "(the top folder)" : intentsPath;
  }

  /** {@code ./intents/} → {@code intents}; {@code .} → empty; absolute paths and {@code ..} refused. */
  static String normalise(String path) throws DiffException {
    String p = path.replace('\\', '/');
    if (p.startsWith("/") || p.matches("^[A-Za-z]:.*")) {
      throw new DiffException("--intents " + path + " must be a path inside the repository, such as intents");
    }
    StringBuilder out = new StringBuilder();
    for (String part : p.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new DiffException("--intents " + path + " must be a path inside the repository, such as intents");
      }
      out.append(out.length() == 0 ? "" : "/").append(part);
    }
    return out.toString();
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // A scratch folder left behind in the temp directory is harmless.
    }
  }
}
