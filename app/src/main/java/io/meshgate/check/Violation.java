package io.meshgate.check;

/**
 * One finding, structural ({@code MG-SCHEMA}) or from a policy, placed at a file, line and column.
 *
 * @param kind intent kind the finding is about, or null when it is about a file as a whole
 * @param name intent name, or null
 * @param field dotted path of the field within the document (e.g. {@code spec.mutualTLS}), or null
 * @param file path as shown to users (see {@link io.meshgate.intent.SourceLocation}); null when the
 *     finding cannot be placed in a file
 * @param line 1-based, 0 when unknown
 * @param column 1-based, 0 when unknown
 */
public record Violation(
    String rule,
    Severity severity,
    String message,
    String file,
    int line,
    int column,
    String kind,
    String name,
    String field) {

  public static final String SCHEMA_RULE = "MG-SCHEMA";

  /** A declared client that {@code meshgate verify} finds cannot reach its service. */
  public static final String REACH_RULE = "MG-REACH-01";

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
