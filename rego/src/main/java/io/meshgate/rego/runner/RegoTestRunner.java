package io.meshgate.rego.runner;

import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.compiler.CompiledRule;
import io.meshgate.rego.compiler.RuleNode;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.Json;
import io.meshgate.rego.value.Value;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs Rego unit tests like {@code opa test}: every rule named {@code test_*} in any package is
 * evaluated on its own and passes when it is defined and not false; {@code todo_test_*} rules are
 * skipped.
 */
public final class RegoTestRunner {
  public enum Outcome { PASS, FAIL, ERROR, SKIP }

  public record TestResult(String packageName, String name, Outcome outcome, String file, int line,
      Duration duration, String message, List<String> output) {
    public String fullName() { return "data." + packageName + "." + name; }
  }

  private final Rego rego;
  private final List<String> printed;

  private RegoTestRunner(Rego rego, List<String> printed) {
    this.rego = rego;
    this.printed = printed;
  }

  /** Loads the given directories (recursively) and .rego/data files. Throws RegoException on bad policy. */
  public static RegoTestRunner fromPaths(List<Path> paths) {
    return fromPaths(paths, Rego.builder());
  }

  /** As {@link #fromPaths(List)} with a builder carrying extra options (data, limits). */
  public static RegoTestRunner fromPaths(List<Path> paths, Rego.Builder builder) {
    List<String> printed = new ArrayList<>();
    for (Path p : paths) {
      try {
        if (Files.isDirectory(p)) {
          builder.addDirectory(p);
        } else {
          builder.addModule(p.toString().replace('\\', '/'), Files.readString(p));
        }
      } catch (IOException e) {
        throw new RegoException(RegoException.COMPILE, p.toString(), 0, 0, "cannot read: " + e.getMessage());
      }
    }
    builder.print(printed::add);
    if (builder.hasNoTimeout()) {
      builder.timeout(Duration.ofSeconds(30));
    }
    return new RegoTestRunner(builder.build(), printed);
  }

  private List<TestResult> lastResults;

  /** Runs every test (each evaluated on its own) and returns the results in package/name order. */
  public List<TestResult> run() {
    List<TestResult> out = new ArrayList<>();
    collect(rego.policy().root(), out);
    lastResults = List.copyOf(out);
    return lastResults;
  }

  /** Prints the results of the last {@link #run()} (running the tests first if needed). */
  public void format(PrintStream out, boolean verbose) {
    format(lastResults != null ? lastResults : run(), out, verbose);
  }

  /** Exit status of the last {@link #run()}: 0 all passed, 1 failures, 2 errors. */
  public int exitStatus() {
    return exitStatus(lastResults != null ? lastResults : run());
  }

  /** The engine the tests run on. */
  public Rego rego() { return rego; }

  private void collect(RuleNode node, List<TestResult> out) {
    for (RuleNode child : node.children.values()) {
      String name = child.path.get(child.path.size() - 1);
      boolean isTest = name.startsWith("test_");
      boolean isTodo = name.startsWith("todo_test_");
      if ((isTest || isTodo) && child.hasRules() && node.path.size() > 0) {
        out.add(runOne(node, child, name, isTodo));
      } else {
        collect(child, out);
      }
    }
  }

  private TestResult runOne(RuleNode pkg, RuleNode test, String name, boolean todo) {
    CompiledRule first = test.rules.isEmpty() ? test.defaultRule : test.rules.get(0);
    String file = first.loc().file();
    int line = first.loc().line();
    String pkgName = String.join(".", pkg.path);
    if (todo) {
      return new TestResult(pkgName, name, Outcome.SKIP, file, line, Duration.ZERO, null, List.of());
    }
    StringBuilder q = new StringBuilder("data");
    for (String p : test.path) {
      q.append('[').append(Json.quote(p)).append(']');
    }
    printed.clear();
    long start = System.nanoTime();
    Outcome outcome;
    String message = null;
    try {
      Value v = rego.prepare(q.toString()).evalValue(null);
      outcome = v == null || v.equals(BoolValue.FALSE) ? Outcome.FAIL : Outcome.PASS;
    } catch (RegoException e) {
      outcome = Outcome.ERROR;
      message = e.getMessage();
    }
    Duration d = Duration.ofNanos(System.nanoTime() - start);
    return new TestResult(pkgName, name, outcome, file, line, d, message, List.copyOf(printed));
  }

  /** Prints results like {@code opa test}: failures and errors (all results when verbose), then a summary. */
  public static void format(List<TestResult> results, PrintStream out, boolean verbose) {
    int pass = 0;
    int fail = 0;
    int error = 0;
    int skip = 0;
    String lastFile = null;
    for (TestResult r : results) {
      switch (r.outcome()) {
        case PASS -> pass++;
        case FAIL -> fail++;
        case ERROR -> error++;
        case SKIP -> skip++;
      }
      boolean show = verbose || r.outcome() == Outcome.FAIL || r.outcome() == Outcome.ERROR;
      if (!show) {
        continue;
      }
      if (!r.file().equals(lastFile)) {
        if (lastFile != null) {
          out.println();
        }
        out.println(r.file() + ":");
        lastFile = r.file();
      }
      out.println(r.fullName() + ": " + r.outcome() + " (" + formatDuration(r.duration()) + ") at "
          + r.file() + ":" + r.line());
      if (r.message() != null) {
        out.println("  " + r.message());
      }
      if (r.outcome() != Outcome.PASS || verbose) {
        for (String line : r.output()) {
          out.println("  " + line);
        }
      }
    }
    int total = results.size();
    if (lastFile != null) {
      out.println("-".repeat(80));
    }
    if (pass > 0) {
      out.println("PASS: " + pass + "/" + total);
    }
    if (fail > 0) {
      out.println("FAIL: " + fail + "/" + total);
    }
    if (error > 0) {
      out.println("ERROR: " + error + "/" + total);
    }
    if (skip > 0) {
      out.println("SKIPPED: " + skip + "/" + total);
    }
    if (total == 0) {
      out.println("no tests found");
    }
  }

  private static String formatDuration(Duration d) {
    double ms = d.toNanos() / 1_000_000.0;
    return String.format(Locale.ROOT, "%.3fms", ms);
  }

  /** 0 when every test passed (or was skipped), 1 on failures, 2 on errors. */
  public static int exitStatus(List<TestResult> results) {
    boolean error = results.stream().anyMatch(r -> r.outcome() == Outcome.ERROR);
    boolean fail = results.stream().anyMatch(r -> r.outcome() == Outcome.FAIL);
    return error ? 2 : fail ? 1 : 0;
  }
}
