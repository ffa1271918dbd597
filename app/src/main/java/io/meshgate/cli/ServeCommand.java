package io.meshgate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code meshgate serve}: not built yet. */
@Command(name = "serve", description = "Not implemented yet.")
public final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("meshgate serve: not implemented yet");
    return Main.EXIT_ERROR;
  }
}
