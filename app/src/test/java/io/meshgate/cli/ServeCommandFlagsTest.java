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
  void intentAndUploadLimitsAreServeSettingsWhoseDefaultsAdmitALargeRepository() {
    String root = System.getProperty("meshgate.root", "..");
    CommandLine defaults = new CommandLine(new ServeCommand());
    defaults.parseArgs("--source", "/srv/git/intents.git", "--policies", root + "/policies");
    io.meshgate.service.ServiceLimits limits = ((ServeCommand) defaults.getCommand()).options().limits();
    assertTrue(limits.intents().maxFiles() >= 100_000, limits.toString());
    assertTrue(limits.intents().maxTotalBytes() >= 1L << 30, limits.toString());
    assertTrue(limits.maxArchiveEntries() >= 100_000, limits.toString());
    assertTrue(limits.maxUnpackedBytes() >= 1L << 30, limits.toString());

    CommandLine raised = new CommandLine(new ServeCommand());
    raised.parseArgs("--source", "/srv/git/intents.git", "--policies", root + "/policies",
        "--max-intent-files", "300000", "--max-intent-bytes", "3GiB", "--max-upload-bytes", "1GiB",
        "--max-upload-entries", "500000", "--max-upload-unpacked-bytes", "4GiB");
    limits = ((ServeCommand) raised.getCommand()).options().limits();
    assertEquals(300_000, limits.intents().maxFiles());
    assertEquals(3L << 30, limits.intents().maxTotalBytes());
    assertEquals(1L << 30, limits.maxArchiveBytes());
    assertEquals(500_000, limits.maxArchiveEntries());
    assertEquals(4L << 30, limits.maxUnpackedBytes());

    assertEquals(Main.EXIT_ERROR, run("serve", "--source", "/tmp/none", "--policies", ".", "--max-upload-entries", "0"));
    assertTrue(stderr.contains("--max-upload-entries"), stderr);
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

  /**
   * Finding 10: a password in a URL argument is visible to every user through ps. It is refused with
   * a message that says how to pass it, and that never repeats it, whatever characters it holds.
   */
  @Test
  void credentialsInUrlArgumentsAreRefusedWithoutBeingRepeated() {
    String[][] cases = {
      {"--source", "https://bot:p@ss/w rd@git.example.com/team/intents.git"},
      {"--source", "https://ghp_0123456789abcdefghij@github.com/team/intents.git"},
      {"--env-remote", "https://bot:s3cr3t-pw@git.example.com/team/env.git"},
      {"--policies-source", "ssh://git:hunter2-pw@git.example.com/sec/policies.git"},
    };
    for (String[] c : cases) {
      String source = c[0].equals("--source") ? c[1] : "/tmp/none";
      String[] args = c[0].equals("--source")
          ? new String[] {"serve", "--source", source, "--policies", "."}
          : new String[] {"serve", "--source", source, "--policies", ".", c[0], c[1]};
      if (c[0].equals("--policies-source")) {
        args = new String[] {"serve", "--source", source, c[0], c[1]};
      }
      assertEquals(Main.EXIT_ERROR, run(args), c[1]);
      assertTrue(stderr.contains(c[0]) && stderr.contains("MESHGATE_GIT_TOKEN_FILE") && stderr.contains("ps"), stderr);
      String secret = io.meshgate.publish.Redactor.userinfoOf(c[1]);
      assertTrue(!stderr.contains(secret) && !stderr.contains("p@ss") && !stderr.contains("hunter2"), stderr);
    }
    // A user name alone in an ssh URL is an account, not a secret.
    CommandLine cli = new CommandLine(new ServeCommand());
    String root = System.getProperty("meshgate.root", "..");
    cli.parseArgs("--source", "ssh://git@git.example.com/team/intents.git", "--policies", root + "/policies");
    assertEquals("ssh://git@git.example.com/team/intents.git", ((ServeCommand) cli.getCommand()).options().source());
  }

  @Test
  void newFlagsAreValidatedAndNamed() {
    String[][] cases = {
      {"--leader-election", "zookeeper", "--leader-election"},
      {"--leader-election", "file:", "--leader-election"},
      {"--lease-duration", "500ms", "--lease-duration"},
      {"--max-deletion-share", "150%", "--max-deletion-share"},
      {"--max-deletion-share", "half", "--max-deletion-share"},
      {"--idle-timeout", "0s", "--idle-timeout"},
      {"--validation-threads", "0", "--validation-threads"},
      {"--bind", " ", "--bind"},
      {"--api-token-file", "/no/such/file", "--api-token-file"},
      {"--policies-path", "intents", "--policies-path"},
    };
    for (String[] c : cases) {
      int code = run("serve", "--source", "/tmp/none", "--policies", ".", c[0], c[1]);
      if (c[0].equals("--policies-path")) {
        code = run("serve", "--source", "/tmp/none", c[0], c[1]);
      }
      assertEquals(Main.EXIT_ERROR, code, String.join(" ", c));
      assertTrue(stderr.contains(c[2]), c[0] + " " + c[1] + " gave: " + stderr);
    }
    String root = System.getProperty("meshgate.root", "..");
    CommandLine cli = new CommandLine(new ServeCommand());
    cli.parseArgs("--source", "/tmp/none", "--bind", "127.0.0.1", "--leader-election", "kubernetes:mesh/meshgate-env",
        "--lease-duration", "20s", "--max-deletion-share", "25%", "--policies-source", "https://git.example.com/sec/policies.git",
        "--policies-branch", "release", "--max-connections", "64", "--validation-timeout", "30s");
    io.meshgate.service.ServeOptions options = ((ServeCommand) cli.getCommand()).options();
    assertEquals("127.0.0.1", options.bindAddress());
    assertEquals("kubernetes:mesh/meshgate-env", options.leaderElection());
    assertEquals(java.time.Duration.ofSeconds(20), options.leaseDuration());
    assertEquals(0.25, options.maxDeletionShare(), 1e-9);
    assertEquals(".", options.policiesPath());
    assertEquals("release", options.policiesBranch());
    assertEquals(64, options.limits().maxConnections());
    assertEquals(java.time.Duration.ofSeconds(30), options.limits().validationTimeout());
    assertTrue(root.length() > 0);
  }

  @Test
  void sourceIsRequired() {
    assertEquals(Main.EXIT_ERROR, run("serve"));
    assertTrue(stderr.contains("--source"), stderr);
  }
}
