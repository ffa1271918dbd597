package io.meshgate.intent;

import io.meshgate.check.Violation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parsed YAML of each intent file, kept from one load to the next of a tree that changes a
 * little at a time ({@code serve}: one push changes a few of 10,000 files). A file is keyed by its
 * path and its Git blob id (the SHA-1 of {@code "blob <size>\0"} and its bytes, so the id Git gives
 * the file), and parsed again only when that id changed. What a load does after parsing (schemas,
 * defaults, references, duplicate names) still runs on every document, so a cached file gives the
 * same findings as a fresh parse. A file gone from the tree is dropped at the end of the load.
 *
 * <p>Documents are handed out as copies: the loader fills in defaults in place, and the next load
 * must start from the file as written. One cache serves one tree at a time (loads are not run at
 * once on it).
 */
public final class ParseCache {
  /**
   * One file as parsed: its documents as written and the problems the parse reported, and each
   * document's schema findings once worked out (the schemas are fixed, so the same document as
   * written has the same findings; null until a load worked them out).
   */
  record Parsed(String blobId, List<YamlReader.Document> documents, List<Violation> problems,
      java.util.concurrent.atomic.AtomicReferenceArray<List<IntentSchemas.Finding>> findings,
      java.util.concurrent.atomic.AtomicReferenceArray<Bound> bound) {
    Parsed(String blobId, List<YamlReader.Document> documents, List<Violation> problems) {
      this(blobId, documents, problems, new java.util.concurrent.atomic.AtomicReferenceArray<>(documents.size()),
          new java.util.concurrent.atomic.AtomicReferenceArray<>(documents.size()));
    }
  }

  /**
   * A document's typed intent and the content (defaults filled in) it was bound from. The defaults
   * depend on other documents (a client's mutualTLS on its target's), so it is kept for equal
   * content only: binding is a function of the content alone.
   */
  record Bound(Map<String, Object> content, Object intent) {}

  /** Where a document handed out by this load came from: its file as parsed and its place there. */
  private record Origin(Parsed parsed, int index) {}

  /** The documents this load handed out (copies), by identity. */
  private final Map<YamlReader.Document, Origin> origins =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  private final Map<String, Parsed> byFile = new ConcurrentHashMap<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger parsedLastLoad = new AtomicInteger();
  private final AtomicInteger reusedLastLoad = new AtomicInteger();

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

  /** Files held. */
  public int size() {
    return byFile.size();
  }

  void startLoad() {
    seen.clear();
    origins.clear();
    parsedLastLoad.set(0);
    reusedLastLoad.set(0);
  }

  /**
   * The documents of {@code file}, parsed now or taken from the last load; the parse's problems are
   * added to {@code violations}.
   */
  List<YamlReader.Document> read(String file, byte[] bytes, List<Violation> violations, Map<String, String> strings) {
    String blobId = blobId(bytes);
    seen.add(file);
    Parsed known = byFile.get(file);
    if (known == null || !known.blobId().equals(blobId)) {
      List<Violation> problems = new ArrayList<>();
      List<YamlReader.Document> documents = YamlReader.read(file, bytes, problems, strings);
      Parsed parsed = new Parsed(blobId, documents.stream().map(ParseCache::copy).toList(), List.copyOf(problems));
      byFile.put(file, parsed);
      parsedLastLoad.incrementAndGet();
      violations.addAll(problems);
      remember(documents, parsed);
      return documents;
    }
    reusedLastLoad.incrementAndGet();
    violations.addAll(known.problems());
    List<YamlReader.Document> copies = known.documents().stream().map(ParseCache::copy).toList();
    remember(copies, known);
    return copies;
  }

  private void remember(List<YamlReader.Document> handedOut, Parsed parsed) {
    for (int i = 0; i < handedOut.size(); i++) {
      origins.put(handedOut.get(i), new Origin(parsed, i));
    }
  }

  /**
   * The schema findings of a document this load handed out, when a load worked them out for the same
   * file as written; else null.
   */
  List<IntentSchemas.Finding> schemaFindings(YamlReader.Document document) {
    Origin origin = origins.get(document);
    return origin == null ? null : origin.parsed().findings().get(origin.index());
  }

  /**
   * The typed intent of a document this load handed out, now holding {@code content} (defaults
   * filled in): the one bound last time when the same file as written had equal content then, else
   * {@code bind}'s (kept for the next load unless it is a failure).
   */
  Object bound(YamlReader.Document document, Map<String, Object> content, java.util.function.Supplier<Object> bind) {
    Origin origin = origins.get(document);
    Bound last = origin == null ? null : origin.parsed().bound().get(origin.index());
    if (last != null && last.content().equals(content)) {
      return last.intent();
    }
    Object intent = bind.get();
    if (origin != null && !(intent instanceof RuntimeException)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> asBound = (Map<String, Object>) deepCopy(content); // the load's maps are not ours
      origin.parsed().bound().set(origin.index(), new Bound(asBound, intent));
    }
    return intent;
  }

  /** Keeps the schema findings of a document this load handed out, as the loader found them before any change. */
  void keepSchemaFindings(YamlReader.Document document, List<IntentSchemas.Finding> findings) {
    Origin origin = origins.get(document);
    if (origin != null) {
      origin.parsed().findings().set(origin.index(), List.copyOf(findings));
    }
  }

  /** Forgets the files the load just finished did not read (deleted, or no longer an intent file). */
  void finishLoad() {
    byFile.keySet().retainAll(new HashSet<>(seen));
  }

  private static YamlReader.Document copy(YamlReader.Document document) {
    @SuppressWarnings("unchecked")
    Map<String, Object> content = (Map<String, Object>) deepCopy(document.content());
    return new YamlReader.Document(content, document.locations(), document.problems());
  }

  /** Maps and lists copied (the loader changes them), texts and numbers shared (immutable). */
  private static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 4 / 3 + 1));
      map.forEach((key, child) -> copy.put(key, deepCopy(child)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(child -> copy.add(deepCopy(child)));
      return copy;
    }
    return value;
  }
}
