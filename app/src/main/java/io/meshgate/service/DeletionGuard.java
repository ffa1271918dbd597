package io.meshgate.service;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses a publication that would delete much of what the clusters run: every object of a cluster
 * that had some, or more than a share of all objects. Flux ({@code prune: true}) and Argo CD
 * (automated sync with prune) delete from the cluster whatever disappears from the environment
 * branch, so an intents folder emptied by mistake would otherwise take the mesh configuration of
 * every cluster down with it. The source commit opts in with the trailer
 * {@code Meshgate-Allow-Deletion: true} (in the last paragraph of its message, as
 * {@code git commit --trailer} writes it).
 */
final class DeletionGuard {
  static final String TRAILER = "Meshgate-Allow-Deletion";
  static final String RULE = "MG-DELETE-01";
  private static final Pattern TRAILER_LINE = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9-]*)\\s*:\\s*(.*)$");

  private DeletionGuard() {}

  /** True when the commit message's trailers hold {@code Meshgate-Allow-Deletion: true} (or yes). */
  static boolean optedIn(String commitMessage) {
    if (commitMessage == null) {
      return false;
    }
    String[] paragraphs = commitMessage.strip().split("\\R\\s*\\R");
    String last = paragraphs[paragraphs.length - 1];
    for (String line : last.split("\\R")) {
      Matcher m = TRAILER_LINE.matcher(line.strip());
      if (m.matches() && m.group(1).equalsIgnoreCase(TRAILER)) {
        String value = m.group(2).strip().toLowerCase(Locale.ROOT);
        if (value.equals("true") || value.equals("yes")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Why publishing {@code newFiles} over {@code previousFiles} must be confirmed, or null when it
   * need not. Objects are the files below {@code clusters/<cluster>/<namespace>/}; each cluster's
   * {@code kustomization.yaml} is not one.
   *
   * @param maxShare the share of all objects (0 to 1) a publication may remove without opt-in
   */
  static String problem(Collection<String> previousFiles, Set<String> newFiles, double maxShare) {
    Map<String, int[]> perCluster = new TreeMap<>(); // cluster -> {before, after}
    int before = 0;
    int removed = 0;
    for (String path : previousFiles) {
      String cluster = clusterOfObject(path);
      if (cluster == null) {
        continue;
      }
      before++;
      perCluster.computeIfAbsent(cluster, c -> new int[2])[0]++;
      if (!newFiles.contains(path)) {
        removed++;
      }
    }
    for (String path : newFiles) {
      String cluster = clusterOfObject(path);
      if (cluster != null && perCluster.containsKey(cluster)) {
        perCluster.get(cluster)[1]++;
      }
    }
    List<String> emptied = perCluster.entrySet().stream()
        .filter(e -> e.getValue()[0] > 0 && e.getValue()[1] == 0)
        .map(e -> e.getKey() + " (" + e.getValue()[0] + ")").toList();
    double share = before == 0 ? 0 : (double) removed / before;
    boolean tooMany = share > maxShare;
    if (emptied.isEmpty() && !tooMany) {
      return null;
    }
    StringBuilder why = new StringBuilder("it would remove ");
    if (!emptied.isEmpty()) {
      why.append("every object of cluster").append(emptied.size() == 1 ? " " : "s ").append(String.join(", ", emptied))
          .append(" and ");
    }
    why.append(removed).append(" of ").append(before).append(" objects in all (")
        .append(Math.round(share * 100)).append("%");
    if (tooMany) {
      why.append(", more than the ").append(percent(maxShare)).append(" allowed by --max-deletion-share");
    }
    return why.append(")").toString();
  }

  /** What the user must do to publish anyway. */
  static String howToConfirm() {
    return "If the removal is intended, push a commit whose message ends with the trailer '" + TRAILER
        + ": true', e.g. git commit --allow-empty -m 'Remove the services of cluster X' --trailer '" + TRAILER
        + ": true' (Flux prune and Argo CD prune then delete these objects from the clusters)";
  }

  static String percent(double share) {
    double p = share * 100;
    return (p == Math.rint(p) ? Long.toString(Math.round(p)) : Double.toString(p)) + "%";
  }

  /** The cluster of {@code clusters/<cluster>/<namespace>/<file>}, else null. */
  private static String clusterOfObject(String path) {
    String[] parts = path.split("/");
    return parts.length >= 4 && parts[0].equals("clusters") ? parts[1] : null;
  }
}
