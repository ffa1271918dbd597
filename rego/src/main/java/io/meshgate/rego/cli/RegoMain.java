package io.meshgate.rego.cli;

import io.meshgate.rego.PreparedQuery;
import io.meshgate.rego.QueryResult;
import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.conformance.ConformanceRunner;
import io.meshgate.rego.runner.RegoTestRunner;
import io.meshgate.rego.value.Json;
import io.meshgate.rego.value.Value;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Command line of the engine jar, with {@code opa}'s flags where it has the command: {@code test}
 * (as {@code opa test}), {@code eval} (as {@code opa eval}), {@code conformance} and {@code bench}.
 */
public final class RegoMain {
  private RegoMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println("usage: meshgate-rego test [-v] [--v0-compatible] [-r REGEX] [-z] PATH... | "
          + "eval [-d PATH]... [-i FILE] [--format json|pretty] [--v0-compatible] QUERY | "
          + "conformance --flavour regorus|opa [--verbose] [--skips FILE] DIR... | bench");
      return 2;
    }
    try {
      return switch (args[0]) {
        case "test" -> test(List.of(args).subList(1, args.length), out, err);
        case "eval" -> eval(List.of(args).subList(1, args.length), out, err);
        case "conformance" -> conformance(List.of(args).subList(1, args.length), out, err);
        case "bench" -> Bench.run(out);
        default -> {
          err.println("unknown command " + args[0]);
          yield 2;
        }
      };
    } catch (RegoException e) {
      err.println(e.getMessage());
      return 2;
    } catch (IOException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
  }

  /**
   * {@code test [-v] [--v0-compatible|--v1-compatible] [-r REGEX] [-z] [--timeout D] PATH...}, as
   * {@code opa test}: exit 0 when every test passed, 2 when one failed, erred or was skipped (not
   * with {@code -z}), 1 when the policies could not be loaded.
   */
  private static int test(List<String> args, PrintStream out, PrintStream err) {
    boolean verbose = false;
    boolean skippedPass = false;
    RegoTestRunner.Options options = RegoTestRunner.Options.defaults().withOpaDataFiles(true);
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "-v", "--verbose" -> verbose = true;
        case "--v0-compatible" -> options = options.withVersion(io.meshgate.rego.parser.Parser.RegoVersion.V0);
        case "--v1-compatible" -> options = options.withVersion(io.meshgate.rego.parser.Parser.RegoVersion.V1);
        case "-z", "--exit-zero-on-skipped" -> skippedPass = true;
        case "-r", "--run" -> options = options.withRun(value(args, ++i, a));
        case "--timeout" -> options = new RegoTestRunner.Options(options.version(), options.run(),
            options.opaDataFiles(), goDuration(value(args, ++i, a)));
        default -> {
          if (a.startsWith("--run=")) {
            options = options.withRun(a.substring("--run=".length()));
          } else if (a.startsWith("-") && a.length() > 1) {
            throw new IllegalArgumentException("unknown flag " + a);
          } else {
            paths.add(Path.of(a));
          }
        }
      }
    }
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("specify at least one file");
    }
    List<RegoTestRunner.TestResult> results;
    try {
      results = RegoTestRunner.fromPaths(paths, Rego.builder(), options).run();
    } catch (RegoException e) {
      err.println(e.getMessage());
      return 1;
    }
    RegoTestRunner.format(results, out, verbose);
    return RegoTestRunner.opaExitStatus(results, skippedPass);
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }

  /** A Go duration such as {@code 5s}, {@code 1m30s} or {@code 500ms}. */
  static java.time.Duration goDuration(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(text);
    double nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      end = m.end();
    }
    if (end != text.length() || text.isEmpty()) {
      throw new IllegalArgumentException("invalid duration " + text);
    }
    return java.time.Duration.ofNanos((long) nanos);
  }

  /**
   * {@code eval [-d PATH]... [-i FILE] [--format json|pretty] [--v0-compatible|--v1-compatible]
   * [--strict-builtin-errors] QUERY}, printing what {@code opa eval} prints: in JSON
   * {@code {"result": [{"expressions": [{"value", "text", "location": {"row", "col"}}], "bindings"}]}}
   * ({@code {}} when undefined), in pretty form the value or a table of bindings.
   */
  private static int eval(List<String> args, PrintStream out, PrintStream err) throws IOException {
    Rego.Builder b = Rego.builder();
    Value input = null;
    String query = null;
    String format = "json";
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "-d", "--data" -> b.addPathLikeOpa(Path.of(value(args, ++i, a)));
        case "-i", "--input" -> input = readDocument(Path.of(value(args, ++i, a)));
        case "-f", "--format" -> format = value(args, ++i, a);
        case "--strict", "--strict-builtin-errors" -> b.strictBuiltinErrors(true);
        case "--v0-compatible" -> b.regoVersion(io.meshgate.rego.parser.Parser.RegoVersion.V0);
        case "--v1-compatible" -> b.regoVersion(io.meshgate.rego.parser.Parser.RegoVersion.V1);
        default -> {
          if (a.startsWith("--format=")) {
            format = a.substring("--format=".length());
          } else if (a.startsWith("-") && a.length() > 1) {
            throw new IllegalArgumentException("unknown flag " + a);
          } else {
            query = a;
          }
        }
      }
    }
    if (query == null) {
      throw new IllegalArgumentException("eval needs a query");
    }
    if (!format.equals("json") && !format.equals("pretty")) {
      throw new IllegalArgumentException("--format must be json or pretty");
    }
    Rego rego = b.print(err::println).build();
    PreparedQuery q = rego.prepare(query);
    QueryResult r = q.eval(input);
    out.println(format.equals("json") ? EvalOutput.json(q, r) : EvalOutput.pretty(q, r));
    return 0;
  }

  private static Value readDocument(Path p) throws IOException {
    String text = Files.readString(p);
    Object java = p.toString().endsWith(".json")
        ? new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .readValue(text, Object.class)
        : new org.yaml.snakeyaml.Yaml().load(text);
    return Value.of(java);
  }

  /** The checked-in skip list: found from the working directory, MESHGATE_HOME or the jar's location. */
  private static Path defaultSkips() {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of("rego/conformance-skips.yaml"));
    candidates.add(Path.of("conformance-skips.yaml"));
    String home = System.getenv("MESHGATE_HOME");
    if (home != null) {
      candidates.add(Path.of(home, "rego", "conformance-skips.yaml"));
    }
    try {
      Path jar = Path.of(RegoMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      candidates.add(jar.getParent().resolve("../conformance-skips.yaml").normalize());
    } catch (Exception e) {
      // not loaded from a file: no further candidate
    }
    for (Path c : candidates) {
      if (Files.exists(c)) {
        return c;
      }
    }
    return candidates.get(0);
  }

  private static int conformance(List<String> args, PrintStream out, PrintStream err) throws IOException {
    ConformanceRunner.Flavour flavour = ConformanceRunner.Flavour.REGORUS;
    boolean verbose = false;
    Path skips = defaultSkips();
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--flavour", "--flavor" -> flavour = ConformanceRunner.Flavour.valueOf(args.get(++i).toUpperCase());
        case "--verbose", "-v" -> verbose = true;
        case "--skips" -> skips = Path.of(args.get(++i));
        default -> dirs.add(Path.of(a));
      }
    }
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("conformance needs at least one directory");
    }
    ConformanceRunner runner = new ConformanceRunner(flavour, verbose, out, ConformanceRunner.loadSkips(skips));
    ConformanceRunner.Summary s = runner.run(dirs);
    return s.failed() == 0 ? 0 : 1;
  }
}
