package io.meshgate.publish;

import static io.meshgate.publish.GitFixtures.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH credentials end to end: an Apache MINA sshd server on loopback that runs the real {@code
 * git-upload-pack}/{@code git-receive-pack}, accepting one public key only.
 */
class SshTransportTest {
  @TempDir Path temp;
  private SshServer server;
  private Path repos;
  private Path envRepo;
  private Path clientKey;
  private Path knownHosts;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(commandWorks("ssh-keygen", "-?") || Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
        "ssh-keygen not found: SSH transport not tested");
    repos = temp.resolve("repos");
    envRepo = GitFixtures.bareRepository(repos.resolve("env.git"));
    clientKey = temp.resolve("keys/id_ed25519");
    Files.createDirectories(clientKey.getParent());
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "meshgate-test", "-f",
        clientKey.toString());
    PublicKey allowed = AuthorizedKeyEntry.readAuthorizedKeys(Path.of(clientKey + ".pub")).get(0)
        .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);

    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    SimpleGeneratorHostKeyProvider hostKeys =
        new SimpleGeneratorHostKeyProvider(temp.resolve("keys/host.ser"));
    hostKeys.setAlgorithm(KeyUtils.EC_ALGORITHM);
    server.setKeyPairProvider(hostKeys);
    server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(allowed, key));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
    server.start();

    KeyPair hostKey = hostKeys.loadKeys(null).iterator().next();
    knownHosts = temp.resolve("keys/known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " "
        + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.stop(true);
    }
  }

  private String url() {
    return "ssh://git@127.0.0.1:" + server.getPort() + envRepo.toAbsolutePath();
  }

  @Test
  void publishesAndFetchesWithTheConfiguredKeyAndKnownHosts() throws Exception {
    GitCredentials credentials = GitCredentials.fromEnvironment(Map.of(
        GitCredentials.ENV_SSH_KEY_FILE, clientKey.toString(),
        GitCredentials.ENV_KNOWN_HOSTS, knownHosts.toString()));

    PublishResult result = EnvironmentPublish.to(url())
        .cacheDir(temp.resolve("cache"))
        .credentials(credentials)
        .sourceCommit("4444444444444444444444444444444444444444")
        .render(previous -> output(Map.of("meshgate/allocations.yaml", "{}\n",
            "clusters/c1/kustomization.yaml", "resources: []\n")))
        .call();
    GitFixtures.commit(envRepo, "main", Map.of("intents/a.yaml", "a\n"), false, "intents");
    try (SourceSnapshot snapshot = SourceFetch.from(url()).cacheDir(temp.resolve("cache"))
        .credentials(credentials).call()) {
      assertEquals(GitFixtures.tip(envRepo, "main").orElseThrow(), snapshot.commitId());
    }

    assertEquals(PublishResult.Status.CREATED, result.status());
    assertEquals(Optional.of(result.envCommitId()), GitFixtures.tip(envRepo, "env/main"));
  }

  @Test
  void unknownHostKeyAndUnknownClientKeyAreRefused() throws Exception {
    Path otherKey = temp.resolve("keys/other");
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString());
    Path wrongHosts = temp.resolve("keys/wrong_known_hosts");
    Files.writeString(wrongHosts, "[127.0.0.1]:" + server.getPort() + " "
        + Files.readString(Path.of(otherKey + ".pub")).trim() + "\n");

    Map<GitCredentials, String> refused = Map.of(
        GitCredentials.sshKey(clientKey, Optional.of(wrongHosts)), "check MESHGATE_GIT_KNOWN_HOSTS",
        GitCredentials.sshKey(otherKey, Optional.of(knownHosts)), "credentials refused");
    for (Map.Entry<GitCredentials, String> entry : refused.entrySet()) {
      GitCredentials credentials = entry.getKey();
      GitOperationException failure = assertThrows(GitOperationException.class,
          () -> EnvironmentPublish.to(url())
              .cacheDir(temp.resolve("cache"))
              .credentials(credentials)
              .networkRetry(2, Duration.ofMillis(10), Duration.ofMillis(10))
              .timeoutSeconds(20)
              .sourceCommit("5555555555555555555555555555555555555555")
              .render(previous -> output(Map.of("meshgate/allocations.yaml", "{}\n")))
              .call(),
          credentials.toString());
      assertTrue(failure.getMessage().contains(entry.getValue()), failure.getMessage());
      // Refusals are final: no retry.
      assertFalse(failure.getMessage().contains("attempts"), failure.getMessage());
      assertFalse(failure.getMessage().contains("PRIVATE KEY"), failure.getMessage());
    }
    assertEquals(Optional.empty(), GitFixtures.tip(envRepo, "env/main"));
  }

  private static boolean commandWorks(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = GitHttpServer.readAll(process.getInputStream());
    process.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
  }
}
