package io.meshgate.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens for {@code POST /api/v1/validate}, the detailed {@code GET /api/v1/status} and any
 * write API, read from a file ({@code --api-token-file}, typically a mounted Kubernetes Secret).
 * One token per line; blank lines and {@code #} comments are ignored, so a rotation can list the old
 * and the new token for a while. The file is read again when it changes (Kubernetes swaps the
 * mounted files of an updated Secret), so a rotation needs no restart. When the file becomes
 * unreadable or empty, every request is refused (fail closed) until it is fixed.
 *
 * <p>For the seed API a line can also say who holds the token (the author of the commits it asks
 * for) and which projects it may use: {@code <token> alice@example.com projects=shop,payments}
 * ({@code projects=*}: every project). A token without {@code projects=} may use none.
 */
public final class ApiTokens {
  private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
  /** Shorter values are guessable; a generated token ({@code openssl rand -hex 32}) is far longer. */
  static final int MIN_TOKEN_LENGTH = 16;
  private static final long RECHECK_NANOS = 2_000_000_000L;

  /** What a request's {@code Authorization} header amounts to. */
  public enum Verdict {
    /** No tokens configured: the endpoints are open. */
    OPEN,
    /** A configured token was presented. */
    GRANTED,
    /** No {@code Authorization: Bearer} header. */
    MISSING,
    /** A token that is not configured, or tokens cannot be read. */
    DENIED;

    public boolean allowed() {
      return this == OPEN || this == GRANTED;
    }
  }

  /** A token's line: its digest, who holds it (null: not said) and the projects it may use. */
  private record Entry(byte[] digest, String identity, List<String> projects) {}

  private static final java.util.regex.Pattern PROJECT = java.util.regex.Pattern.compile("\\*|[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private final Path file;
  private volatile List<Entry> digests = List.of();
  private volatile FileTime loadedVersion;
  private volatile long loadedSize = -1;
  private volatile long checkedAt;

  private ApiTokens(Path file) {
    this.file = file;
  }

  /** No tokens: every endpoint is open. */
  public static ApiTokens none() {
    return new ApiTokens(null);
  }

  /**
   * Tokens from a file.
   *
   * @throws IllegalArgumentException when the file is missing, empty or holds a token too short;
   *     the message names the flag, never a token
   */
  public static ApiTokens fromFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--api-token-file " + file + " is not a readable file (mount the Secret"
          + " holding the tokens there, or leave the flag out to keep the endpoints open)");
    }
    ApiTokens tokens = new ApiTokens(file);
    String problem = tokens.reload();
    if (problem != null) {
      throw new IllegalArgumentException("--api-token-file " + file + ": " + problem);
    }
    return tokens;
  }

  public boolean enabled() {
    return file != null;
  }

  /** Judges an {@code Authorization} header value (may be null). */
  public Verdict check(String authorization) {
    if (file == null) {
      return Verdict.OPEN;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Verdict.MISSING;
    }
    return holder(authorization) != null ? Verdict.GRANTED : Verdict.DENIED;
  }

  /**
   * The seed API's caller: who holds the presented token and which projects it may use. A token
   * line that names nobody stands for {@code api token <line number>}.
   */
  public SeedApiRoutes.Identified identify(String authorization) {
    Verdict verdict = check(authorization);
    if (verdict != Verdict.GRANTED) {
      return new SeedApiRoutes.Identified(verdict, null);
    }
    Entry entry = holder(authorization);
    return entry == null ? new SeedApiRoutes.Identified(Verdict.DENIED, null)
        : new SeedApiRoutes.Identified(Verdict.GRANTED, new SeedApi.Caller(entry.identity(), null, entry.projects()));
  }

  /** The entry of a presented {@code Bearer} token, or null. */
  private Entry holder(String authorization) {
    refreshIfChanged();
    byte[] presented = sha256(authorization.substring(7).strip());
    Entry found = null;
    for (Entry known : digests) {
      // Compare every entry in constant time, so neither the position nor the content leaks.
      if (MessageDigest.isEqual(known.digest(), presented)) {
        found = known;
      }
    }
    return found;
  }

  private void refreshIfChanged() {
    long now = System.nanoTime();
    if (now - checkedAt < RECHECK_NANOS) {
      return;
    }
    checkedAt = now;
    try {
      FileTime version = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (version.equals(loadedVersion) && size == loadedSize) {
        return;
      }
    } catch (IOException e) {
      // reload() reports it and fails closed
    }
    String problem = reload();
    if (problem != null) {
      LOG.warn("API tokens: {} ({}); every authenticated request is refused until it is fixed", problem, file);
    } else {
      LOG.info("API tokens: {} read again ({} token(s))", file, digests.size());
    }
  }

  /** Reads the file; on a problem keeps no token (fail closed) and returns what is wrong. */
  private synchronized String reload() {
    List<Entry> read = new ArrayList<>();
    try {
      FileTime version = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      int number = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        number++;
        String stripped = line.strip();
        if (stripped.isEmpty() || stripped.startsWith("#")) {
          continue;
        }
        String[] words = stripped.split("\\s+");
        String token = words[0];
        if (token.length() < MIN_TOKEN_LENGTH || token.toLowerCase(Locale.ROOT).equals("bearer")) {
          digests = List.of();
          return "every token must be at least " + MIN_TOKEN_LENGTH
              + " characters, without the 'Bearer ' prefix (generate one with: openssl rand -hex 32)";
        }
        String identity = null;
        List<String> projects = List.of();
        for (int i = 1; i < words.length; i++) {
          if (words[i].startsWith("projects=")) {
            projects = List.of(words[i].substring("projects=".length()).split(","));
            if (projects.stream().anyMatch(p -> !PROJECT.matcher(p).matches())) {
              digests = List.of();
              return "line " + number + ": projects=NAME,NAME (or projects=*) lists project names";
            }
          } else if (identity == null) {
            identity = words[i];
          } else {
            digests = List.of();
            return "line " + number + ": a line is <token> [<who>] [projects=NAME,...]";
          }
        }
        read.add(new Entry(sha256(token), identity != null ? identity : "api token " + number, projects));
      }
      loadedVersion = version;
      loadedSize = size;
    } catch (IOException e) {
      digests = List.of();
      return "cannot be read (" + e.getClass().getSimpleName() + ")";
    }
    digests = List.copyOf(read);
    return read.isEmpty() ? "holds no token" : null;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
