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

  private final Path file;
  private volatile List<byte[]> digests = List.of();
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
    refreshIfChanged();
    byte[] presented = sha256(authorization.substring(7).strip());
    boolean match = false;
    for (byte[] known : digests) {
      // Compare every entry in constant time, so neither the position nor the content leaks.
      match |= MessageDigest.isEqual(known, presented);
    }
    return match ? Verdict.GRANTED : Verdict.DENIED;
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
    List<byte[]> read = new ArrayList<>();
    try {
      FileTime version = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String token = line.strip();
        if (token.isEmpty() || token.startsWith("#")) {
          continue;
        }
        if (token.length() < MIN_TOKEN_LENGTH || token.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
          digests = List.of();
          return "every token must be at least " + MIN_TOKEN_LENGTH
              + " characters, without the 'Bearer ' prefix (generate one with: openssl rand -hex 32)";
        }
        read.add(sha256(token));
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
