package io.meshgate.rego.ast;

/** A position in a module: file name, 1-based line and column. */
public record Loc(String file, int line, int column) {
  @Override public String toString() { return file + ":" + line + ":" + column; }
}
