package io.meshgate.intent;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An unmodifiable map that iterates in key order and answers look-ups by hash: where each of
 * 40,000 intents starts is walked in order (two sets side by side) and asked for once per rendered
 * object, per simulated client and per finding, where a sorted map's fifteen comparisons add up.
 */
final class SortedLookup<K extends Comparable<? super K>, V> extends AbstractMap<K, V> {
  private final Map<K, V> sorted;
  private final Map<K, V> byKey;

  private SortedLookup(Map<K, V> entries) {
    this.sorted = Collections.unmodifiableMap(new TreeMap<>(entries));
    this.byKey = new HashMap<>(entries);
  }

  /** {@code entries} in key order, the same map when it already is one. */
  static <K extends Comparable<? super K>, V> SortedLookup<K, V> of(Map<K, V> entries) {
    return entries instanceof SortedLookup<K, V> lookup ? lookup : new SortedLookup<>(entries);
  }

  @Override
  public V get(Object key) {
    return byKey.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return byKey.containsKey(key);
  }

  @Override
  public int size() {
    return sorted.size();
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return sorted.entrySet();
  }
}
