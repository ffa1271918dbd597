package io.meshgate.publish;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How meshgate authenticates to Git remotes: an HTTPS token (Basic auth), an SSH private key, or
 * nothing (public or file:// remotes). Read from the environment so the Deployment can mount a
 * Secret; the secret values never appear in {@link #toString()} and are registered with the
 * {@link #redactor()} so messages that might echo them are masked.
 */
public final class GitCredentials {
  public static final String ENV_TOKEN = "MESHGATE_GIT_TOKEN";
  public static final String ENV_TOKEN_FILE = "MESHGATE_GIT_TOKEN_FILE";
  public static final String ENV_USERNAME = "MESHGATE_GIT_USERNAME";
  public static final String ENV_SSH_KEY_FILE = "MESHGATE_GIT_SSH_KEY_FILE";
  public static final String ENV_KNOWN_HOSTS = "MESHGATE_GIT_KNOWN_HOSTS";

  /**
   * GitHub (PATs and App installation tokens) and GitLab accept any user name with a token;
   * this one is the conventional choice and is what Bitbucket-style servers log.
   */
  public static final String DEFAULT_USERNAME = "x-access-token";

  private final String username;
  private final String token;
  private final Path sshKeyFile;
  private final Path knownHostsFile;
  private final Redactor redactor;
  private SshdSessionFactory sshSessionFactory;

  private GitCredentials(String username, String token, Path sshKeyFile, Path knownHostsFile) {
    this(username, token, sshKeyFile, knownHostsFile, Redactor.urlsOnly());
  }

  private GitCredentials(String username, String token, Path sshKeyFile, Path knownHostsFile, Redactor base) {
    this.username = username;
    this.token = token;
    this.sshKeyFile = sshKeyFile;
    this.knownHostsFile = knownHostsFile;
    List<String> secrets = new ArrayList<>();
    if (token != null) {
      secrets.add(token);
    }
    this.redactor = base.with(secrets);
  }

  /**
   * A remote as JGit should see it: an http(s) URL that carries a password in its user info is used
   * without it, and the user name and password become the Basic-auth credentials (a token from the
   * environment still wins). JGit then never prints the password, whatever characters it holds, and
   * the redactor masks the original user info as a literal value.
   *
   * @param url the URL as configured
   */
  public Remote forRemote(String url) {
    String userinfo = Redactor.userinfoOf(url);
    Redactor masking = redactor.withUrls(url == null ? List.of() : List.of(url));
    if (userinfo == null || !userinfo.contains(":")) {
      return new Remote(url, new GitCredentials(username, token, sshKeyFile, knownHostsFile, masking));
    }
    String scheme = url.substring(0, url.indexOf("://")).toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return new Remote(url, new GitCredentials(username, token, sshKeyFile, knownHostsFile, masking));
    }
    String clean = url.substring(0, url.indexOf("://") + 3) + url.substring(url.lastIndexOf('@') + 1);
    if (token != null) {
      return new Remote(clean, new GitCredentials(username, token, sshKeyFile, knownHostsFile, masking));
    }
    int colon = userinfo.indexOf(':');
    String user = decode(userinfo.substring(0, colon));
    String password = decode(userinfo.substring(colon + 1));
    return new Remote(clean, new GitCredentials(user, password, sshKeyFile, knownHostsFile,
        masking.with(List.of(password, userinfo.substring(colon + 1)))));
  }

  /** A remote URL and the credentials to reach it with; see {@link #forRemote(String)}. */
  public record Remote(String url, GitCredentials credentials) {}

  private static String decode(String text) {
    try {
      return java.net.URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // not percent-encoded: as written
    }
  }

  /** No credentials: anonymous HTTP(S), file:// or the platform's SSH defaults. */
  public static GitCredentials none() {
    return new GitCredentials(null, null, null, null);
  }

  /** HTTPS Basic auth with a token as the password. */
  public static GitCredentials token(String username, String token) {
    requireText(token, "Git token");
    String user = username == null || username.isBlank() ? DEFAULT_USERNAME : username.strip();
    return new GitCredentials(user, token.strip(), null, null);
  }

  /** SSH with a private key file; known hosts from the given file or ~/.ssh/known_hosts. */
  public static GitCredentials sshKey(Path keyFile, Optional<Path> knownHosts) {
    requireReadable(keyFile, ENV_SSH_KEY_FILE);
    knownHosts.ifPresent(path -> requireReadable(path, ENV_KNOWN_HOSTS));
    return new GitCredentials(null, null, keyFile, knownHosts.orElse(null));
  }

  /** From the process environment; see {@link #fromEnvironment(Map)}. */
  public static GitCredentials fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * From environment variables: {@code MESHGATE_GIT_TOKEN} or {@code MESHGATE_GIT_TOKEN_FILE}
   * (with optional {@code MESHGATE_GIT_USERNAME}), or {@code MESHGATE_GIT_SSH_KEY_FILE} (with
   * optional {@code MESHGATE_GIT_KNOWN_HOSTS}); none set gives {@link #none()}. A token and an SSH
   * key may both be set: the token serves HTTPS remotes, the key SSH remotes.
   *
   * @throws IllegalArgumentException naming the variable when a file is missing or empty, or
   *     both token variables are set
   */
  public static GitCredentials fromEnvironment(Map<String, String> env) {
    // A token never holds whitespace; a Secret created from a file often ends in a line break.
    String token = blankToNull(env.get(ENV_TOKEN) == null ? null : env.get(ENV_TOKEN).strip());
    String tokenFile = blankToNull(env.get(ENV_TOKEN_FILE));
    if (token != null && tokenFile != null) {
      throw new IllegalArgumentException(
          "set either " + ENV_TOKEN + " or " + ENV_TOKEN_FILE + ", not both");
    }
    if (tokenFile != null) {
      Path path = Path.of(tokenFile);
      requireReadable(path, ENV_TOKEN_FILE);
      try {
        token = blankToNull(Files.readString(path, StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        throw new IllegalArgumentException(
            ENV_TOKEN_FILE + "=" + tokenFile + " cannot be read: " + e.getClass().getSimpleName());
      }
      if (token == null) {
        throw new IllegalArgumentException(ENV_TOKEN_FILE + "=" + tokenFile + " is empty");
      }
    }
    String sshKey = blankToNull(env.get(ENV_SSH_KEY_FILE));
    String knownHosts = blankToNull(env.get(ENV_KNOWN_HOSTS));
    Path keyPath = null;
    Path knownHostsPath = null;
    if (sshKey != null) {
      keyPath = Path.of(sshKey);
      requireReadable(keyPath, ENV_SSH_KEY_FILE);
      if (knownHosts != null) {
        knownHostsPath = Path.of(knownHosts);
        requireReadable(knownHostsPath, ENV_KNOWN_HOSTS);
      }
    } else if (knownHosts != null) {
      throw new IllegalArgumentException(
          ENV_KNOWN_HOSTS + " is set but " + ENV_SSH_KEY_FILE + " is not");
    }
    String user = null;
    if (token != null) {
      String configured = blankToNull(env.get(ENV_USERNAME));
      user = configured == null ? DEFAULT_USERNAME : configured.strip();
    }
    return new GitCredentials(user, token, keyPath, knownHostsPath);
  }

  /** Masks URL userinfo and this object's secret values. */
  public Redactor redactor() {
    return redactor;
  }

  public boolean hasToken() {
    return token != null;
  }

  public boolean hasSshKey() {
    return sshKeyFile != null;
  }

  /** Configures a JGit transport (HTTP credentials, SSH session factory) before it connects. */
  public void applyTo(Transport transport) {
    if (token != null) {
      transport.setCredentialsProvider(credentialsProvider());
    }
    if (sshKeyFile != null && transport instanceof SshTransport ssh) {
      ssh.setSshSessionFactory(sshSessionFactory());
    }
  }

  CredentialsProvider credentialsProvider() {
    return new UsernamePasswordCredentialsProvider(username, token);
  }

  private synchronized SshdSessionFactory sshSessionFactory() {
    if (sshSessionFactory == null) {
      File home = new File(System.getProperty("user.home"));
      SshdSessionFactoryBuilder builder =
          new SshdSessionFactoryBuilder()
              .setHomeDirectory(home)
              .setSshDirectory(new File(home, ".ssh"))
              // Only our key: no agent, no ~/.ssh/id_* guessing.
              .setDefaultIdentities(sshDir -> List.of(sshKeyFile))
              .setPreferredAuthentications("publickey");
      if (knownHostsFile != null) {
        builder.setDefaultKnownHostsFiles(sshDir -> List.of(knownHostsFile));
      }
      sshSessionFactory = builder.build(null);
    }
    return sshSessionFactory;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (token != null) {
      parts.add("token for user " + username + " (" + Redactor.MASK + ")");
    }
    if (sshKeyFile != null) {
      parts.add("ssh key " + sshKeyFile + (knownHostsFile == null ? "" : ", known hosts " + knownHostsFile));
    }
    return "GitCredentials[" + (parts.isEmpty() ? "none" : String.join("; ", parts)) + "]";
  }

  private static void requireReadable(Path path, String what) {
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException(what + "=" + path + " is not a readable file");
    }
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
