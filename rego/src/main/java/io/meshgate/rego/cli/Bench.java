package io.meshgate.rego.cli;

import java.io.PrintStream;

/** Placeholder replaced below. */
final class Bench {
  private Bench() {}

  static int run(PrintStream out) {
    out.println("bench: not implemented yet");
    return 0;
  }
}
