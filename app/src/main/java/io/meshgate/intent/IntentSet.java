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
    sources = Collections.unmodifiableMap(new TreeMap<>(sources)); // sorted: IncrementalRender walks two side by side
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

  /** Where the document of {@code intent} starts. */
  public SourceLocation sourceOf(Intent intent) {
    SourceLocation loc = sources.get(new IntentRef(intent.kind(), intent.name()));
    if (loc == null) {
      throw new IllegalArgumentException("no source recorded for " + intent.kind() + "/" + intent.name());
    }
    return loc;
  }
}
