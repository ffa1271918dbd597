package io.meshgate.intent;

import io.meshgate.check.Violation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The parsed YAML of each intent file, kept from one load to the next of a tree that changes a
 * little at a time ({@code serve}: one push changes a few of 10,000 files). A file is keyed by its
 * path and its Git blob id (the SHA-1 of {@code "blob <size>\0"} and its bytes, so the id Git gives
 * the file), and parsed again only when that id changed. With each file as parsed it keeps what the
 * load worked out for its documents: their schema findings (a function of the document as written),
 * and their content with defaults, the problems found while filling them in and their typed intent,
 * together with everything the defaults read from other documents (see {@link Defaulted}): the next
 * load takes them as they are while the file and those inputs are unchanged, and works them out
 * again otherwise, so a cached load gives what a fresh load gives. A file gone from the tree is
 * dropped (with all it kept) at the end of the load.
 *
 * <p>The documents as parsed are never changed: the loader fills in defaults in a copy. One cache
 * serves one tree at a time (loads are not run at once on it).
 */
public final class ParseCache {
  /**
   * One file as parsed: its documents as written and the problems the parse reported, and per
   * document its schema findings (the schemas are fixed, so the same document as written has the
   * same findings) and what the last load worked out from it ({@link Defaulted}); null until a load
   * worked them out.
   */
  record Parsed(String blobId, List<YamlReader.Document> documents, List<Violation> problems,
      AtomicReferenceArray<List<IntentSchemas.Finding>> findings, AtomicReferenceArray<Defaulted> defaulted) {
    Parsed(String blobId, List<YamlReader.Document> documents, List<Violation> problems) {
      this(blobId, documents, problems, new AtomicReferenceArray<>(documents.size()),
          new AtomicReferenceArray<>(documents.size()));
    }
  }

  /**
   * What a load worked out for one document after identifying it: its content with defaults, the
   * problems found on the way (a duplicate name, ports, a client's mutualTLS), and, once bound, its
   * typed intent (or why the model cannot hold it) and the document handed out. {@code inputs} is
   * everything those read from other documents (the first document of the same name, the cluster's
   * namespaces without sidecar, a client's target and the clusters' logical clouds, an
   * IngressRoute's gateway namespace): equal inputs and the same file as written give the same
   * result. The content is shared with the documents handed out and never changed.
   */
  static final class Defaulted {
    final Kind kind;
    final String name;
    final Object inputs;
    final Map<String, Object> content;
    final List<Violation> problems;
    /** The typed intent or the IllegalArgumentException binding threw; null until bound. */
    volatile Object typed;
    /** The document handed out, valid or not; null until handed out. */
    volatile IntentDocument document;
    /** An InboundService's {@code <service>-<namespace>} ("" when it names neither); null until worked out. */
    String objectName;
    /** The last load (its number, see {@link Intents}) whose intents held this document's typed intent; -1 for none. */
    int heldIn = -1;

    Defaulted(Kind kind, String name, Object inputs, Map<String, Object> content, List<Violation> problems) {
      this.kind = kind;
      this.name = name;
      this.inputs = inputs;
      this.content = content;
      this.problems = problems;
    }
  }

  /**
   * The typed intents and their sources the last load handed out, by kind and name, and the
   * documents they came from: the next load removes those of documents gone or no longer valid and
   * adds those of documents new or valid again, rather than sorting them all again.
   */
  static final class Intents {
    final Map<Kind, TreeMap<String, Object>> byKind = new EnumMap<>(Kind.class);
    final TreeMap<IntentRef, SourceLocation> sources = new TreeMap<>();
    /** The documents of the intents held, as the last load found them. */
    List<Defaulted> held = List.of();
    /** Loads counted from 1. */
    int load;
    /** False while a load patches them (one that failed midway leaves them to be built whole again). */
    boolean complete = true;

    Intents() {
      for (Kind kind : Kind.values()) {
        byKind.put(kind, new TreeMap<>());
      }
    }
  }

  private final Intents intents = new Intents();
  private final Map<String, Parsed> byFile = new ConcurrentHashMap<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger parsedLastLoad = new AtomicInteger();
  private final AtomicInteger reusedLastLoad = new AtomicInteger();
  private final AtomicInteger defaultedLastLoad = new AtomicInteger();
  private final AtomicInteger keptLastLoad = new AtomicInteger();

  /** The Git blob id of a file's content, as {@code git hash-object} prints it. */
  public static String blobId(byte[] bytes) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(sha1.digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
    }
  }

  /** Files parsed by the last load (not found here, or with another blob id). */
  public int parsedLastLoad() {
    return parsedLastLoad.get();
  }

  /** Files the last load took from here without parsing them. */
  public int reusedLastLoad() {
    return reusedLastLoad.get();
  }

  /** Documents whose defaults the last load worked out (new, changed, or an input changed). */
  public int defaultedLastLoad() {
    return defaultedLastLoad.get();
  }

  /** Documents the last load took with their defaults, problems and typed intent from the load before. */
  public int keptLastLoad() {
    return keptLastLoad.get();
  }

  /** The intents the last load handed out. */
  Intents intents() {
    return intents;
  }

  /** Files held. */
  public int size() {
    return byFile.size();
  }

  void startLoad() {
    seen.clear();
    parsedLastLoad.set(0);
    reusedLastLoad.set(0);
    defaultedLastLoad.set(0);
    keptLastLoad.set(0);
  }

  /**
   * The file as parsed now or by the last load (the same blob id); the parse's problems are added
   * to {@code violations}. Its documents are the file as written: not to be changed.
   */
  Parsed read(String file, byte[] bytes, List<Violation> violations, Map<String, String> strings) {
    String blobId = blobId(bytes);
    seen.add(file);
    Parsed known = byFile.get(file);
    if (known == null || !known.blobId().equals(blobId)) {
      List<Violation> problems = new ArrayList<>();
      List<YamlReader.Document> documents = YamlReader.read(file, bytes, problems, strings);
      Parsed parsed = new Parsed(blobId, List.copyOf(documents), List.copyOf(problems));
      byFile.put(file, parsed);
      parsedLastLoad.incrementAndGet();
      violations.addAll(problems);
      return parsed;
    }
    reusedLastLoad.incrementAndGet();
    violations.addAll(known.problems());
    return known;
  }

  /** Counts a document whose defaults were worked out ({@code kept} false) or taken from the last load. */
  void count(boolean kept) {
    (kept ? keptLastLoad : defaultedLastLoad).incrementAndGet();
  }

  /** Forgets the files the load just finished did not read (deleted, or no longer an intent file). */
  void finishLoad() {
    if (byFile.size() != seen.size()) { // every file seen is held: equal sizes, nothing to forget
      byFile.keySet().retainAll(new HashSet<>(seen));
    }
  }

  /** Maps and lists copied (the loader changes them), texts and numbers shared (immutable). */
  static Object deepCopy(Object value) {
    if (value instanceof String) { // most values; see FrozenMap.freeze
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 4 / 3 + 1));
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        copy.put(entry.getKey(), deepCopy(entry.getValue()));
      }
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object child : list) {
        copy.add(deepCopy(child));
      }
      return copy;
    }
    return value;
  }
}
