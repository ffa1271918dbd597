package io.meshgate.policy;

import io.meshgate.check.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One object of a policy's {@code deny} (severity error) or {@code warn} (severity warning) set.
 *
 * @param kind intent kind the finding is about (may be null when a policy does not say)
 * @param name intent name (may be null)
 * @param field dotted field path inside the document, e.g. {@code spec.mutualTLS} (may be null)
 * @param suggest a misspelt name the finding is about and where to look for the right one, so
 *     meshgate can add "did you mean" (its edit-distance helper is Java), or null
 */
public record PolicyFinding(String rule, Severity severity, String message, String kind, String name,
    String field, Suggest suggest) implements Comparable<PolicyFinding> {

  /**
   * A finding's {@code "suggest": {"value": "httpbim", "kind": "InboundService"}} (candidates: the
   * names of that intent kind) or {@code {"value": "grcp", "candidates": ["grpc", "http"]}}.
   */
  public record Suggest(String value, String kind, List<String> candidates) {
    public Suggest {
      candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }
  }

  public PolicyFinding(String rule, Severity severity, String message, String kind, String name, String field) {
    this(rule, severity, message, kind, name, field, null);
  }

  private static final Comparator<String> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());
  private static final Comparator<PolicyFinding> ORDER = Comparator
      .comparing(PolicyFinding::severity)
      .thenComparing(PolicyFinding::rule)
      .thenComparing(PolicyFinding::kind, NULLS_FIRST)
      .thenComparing(PolicyFinding::name, NULLS_FIRST)
      .thenComparing(PolicyFinding::field, NULLS_FIRST)
      .thenComparing(PolicyFinding::message);

  public PolicyFinding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public int compareTo(PolicyFinding other) {
    return ORDER.compare(this, other);
  }
}
