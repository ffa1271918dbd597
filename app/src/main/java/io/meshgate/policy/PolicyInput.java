package io.meshgate.policy;

import io.meshgate.intent.FrozenMap;
import io.meshgate.intent.IntentDocument;
import io.meshgate.intent.Kind;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.OverlayObject;
import io.meshgate.intent.SourceLocation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@code input} for the policies (contract section 3): {@code clusters}, {@code services},
 * {@code clients}, and the mesh edge's {@code ingressRoutes}, {@code externalServices} and
 * {@code endUserAuths}, keyed by name, each the whole document ({@code apiVersion}, {@code kind},
 * {@code metadata}, {@code spec} with defaults, unknown fields too) plus {@code name} and
 * {@code source: {file, line}}; {@code rendered}, the objects rendered per cluster (empty when
 * structural errors stopped rendering); and {@code overlays}, the overlay objects per cluster folder,
 * each with {@code source: {file, line}}.
 *
 * <p>Every document with a kind and a name is included, valid or not, so a key pasted into a document
 * that also has a schema error is still found. When a name is used twice for one kind (itself an
 * MG-SCHEMA error) the first document in file order is the one policies see.
 */
public final class PolicyInput {
  private PolicyInput() {}

  /**
   * @param loaded what the loader found
   * @param rendered per cluster, the rendered objects as plain maps; null or empty when nothing was
   *     rendered. The objects are shared, not copied: a render's are immutable, and the engines only
   *     read the input (the embedded one converts it, OPA's serialises it) while it is evaluated.
   *     Copying 100,000 objects would cost a second of CPU and some 300 MB.
   * @return plain Java maps and lists in a deterministic order
   */
  public static Map<String, Object> build(LoadResult loaded, Map<String, ? extends List<? extends Map<String, ?>>> rendered) {
    return build(loaded, rendered, null);
  }

  /**
   * As {@link #build(LoadResult, Map)}, giving each document whose content and place are those of
   * the last input built with {@code memory} that input's entry (the same map): the embedded
   * engine then recognises the unchanged documents by reference instead of comparing them again.
   *
   * @param memory the entries of the last input of this tree, or null
   */
  public static Map<String, Object> build(LoadResult loaded, Map<String, ? extends List<? extends Map<String, ?>>> rendered,
      Memory memory) {
    Map<Kind, Map<String, Object>> byKind = memory == null ? collections(loaded) : memory.collections(loaded);
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("clusters", byKind.get(Kind.Cluster));
    input.put("services", byKind.get(Kind.InboundService));
    input.put("clients", byKind.get(Kind.ServiceClient));
    input.put("ingressRoutes", byKind.get(Kind.IngressRoute));
    input.put("externalServices", byKind.get(Kind.ExternalService));
    input.put("endUserAuths", byKind.get(Kind.EndUserAuth));
    Map<String, Object> renderedByCluster = new TreeMap<>();
    if (rendered != null) {
      rendered.forEach((cluster, objects) -> renderedByCluster.put(cluster, objects));
    }
    input.put("rendered", renderedByCluster);
    // The escape hatch: hand-written Istio objects per cluster folder, each with where it is written.
    Map<String, Object> overlays = new TreeMap<>();
    loaded.overlays().objects().forEach((cluster, objects) -> {
      List<Object> entries = new ArrayList<>();
      for (OverlayObject object : objects) {
        // A map of its own: copy() shares a part with only string keys, and "source" is added here.
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = new LinkedHashMap<>((Map<String, Object>) copy(object.content()));
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("file", object.source().file());
        location.put("line", object.source().line());
        entry.put("source", location);
        entries.add(entry);
      }
      overlays.put(cluster, entries);
    });
    input.put("overlays", overlays);
    return input;
  }

