package io.meshgate.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCredentialsTest {
  @TempDir Path temp;

  @Test
  void noVariablesMeansNoCredentials() {
    GitCredentials credentials = GitCredentials.fromEnvironment(Map.of());
    assertFalse(credentials.hasToken());
    assertFalse(credentials.hasSshKey());
    assertEquals("GitCredentials[none]", credentials.toString());
  }

  @Test
  void tokenFromVariableWithDefaultUsername() throws Exception {
    GitCredentials credentials =
        GitCredentials.fromEnvironment(Map.of(GitCredentials.ENV_TOKEN, "ghp_0123456789"));
    assertTrue(credentials.hasToken());
    CredentialItem.Username user = new CredentialItem.Username();
    CredentialItem.Password password = new CredentialItem.Password();
    credentials.credentialsProvider().get(new URIish("https://h/r.git"), user, password);
    assertEquals(GitCredentials.DEFAULT_USERNAME, user.getValue());
    assertEquals("ghp_0123456789", new String(password.getValue()));
    assertFalse(credentials.toString().contains("ghp_0123456789"), credentials.toString());
    assertEquals("token *** here", credentials.redactor().redact("token ghp_0123456789 here"));
  }

  @Test
  void tokenFromVariableLosesTheLineBreakOfASecretMadeFromAFile() throws Exception {
    GitCredentials credentials =
        GitCredentials.fromEnvironment(Map.of(GitCredentials.ENV_TOKEN, "ghp_0123456789\n"));
    CredentialItem.Username user = new CredentialItem.Username();
    CredentialItem.Password password = new CredentialItem.Password();
    credentials.credentialsProvider().get(new URIish("https://h/r.git"), user, password);
    assertEquals("ghp_0123456789", new String(password.getValue()));
    assertEquals("token *** here", credentials.redactor().redact("token ghp_0123456789 here"));
  }

  @Test
  void tokenFromFileIsTrimmedAndUsesTheConfiguredUsername() throws Exception {
    Path file = Files.writeString(temp.resolve("token"), "  file-token-value\n");
    GitCredentials credentials = GitCredentials.fromEnvironment(Map.of(
        GitCredentials.ENV_TOKEN_FILE, file.toString(), GitCredentials.ENV_USERNAME, "robot"));
    CredentialItem.Username user = new CredentialItem.Username();
    CredentialItem.Password password = new CredentialItem.Password();
    credentials.credentialsProvider().get(new URIish("https://h/r.git"), user, password);
    assertEquals("robot", user.getValue());
    assertEquals("file-token-value", new String(password.getValue()));
    assertTrue(credentials.toString().contains("robot"));
    assertFalse(credentials.toString().contains("file-token-value"));
  }

  @Test
  void misconfigurationNamesTheVariable() throws Exception {
    Path empty = Files.writeString(temp.resolve("empty"), "\n");
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> GitCredentials.fromEnvironment(Map.of(GitCredentials.ENV_TOKEN, "abcd",
            GitCredentials.ENV_TOKEN_FILE, empty.toString())));
    IllegalArgumentException emptyFile = assertThrows(IllegalArgumentException.class,
        () -> GitCredentials.fromEnvironment(
            Map.of(GitCredentials.ENV_TOKEN_FILE, empty.toString())));
    IllegalArgumentException missingKey = assertThrows(IllegalArgumentException.class,
        () -> GitCredentials.fromEnvironment(
            Map.of(GitCredentials.ENV_SSH_KEY_FILE, temp.resolve("nope").toString())));
    IllegalArgumentException hostsWithoutKey = assertThrows(IllegalArgumentException.class,
        () -> GitCredentials.fromEnvironment(
            Map.of(GitCredentials.ENV_KNOWN_HOSTS, empty.toString())));

    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    assertTrue(emptyFile.getMessage().contains("MESHGATE_GIT_TOKEN_FILE"), emptyFile.getMessage());
    assertTrue(emptyFile.getMessage().contains("is empty"), emptyFile.getMessage());
    assertTrue(missingKey.getMessage().contains("MESHGATE_GIT_SSH_KEY_FILE"),
        missingKey.getMessage());
    assertTrue(hostsWithoutKey.getMessage().contains("MESHGATE_GIT_KNOWN_HOSTS"),
        hostsWithoutKey.getMessage());
  }

  @Test
  void sshKeyWithKnownHosts() throws Exception {
    Path key = Files.writeString(temp.resolve("id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    Path hosts = Files.writeString(temp.resolve("known_hosts"), "github.com ssh-ed25519 AAAA\n");
    GitCredentials credentials = GitCredentials.fromEnvironment(Map.of(
        GitCredentials.ENV_SSH_KEY_FILE, key.toString(),
        GitCredentials.ENV_KNOWN_HOSTS, hosts.toString()));
    assertTrue(credentials.hasSshKey());
    assertFalse(credentials.hasToken());
    assertTrue(credentials.toString().contains(key.toString()), credentials.toString());
    assertFalse(credentials.toString().contains("BEGIN"), credentials.toString());
  }
}
