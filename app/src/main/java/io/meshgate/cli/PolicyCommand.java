package io.meshgate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code meshgate policy}: not built yet. */
@Command(name = "policy", description = "Not implemented yet.")
public final class PolicyCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("meshgate policy: not implemented yet");
    return Main.EXIT_ERROR;
  }
}
