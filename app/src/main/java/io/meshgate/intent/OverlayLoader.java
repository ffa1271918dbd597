package io.meshgate.intent;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads {@code <intents root>/overlays/<cluster>/**}{@code /*.yaml}: every document must be a
 * Kubernetes object with {@code apiVersion}, {@code kind}, {@code metadata.name} and
 * {@code metadata.namespace}, in the folder of a declared Cluster. Problems are {@code MG-OVERLAY-01}
 * (YAML syntax problems {@code MG-SCHEMA}, as for intent files) at file:line. Whether the API server
 * would accept the objects, and whether they clash with meshgate's, is checked after rendering
 * ({@code MG-CRD-01}, {@code MG-OVERLAY-02}).
 */
final class OverlayLoader {
  static final String RULE = "MG-OVERLAY-01";

  private OverlayLoader() {}

  /**
   * @param root the intents root (resolved)
   * @param label the path shown to users for a file below the root
   * @param clusters the declared Cluster names
   * @param limits the intents' limits, which overlay files count against separately (files, file size)
   */
  static Overlays read(Path root, Function<Path, String> label, Set<String> clusters, List<Violation> violations,
      IntentLimits limits) {
    Path folder = root.resolve(Overlays.FOLDER);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return Overlays.NONE;
    }
    SortedMap<String, List<Overlays.OverlayFile>> files = new TreeMap<>();
    SortedMap<String, List<OverlayObject>> objects = new TreeMap<>();
    List<Path> entries;
    try (Stream<Path> list = Files.list(folder)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      problem(violations, label.apply(folder), 1, "cannot list the overlays folder: " + IoProblems.describe(e));
      return Overlays.NONE;
    }
    int count = 0;
    for (Path clusterDir : entries) {
      String name = clusterDir.getFileName().toString();
      if (name.startsWith(".")) {
        continue;
      }
      if (!Files.isDirectory(clusterDir, LinkOption.NOFOLLOW_LINKS)) {
        if (isYaml(clusterDir)) {
          problem(violations, label.apply(clusterDir), 1, "overlay files go in " + Overlays.FOLDER
              + "/<cluster>/, the folder of the cluster they are applied to; move this file there");
        }
        continue;
      }
      List<Path> yamlFiles;
      try (Stream<Path> walk = Files.walk(clusterDir)) {
        yamlFiles = walk.filter(p -> !hidden(clusterDir, p)).filter(p -> isYaml(p)).sorted().toList();
      } catch (IOException e) {
        problem(violations, label.apply(clusterDir), 1, "cannot read: " + IoProblems.describe(e));
        continue;
      }
      if (!clusters.contains(name) && !yamlFiles.isEmpty()) {
        problem(violations, label.apply(yamlFiles.get(0)), 1, "overlay folder " + Overlays.FOLDER + "/" + name
            + "/ names no declared Cluster; overlays/<cluster>/ must be a Cluster's metadata.name ("
            + String.join(", ", new java.util.TreeSet<>(clusters)) + ")");
        continue;
      }
      for (Path file : yamlFiles) {
        String shown = label.apply(file);
        if (Files.isSymbolicLink(file)) {
          problem(violations, shown, 1, "symbolic link in overlays/: not followed; copy the file here instead");
          continue;
        }
        if (++count > limits.maxFiles()) {
          problem(violations, shown, 1, "too many overlay files (more than " + limits.maxFiles() + "); the rest are not read");
          return new Overlays(files, objects);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
          bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxFileBytes() + 1));
        } catch (IOException e) {
          problem(violations, shown, 1, "cannot read file: " + IoProblems.describe(e));
          continue;
        }
        if (bytes.length > limits.maxFileBytes()) {
          problem(violations, shown, 1, "file is too large (over " + IntentLimits.describeBytes(limits.maxFileBytes())
              + "); split it");
          continue;
        }
        int before = violations.size();
        List<YamlReader.Document> documents = YamlReader.read(shown, bytes, violations);
        if (violations.size() > before) {
          continue; // YAML problems already reported; nothing of this file is published
        }
        String relative = clusterDir.relativize(file).toString().replace('\\', '/');
        files.computeIfAbsent(name, k -> new ArrayList<>()).add(new Overlays.OverlayFile(name, shown, relative, bytes));
        for (YamlReader.Document document : documents) {
          String missing = missingField(document.content());
          if (missing != null) {
            SourceLocation at = document.locations().documentStart();
            violations.add(new Violation(RULE, Severity.ERROR, "overlay document has no " + missing
                + "; every overlay object needs apiVersion, kind, metadata.name and metadata.namespace",
                at.file(), at.line(), at.column(), null, null, null));
            continue;
          }
          objects.computeIfAbsent(name, k -> new ArrayList<>())
              .add(new OverlayObject(name, document.content(), document.locations()));
        }
      }
    }
    return new Overlays(files, objects);
  }

  private static String missingField(Map<String, Object> object) {
    if (!(object.get("apiVersion") instanceof String)) {
      return "apiVersion";
    }
    if (!(object.get("kind") instanceof String)) {
      return "kind";
    }
    if (!(object.get("metadata") instanceof Map<?, ?> meta) || !(meta.get("name") instanceof String)) {
      return "metadata.name";
    }
    if (!(meta.get("namespace") instanceof String)) {
      return "metadata.namespace (meshgate publishes namespaced Istio objects and does not guess where they go)";
    }
    return null;
  }

  private static boolean hidden(Path base, Path path) {
    for (Path part : base.relativize(path)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return (name.endsWith(".yaml") || name.endsWith(".yml")) && !Files.isDirectory(file);
  }

  private static void problem(List<Violation> violations, String file, int line, String message) {
    violations.add(new Violation(RULE, Severity.ERROR, message, file, line, 1, null, null, null));
  }
}
