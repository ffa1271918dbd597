package io.meshgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One command run as a child process, timed from start to exit, with its peak resident memory:
 * the kernel's high-water mark ({@code VmHWM} in {@code /proc/<pid>/status}), read every few
 * milliseconds while the child runs (the launcher {@code exec}s the JVM, so the pid stays the same).
 *
 * <p>Its CPU time (user + system) is what the kernel adds to this process's "children" times in
 * {@code /proc/self/stat} when the child is reaped: less disturbed than wall time by other work on
 * a shared machine. Runs must not overlap for it to be right.
 *
 * @param exit the exit code, or -1 when it was stopped at the time limit
 * @param seconds wall time from start to exit
 * @param cpuSeconds user + system CPU time of the child and its own children, -1 when unknown
 * @param peakRssKib the largest VmHWM seen, 0 when /proc is not readable (not Linux)
 * @param log the file holding the child's stdout and stderr
 */
public record ChildRun(int exit, double seconds, double cpuSeconds, long peakRssKib, Path log) {
  private static final long POLL_MILLIS = 5;
  /** Clock ticks per second of /proc times (USER_HZ, 100 on every Linux build in use). */
  private static final double TICKS_PER_SECOND = 100.0;

  public boolean timedOut() {
    return exit == -1;
  }

  /** Runs {@code command} in {@code directory}; output goes to {@code log}. */
  public static ChildRun of(List<String> command, Path directory, Path log, Duration timeLimit)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    long cpuBefore = childrenCpuTicks();
    long start = System.nanoTime();
    Process process = builder.start();
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    long peak = 0;
    long deadline = start + timeLimit.toNanos();
    boolean exited = false;
    while (!exited && System.nanoTime() < deadline) {
      peak = Math.max(peak, highWaterMarkKib(status));
      exited = process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!exited) {
      process.destroyForcibly().waitFor();
      return new ChildRun(-1, seconds, -1, peak, log);
    }
    long cpuAfter = childrenCpuTicks();
    double cpu = cpuBefore < 0 || cpuAfter < 0 ? -1 : (cpuAfter - cpuBefore) / TICKS_PER_SECOND;
    return new ChildRun(process.exitValue(), seconds, cpu, peak, log);
  }

  /** cutime + cstime of this process (fields 16 and 17 of /proc/self/stat), -1 when unreadable. */
  static long childrenCpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.ISO_8859_1);
      // The command name (field 2) may hold spaces; the fields after it start past its ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The last {@code count} lines of the child's output. */
  public List<String> tail(int count) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return new ArrayList<>(lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException | RuntimeException e) {
      return List.of("(output unreadable: " + e.getMessage() + ")");
    }
  }

  /** VmHWM in KiB, 0 when the process is gone or this is not Linux. */
  static long highWaterMarkKib(Path status) {
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process has just exited, or there is no /proc: keep the last value.
    }
    return 0;
  }
}