  /** Each kind's documents by name, the first document of a name winning. */
  private static Map<Kind, Map<String, Object>> collections(LoadResult loaded) {
    Map<Kind, Map<String, Object>> byKind = new java.util.EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      byKind.put(kind, new TreeMap<>());
    }
    for (IntentDocument document : loaded.documents()) {
      byKind.get(document.kind()).putIfAbsent(document.name(), entry(document));
    }
    return byKind;
  }

  /** The collection of the input that holds documents of {@code kind}. */
  public static String collectionOf(Kind kind) {
    return switch (kind) {
      case Cluster -> "clusters";
      case InboundService -> "services";
      case ServiceClient -> "clients";
      case IngressRoute -> "ingressRoutes";
      case ExternalService -> "externalServices";
      case EndUserAuth -> "endUserAuths";
    };
  }

  /** The entries of the last input built for one tree (see {@link #build(LoadResult, Map, Memory)}). */
  public static final class Memory {
    private record Kept(Map<String, Object> content, SourceLocation source, Map<String, Object> entry) {}

    private Map<String, Kept> last = Map.of();

    /** Each kind's collection of the last input: kept as the same map while none of its entries changed. */
    private Map<Kind, Map<String, Object>> lastCollections = Map.of();

    /**
     * As {@link PolicyInput#collections}, each document whose content (defaults included) and place
     * are those of the last input keeping that input's entry, and each collection whose entries
     * are all kept (none added or gone) being the last input's map itself: a push changes a few of
     * 40,000 documents, and a collection that is the same map is recognised at once.
     */
    private synchronized Map<Kind, Map<String, Object>> collections(LoadResult loaded) {
      Map<String, Kept> next = new java.util.HashMap<>(last.size() * 4 / 3 + 16);
      Map<Kind, List<Map.Entry<String, Map<String, Object>>>> entries = new java.util.EnumMap<>(Kind.class);
      Map<Kind, Boolean> allKept = new java.util.EnumMap<>(Kind.class);
      for (Kind kind : Kind.values()) {
        entries.put(kind, new ArrayList<>());
        allKept.put(kind, true);
      }
      for (IntentDocument document : loaded.documents()) {
        String key = document.kind().name() + "/" + document.name();
        if (next.containsKey(key)) {
          continue; // the first document of a name wins
        }
        Kept before = last.get(key);
        Kept now = before != null && before.source().equals(document.source()) && before.content().equals(document.content())
            ? before : new Kept(document.content(), document.source(), PolicyInput.entry(document));
        next.put(key, now);
        entries.get(document.kind()).add(Map.entry(document.name(), now.entry()));
        if (now != before) {
          allKept.put(document.kind(), false);
        }
      }
      Map<Kind, Map<String, Object>> byKind = new java.util.EnumMap<>(Kind.class);
      for (Kind kind : Kind.values()) {
        Map<String, Object> lastCollection = lastCollections.get(kind);
        if (allKept.get(kind) && lastCollection != null && lastCollection.size() == entries.get(kind).size()) {
          byKind.put(kind, lastCollection);
        } else {
          Map<String, Object> collection = new TreeMap<>();
          entries.get(kind).forEach(e -> collection.put(e.getKey(), e.getValue()));
          byKind.put(kind, collection);
        }
      }
      last = next;
      lastCollections = byKind;
      return byKind;
    }
  }

  /**
   * The document's entry: {@code name}, its fields (but {@code name} and {@code source}) in order,
   * {@code apiVersion} (null when absent) and {@code kind} where the document has them (else after
   * its fields), then {@code source}. Immutable and compact ({@link FrozenMap}): one is kept per
   * document for the whole evaluation, and the next input of {@link Memory} may share it.
   */
  private static Map<String, Object> entry(IntentDocument document) {
    Map<String, Object> content = document.content();
    int size = content.size() + 4; // name, apiVersion, kind and source when the document lacks them
    String[] keys = new String[size];
    Object[] values = new Object[size];
    keys[0] = "name";
    values[0] = document.name();
    int at = 1;
    boolean apiVersion = false;
    boolean kind = false;
    for (Map.Entry<String, Object> field : content.entrySet()) {
      String key = field.getKey();
      if (key.equals("name") || key.equals("source")) {
        continue;
      }
      apiVersion |= key.equals("apiVersion");
      kind |= key.equals("kind");
      keys[at] = key;
      values[at++] = key.equals("kind") ? document.kind().name() : FrozenMap.freeze(copy(field.getValue()));
    }
    if (!apiVersion) {
      keys[at++] = "apiVersion"; // its value stays null
    }
    if (!kind) {
      keys[at] = "kind";
      values[at++] = document.kind().name();
    }
    SourceLocation source = document.source();
    keys[at] = "source";
    values[at++] = FrozenMap.of(new String[] {"file", "line"}, new Object[] {source.file(), source.line()});
    return FrozenMap.of(java.util.Arrays.copyOf(keys, at), java.util.Arrays.copyOf(values, at));
  }

  /**
   * The value with every map key a string, as Rego sees YAML keys. A part that already has only
   * string keys (nearly always) is shared, not copied: the loader does not change a document after
   * loading, and 40,000 documents copied would be 200,000 maps kept during the evaluation.
   */
  private static Object copy(Object value) {
    if (onlyStringKeys(value)) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> result = new LinkedHashMap<>();
      map.forEach((key, child) -> result.put(String.valueOf(key), copy(child)));
      return result;
    }
    if (value instanceof Collection<?> collection) {
      List<Object> result = new ArrayList<>(collection.size());
      collection.forEach(child -> result.add(copy(child)));
      return result;
    }
    return value;
  }

  private static boolean onlyStringKeys(Object value) {
    if (value instanceof String) { // most values; see FrozenMap.freeze
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String) || !onlyStringKeys(entry.getValue())) {
          return false;
        }
      }
    } else if (value instanceof Collection<?> collection) {
      for (Object child : collection) {
        if (!onlyStringKeys(child)) {
          return false;
        }
      }
    }
    return true;
  }
}
