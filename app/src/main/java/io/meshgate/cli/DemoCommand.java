package io.meshgate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code meshgate demo}: not built yet. */
@Command(name = "demo", description = "Not implemented yet.")
public final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("meshgate demo: not implemented yet");
    return Main.EXIT_ERROR;
  }
}
