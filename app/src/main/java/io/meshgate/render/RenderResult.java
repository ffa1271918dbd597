package io.meshgate.render;

import io.meshgate.intent.Overlays;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one render produced: per cluster (every declared cluster, possibly with no objects) the
 * objects sorted by their path in the output tree, the next allocation ledger, and the overlays
 * published beside them ({@link Overlays}: copied unchanged, not rendered).
 */
public record RenderResult(SortedMap<String, List<RenderedObject>> clusters, AllocationLedger ledger,
    Overlays overlays) {

  public RenderResult(SortedMap<String, List<RenderedObject>> clusters, AllocationLedger ledger) {
    this(clusters, ledger, Overlays.NONE);
  }

  /** The same render with {@code overlays} published beside it. */
  public RenderResult withOverlays(Overlays overlays) {
    return new RenderResult(clusters, ledger, overlays);
  }

  public RenderResult {
    overlays = overlays == null ? Overlays.NONE : overlays;
    // A fresh render's clusters (2,000 objects each at scale) are sorted on every core; a result
    // made from a result keeps its sorted lists as they are.
    List<String> names = new java.util.ArrayList<>(clusters.keySet());
    SortedMap<String, List<RenderedObject>> given = clusters;
    boolean fresh = given.values().stream().anyMatch(objects -> !(objects instanceof SortedObjects));
    List<List<RenderedObject>> sorted = (fresh ? names.parallelStream() : names.stream())
        .map(name -> sortedByPath(given.get(name))).toList();
    SortedMap<String, List<RenderedObject>> copy = new TreeMap<>();
    for (int i = 0; i < names.size(); i++) {
      copy.put(names.get(i), sorted.get(i));
    }
    clusters = Collections.unmodifiableSortedMap(copy);
  }

  /**
   * The objects in output-tree order, unmodifiable. A list this record sorted is taken as it is:
   * results are made from results (overlays added, clusters kept by the service's render), and
   * sorting 100,000 objects again each time was a good part of a push.
   */
  private static List<RenderedObject> sortedByPath(List<RenderedObject> objects) {
    if (objects instanceof SortedObjects) {
      return objects;
    }
    record Keyed(String path, RenderedObject object) {}
    List<Keyed> keyed = new ArrayList<>(objects.size());
    objects.forEach(object -> keyed.add(new Keyed(object.relativePath(), object)));
    keyed.sort(Comparator.comparing(Keyed::path));
    RenderedObject[] sorted = new RenderedObject[keyed.size()];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = keyed.get(i).object();
    }
    return new SortedObjects(sorted);
  }

  /** A cluster's objects as {@link #sortedByPath} left them. */
  private static final class SortedObjects extends AbstractList<RenderedObject> implements RandomAccess {
    private final RenderedObject[] objects;

    SortedObjects(RenderedObject[] objects) {
      this.objects = objects;
    }

    @Override
    public RenderedObject get(int index) {
      return objects[index];
    }

    @Override
    public int size() {
      return objects.length;
    }
  }

  /** The objects of one cluster (empty when it has none or is unknown). */
  public List<RenderedObject> objectsOf(String cluster) {
    return clusters.getOrDefault(cluster, List.of());
  }

  /**
   * What each cluster will hold once applied: the rendered objects and then the overlay objects, as
   * plain maps (verify's model).
   */
  public Map<String, List<Map<String, Object>>> withOverlayObjects() {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    clusters.forEach((cluster, objects) -> {
      List<Map<String, Object>> all = new ArrayList<>();
      objects.forEach(o -> all.add(o.plain()));
      overlays.objectsOf(cluster).forEach(o -> all.add(o.content()));
      out.put(cluster, Collections.unmodifiableList(all));
    });
    return Collections.unmodifiableMap(out);
  }

  /** The rendered objects as plain maps, for the policy input's {@code rendered} field. */
  public Map<String, List<Map<String, Object>>> asPlainObjects() {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    clusters.forEach((cluster, objects) ->
        out.put(cluster, objects.stream().map(RenderedObject::plain).toList()));
    return Collections.unmodifiableMap(out);
  }
}
