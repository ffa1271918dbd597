package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.meshgate.check.Violation;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.YamlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small meshes for the hop tables: intents as YAML (loaded by the real loader) and, per cluster,
 * named objects as YAML that a case can replace or drop before the model is built.
 */
public final class TestMesh {
  final String intents;
  final Map<String, Map<String, String>> objects = new TreeMap<>();

  TestMesh(String intents) {
    this.intents = intents;
  }

  TestMesh put(String cluster, String key, String yaml) {
    objects.computeIfAbsent(cluster, k -> new LinkedHashMap<>()).put(key, yaml);
    return this;
  }

  TestMesh drop(String cluster, String key) {
    objects.getOrDefault(cluster, new LinkedHashMap<>()).remove(key);
    return this;
  }

  IntentSet loadIntents() {
    try {
      Path dir = Files.createTempDirectory("mesh");
      Files.writeString(dir.resolve("intents.yaml"), intents);
      LoadResult load = IntentLoader.load(dir);
      assertFalse(load.hasErrors(), () -> "test intents are invalid: " + load.violations());
      return load.intents();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, List<Map<String, Object>>> plainObjects() {
    Map<String, List<Map<String, Object>>> out = new TreeMap<>();
    objects.forEach((cluster, byKey) -> {
      List<Map<String, Object>> list = new ArrayList<>();
      byKey.forEach((key, yaml) -> list.addAll(parse(key, yaml)));
      out.put(cluster, list);
    });
    return out;
  }

  Simulator simulator() {
    return new Simulator(MeshModel.build(loadIntents(), plainObjects()));
  }

  Verifier.Result verify() {
    return Verifier.verify(loadIntents(), plainObjects(), true);
  }

  static List<Map<String, Object>> parse(String file, String yaml) {
    List<Violation> problems = new ArrayList<>();
    List<Map<String, Object>> docs = YamlReader.readMappings(file, yaml.getBytes(StandardCharsets.UTF_8), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("bad test YAML " + file + ": " + problems);
    }
    return docs;
  }

  /** A checked-in tree below src/test/resources/verify/NAME: {@code intents/} and {@code rendered/}. */
  public static Path tree(String name) {
    try {
      return Path.of(TestMesh.class.getResource("/verify/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static IntentSet treeIntents(String name) {
    LoadResult load = IntentLoader.load(tree(name).resolve("intents"));
    assertFalse(load.hasErrors(), () -> "intents of " + name + " are invalid: " + load.violations());
    return load.intents();
  }

  /** The tree's objects as mutable copies (the reader's maps are immutable): tests edit them. */
  @SuppressWarnings("unchecked")
  static Map<String, List<Map<String, Object>>> treeObjects(String name) {
    try {
      Map<String, List<Map<String, Object>>> tree = new java.util.TreeMap<>();
      RenderedTree.read(tree(name).resolve("rendered")).forEach((cluster, objects) -> {
        List<Map<String, Object>> copies = new java.util.ArrayList<>();
        objects.forEach(object -> copies.add((Map<String, Object>) mutableCopy(object)));
        tree.put(cluster, copies);
      });
      return tree;
    } catch (RenderedTree.TreeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static Object mutableCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new java.util.LinkedHashMap<>();
      map.forEach((key, child) -> copy.put(key, mutableCopy(child)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new java.util.ArrayList<>();
      list.forEach(child -> copy.add(mutableCopy(child)));
      return copy;
    }
    return value;
  }

  static Request request(String from, String host, Integer port, String method, String path, boolean sidecar) {
    String[] p = from.split("/");
    return new Request(new Caller(p[0], p[1], p[2], Map.of("app", p[2]), sidecar), host, port, method, path);
  }
}
