package io.meshgate.render;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one render produced: per cluster (every declared cluster, possibly with no objects) the
 * objects sorted by their path in the output tree, and the next allocation ledger.
 */
public record RenderResult(SortedMap<String, List<RenderedObject>> clusters, AllocationLedger ledger) {

  public RenderResult {
    SortedMap<String, List<RenderedObject>> copy = new TreeMap<>();
    clusters.forEach((cluster, objects) -> {
      List<RenderedObject> sorted = new ArrayList<>(objects);
      sorted.sort(Comparator.comparing(RenderedObject::relativePath));
      copy.put(cluster, Collections.unmodifiableList(sorted));
    });
    clusters = Collections.unmodifiableSortedMap(copy);
  }

  /** The objects of one cluster (empty when it has none or is unknown). */
  public List<RenderedObject> objectsOf(String cluster) {
    return clusters.getOrDefault(cluster, List.of());
  }

  /** The rendered objects as plain maps, for the policy input's {@code rendered} field. */
  public Map<String, List<Map<String, Object>>> asPlainObjects() {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    clusters.forEach((cluster, objects) ->
        out.put(cluster, objects.stream().map(RenderedObject::plain).toList()));
    return Collections.unmodifiableMap(out);
  }
}
