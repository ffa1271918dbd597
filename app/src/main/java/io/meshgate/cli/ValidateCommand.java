package io.meshgate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code meshgate validate}: not built yet. */
@Command(name = "validate", description = "Not implemented yet.")
public final class ValidateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("meshgate validate: not implemented yet");
    return Main.EXIT_ERROR;
  }
}
