package io.meshgate.render;

import io.meshgate.intent.Overlays;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The environment branch's content as a sorted map from path (forward slashes) to file bytes:
 * {@code clusters/<cluster>/kustomization.yaml}, {@code clusters/<cluster>/<ns>/<kind>-<name>.yaml},
 * {@code meshgate/allocations.yaml}, {@code meshgate/provenance.yaml}.
 */
public record OutputTree(SortedMap<String, byte[]> files) {

  public static final String CLUSTERS_DIR = "clusters";

  public OutputTree {
    files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
  }

  /**
   * The tree of one render. Every cluster gets a folder, with {@code resources: []} when empty. A
   * cluster's overlay files are copied unchanged below {@code clusters/<cluster>/_overlays/} and
   * listed in its kustomization with meshgate's files.
   */
  public static OutputTree of(RenderResult result, Provenance provenance) {
    return of(result, provenance, new Memory());
  }

  /**
   * What the last output tree of one render chain wrote, kept for the next ({@code serve} keeps one):
   * each object's YAML by the object's identity (an incremental render hands back the very objects
   * of the clusters it did not render again), each cluster's kustomization with the resources it
   * lists, and the ledger's file with the ledger it was written from. One tree at a time.
   */
  public static final class Memory {
    private Map<RenderedObject, byte[]> written = new java.util.IdentityHashMap<>();
    private Map<String, Kustomization> kustomizations = Map.of();
    private AllocationLedger ledger;
    private byte[] ledgerYaml;

    /** A cluster's kustomization file and the resources it lists. */
    private record Kustomization(List<String> resources, byte[] bytes) {}

    /** Objects whose YAML the last tree took from here. */
    public synchronized int objectsReusedLastTree() {
      return reusedObjects;
    }

    private int reusedObjects;
  }

  /**
   * As {@link #of(RenderResult, Provenance)}, taking from {@code memory} what the last tree wrote
   * for the same objects, the same resource lists and the same ledger, and leaving it holding this
   * tree's.
   */
  public static OutputTree of(RenderResult result, Provenance provenance, Memory memory) {
    synchronized (memory) {
      // 100,000 objects are a normal render: written out as YAML on every core, each on its own.
      Map<RenderedObject, byte[]> yaml = new java.util.IdentityHashMap<>();
      List<RenderedObject> all = result.clusters().values().stream().flatMap(List::stream).toList();
      Map<RenderedObject, byte[]> known = memory.written;
      java.util.concurrent.atomic.AtomicInteger reused = new java.util.concurrent.atomic.AtomicInteger();
      List<byte[]> bytes = all.parallelStream().map(object -> {
        byte[] done = known.get(object);
        if (done != null) {
          reused.incrementAndGet();
          return done;
        }
        return object.toYamlBytes();
      }).toList();
      for (int i = 0; i < all.size(); i++) {
        yaml.put(all.get(i), bytes.get(i));
      }
      SortedMap<String, byte[]> files = new TreeMap<>();
      Map<String, Memory.Kustomization> kustomizations = new java.util.HashMap<>();
      result.clusters().forEach((cluster, objects) -> {
        String dir = CLUSTERS_DIR + "/" + cluster + "/";
        List<String> resources = new ArrayList<>();
        for (RenderedObject object : objects) {
          String path = object.relativePath();
          files.put(dir + path, yaml.get(object));
          resources.add(path);
        }
        for (Overlays.OverlayFile overlay : result.overlays().filesOf(cluster)) {
          String path = Overlays.OUTPUT_FOLDER + "/" + overlay.relativePath();
          files.put(dir + path, overlay.bytes());
          resources.add(path);
        }
        // The same resources in the same order: the same file (most clusters, on most pushes).
        Memory.Kustomization last = memory.kustomizations.get(cluster);
        Memory.Kustomization now = last != null && last.resources().equals(resources) ? last
            : new Memory.Kustomization(resources, bytes(kustomization(resources)));
        kustomizations.put(cluster, now);
        files.put(dir + "kustomization.yaml", now.bytes());
      });
      if (memory.ledgerYaml == null || !result.ledger().equals(memory.ledger)) {
        memory.ledger = result.ledger();
        memory.ledgerYaml = bytes(result.ledger().toYaml());
      }
      files.put(AllocationLedger.PATH, memory.ledgerYaml);
      files.put(Provenance.PATH, bytes(provenance.toYaml()));
      memory.written = yaml;
      memory.kustomizations = kustomizations;
      memory.reusedObjects = reused.get();
      return new OutputTree(files);
    }
  }

