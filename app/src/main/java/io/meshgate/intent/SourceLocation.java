package io.meshgate.intent;

/**
 * Where something stands in an intent file. {@code file} is the path shown to users: relative to
 * the parent of the intents root (so {@code intents/sleep.yaml} for a repository's {@code intents/}
 * folder), with forward slashes. Line and column are 1-based.
 */
public record SourceLocation(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
