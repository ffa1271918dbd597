package io.meshgate.intent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The escape hatch: plain Istio YAML below {@code <intents root>/overlays/<cluster>/}, read with the
 * intents. Each cluster's files are copied unchanged into that cluster's output folder
 * ({@code clusters/<cluster>/_overlays/...}) and listed in its kustomization; their objects are checked
 * against Istio's CRDs, seen by policies ({@code input.overlays}) and by {@code verify}.
 */
public record Overlays(SortedMap<String, List<OverlayFile>> files, SortedMap<String, List<OverlayObject>> objects) {

  /** The folder below the intents root; intent files are never read from it. */
  public static final String FOLDER = "overlays";
  /** The folder below {@code clusters/<cluster>/} the files are copied to ('_' is never a namespace's). */
  public static final String OUTPUT_FOLDER = "_overlays";

  /**
   * One overlay file.
   *
   * @param label the path shown to users ({@code intents/overlays/cluster01/gw.yaml})
   * @param relativePath below {@code overlays/<cluster>/} ({@code gw.yaml}), forward slashes
   */
  public record OverlayFile(String cluster, String label, String relativePath, byte[] bytes) {}

  public static final Overlays NONE = new Overlays(new TreeMap<>(), new TreeMap<>());

  public Overlays {
    files = freeze(files);
    objects = freeze(objects);
  }

  private static <T> SortedMap<String, List<T>> freeze(SortedMap<String, List<T>> map) {
    SortedMap<String, List<T>> out = new TreeMap<>();
    map.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Collections.unmodifiableSortedMap(out);
  }

  public List<OverlayObject> objectsOf(String cluster) {
    return objects.getOrDefault(cluster, List.of());
  }

  public List<OverlayFile> filesOf(String cluster) {
    return files.getOrDefault(cluster, List.of());
  }

  /** Every object per cluster as plain maps (for {@code verify}'s model). */
  public Map<String, List<Map<String, Object>>> plainObjects() {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    objects.forEach((cluster, list) -> {
      List<Map<String, Object>> plain = new ArrayList<>();
      list.forEach(o -> plain.add(o.content()));
      out.put(cluster, plain);
    });
    return out;
  }
}
