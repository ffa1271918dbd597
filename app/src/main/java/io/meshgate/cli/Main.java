package io.meshgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./meshgate}. Exit codes: 0 clean, 1 violations, 2 usage or internal error. */
@Command(
    name = "meshgate",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Policy-checked GitOps for multi-cluster Istio.",
    subcommands = {
      ValidateCommand.class,
      RenderCommand.class,
      VerifyCommand.class,
      ExplainCommand.class,
      DiffCommand.class,
      ReportCommand.class,
      GraphCommand.class,
      PolicyCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      ImportCommand.class,
      BenchCommand.class,
      CdsTrainingCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_VIOLATIONS = 1;
  public static final int EXIT_ERROR = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** The commands that start by loading an intents folder. */
  private static final java.util.Set<String> READS_INTENTS = java.util.Set.of("validate", "render", "verify", "diff",
      "graph", "explain");

  /** Runs the CLI and returns its exit code; never throws. */
  public static int run(String... args) {
    if (args.length > 0 && READS_INTENTS.contains(args[0])) {
      // The intent schemas (and Jackson) load on the other core while picocli reflects over the
      // command (seed validate, 25 interleaved runs: 0.677 -> 0.648 s on average).
      Thread schemas = new Thread(() -> {
        try {
          io.meshgate.intent.IntentLoader.prepare();
        } catch (RuntimeException | LinkageError e) {
          // only a warm-up: the load meets the same failure and reports it
        }
      }, "meshgate-schema-warm-up");
      schemas.setDaemon(true);
      schemas.start();
    }
    CommandLine cli = root(args)
        .setExitCodeExceptionMapper(e -> EXIT_ERROR)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // An internal failure is reported in one line, never as a stack trace.
          cmd.getErr().println("meshgate: internal error: " + describe(e));
          if (System.getenv("MESHGATE_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
          }
          return EXIT_ERROR;
        });
    cli.getCommandSpec().exitCodeOnInvalidInput(EXIT_ERROR);
    cli.getCommandSpec().exitCodeOnExecutionException(EXIT_ERROR);
    return cli.execute(args);
  }

  /**
   * The command line to parse {@code args} with: when they start with a command's name, only that
   * command is built (picocli reflects over every command it is given, which a short run pays for
   * on every start); otherwise (help, version, a typo to suggest a fix for) all of them.
   */
  private static CommandLine root(String... args) {
    if (args.length > 0) {
      for (Class<?> type : Main.class.getAnnotation(Command.class).subcommands()) {
        Command command = type.getAnnotation(Command.class);
        if (command != null && command.name().equals(args[0]) && type != CommandLine.HelpCommand.class) {
          CommandLine root = new CommandLine(CommandLine.Model.CommandSpec.create().name("meshgate"));
          root.addSubcommand(command.name(), new CommandLine(type));
          return root;
        }
      }
    }
    return new CommandLine(new Main());
  }

  /** A one-line description; file-system failures name the file and the reason (the JDK gives only the path). */
  static String describe(Throwable e) {
    if (e instanceof java.nio.file.NoSuchFileException f) {
      return f.getFile() + ": no such file or directory" + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
    }
    if (e instanceof java.nio.file.AccessDeniedException f) {
      return f.getFile() + ": permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getFile() + ": already exists (and is in the way)";
    }
    if (e instanceof java.nio.file.FileSystemException f) {
      return f.getFile() + ": " + io.meshgate.intent.IoProblems.describe(f);
    }
    String msg = e.getMessage();
    if (msg == null || msg.isBlank()) {
      return "unexpected failure; run again with MESHGATE_DEBUG=1 for details and report it";
    }
    // "java.io.IOException: disk full" reads as "disk full": users get the reason, not the class.
    return msg.replaceFirst("^([a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(Exception|Error): ", "");
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
