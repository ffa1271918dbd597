package io.meshgate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link Main#run} in-process with stdout and stderr captured. */
public record CliRun(int exit, String out, String err) {

  public static synchronized CliRun of(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      System.out.flush();
      System.err.flush();
      return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  /** True when the output shows a Java stack trace or exception name instead of a message. */
  public boolean leaksStackTrace() {
    String all = out + err;
    return all.contains("Exception") || all.contains("\tat ") || all.contains("at io.")
        || all.contains("at java.") || all.contains("at org.");
  }
}
