package io.meshgate.emco;

/**
 * A seed body field that cannot be mapped: where (file, line, column, JSON path) and what to do.
 *
 * @param file the file as the user named it, or null for a request body
 */
public record SeedProblem(String file, int line, int column, String jsonPath, String message) {

  /** {@code bodies/httpbin.json:7:13: $.spec.port: "80a" is not a whole number}. */
  @Override
  public String toString() {
    String where = file == null ? "" : file + ":" + line + ":" + column + ": ";
    return where + jsonPath + ": " + message;
  }
}
