package io.meshgate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code meshgate render}: not built yet. */
@Command(name = "render", description = "Not implemented yet.")
public final class RenderCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("meshgate render: not implemented yet");
    return Main.EXIT_ERROR;
  }
}
