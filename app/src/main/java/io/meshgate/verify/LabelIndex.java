package io.meshgate.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects that select workloads by labels ({@code selector ⊆ pod labels}), indexed by one label of
 * their selector so that a look-up costs the workload's label count, not the number of objects.
 * Objects without a selector are kept apart ({@link #unselective()}). Results keep insertion order.
 */
final class LabelIndex<T> {
  private record Entry<T>(int order, Map<String, String> selector, T value) {}

  private final Map<String, List<Entry<T>>> byLabel = new HashMap<>();
  private final List<T> unselective = new ArrayList<>();
  private int next;

  /** @param selector null or empty: the object selects every workload */
  void add(Map<String, String> selector, T value) {
    if (selector == null || selector.isEmpty()) {
      unselective.add(value);
      return;
    }
    String key = selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().findFirst().orElseThrow();
    byLabel.computeIfAbsent(key, k -> new ArrayList<>()).add(new Entry<>(next++, selector, value));
  }

  /** Objects with a selector that every one of its labels is among {@code labels}, in insertion order. */
  List<T> selecting(Map<String, String> labels) {
    List<Entry<T>> found = new ArrayList<>();
    for (Map.Entry<String, String> label : labels.entrySet()) {
      for (Entry<T> entry : byLabel.getOrDefault(label.getKey() + "=" + label.getValue(), List.of())) {
        if (subset(entry.selector(), labels)) {
          found.add(entry);
        }
      }
    }
    found.sort(Comparator.comparingInt(Entry::order));
    return found.stream().map(Entry::value).toList();
  }

  /**
   * Everything a look-up can answer, in a form two indexes can be compared by: the objects with
   * their selectors, as {@code as} shows them, in insertion order, and those without.
   */
  List<Object> contents(java.util.function.Function<T, Object> as) {
    List<Entry<T>> all = new ArrayList<>();
    byLabel.values().forEach(all::addAll);
    all.sort(Comparator.comparingInt(Entry::order));
    List<Object> out = new ArrayList<>();
    all.forEach(e -> out.add(List.of(e.selector(), as.apply(e.value()))));
    out.add(unselective.stream().map(as).toList());
    return out;
  }

  List<T> unselective() {
    return unselective;
  }

  static boolean subset(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
