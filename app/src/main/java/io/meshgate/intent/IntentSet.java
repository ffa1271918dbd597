package io.meshgate.intent;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The structurally valid intents of a repository, defaults filled in, keyed by metadata.name and
 * sorted so every consumer iterates deterministically. {@code sources} says where each document
 * starts (for the {@code meshgate.io/source} annotation and for messages).
 */
public record IntentSet(
    SortedMap<String, Cluster> clusters,
    SortedMap<String, InboundService> services,
    SortedMap<String, ServiceClient> clients,
    Map<IntentRef, SourceLocation> sources,
    SortedMap<String, IngressRoute> ingressRoutes,
    SortedMap<String, ExternalService> externalServices,
    SortedMap<String, EndUserAuth> endUserAuths) {

  public IntentSet {
    clusters = Collections.unmodifiableSortedMap(new TreeMap<>(clusters));
    services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
    clients = Collections.unmodifiableSortedMap(new TreeMap<>(clients));
    sources = SortedLookup.of(sources); // sorted: IncrementalRender walks two side by side
    ingressRoutes = frozen(ingressRoutes);
    externalServices = frozen(externalServices);
    endUserAuths = frozen(endUserAuths);
  }

  /** Clusters, services and clients only (no mesh-edge intents). */
  public IntentSet(SortedMap<String, Cluster> clusters, SortedMap<String, InboundService> services,
      SortedMap<String, ServiceClient> clients, Map<IntentRef, SourceLocation> sources) {
    this(clusters, services, clients, sources, null, null, null);
  }

  private static <V> SortedMap<String, V> frozen(SortedMap<String, V> map) {
    return Collections.unmodifiableSortedMap(map == null ? new TreeMap<>() : new TreeMap<>(map));
  }

  /**
   * Calls {@code change(before, after)} for every name whose intent was added ({@code before} null),
   * removed ({@code after} null) or changed (not equal). Both maps are sorted by name (an IntentSet's
   * are), so they are walked side by side: a push changes a few of 40,000 intents.
   */
  public static <T> void forEachChange(SortedMap<String, T> before, SortedMap<String, T> after,
      java.util.function.BiConsumer<T, T> change) {
    forEachChangeByKey(before, after, (key, was, is) -> change.accept(was, is));
  }

  /** A key whose value was added ({@code before} null), removed ({@code after} null) or changed. */
  @FunctionalInterface
  public interface KeyedChange<K, T> {
    void accept(K key, T before, T after);
  }

  /**
   * As {@link #forEachChange}, with the key, for two maps that iterate in their keys' natural order
   * (sorted maps, or unmodifiable views of them such as {@link #sources()}).
   */
  public static <K extends Comparable<? super K>, T> void forEachChangeByKey(Map<K, T> before, Map<K, T> after,
      KeyedChange<K, T> change) {
    java.util.Iterator<Map.Entry<K, T>> olds = before.entrySet().iterator();
    java.util.Iterator<Map.Entry<K, T>> nows = after.entrySet().iterator();
    Map.Entry<K, T> was = next(olds);
    Map.Entry<K, T> is = next(nows);
    while (was != null || is != null) {
      int order = was == null ? 1 : is == null ? -1 : was.getKey().compareTo(is.getKey());
      if (order < 0) {
        change.accept(was.getKey(), was.getValue(), null);
        was = next(olds);
      } else if (order > 0) {
        change.accept(is.getKey(), null, is.getValue());
        is = next(nows);
      } else {
        if (was.getValue() != is.getValue() && !was.getValue().equals(is.getValue())) {
          change.accept(is.getKey(), was.getValue(), is.getValue());
        }
        was = next(olds);
        is = next(nows);
      }
    }
  }

  private static <E> E next(java.util.Iterator<E> entries) {
    return entries.hasNext() ? entries.next() : null;
  }

  /** Where the document of {@code intent} starts. */
  public SourceLocation sourceOf(Intent intent) {
    SourceLocation loc = sources.get(new IntentRef(intent.kind(), intent.name()));
    if (loc == null) {
      throw new IllegalArgumentException("no source recorded for " + intent.kind() + "/" + intent.name());
    }
    return loc;
  }
}
