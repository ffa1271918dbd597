package io.meshgate.graph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Mermaid parser from npm, run under Node with jsdom ({@code src/test/resources/mermaid/parse.mjs}).
 * The npm install is cached outside the repository, in {@code ~/.cache/meshgate/mermaid-<versions>}
 * (or {@code -Dmeshgate.mermaidCache=DIR}), so it happens once per machine. Without node or npm, or when
 * the registry cannot be reached, the calling test is skipped with a message saying so.
 */
final class MermaidCli {
  static final String MERMAID = "11.17.2";
  static final String JSDOM = "24.1.3";

  private MermaidCli() {}

  record Outcome(int exit, String output) {}

  /** Parses each file; skips the test when the parser cannot be installed here. */
  static Outcome parse(List<Path> files) throws Exception {
    Path dir = installed();
    List<String> command = new ArrayList<>(List.of("node", dir.resolve("parse.mjs").toString()));
    files.forEach(f -> command.add(f.toString()));
    return run(dir, command, 300);
  }

  private static Path installed() throws Exception {
    Assumptions.assumeTrue(works("node", "--version") && works("npm", "--version"),
        "node and npm are not installed: the Mermaid syntax check is skipped (install Node.js to run it)");
    String configured = System.getProperty("meshgate.mermaidCache");
    Path dir = configured != null ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "meshgate", "mermaid-" + MERMAID + "-jsdom-" + JSDOM);
    Files.createDirectories(dir);
    try (InputStream script = MermaidCli.class.getResourceAsStream("/mermaid/parse.mjs")) {
      Files.write(dir.resolve("parse.mjs"), script.readAllBytes());
    }
    if (!Files.isRegularFile(dir.resolve("node_modules/mermaid/package.json"))
        || !Files.isRegularFile(dir.resolve("node_modules/jsdom/package.json"))) {
      Files.writeString(dir.resolve("package.json"), "{\"name\": \"meshgate-mermaid-check\", \"private\": true, "
          + "\"type\": \"module\", \"dependencies\": {\"mermaid\": \"" + MERMAID + "\", \"jsdom\": \"" + JSDOM + "\"}}\n");
      Outcome install = run(dir, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), 600);
      Assumptions.assumeTrue(install.exit() == 0,
          "npm install of mermaid " + MERMAID + " failed, so the Mermaid syntax check is skipped:\n" + install.output());
    }
    return dir;
  }

  private static boolean works(String... command) {
    try {
      return run(Path.of("."), List.of(command), 60).exit() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  private static Outcome run(Path dir, List<String> command, int seconds) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Outcome(-1, "timed out: " + String.join(" ", command));
    }
    return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
