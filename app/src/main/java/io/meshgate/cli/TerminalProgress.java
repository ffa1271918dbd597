package io.meshgate.cli;

import io.meshgate.check.Progress;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Progress on one line of stderr ({@code meshgate: 12,000 files read}), rewritten in place, for
 * people at a terminal. It shows nothing during the first second (a short run stays silent), redraws
 * at most five times a second, and clears its line at the end. {@link #forTerminal} decides whether
 * it is shown at all: never in CI, never for machine-readable output, never when stderr is not a
 * terminal (the {@code ./meshgate} launcher tells, as the JVM cannot see it).
 */
final class TerminalProgress implements Progress {

  /** Set to {@code true} by the launcher when stderr is a terminal ({@code [ -t 2 ]}). */
  static final String STDERR_TTY_PROPERTY = "meshgate.stderr.tty";

  private static final long QUIET_NANOS = 1_000_000_000L;
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final long start;
  private final Clock clock;
  private long lastDraw;
  private int width;

  /** The time source; a test passes its own. */
  interface Clock {
    long nanos();
  }

  TerminalProgress(PrintWriter err, Clock clock) {
    this.err = err;
    this.clock = clock;
    this.start = clock.nanos();
    this.lastDraw = start - REDRAW_NANOS;
  }

  /**
   * Progress for a command: shown only on a terminal, outside CI, for text output.
   *
   * @param textOutput false for json, sarif, junit, github (their consumers are programs)
   */
  static Progress forTerminal(PrintWriter err, boolean textOutput) {
    return shown(System.getenv(), System.getProperty(STDERR_TTY_PROPERTY), textOutput)
        ? new TerminalProgress(err, System::nanoTime) : Progress.NONE;
  }

  /** The rule of {@link #forTerminal}, on explicit inputs. */
  static boolean shown(Map<String, String> env, String stderrTty, boolean textOutput) {
    boolean ci = env.get("CI") != null && !env.get("CI").isEmpty() && !env.get("CI").equalsIgnoreCase("false");
    return textOutput && !ci && "true".equals(stderrTty);
  }

  @Override
  public synchronized void update(String phase, long done) {
    long now = clock.nanos();
    if (now - start < QUIET_NANOS || now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    String line = String.format("meshgate: %,d %s", done, phase);
    err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
    err.flush();
    width = line.length();
  }

  @Override
  public synchronized void finish() {
    if (width > 0) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
      width = 0;
    }
  }
}
