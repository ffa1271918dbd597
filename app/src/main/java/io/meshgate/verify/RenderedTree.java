package io.meshgate.verify;

import io.meshgate.check.Violation;
import io.meshgate.crd.IstioCrds;
import io.meshgate.intent.IoProblems;
import io.meshgate.intent.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a rendered tree ({@code clusters/<cluster>/**}{@code /*.yaml}, multi-document YAML, as on the
 * environment branch) into the plain objects of each cluster, in place of a render.
 */
public final class RenderedTree {
  private RenderedTree() {}

  /** A tree that cannot be read; the message names file:line:column and what to fix. */
  public static final class TreeException extends Exception {
    public TreeException(String message) {
      super(message);
    }
  }

  private static final int MAX_PROBLEMS_SHOWN = 20;

  public static Map<String, List<Map<String, Object>>> read(Path root) throws TreeException {
    Path clustersDir = root.resolve("clusters");
    if (!Files.isDirectory(clustersDir)) {
      throw new TreeException(root + ": no clusters/ folder; --rendered takes a folder holding clusters/<cluster>/..."
          + " (a checkout of the environment branch or a render --out folder)");
    }
    Map<String, List<Map<String, Object>>> out = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    List<Map.Entry<String, Map<String, Object>>> istioObjects = new ArrayList<>();
    List<Path> clusterDirs;
    try (Stream<Path> list = Files.list(clustersDir)) {
      clusterDirs = list.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new TreeException(clustersDir + ": " + IoProblems.describe(e));
    }
    for (Path clusterDir : clusterDirs) {
      String cluster = clusterDir.getFileName().toString();
      List<Map<String, Object>> objects = new ArrayList<>();
      out.put(cluster, objects);
      List<Path> files;
      try (Stream<Path> walk = Files.walk(clusterDir)) {
        files = walk.filter(Files::isRegularFile).filter(RenderedTree::isYaml).sorted().toList();
      } catch (IOException e) {
        throw new TreeException(clusterDir + ": " + IoProblems.describe(e));
      }
      for (Path file : files) {
        String shown = file.toString().replace('\\', '/');
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (IOException e) {
          problems.add(shown + ": " + IoProblems.describe(e));
          continue;
        }
        List<Violation> yamlProblems = new ArrayList<>();
        List<Map<String, Object>> documents = YamlReader.readMappings(shown, bytes, yamlProblems);
        for (Violation v : yamlProblems) {
          problems.add(v.file() + ":" + v.line() + ":" + Math.max(1, v.column()) + ": " + v.message());
        }
        if (!yamlProblems.isEmpty()) {
          continue;
        }
        for (Map<String, Object> document : documents) {
          if (!(document.get("kind") instanceof String kind) || !(document.get("metadata") instanceof Map<?, ?> metadata)
              || !(metadata.get("name") instanceof String)) {
            problems.add(shown + ": a document without kind or metadata.name; every object needs apiVersion, kind, "
                + "metadata.name (and metadata.namespace)");
            continue;
          }
          if (!kind.equals("Kustomization")) {
            objects.add(document);
            if (document.get("apiVersion") instanceof String apiVersion && apiVersion.contains("istio.io/")) {
              istioObjects.add(Map.entry(shown, document));
            }
          }
        }
      }
    }
    // An object the API server would refuse never reaches a cluster: simulating it would describe
    // traffic that cannot happen (a string where a list belongs reads as "no restriction").
    IstioCrds crds = IstioCrds.current();
    istioObjects.parallelStream()
        .map(entry -> crds.validate(entry.getValue()).stream()
            .map(problem -> entry.getKey() + ": " + entry.getValue().get("kind") + " "
                + ((Map<?, ?>) entry.getValue().get("metadata")).get("name") + " would be rejected by the API server: "
                + problem)
            .toList())
        .toList()
        .forEach(problems::addAll);
    if (!problems.isEmpty()) {
      StringBuilder message = new StringBuilder("cannot read the rendered tree " + root + ":");
      problems.stream().limit(MAX_PROBLEMS_SHOWN).forEach(p -> message.append("\n  ").append(p));
      if (problems.size() > MAX_PROBLEMS_SHOWN) {
        message.append("\n  ... and ").append(problems.size() - MAX_PROBLEMS_SHOWN).append(" more");
      }
      throw new TreeException(message.toString());
    }
    return out;
  }

  /** YAML files other than kustomize's own ({@code kustomization.yaml} lists the objects, it is none). */
  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith("kustomization.");
  }
}