  /** A kustomize Kustomization listing {@code resources} in sorted order. */
  static String kustomization(List<String> resources) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
    doc.put("kind", "Kustomization");
    List<String> sorted = new ArrayList<>(resources);
    Collections.sort(sorted);
    doc.put("resources", sorted);
    return ResourceYaml.dump(doc);
  }

  /**
   * True when both trees hold the same files with the same bytes, provenance aside: what decides
   * whether publishing has anything to commit (a new source commit alone changes nothing).
   */
  public boolean sameOutputAs(OutputTree other) {
    SortedMap<String, byte[]> mine = new TreeMap<>(files);
    SortedMap<String, byte[]> theirs = new TreeMap<>(other.files);
    mine.remove(Provenance.PATH);
    theirs.remove(Provenance.PATH);
    if (!mine.keySet().equals(theirs.keySet())) {
      return false;
    }
    return mine.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), theirs.get(e.getKey())));
  }

  /** The file at {@code path} as UTF-8 text, or null. */
  public String text(String path) {
    byte[] b = files.get(path);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** What {@link #writeTo} did, counted in files. */
  public record Changes(int added, int updated, int removed, int unchanged) {

    public boolean none() {
      return added == 0 && updated == 0 && removed == 0;
    }

    /** {@code 2 added, 1 updated, 0 removed, 14 unchanged}, or {@code nothing changed (17 files up to date)}. */
    public String describe() {
      if (none()) {
        return "nothing changed (" + unchanged + (unchanged == 1 ? " file" : " files") + " up to date)";
      }
      return added + " added, " + updated + " updated, " + removed + " removed, " + unchanged + " unchanged";
    }
  }

  /**
   * Writes the tree below {@code dir}. {@code clusters/} belongs to meshgate as a whole: files in it
   * that are not part of the tree are deleted (and emptied folders removed). In {@code meshgate/}
   * only the ledger and provenance are written. Nothing else in {@code dir} is touched.
   *
   * @return how many files were added, rewritten, deleted and left as they were
   */
  public Changes writeTo(Path dir) throws IOException {
    int removed = 0;
    Path clusters = dir.resolve(CLUSTERS_DIR);
    if (Files.isDirectory(clusters)) {
      List<Path> existing;
      try (Stream<Path> walk = Files.walk(clusters)) {
        existing = walk.sorted(Comparator.reverseOrder()).toList();
      }
      for (Path p : existing) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (Files.isRegularFile(p) || Files.isSymbolicLink(p)) {
          if (!files.containsKey(rel)) {
            Files.delete(p);
            removed++;
          }
        } else if (Files.isDirectory(p) && isEmpty(p) && !p.equals(clusters)) {
          Files.delete(p);
        }
      }
    }
    int added = 0;
    int updated = 0;
    int unchanged = 0;
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path target = dir.resolve(e.getKey());
      Files.createDirectories(target.getParent());
      if (!Files.isRegularFile(target)) {
        Files.write(target, e.getValue());
        added++;
      } else if (!Arrays.equals(Files.readAllBytes(target), e.getValue())) {
        Files.write(target, e.getValue());
        updated++;
      } else {
        unchanged++;
      }
    }
    return new Changes(added, updated, removed, unchanged);
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
