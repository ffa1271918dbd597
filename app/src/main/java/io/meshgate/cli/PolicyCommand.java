package io.meshgate.cli;

import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.parser.Parser;
import io.meshgate.rego.runner.RegoTestRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meshgate policy}: work on the Rego policies. */
@Command(
    name = "policy",
    description = "Work on the Rego policies.",
    mixinStandardHelpOptions = true,
    subcommands = {PolicyCommand.Test.class})
public final class PolicyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: policy test [DIR]");
  }

  /**
   * {@code meshgate policy test [DIR] [-v] [--v0-compatible] [-r REGEX]}: runs the
   * {@code *_test.rego} files like {@code opa test}, with its output layout; exit codes are
   * meshgate's (0 all pass, 1 failures, 2 errors).
   */
  @Command(
      name = "test",
      description = "Run the policies' *_test.rego tests like opa test. Exit 0 all pass, 1 failures, 2 errors.",
      mixinStandardHelpOptions = true)
  public static final class Test implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DIR",
        description = "Policies folder (default: ./policies when it exists, else $MESHGATE_HOME/policies).")
    Path directory;

    @Option(names = {"-v", "--verbose"}, description = "List every test, not only failures.")
    boolean verbose;

    @Option(names = "--v0-compatible",
        description = "Read every module without `import rego.v1` as Rego v0 (as opa --v0-compatible). "
            + "Without it each file is read as v1 when it parses as v1, else as v0.")
    boolean v0Compatible;

    @Option(names = {"-r", "--run"}, paramLabel = "REGEX",
        description = "Only run tests whose full name (data.package.test_name) matches this regular expression.")
    String run;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Path dir = directory != null ? directory : new PolicyOptions().policiesDirectory();
      if (!Files.isDirectory(dir)) {
        err.println("meshgate policy test: policies directory " + dir + " does not exist");
        err.flush();
        return Main.EXIT_ERROR;
      }
      List<RegoTestRunner.TestResult> results;
      RegoTestRunner.Options options = RegoTestRunner.Options.defaults()
          .withVersion(v0Compatible ? Parser.RegoVersion.V0 : Parser.RegoVersion.AUTO);
      try {
        options = options.withRun(run);
      } catch (java.util.regex.PatternSyntaxException e) {
        err.println("meshgate policy test: --run: invalid regular expression: " + e.getDescription());
        err.flush();
        return Main.EXIT_ERROR;
      }
      try {
        results = RegoTestRunner.fromPaths(List.of(dir), Rego.builder(), options).run();
      } catch (RegoException e) {
        err.println("meshgate policy test: " + e.getMessage());
        err.flush();
        return Main.EXIT_ERROR;
      }
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      try (PrintStream stream = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
        RegoTestRunner.format(results, stream, verbose);
      }
      out.print(buffer.toString(StandardCharsets.UTF_8));
      out.flush();
      if (results.isEmpty()) {
        return Main.EXIT_VIOLATIONS; // a policy folder without tests is not a passing one
      }
      return RegoTestRunner.exitStatus(results);
    }
  }
}
