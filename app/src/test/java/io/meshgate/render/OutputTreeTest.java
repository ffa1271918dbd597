package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output tree is put together per cluster; it must be the tree a path-by-path map would give. */
class OutputTreeTest {
  private static final Provenance PROVENANCE = new Provenance("repo", "c0ffee", "sha256:x", "test");

  private static RenderedObject object(String cluster, String namespace, String name, String marker) {
    return new RenderedObject(cluster, "ServiceEntry", name, namespace, ResourceYaml.toPlain(Map.of(
        "apiVersion", "networking.istio.io/v1", "kind", "ServiceEntry",
        "metadata", Map.of("name", name, "namespace", namespace), "spec", Map.of("hosts", List.of(marker)))));
  }

  /** Cluster names whose own order differs from their folders' order ("a-b" sorts before "a/"). */
  private static RenderResult result() {
    SortedMap<String, List<RenderedObject>> clusters = new TreeMap<>();
    for (String cluster : List.of("a", "a-b", "a.b", "a0", "b", "empty")) {
      List<RenderedObject> objects = new ArrayList<>();
      if (!cluster.equals("empty")) {
        objects.add(object(cluster, "ns", "one", cluster + "-one"));
        objects.add(object(cluster, "kustomization", "x", cluster + "-x"));
        objects.add(object(cluster, "_overlays", "y", cluster + "-y"));
        objects.add(object(cluster, "z-ns", "two", cluster + "-two"));
      }
      clusters.put(cluster, objects);
    }
    return new RenderResult(clusters, AllocationLedger.empty());
  }

  /** What the tree holds, worked out file by file into a sorted map. */
  private static SortedMap<String, String> expected(RenderResult result) {
    SortedMap<String, String> files = new TreeMap<>();
    result.clusters().forEach((cluster, objects) -> {
      List<String> resources = new ArrayList<>();
      for (RenderedObject object : objects) {
        files.put("clusters/" + cluster + "/" + object.relativePath(), object.toYaml());
        resources.add(object.relativePath());
      }
      files.put("clusters/" + cluster + "/kustomization.yaml", OutputTree.kustomization(resources));
    });
    files.put(AllocationLedger.PATH, result.ledger().toYaml());
    files.put(Provenance.PATH, PROVENANCE.toYaml());
    return files;
  }

  private static SortedMap<String, String> text(OutputTree tree) {
    SortedMap<String, String> files = new TreeMap<>();
    tree.files().forEach((path, bytes) -> files.put(path, new String(bytes, StandardCharsets.UTF_8)));
    return files;
  }

  @Test
  void filesAreInPathOrderWhateverTheClusterNames() {
    RenderResult result = result();
    OutputTree tree = OutputTree.of(result, PROVENANCE);
    SortedMap<String, String> expected = expected(result);
    assertEquals(expected, text(tree));
    List<String> paths = new ArrayList<>(tree.files().keySet());
    List<String> sorted = new ArrayList<>(paths);
    Collections.sort(sorted);
    assertEquals(sorted, paths);
    for (String path : expected.keySet()) {
      // Looked up one by one: a tree map built from entries out of order finds some of them not.
      assertArrayEquals(expected.get(path).getBytes(StandardCharsets.UTF_8), tree.files().get(path), path);
    }
  }

  @Test
  void aTreeWrittenWithAMemoryIsTheSameTreeAndSoIsTheNextOne() {
    RenderResult result = result();
    OutputTree.Memory memory = new OutputTree.Memory();
    SortedMap<String, String> expected = expected(result);
    assertEquals(expected, text(OutputTree.of(result, PROVENANCE, memory)));
    assertEquals(expected, text(OutputTree.of(result, PROVENANCE, memory)));
    assertEquals(result.clusters().values().stream().mapToInt(List::size).sum(), memory.objectsReusedLastTree());
  }

  @Test
  void writingCountsEveryFileAndAFailureIsTheFilesOwnIoException(@TempDir Path tmp) throws IOException {
    OutputTree tree = OutputTree.of(result(), PROVENANCE);
    Path out = tmp.resolve("env");
    OutputTree.Changes first = tree.writeTo(out);
    assertEquals(new OutputTree.Changes(tree.files().size(), 0, 0, 0), first);
    for (String path : tree.files().keySet()) {
      assertArrayEquals(tree.files().get(path), Files.readAllBytes(out.resolve(path)), path);
    }
    Files.writeString(out.resolve("clusters/a/ns/serviceentry-one.yaml"), "edited by hand\n");
    assertEquals(new OutputTree.Changes(0, 1, 0, tree.files().size() - 1), tree.writeTo(out));

    // A folder where a file must go (outside clusters/, which is cleaned first): written on a pool
    // thread, reported as that file's own IOException.
    Path blocked = tmp.resolve("blocked");
    Files.createDirectories(blocked.resolve(AllocationLedger.PATH).resolve("kept"));
    IOException failure = assertThrows(IOException.class, () -> tree.writeTo(blocked));
    assertEquals(true, String.valueOf(failure.getMessage()).contains("allocations.yaml"), failure.toString());
  }

  @Test
  void aPreparedTreeIsMadeOnceForTheRenderHandedOverAndAgainForAnother() {
    List<RenderResult> made = new ArrayList<>();
    OutputTree.Prepared prepared = new OutputTree.Prepared(result -> {
      made.add(result);
      return OutputTree.of(result, PROVENANCE);
    });
    RenderResult handed = result();
    prepared.accept(handed);
    OutputTree tree = prepared.treeOf(handed);
    assertEquals(List.of(handed), made);
    assertEquals(true, tree == prepared.treeOf(handed), "the tree put together when the render was handed over");
    RenderResult other = result();
    assertEquals(expected(other), text(prepared.treeOf(other)));
    assertEquals(List.of(handed, other), made);
  }
}
