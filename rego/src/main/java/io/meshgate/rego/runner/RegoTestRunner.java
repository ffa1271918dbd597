package io.meshgate.rego.runner;

import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.ast.Module;
import io.meshgate.rego.ast.Rule;
import io.meshgate.rego.parser.Parser;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.Json;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.Value;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs Rego unit tests like {@code opa test}: every rule named {@code test_*} (each definition on
 * its own: a second {@code test_x} in a package is {@code test_x#01}) is evaluated and passes when
 * its value is {@code true}; {@code todo_test_*} rules are skipped. Tests run file by file in file
 * name order, rules in written order.
 */
public final class RegoTestRunner {
  public enum Outcome { PASS, FAIL, ERROR, SKIP }

  /** One test: {@code output} is what {@code print} wrote, {@code notes} what {@code trace} noted. */
  public record TestResult(String packageName, String name, Outcome outcome, String file, int line,
      Duration duration, String message, List<String> output, List<String> notes) {
    public TestResult(String packageName, String name, Outcome outcome, String file, int line,
        Duration duration, String message, List<String> output) {
      this(packageName, name, outcome, file, line, duration, message, output, List.of());
    }

    public String fullName() { return "data." + packageName + "." + name; }
  }

  /**
   * How tests are loaded and chosen, as {@code opa test}'s flags: {@code version} is
   * {@code --v0-compatible} (V0) or per-file detection (AUTO, the default) or v1 only; {@code run}
   * is {@code --run/-r} (a regular expression found in the test's full name {@code data.pkg.test_x});
   * {@code opaDataFiles} loads every JSON/YAML file at the root of data, as {@code opa test} does
   * without {@code --bundle} (otherwise data.json/data.yaml files land at their folder's path).
   */
  public record Options(Parser.RegoVersion version, Pattern run, boolean opaDataFiles, Duration timeout) {
    public static Options defaults() {
      return new Options(Parser.RegoVersion.AUTO, null, false, Duration.ofSeconds(30));
    }

    public Options withVersion(Parser.RegoVersion v) { return new Options(v, run, opaDataFiles, timeout); }

    public Options withRun(String regex) {
      return new Options(version, regex == null ? null : Pattern.compile(regex), opaDataFiles, timeout);
    }

    public Options withOpaDataFiles(boolean yes) { return new Options(version, run, yes, timeout); }
  }

  private final Rego rego;
  private final Options options;
  private final List<String> printed;
  private final List<String> noted;

  private RegoTestRunner(Rego rego, Options options, List<String> printed, List<String> noted) {
    this.rego = rego;
    this.options = options;
    this.printed = printed;
    this.noted = noted;
  }

  /** Loads the given directories (recursively) and .rego/data files. Throws RegoException on bad policy. */
  public static RegoTestRunner fromPaths(List<Path> paths) {
    return fromPaths(paths, Rego.builder(), Options.defaults());
  }

  /** As {@link #fromPaths(List)} with a builder carrying extra options (data, limits, Rego version). */
  public static RegoTestRunner fromPaths(List<Path> paths, Rego.Builder builder) {
    return fromPaths(paths, builder, Options.defaults().withVersion(null));
  }

  /**
   * As {@link #fromPaths(List)} with a builder and the runner's options. A null {@code version}
   * keeps the builder's.
   */
  public static RegoTestRunner fromPaths(List<Path> paths, Rego.Builder builder, Options options) {
    List<String> printed = new ArrayList<>();
    List<String> noted = new ArrayList<>();
    if (options.version() != null) {
      builder.regoVersion(options.version());
    }
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new RegoException(RegoException.COMPILE, p.toString(), 0, 0, "no such file or directory");
      }
      try {
        if (options.opaDataFiles()) {
          builder.addPathLikeOpa(p);
        } else if (Files.isDirectory(p)) {
          builder.addDirectory(p);
        } else {
          builder.addModule(p.toString().replace('\\', '/'), Files.readString(p));
        }
      } catch (IOException e) {
        throw new RegoException(RegoException.COMPILE, p.toString(), 0, 0, "cannot read: " + e.getMessage());
      }
    }
    builder.print(printed::add).trace(noted::add).distinctTestNames(true);
    if (builder.hasNoTimeout()) {
      builder.timeout(options.timeout());
    }
    return new RegoTestRunner(builder.build(), options, printed, noted);
  }

  private List<TestResult> lastResults;

  /** Runs every test, each definition on its own, file by file. */
  public List<TestResult> run() {
    List<TestResult> out = new ArrayList<>();
    List<Module> modules = new ArrayList<>(rego.parsedModules());
    modules.sort(Comparator.comparing(Module::file));
    for (Module m : modules) {
      for (Rule r : m.rules()) {
        String name = r.name();
        boolean isTest = name.startsWith("test_");
        boolean isTodo = name.startsWith("todo_test_");
        if (!(isTest || isTodo) || r.isFunction()) {
          continue;
        }
        String pkg = String.join(".", m.packagePath());
        if (options.run() != null && !options.run().matcher("data." + pkg + "." + name).find()) {
          continue;
        }
        if (isTodo) {
          out.add(new TestResult(pkg, name, Outcome.SKIP, m.file(), r.loc().line(), Duration.ZERO, null, List.of()));
        } else {
          out.add(runOne(m, pkg, name, r));
        }
      }
    }
    lastResults = List.copyOf(out);
    return lastResults;
  }

  private TestResult runOne(Module m, String pkg, String name, Rule r) {
    StringBuilder q = new StringBuilder("data");
    for (String p : m.packagePath()) {
      q.append('[').append(Json.quote(p)).append(']');
    }
    q.append('[').append(Json.quote(name)).append(']');
    printed.clear();
    noted.clear();
    long start = System.nanoTime();
    Outcome outcome;
    String message = null;
    try {
      Value v = rego.prepare(q.toString()).evalValue(null);
      outcome = passes(v) ? Outcome.PASS : Outcome.FAIL;
    } catch (RegoException e) {
      outcome = Outcome.ERROR;
      message = e.getMessage();
    }
    Duration d = Duration.ofNanos(System.nanoTime() - start);
    return new TestResult(pkg, name, outcome, m.file(), r.loc().line(), d, message, List.copyOf(printed),
        List.copyOf(noted));
  }

  /** {@code true}; for a test written as an object of test cases, every case {@code true}. */
  private static boolean passes(Value v) {
    if (v instanceof ObjectValue o) {
      return o.entries().values().stream().allMatch(RegoTestRunner::passes);
    }
    return BoolValue.TRUE.equals(v);
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

  /**
   * Prints results as {@code opa test}'s pretty reporter: each failing or erroring test (every test
   * with {@code verbose}) as {@code file:row:} then {@code data.pkg.test_x: PASS (1.2ms)}, its
   * print output and error indented; with {@code verbose} and failures a FAILURES section (with the
   * {@code trace} notes where OPA prints the evaluation trace); a rule of dashes; then
   * {@code PASS: n/m}, {@code FAIL: n/m}, {@code SKIPPED: n/m}, {@code ERROR: n/m}.
   */
  public static void format(List<TestResult> results, PrintStream out, boolean verbose) {
    int pass = 0;
    int fail = 0;
    int error = 0;
    int skip = 0;
    boolean dirty = false;
    String lastFile = null;
    List<TestResult> failures = new ArrayList<>();
    for (TestResult r : results) {
      switch (r.outcome()) {
        case PASS -> pass++;
        case FAIL -> {
          fail++;
          failures.add(r);
        }
        case ERROR -> error++;
        case SKIP -> skip++;
      }
      if (!verbose && r.outcome() == Outcome.PASS) {
        continue;
      }
      if (lastFile != null && !lastFile.equals(r.file())) {
        out.println();
      }
      out.println(r.file() + ":" + r.line() + ":");
      lastFile = r.file();
      dirty = true;
      out.println(line(r));
      if (!r.output().isEmpty()) {
        out.println();
        for (String l : String.join("\n", r.output()).strip().split("\n", -1)) {
          out.println("  " + l);
        }
        out.println();
      }
      if (r.message() != null) {
        out.println("  " + r.message());
      }
    }
    if (fail > 0 && verbose) {
      out.println("-".repeat(80));
      out.println("FAILURES");
      out.println("-".repeat(80));
      for (TestResult f : failures) {
        out.println(line(f));
        if (!f.notes().isEmpty()) {
          out.println();
          for (String note : f.notes()) {
            out.println("  " + f.file() + ":" + f.line() + "     | Note " + Json.quote(note));
          }
        }
        out.println();
      }
    }
    if (dirty) {
      out.println("-".repeat(80));
    }
    int total = results.size();
    if (pass > 0) {
      out.println("PASS: " + pass + "/" + total);
    }
    if (fail > 0) {
      out.println("FAIL: " + fail + "/" + total);
    }
    if (skip > 0) {
      out.println("SKIPPED: " + skip + "/" + total);
    }
    if (error > 0) {
      out.println("ERROR: " + error + "/" + total);
    }
  }

  private static String line(TestResult r) {
    if (r.outcome() == Outcome.SKIP) {
      return r.fullName() + ": SKIPPED";
    }
    return r.fullName() + ": " + r.outcome() + " (" + goDuration(r.duration()) + ")";
  }

  /** Go's time.Duration.String(): 850ns, 1.234µs, 12.5ms, 1.5s. */
  public static String goDuration(Duration d) {
    long ns = d.toNanos();
    if (ns < 1_000) {
      return ns + "ns";
    }
    String unit;
    double value;
    if (ns < 1_000_000) {
      unit = "µs";
      value = ns / 1_000.0;
    } else if (ns < 1_000_000_000) {
      unit = "ms";
      value = ns / 1_000_000.0;
    } else {
      unit = "s";
      value = ns / 1_000_000_000.0;
    }
    String text = String.format(Locale.ROOT, "%.9f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    return text + unit;
  }

  /** meshgate's exit status: 0 when every test passed (or was skipped), 1 on failures, 2 on errors. */
  public static int exitStatus(List<TestResult> results) {
    boolean error = results.stream().anyMatch(r -> r.outcome() == Outcome.ERROR);
    boolean fail = results.stream().anyMatch(r -> r.outcome() == Outcome.FAIL);
    return error ? 2 : fail ? 1 : 0;
  }

  /**
   * {@code opa test}'s exit status: 0 when every test passed, 2 when any failed, erred or was
   * skipped (unless {@code skippedPass}, its {@code --exit-zero-on-skipped}).
   */
  public static int opaExitStatus(List<TestResult> results, boolean skippedPass) {
    for (TestResult r : results) {
      if (r.outcome() != Outcome.PASS && !(r.outcome() == Outcome.SKIP && skippedPass)) {
        return 2;
      }
    }
    return 0;
  }
}
