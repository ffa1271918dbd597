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
    return of(result, provenance, null);
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
   * A render's tree, put together as soon as the render is handed over (a checker's
   * {@code whilePoliciesFinish}) or, if it was not, when it is asked for: {@code render} and
   * {@code serve} write the YAML while the policies finish and use it once the check has passed.
   * Used on one thread.
   */
  public static final class Prepared implements java.util.function.Consumer<RenderResult> {
    private final java.util.function.Function<RenderResult, OutputTree> make;
    private RenderResult from;
    private OutputTree tree;
    private long nanos;

    public Prepared(java.util.function.Function<RenderResult, OutputTree> make) {
      this.make = make;
    }

    @Override
    public void accept(RenderResult result) {
      long started = System.nanoTime();
      tree = make.apply(result);
      from = result;
      nanos = System.nanoTime() - started;
    }

    /** The tree of {@code result}: the one put together when it was handed over, else made now. */
    public OutputTree treeOf(RenderResult result) {
      if (result != from) {
        accept(result);
      }
      return tree;
    }

    /** How long putting the tree together took, in nanoseconds. */
    public long nanos() {
      return nanos;
    }
  }

  /** One cluster's files below {@code clusters/<cluster>/}, in path order, and its kustomization. */
  private record ClusterFiles(List<Map.Entry<String, byte[]>> files, Memory.Kustomization kustomization) {}

  /**
   * As {@link #of(RenderResult, Provenance)}, taking from {@code memory} what the last tree wrote
   * for the same objects, the same resource lists and the same ledger, and leaving it holding this
   * tree's; a null memory keeps nothing (a one-off render).
   */
  public static OutputTree of(RenderResult result, Provenance provenance, Memory memory) {
    Memory kept = memory != null ? memory : new Memory();
    synchronized (kept) {
      // 100,000 objects are a normal render: written out as YAML on every core, each on its own.
      List<String> clusters = new ArrayList<>(result.clusters().keySet());
      List<RenderedObject> all = result.clusters().values().stream().flatMap(List::stream).toList();
      Map<RenderedObject, byte[]> known = kept.written;
      java.util.concurrent.atomic.AtomicInteger reused = new java.util.concurrent.atomic.AtomicInteger();
      List<byte[]> yaml = all.parallelStream().map(object -> {
        byte[] done = known.get(object);
        if (done != null) {
          reused.incrementAndGet();
          return done;
        }
        return object.toYamlBytes();
      }).toList();
      int[] firstObject = new int[clusters.size() + 1];
      for (int c = 0; c < clusters.size(); c++) {
        firstObject[c + 1] = firstObject[c] + result.clusters().get(clusters.get(c)).size();
      }
      // Each cluster's paths are sorted on its own (on every core), so the whole tree is put
      // together in order rather than sorted as 100,000 long paths with a common prefix.
      List<ClusterFiles> perCluster = java.util.stream.IntStream.range(0, clusters.size()).parallel()
          .mapToObj(c -> clusterFiles(result, clusters.get(c), yaml.subList(firstObject[c], firstObject[c + 1]), kept))
          .toList();
      Map<String, Memory.Kustomization> kustomizations = new java.util.HashMap<>();
      Integer[] inPathOrder = new Integer[clusters.size()];
      Arrays.setAll(inPathOrder, c -> c);
      Arrays.sort(inPathOrder, Comparator.comparing(c -> clusters.get(c) + "/"));
      List<Map.Entry<String, byte[]>> files = new ArrayList<>(all.size() + 2 * clusters.size() + 2);
      for (int c : inPathOrder) {
        String dir = CLUSTERS_DIR + "/" + clusters.get(c) + "/";
        for (Map.Entry<String, byte[]> file : perCluster.get(c).files()) {
          files.add(Map.entry(dir + file.getKey(), file.getValue()));
        }
        kustomizations.put(clusters.get(c), perCluster.get(c).kustomization());
      }
      if (kept.ledgerYaml == null || !result.ledger().equals(kept.ledger)) {
        kept.ledger = result.ledger();
        kept.ledgerYaml = bytes(result.ledger().toYaml());
      }
      files.add(Map.entry(AllocationLedger.PATH, kept.ledgerYaml));
      files.add(Map.entry(Provenance.PATH, bytes(provenance.toYaml())));
      if (memory != null) {
        Map<RenderedObject, byte[]> written = new java.util.IdentityHashMap<>(all.size() * 4 / 3 + 1);
        for (int i = 0; i < all.size(); i++) {
          written.put(all.get(i), yaml.get(i));
        }
        memory.written = written;
        memory.kustomizations = kustomizations;
        memory.reusedObjects = reused.get();
      }
      return new OutputTree(inOrder(files));
    }
  }

  /**
   * One cluster's objects (with their YAML), overlay files and kustomization, by path below the
   * cluster's folder; when two have one path, the later wins (as a map's put does).
   */
  private static ClusterFiles clusterFiles(RenderResult result, String cluster, List<byte[]> yaml, Memory memory) {
    List<RenderedObject> objects = result.clusters().get(cluster);
    List<Map.Entry<String, byte[]>> files = new ArrayList<>(objects.size() + 1);
    List<String> resources = new ArrayList<>(objects.size());
    for (int i = 0; i < objects.size(); i++) {
      String path = objects.get(i).relativePath();
      files.add(Map.entry(path, yaml.get(i)));
      resources.add(path);
    }
    for (Overlays.OverlayFile overlay : result.overlays().filesOf(cluster)) {
      String path = Overlays.OUTPUT_FOLDER + "/" + overlay.relativePath();
      files.add(Map.entry(path, overlay.bytes()));
      resources.add(path);
    }
    // The same resources in the same order: the same file (most clusters, on most pushes).
    Memory.Kustomization last = memory.kustomizations.get(cluster);
    Memory.Kustomization now = last != null && last.resources().equals(resources) ? last
        : new Memory.Kustomization(resources, bytes(kustomization(resources)));
    files.add(Map.entry("kustomization.yaml", now.bytes()));
    files.sort(Map.Entry.comparingByKey()); // stable: of two equal paths the later stays later
    List<Map.Entry<String, byte[]>> distinct = new ArrayList<>(files.size());
    for (Map.Entry<String, byte[]> file : files) {
      if (!distinct.isEmpty() && distinct.get(distinct.size() - 1).getKey().equals(file.getKey())) {
        distinct.set(distinct.size() - 1, file);
      } else {
        distinct.add(file);
      }
    }
    return new ClusterFiles(distinct, now);
  }

  /**
   * The files, given in ascending path order, as a sorted map for the constructor to copy in one
   * pass (a tree map built from a sorted map is linear); given out of order, put one by one.
   */
  private static SortedMap<String, byte[]> inOrder(List<Map.Entry<String, byte[]>> files) {
    for (int i = 1; i < files.size(); i++) {
      if (files.get(i - 1).getKey().compareTo(files.get(i).getKey()) >= 0) {
        SortedMap<String, byte[]> sorted = new TreeMap<>();
        files.forEach(file -> sorted.put(file.getKey(), file.getValue()));
        return sorted;
      }
    }
    return new Ascending(files);
  }

  /** Entries already in ascending key order, seen as a sorted map only to be copied by the constructor. */
  private static final class Ascending extends java.util.AbstractMap<String, byte[]> implements SortedMap<String, byte[]> {
    private final List<Map.Entry<String, byte[]>> entries;

    Ascending(List<Map.Entry<String, byte[]>> entries) {
      this.entries = entries;
    }

    @Override
    public java.util.Set<Map.Entry<String, byte[]>> entrySet() {
      return new java.util.AbstractSet<>() {
        @Override
        public java.util.Iterator<Map.Entry<String, byte[]>> iterator() {
          return entries.iterator();
        }

        @Override
        public int size() {
          return entries.size();
        }
      };
    }

    @Override
    public Comparator<? super String> comparator() {
      return null;
    }

    @Override
    public SortedMap<String, byte[]> subMap(String fromKey, String toKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, byte[]> headMap(String toKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, byte[]> tailMap(String fromKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String firstKey() {
      return entries.get(0).getKey();
    }

    @Override
    public String lastKey() {
      return entries.get(entries.size() - 1).getKey();
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
    // The files of the tree already there as regular files, found by the walk below: below
    // clusters/ no file is asked for again (a fresh tree of 100,000 files was 100,000 failing stats).
    java.util.Set<String> present = new java.util.HashSet<>();
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
          } else if (Files.isRegularFile(p)) {
            present.add(rel);
          }
        } else if (Files.isDirectory(p) && isEmpty(p) && !p.equals(clusters)) {
          Files.delete(p);
        }
      }
    }
    // 100,000 files: each folder is made once, and the files are written on every core.
    // (Told apart by their text: a few hundred folders among 100,000 paths, no Path per file.)
    java.util.Set<String> folders = new java.util.HashSet<>();
    for (String path : files.keySet()) {
      int slash = path.lastIndexOf('/');
      folders.add(slash < 0 ? "" : path.substring(0, slash));
    }
    for (String folder : new java.util.TreeSet<>(folders)) {
      Files.createDirectories(folder.isEmpty() ? dir : dir.resolve(folder));
    }
    java.util.concurrent.atomic.AtomicInteger added = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger updated = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger unchanged = new java.util.concurrent.atomic.AtomicInteger();
    try {
      new ArrayList<>(files.entrySet()).parallelStream().forEach(e -> {
        Path target = dir.resolve(e.getKey());
        boolean walked = e.getKey().startsWith(CLUSTERS_DIR + "/");
        try {
          if (walked ? !present.contains(e.getKey()) : !Files.isRegularFile(target)) {
            Files.write(target, e.getValue());
            added.incrementAndGet();
          } else if (!Arrays.equals(Files.readAllBytes(target), e.getValue())) {
            Files.write(target, e.getValue());
            updated.incrementAndGet();
          } else {
            unchanged.incrementAndGet();
          }
        } catch (IOException failure) {
          throw new java.io.UncheckedIOException(failure);
        }
      });
    } catch (java.io.UncheckedIOException failure) {
      throw failure.getCause();
    }
    return new Changes(added.get(), updated.get(), removed, unchanged.get());
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
