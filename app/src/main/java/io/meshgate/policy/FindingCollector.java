package io.meshgate.policy;

import io.meshgate.check.Severity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the value of {@code data.meshgate} (plain Java maps, lists and sets) into a decision: every
 * {@code deny} and {@code warn} set at any depth counts, so a new package under {@code meshgate}
 * takes effect without a code change. Shared by every engine so they cannot disagree.
 */
public final class FindingCollector {
  static final String DENY = "deny";
  static final String WARN = "warn";

  private FindingCollector() {}

  /**
   * @param meshgateDocument the value of {@code data.meshgate}
   * @throws PolicyEngineException when the document is not an object or a finding is malformed
   */
  public static PolicyDecision collect(Object meshgateDocument) throws PolicyEngineException {
    if (!(meshgateDocument instanceof Map<?, ?> root)) {
      throw new PolicyEngineException("policy result data.meshgate is not an object but "
          + describe(meshgateDocument));
    }
    List<PolicyFinding> denies = new ArrayList<>();
    List<PolicyFinding> warnings = new ArrayList<>();
    collect(root, "data.meshgate", denies, warnings);
    return new PolicyDecision(denies, warnings);
  }

  private static void collect(Map<?, ?> document, String path, List<PolicyFinding> denies,
      List<PolicyFinding> warnings) throws PolicyEngineException {
    // Sorted keys: the same document always yields the same error first.
    Map<String, Object> sorted = new TreeMap<>();
    document.forEach((key, value) -> sorted.put(String.valueOf(key), value));
    for (Map.Entry<String, Object> entry : sorted.entrySet()) {
      String childPath = path + "." + entry.getKey();
      Object value = entry.getValue();
      boolean findingSet = DENY.equals(entry.getKey()) || WARN.equals(entry.getKey());
      if (findingSet && !(value instanceof Collection<?>)) {
        // A deny that is not a set is a policy bug; ignoring it could hide a denial.
        throw new PolicyEngineException(childPath + " must be a set of findings (write `"
            + entry.getKey() + " contains {...} if {...}`) but is " + describe(value));
      }
      if (findingSet) {
        Severity severity = DENY.equals(entry.getKey()) ? Severity.ERROR : Severity.WARNING;
        List<PolicyFinding> target = severity == Severity.ERROR ? denies : warnings;
        for (Object element : (Collection<?>) value) {
          target.add(finding(element, severity, childPath));
        }
      } else if (value instanceof Map<?, ?> child) {
        collect(child, childPath, denies, warnings);
      }
    }
  }

  private static PolicyFinding finding(Object element, Severity severity, String path)
      throws PolicyEngineException {
    if (element instanceof String message && !message.isBlank()) {
      // conftest's convention (`deny contains msg if ...`): a bare message still counts, named
      // after its package, without a place in a file. Dropping it would let a denial through.
      String packagePath = path.substring("data.".length(), path.lastIndexOf('.'));
      return new PolicyFinding(packagePath, severity, message, null, null, null);
    }
    if (!(element instanceof Map<?, ?> object)) {
      throw new PolicyEngineException("malformed finding in " + path + ": expected an object "
          + "{\"rule\",\"msg\",\"kind\",\"name\",\"field\"} or a message string but got "
          + describe(element));
    }
    String rule = requiredString(object, "rule", path);
    String message = requiredString(object, "msg", path);
    return new PolicyFinding(rule, severity, message, optionalString(object, "kind", path),
        optionalString(object, "name", path), optionalString(object, "field", path), suggest(object.get("suggest")));
  }

  /** The optional {@code suggest} hint; anything malformed is ignored (it only adds a hint). */
  private static PolicyFinding.Suggest suggest(Object raw) {
    if (!(raw instanceof Map<?, ?> hint) || hint.get("value") == null) {
      return null;
    }
    List<String> candidates = new ArrayList<>();
    if (hint.get("candidates") instanceof Collection<?> list) {
      list.forEach(c -> candidates.add(String.valueOf(c)));
    }
    return new PolicyFinding.Suggest(String.valueOf(hint.get("value")),
        hint.get("kind") instanceof String kind ? kind : null, candidates);
  }

  private static String requiredString(Map<?, ?> object, String key, String path)
      throws PolicyEngineException {
    Object value = object.get(key);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new PolicyEngineException("malformed finding in " + path + ": \"" + key
          + "\" must be a non-empty string in " + object);
    }
    return text;
  }

  private static String optionalString(Map<?, ?> object, String key, String path)
      throws PolicyEngineException {
    Object value = object.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new PolicyEngineException("malformed finding in " + path + ": \"" + key
          + "\" must be a string in " + object);
    }
    return text;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "undefined";
    }
    String text = String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
