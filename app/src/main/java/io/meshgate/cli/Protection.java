package io.meshgate.cli;

import io.meshgate.diff.ObjectChange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code --protect CLUSTER[/NAMESPACE]}: scopes in which any change needs a closer review. {@code *}
 * matches any run of characters: {@code prod-*}, or {@code *} then {@code /istio-system} for that namespace everywhere.
 */
final class Protection {
  /** A change in a protected scope: exit code 3 (after 2 and 1, which win). */
  static final int EXIT_PROTECTED = 3;

  private record Scope(Pattern cluster, Pattern namespace) {}

  private final List<Scope> scopes = new ArrayList<>();

  Protection(List<String> specs) throws IllegalArgumentException {
    for (String spec : specs == null ? List.<String>of() : specs) {
      String[] parts = spec.split("/", -1);
      if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
        throw new IllegalArgumentException("--protect " + spec + ": expected CLUSTER or CLUSTER/NAMESPACE (* matches any text)");
      }
      scopes.add(new Scope(glob(parts[0]), parts.length == 2 ? glob(parts[1]) : null));
    }
  }

  private static Pattern glob(String text) {
    return Pattern.compile(toRegex(text));
  }

  private static String toRegex(String text) {
    StringBuilder regex = new StringBuilder();
    String[] pieces = text.split("\\*", -1);
    for (int i = 0; i < pieces.length; i++) {
      if (i > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(pieces[i]));
    }
    return regex.toString();
  }

  /** The changes inside a protected scope. */
  Set<ObjectChange> matching(List<ObjectChange> changes) {
    Set<ObjectChange> out = new LinkedHashSet<>();
    for (ObjectChange change : changes) {
      for (Scope scope : scopes) {
        if (scope.cluster().matcher(change.cluster()).matches()
            && (scope.namespace() == null || scope.namespace().matcher(change.folder()).matches())) {
          out.add(change);
          break;
        }
      }
    }
    return out;
  }
}
