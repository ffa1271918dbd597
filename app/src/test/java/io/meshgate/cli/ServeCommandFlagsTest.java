package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandFlagsTest {
  private String stderr;

  private int run(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      return Main.run(args);
    } finally {
      System.setErr(old);
      stderr = buf.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void badFlagsExitTwoWithAMessageNamingTheFlag() {
    String[][] cases = {
      {"--poll-interval", "5", "--poll-interval"},
      {"--poll-interval", "1d", "--poll-interval"},
      {"--http-port", "70000", "--http-port"},
      {"--policy-engine", "rego", "--policy-engine"},
      {"--policy-engine", "opa", "--opa-url"},
      {"--opa-url", "http://localhost:8181", "--opa-url"},
      {"--env-branch", "main", "--env-branch"},
      {"--source-branch", "bad..name", "--source-branch"},
      {"--intents-path", "../x", "--intents-path"},
    };
    for (String[] c : cases) {
      int code = run("serve", "--source", "/tmp/none", "--policies", ".", c[0], c[1]);
      assertEquals(Main.EXIT_ERROR, code, String.join(" ", c));
      assertTrue(stderr.contains(c[2]), c[0] + " " + c[1] + " gave: " + stderr);
      assertTrue(!stderr.contains("Exception"), stderr);
    }
  }

  @Test
  void aRelativeSourcePathIsResolvedAgainstTheWorkingDirectory() {
    String root = System.getProperty("meshgate.root", "..");
    CommandLine cli = new CommandLine(new ServeCommand());
    cli.parseArgs("--source", "repos/intents.git", "--env-remote", "../env.git", "--policies", root + "/policies");
    io.meshgate.service.ServeOptions options = ((ServeCommand) cli.getCommand()).options();
    java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath();
    assertEquals(cwd.resolve("repos/intents.git").toString(), options.source());
    assertEquals(cwd.getParent().resolve("env.git").toString(), options.envRemote());

    for (String url : new String[] {"https://git.example.com/org/repo.git", "ssh://git@host:22/org/repo.git",
        "git@github.com:org/repo.git", "file:///srv/git/repo.git", "/srv/git/repo.git"}) {
      assertEquals(url, ServeCommand.absoluteIfLocalPath(url), url);
    }
  }

  @Test
  void aWebhookSecretFromAFileLosesItsTrailingLineBreakOnly() {
    assertEquals("s3cr3t", ServeCommand.webhookSecret("s3cr3t\n"));
    assertEquals("s3cr3t", ServeCommand.webhookSecret("s3cr3t\r\n"));
    assertEquals(" spaced secret ", ServeCommand.webhookSecret(" spaced secret "));
    assertEquals(null, ServeCommand.webhookSecret("\n"));
    assertEquals(null, ServeCommand.webhookSecret(null));
  }

  @Test
  void sourceIsRequired() {
    assertEquals(Main.EXIT_ERROR, run("serve"));
    assertTrue(stderr.contains("--source"), stderr);
  }
}
