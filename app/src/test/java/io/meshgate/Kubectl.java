package io.meshgate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code kubectl} for tests: whether it is installed, and {@code kubectl kustomize DIR} as Flux and Argo CD build. */
public final class Kubectl {
  private static Boolean available;

  private Kubectl() {}

  /** Output of one kustomize build; stdout is the YAML, stderr the diagnostics. */
  public record Build(int exit, String stdout, String stderr) {
    public String describe() {
      return "exit " + exit + "\n" + stdout + stderr;
    }
  }

  /** True when {@code kubectl version --client} runs; asked once per test JVM. */
  public static synchronized boolean available() {
    if (available == null) {
      try {
        available = run(60, "kubectl", "version", "--client").exit() == 0;
      } catch (IOException e) {
        available = false;
      }
    }
    return available;
  }

  public static Build kustomize(Path dir) throws IOException {
    return run(120, "kubectl", "kustomize", dir.toString());
  }

  private static Build run(int timeoutSeconds, String... command) throws IOException {
    // stderr goes to a file so that neither stream can fill up and stall the other.
    Path errors = Files.createTempFile("kubectl", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " timed out");
      }
      return new Build(process.exitValue(), stdout, Files.readString(errors));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + " interrupted", e);
    } finally {
      Files.deleteIfExists(errors);
    }
  }
}
