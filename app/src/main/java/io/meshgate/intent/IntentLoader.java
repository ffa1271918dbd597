package io.meshgate.intent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.check.Progress;
import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads every {@code *.yaml}/{@code *.yml} file below an intents root (sorted, recursive,
 * multi-document), validates each document against the kind's JSON Schema, applies defaults, and
 * binds the valid documents to typed intents. Every problem of the repository is reported in one
 * run as an {@code MG-SCHEMA} violation at the exact node; bad input never throws.
 */
public final class IntentLoader {
  /** Structural problems reported per file before the rest of the file is skipped. */
  public static final int MAX_PROBLEMS_PER_FILE = 100;

  private static final ObjectMapper BINDER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The kinds by name (looked up for every document: {@code Kind.values()} copies its array each time). */
  private static final Map<String, Kind> KINDS = java.util.Arrays.stream(Kind.values())
      .collect(java.util.stream.Collectors.toUnmodifiableMap(Kind::name, kind -> kind));

  private IntentLoader() {}

  /** Loads the intent schemas now (some 50 ms at start-up), e.g. on another core while the command line is parsed. */
  public static void prepare() {
    IntentSchemas.get();
  }

  /**
   * Loads the intents below {@code intentsRoot}.
   *
   * @throws InvalidIntentsRootException when the root does not exist or is not a directory (a
   *     usage error); every other problem is a violation in the result
   */
  public static LoadResult load(Path intentsRoot) {
    return load(intentsRoot, IntentLimits.DEFAULTS);
  }

  /**
   * Loads the intents below {@code intentsRoot}, reading no more than {@code limits} allow.
   *
   * @throws InvalidIntentsRootException when the root does not exist or is not a directory
   */
  public static LoadResult load(Path intentsRoot, IntentLimits limits) {
    return load(intentsRoot, limits, Progress.NONE);
  }

  /**
   * As {@link #load(Path, IntentLimits)}, counting the files read into {@code progress}.
   *
   * @throws InvalidIntentsRootException when the root does not exist or is not a directory
   */
  public static LoadResult load(Path intentsRoot, IntentLimits limits, Progress progress) {
    return load(intentsRoot, limits, progress, null);
  }

  /**
   * As {@link #load(Path, IntentLimits, Progress)}, parsing only the files whose Git blob id is not
   * in {@code cache} (which is updated): the service loads each new commit of one tree this way.
   *
   * @param cache files parsed by the last load of this tree, or null to parse every file
   * @throws InvalidIntentsRootException when the root does not exist or is not a directory
   */
  public static LoadResult load(Path intentsRoot, IntentLimits limits, Progress progress, ParseCache cache) {
    if (!Files.exists(intentsRoot)) {
      throw new InvalidIntentsRootException("intents directory " + intentsRoot + " does not exist");
    }
    if (!Files.isDirectory(intentsRoot)) {
      throw new InvalidIntentsRootException("intents path " + intentsRoot + " is not a directory");
    }
    return new Run(intentsRoot, limits, progress, cache).load();
  }

  /** True for the files the loader reads: {@code *.yaml}, {@code *.yml} and {@code *.json}, in any case. */
  public static boolean isIntentFile(Path file) {
    return IntentFiles.isIntentFile(file);
  }

  /** One document on its way through the loader. */
  private static final class Pending {
    final Kind kind;
    final String name;
    /** The document as written: immutable ({@link FrozenMap}), {@link #content} until its defaults are filled in. */
    final Map<String, Object> written;
    /** The document with defaults: filled in by this load, or the one the last load filled in. */
    Map<String, Object> content;
    final FieldLocations locations;
    /** The file as parsed by the cache and the document's place in it, or null without a cache. */
    ParseCache.Parsed file;
    int index;
    /** What the last load worked out for this document when it still holds, else what this one did. */
    ParseCache.Defaulted defaulted;
    /** The first document of its kind and name when that is another one (this one is a duplicate). */
    Pending firstOfName;
    /** Problems found while filling in defaults (a function of the document and its inputs). */
    List<Violation> problems = new ArrayList<>();
    /** Problems found across documents after that (host collisions, binding), never kept. */
    final List<Violation> lateProblems = new ArrayList<>(0);
    int errors;

    Pending(Kind kind, String name, Map<String, Object> written, FieldLocations locations) {
      this.kind = kind;
      this.name = name;
      this.written = written;
      this.content = written;
      this.locations = locations;
    }
  }

  /** A document read, with its file as the cache parsed it and its place there (null, 0 without a cache). */
  private record Read(YamlReader.Document document, ParseCache.Parsed file, int index) {}

  private static final class Run {
    private final Path root;
    /** The root with links resolved: walked, and the reference for "inside the root". */
    private Path realRoot;
    /** The root's own name as given ({@code intents}): messages show paths starting with it. */
    private final String rootLabel;
    private final List<Violation> violations = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    /** One copy of each text read (see {@link YamlReader#read(String, byte[], List, Map)}). */
    private final Map<String, String> strings = new java.util.concurrent.ConcurrentHashMap<>();
    /** The first document of each kind and name (filled by {@link #findFirstOfEachName}). */
    private final Map<Kind, Map<String, Pending>> firstByName = new EnumMap<>(Kind.class);
    private final IntentSchemas schemas = IntentSchemas.get();
    private final IntentLimits limits;
    private final Progress progress;
    private Overlays overlays = Overlays.NONE;
    /** Files parsed by an earlier load of this tree, or null. */
    private final ParseCache cache;

    Run(Path root, IntentLimits limits, Progress progress, ParseCache cache) {
      this.cache = cache;
      this.limits = limits;
      this.progress = progress;
      this.root = root.toAbsolutePath().normalize();
      this.realRoot = this.root;
      Path name = this.root.getFileName();
      this.rootLabel = name == null ? "" : name.toString();
    }

    LoadResult load() {
      List<Path> candidates = collect();
      if (cache != null) {
        cache.startLoad();
      }
      // Read in order (the limits count files and bytes in path order), parse on every core (each
      // file on its own), then recognise the documents in path order again.
      List<String> labels = new ArrayList<>();
      List<byte[]> contents = new ArrayList<>();
      long totalBytes = 0;
      int count = 0;
      for (Path file : candidates) {
        String label = label(file);
        if (++count > limits.maxFiles()) {
          fileProblem(label, "too many intent files (more than " + limits.maxFiles() + "); the rest are not read; "
              + "raise the limit with " + IntentLimits.FILES_FLAG + " N");
          break;
        }
        byte[] bytes;
        try {
          bytes = readAtMost(file, limits.maxFileBytes() + 1);
          if (bytes.length > limits.maxFileBytes()) {
            fileProblem(label, "file is too large (over " + IntentLimits.describeBytes(limits.maxFileBytes())
                + "); split it into smaller files or raise the limit with " + IntentLimits.FILE_BYTES_FLAG + " SIZE");
            continue;
          }
          totalBytes += bytes.length;
          if (totalBytes > limits.maxTotalBytes()) {
            fileProblem(label, "intent files exceed " + IntentLimits.describeBytes(limits.maxTotalBytes())
                + " in total; the rest are not read; raise the limit with " + IntentLimits.TOTAL_BYTES_FLAG + " SIZE");
            break;
          }
        } catch (IOException | RuntimeException e) {
          fileProblem(label, "cannot read file: " + IoProblems.describe(e));
          continue;
        }
        labels.add(label);
        contents.add(bytes);
      }
      List<List<Violation>> parseProblems = new ArrayList<>(labels.size());
      for (int i = 0; i < labels.size(); i++) {
        parseProblems.add(new ArrayList<>());
      }
      // Each file's documents, with the file as the cache holds it (its documents as written).
      List<List<Read>> parsed = IntStream.range(0, labels.size()).parallel()
          .mapToObj(i -> cache != null ? reads(cache.read(labels.get(i), contents.get(i), parseProblems.get(i), strings))
              : YamlReader.read(labels.get(i), contents.get(i), parseProblems.get(i), strings).stream()
                  .map(document -> new Read(document, null, 0)).toList())
          .toList();
      if (cache != null) {
        cache.finishLoad();
      }
      // Schema validation is most of identifying a document, and each document's is its own: on
      // every core first, then the documents are identified in file order with their findings.
      List<Read> documents = parsed.stream().flatMap(List::stream).toList();
      // A file as written last time has the findings it had then (the cache keeps them).
      List<List<IntentSchemas.Finding>> findings = documents.parallelStream().map(read -> {
        List<IntentSchemas.Finding> known = read.file() == null ? null : read.file().findings().get(read.index());
        if (known != null) {
          return known;
        }
        Kind kind = kindOf(read.document().content());
        try {
          List<IntentSchemas.Finding> found =
              kind == null ? List.<IntentSchemas.Finding>of() : schemas.validate(kind, read.document().content());
          if (read.file() != null) {
            read.file().findings().set(read.index(), List.copyOf(found));
          }
          return found;
        } catch (RuntimeException e) {
          return null; // validated again where such a failure is reported against the document
        }
      }).toList();
      int documentAt = 0;
      for (int i = 0; i < labels.size(); i++) {
        files.add(labels.get(i));
        progress.update("files read", files.size());
        violations.addAll(parseProblems.get(i));
        int before = violations.size() - parseProblems.get(i).size();
        int next = documentAt + parsed.get(i).size();
        for (Read read : parsed.get(i)) {
          YamlReader.Document document = read.document();
          List<IntentSchemas.Finding> found = findings.get(documentAt++);
          if (violations.size() - before >= MAX_PROBLEMS_PER_FILE) {
            // Like a compiler's error limit: thousands of lines about one broken file help no one.
            SourceLocation at = document.locations().documentStart();
            violations.add(new Violation(Violation.SCHEMA_RULE, Severity.ERROR, "more than " + MAX_PROBLEMS_PER_FILE
                + " problems in this file; the rest of it (from here) is not checked: fix the problems above first",
                at.file(), at.line(), at.column(), null, null, null));
            break;
          }
          try {
            identify(read, found);
          } catch (RuntimeException e) {
            // Schema validation of odd content must not abort the run: report and carry on.
            SourceLocation at = document.locations().documentStart();
            violations.add(new Violation(Violation.SCHEMA_RULE, Severity.ERROR, "cannot check this document ("
                + IoProblems.describe(e) + "); simplify it or report it to the meshgate maintainers", at.file(), at.line(), at.column(), null, null, null));
          }
        }
        documentAt = next;
      }
      findFirstOfEachName();
      applyDefaults();
      rejectHostCollisions();
      java.util.Set<String> clusters = new java.util.TreeSet<>();
      pending.stream().filter(p -> p.kind == Kind.Cluster && p.name != null).forEach(p -> clusters.add(p.name));
      overlays = OverlayLoader.read(realRoot, this::label, clusters, violations, limits);
      return result();
    }

    private static List<Read> reads(ParseCache.Parsed file) {
      List<Read> reads = new ArrayList<>(file.documents().size());
      for (int i = 0; i < file.documents().size(); i++) {
        reads.add(new Read(file.documents().get(i), file, i));
      }
      return reads;
    }

    /** Reads up to {@code limit} bytes, so a file that grows while it is read cannot exhaust memory. */
    private static byte[] readAtMost(Path file, long limit) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        return in.readNBytes((int) limit);
      }
    }

    /** Intent files below the root, sorted by the path shown to users; odd entries reported. */
    private List<Path> collect() {
      try {
        // Walk the resolved root: the root itself may be reached through a link (a checkout path).
        realRoot = root.toRealPath();
      } catch (IOException e) {
        fileProblem(rootLabel, "cannot read the intents directory: " + IoProblems.describe(e));
        return List.of();
      }
      TreeMap<String, Path> found = new TreeMap<>();
      try {
        Files.walkFileTree(realRoot, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            boolean hidden = !dir.equals(realRoot) && dir.getFileName().toString().startsWith(".");
            // overlays/ holds plain Istio YAML, read by OverlayLoader, never as intents.
            boolean overlays = dir.equals(realRoot.resolve(Overlays.FOLDER));
            return hidden || overlays ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isSymbolicLink()) {
              symlink(file, found);
            } else if (attrs.isRegularFile() && isIntentFile(file)) {
              found.put(label(file), file);
            } else if (attrs.isRegularFile() && !IntentFiles.quietlySkipped(file)) {
              fileWarning(label(file), IntentFiles.notRead(file)); // never skipped in silence
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            fileProblem(label(file), "cannot read: " + IoProblems.describe(e));
            return FileVisitResult.CONTINUE;
          }
        });
      } catch (IOException e) {
        fileProblem(rootLabel, "cannot list the intents directory: " + IoProblems.describe(e));
      }
      return new ArrayList<>(found.values());
    }

    /** Links inside the root are followed for files; links leaving it are reported, not followed. */
    /**
     * True when the walk reads this real file at its own place (a YAML file outside hidden
     * folders): a link to it would read the same documents twice and report duplicate names.
     */
    private boolean walkedAnyway(Path realFile) {
      if (!isIntentFile(realFile)) {
        return false;
      }
      for (Path part : realRoot.relativize(realFile.getParent() == null ? realFile : realFile.getParent())) {
        if (part.toString().startsWith(".")) {
          return false;
        }
      }
      return true;
    }

    private void symlink(Path link, TreeMap<String, Path> found) {
      boolean directory = Files.isDirectory(link);
      if (!directory && !isIntentFile(link)) {
        return;
      }
      Path target;
      try {
        target = link.toRealPath();
      } catch (IOException e) {
        fileProblem(label(link), "broken symbolic link; remove it or point it at a file inside the intents directory");
        return;
      }
      if (!target.startsWith(realRoot)) {
        fileProblem(label(link), "symbolic link points outside the intents directory; not followed; "
            + "copy the file into the intents directory instead");
        return;
      }
      if (!directory && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && !walkedAnyway(target)) {
        found.put(label(link), link);
      }
      // A directory link inside the root: its files are read where they really are.
    }


    /** {@code intents/sub/x.yaml}: relative to the parent of the root as the user named it. */
    private String label(Path file) {
      String relative = realRoot.relativize(file).toString().replace('\\', '/');
      if (rootLabel.isEmpty()) {
        return relative;
      }
      return relative.isEmpty() ? rootLabel : rootLabel + "/" + relative;
    }

    /** The kind a document names, when it is one of meshgate's; else null (identify says why). */
    private static Kind kindOf(Map<String, Object> content) {
      return content.get("kind") instanceof String text ? KINDS.get(text) : null;
    }

    /**
     * Recognises the kind and name, then validates the document against its schema.
     *
     * @param findings the document's schema findings worked out already, or null to work them out here
     */
    private void identify(Read read, List<IntentSchemas.Finding> findings) {
      YamlReader.Document document = read.document();
      Map<String, Object> content = document.content();
      FieldLocations locations = document.locations();
      Kind kind = null;
      Object kindValue = content.get("kind");
      if (!content.containsKey("kind")) {
        boolean body = IntentFiles.isJson(locations.documentStart().file()) && !content.containsKey("apiVersion");
        report(null, locations.documentStart(), null, null, null, body ? IntentFiles.EMCO_BODY
            : "missing required field \"kind\" at the top level; add kind: " + kindList(" or "));
      } else if (kindValue instanceof String text && isKind(text)) {
        kind = KINDS.get(text);
      } else if (kindValue instanceof String text && ForeignKinds.describe(text, content.get("apiVersion")) != null) {
        report(null, locations.locate("kind"), null, null, "kind", ForeignKinds.describe(text, content.get("apiVersion")));
      } else {
        List<String> kinds = java.util.Arrays.stream(Kind.values()).map(Kind::name).toList();
        String suggestion = kindValue instanceof String text ? Suggestions.closest(text, kinds) : null;
        report(null, locations.locate("kind"), null, null, "kind",
            "unknown kind " + (kindValue instanceof String text ? "\"" + YamlReader.abbreviate(text) + "\"" : String.valueOf(kindValue))
                + "; expected one of " + kindList(", ")
                + (suggestion != null ? "; did you mean \"" + suggestion + "\"?" : ""));
      }
      if (kind == null) {
        return;
      }
      String name = content.get("metadata") instanceof Map<?, ?> metadata && metadata.get("name") instanceof String text
          ? text : null;
      Pending current = new Pending(kind, name, content, locations);
      current.file = read.file();
      current.index = read.index();
      current.errors = document.problems();
      pending.add(current);
      for (IntentSchemas.Finding finding : findings != null ? findings : schemas.validate(kind, content)) {
        report(current, locations.locate(finding.path()), kind, name, finding.path(), finding.message());
      }
    }

    /** "Cluster, InboundService, ..." in declaration order; the last separator is {@code last}. */
    private static String kindList(String last) {
      List<String> names = java.util.Arrays.stream(Kind.values()).map(Kind::name).toList();
      return String.join(", ", names.subList(0, names.size() - 1)) + last + names.get(names.size() - 1);
    }

    private static boolean isKind(String text) {
      return KINDS.containsKey(text);
    }

    /** Names are unique per kind: each document learns the first of its name when that is another one. */
    private void findFirstOfEachName() {
      for (Pending document : pending) {
        if (document.name == null) {
          continue;
        }
        Pending first = firstByName.computeIfAbsent(document.kind, k -> new HashMap<>()).putIfAbsent(document.name, document);
        document.firstOfName = first;
      }
    }

    /**
     * Fills in each document's defaults, in the order they read each other: clusters (their own
     * content only), services and clients (which read their cluster as written, and a client its
     * target service and both clusters with defaults), then the mesh-edge kinds (which read their
     * cluster with defaults). Each document's defaults are worked out on its own (on every core),
     * or taken from the last load when its file and everything it reads from other documents are
     * unchanged ({@link ParseCache.Defaulted}).
     */
    private void applyDefaults() {
      // Read as written (defaults are filled into copies).
      Map<String, Object> withoutSidecar = new HashMap<>();
      firstByName.getOrDefault(Kind.Cluster, Map.of()).forEach((name, cluster) -> {
        if (cluster.written.get("spec") instanceof Map<?, ?> spec && spec.get("namespacesWithoutSidecar") != null) {
          withoutSidecar.put(name, spec.get("namespacesWithoutSidecar"));
        }
      });
      defaults(Kind.Cluster, document -> java.util.Arrays.asList(firstNameAt(document)),
          document -> schemas.applyDefaults(document.kind, document.content));
      defaults(Kind.InboundService, document -> java.util.Arrays.asList(firstNameAt(document), sidecarOff(document, withoutSidecar)),
          document -> {
            applySidecarDefault(document, withoutSidecar);
            schemas.applyDefaults(document.kind, document.content);
            applyServiceDefaults(document);
          });
      defaults(Kind.ServiceClient, document -> java.util.Arrays.asList(firstNameAt(document), sidecarOff(document, withoutSidecar),
          clientInputs(document.written)), document -> {
            applySidecarDefault(document, withoutSidecar);
            schemas.applyDefaults(document.kind, document.content);
            applyClientDefaults(document);
          });
      // The first Cluster of each name with a spec: what EdgeDefaults reads.
      Map<String, Map<String, Object>> clusterSpecs = EdgeDefaults.clusterSpecs(pending.stream()
          .filter(p -> p.kind == Kind.Cluster && p.name != null).map(p -> new EdgeDefaults.Document(p.kind, p.name, p.content))
          .toList());
      for (Kind kind : List.of(Kind.IngressRoute, Kind.ExternalService, Kind.EndUserAuth)) {
        defaults(kind, document -> java.util.Arrays.asList(firstNameAt(document),
            document.kind == Kind.IngressRoute ? EdgeDefaults.inputs(document.written, clusterSpecs) : null), document -> {
              schemas.applyDefaults(document.kind, document.content);
              if (document.name != null) {
                EdgeDefaults.apply(new EdgeDefaults.Document(document.kind, document.name, document.content), clusterSpecs);
              }
            });
      }
    }

    /**
     * Fills in the defaults of every document of {@code kind}: a duplicate name is reported, then
     * {@code fill} runs on the document's own copy; or, when the last load worked them out for the
     * same file as written and equal {@code inputs}, its content, problems and typed intent are taken.
     */
    private void defaults(Kind kind, java.util.function.Function<Pending, List<Object>> inputs,
        java.util.function.Consumer<Pending> fill) {
      pending.parallelStream().filter(document -> document.kind == kind).forEach(document -> {
        List<Object> read = document.file == null ? null : inputs.apply(document);
        ParseCache.Defaulted last = read == null ? null : document.file.defaulted().get(document.index);
        if (last != null && last.inputs.equals(read)) {
          document.defaulted = last;
          document.content = last.content;
          document.problems = last.problems;
          document.errors += last.problems.size();
          cache.count(true);
          return;
        }
        // The document as read is immutable (and the cache's stays as written for the next load):
        // defaults are filled into a copy, short-lived as it is frozen again below.
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) ParseCache.deepCopy(document.written);
        document.content = copy;
        if (document.firstOfName != null) {
          SourceLocation firstAt = document.firstOfName.locations.locate("metadata.name");
          problem(document, document.problems, document.locations.locate("metadata.name"), "metadata.name",
              "duplicate " + document.kind + " name \"" + document.name + "\": already defined at " + firstAt
                  + "; names must be unique per kind; rename one of them");
        }
        fill.accept(document);
        // Nothing changes a document after its defaults: compact immutable maps from here on (a
        // large repository's 40,000 documents are kept to the end of the run, see FrozenMap).
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) FrozenMap.freeze(document.content);
        document.content = frozen;
        if (document.file != null) {
          document.defaulted = new ParseCache.Defaulted(document.kind, document.name, read, document.content,
              List.copyOf(document.problems));
          document.file.defaulted().set(document.index, document.defaulted);
          cache.count(false);
        }
      });
    }

    /** Where the first document of this one's name is named, when this one is a duplicate; else null. */
    private static SourceLocation firstNameAt(Pending document) {
      return document.firstOfName == null ? null : document.firstOfName.locations.locate("metadata.name");
    }

    /**
     * A service or client in one of its cluster's {@code namespacesWithoutSidecar} (a legacy namespace
     * without sidecar injection) has no sidecar unless it says so; elsewhere the schema's default
     * ({@code true}) applies. Runs before the schema defaults, which fill what is still absent.
     */
    @SuppressWarnings("unchecked")
    private static void applySidecarDefault(Pending document, Map<String, Object> withoutSidecar) {
      if (sidecarOff(document, withoutSidecar)) {
        ((Map<String, Object>) document.content.get("spec")).put("sidecar", false);
      }
    }

    /** True when the document says nothing of its sidecar and sits in a namespace of its cluster without one. */
    private static boolean sidecarOff(Pending document, Map<String, Object> withoutSidecar) {
      if (withoutSidecar.isEmpty()) {
        return false; // most meshes: no cluster has such namespaces
      }
      if (!(document.written.get("spec") instanceof Map<?, ?> spec) || spec.containsKey("sidecar")
          || !(spec.get("cluster") instanceof String cluster)) {
        return false;
      }
      if (!(withoutSidecar.get(cluster) instanceof List<?> legacy)) {
        return false;
      }
      return legacy.contains(spec.get("namespace") == null ? "default" : spec.get("namespace"));
    }

    /**
     * The defaults that are not constants: a service's pods are selected by {@code app: <service>},
     * and its ports are one list ({@link ServicePorts}).
     */
    @SuppressWarnings("unchecked")
    private void applyServiceDefaults(Pending service) {
      if (!(service.content.get("spec") instanceof Map<?, ?> rawSpec)) {
        return;
      }
      if (!rawSpec.containsKey("selector") && rawSpec.get("service") instanceof String name) {
        ((Map<String, Object>) rawSpec).put("selector", new java.util.LinkedHashMap<>(Map.of("app", name)));
      }
      for (ServicePorts.Problem problem : ServicePorts.normalize((Map<String, Object>) rawSpec)) {
        problem(service, service.problems, service.locations.locate(problem.path()), problem.path(), problem.message());
      }
    }

    /**
     * What a client's defaults read from other documents: its target's cluster and mutualTLS (with
     * defaults), and whether its cluster and its target's exist and their logical clouds.
     */
    private List<Object> clientInputs(Map<String, Object> client) {
      if (!(client.get("spec") instanceof Map<?, ?> spec)) {
        return List.of();
      }
      Map<String, Object> target = specOf(Kind.InboundService, spec.get("target"));
      Map<String, Object> clientCluster = specOf(Kind.Cluster, spec.get("cluster"));
      Map<String, Object> targetCluster = target == null ? null : specOf(Kind.Cluster, target.get("cluster"));
      return java.util.Arrays.asList(target != null, target == null ? null : target.get("cluster"),
          target == null ? null : target.get("mutualTLS"), clientCluster != null,
          clientCluster == null ? null : clientCluster.get("logicalCloud"), targetCluster != null,
          targetCluster == null ? null : targetCluster.get("logicalCloud"));
    }

    /**
     * The two defaults that are not constants: a client's serviceAccount is its service, and its
     * mutualTLS is its target's when both sit in one logical cloud (required otherwise).
     */
    @SuppressWarnings("unchecked")
    private void applyClientDefaults(Pending client) {
      if (!(client.content.get("spec") instanceof Map<?, ?> rawSpec)) {
        return;
      }
      Map<String, Object> spec = (Map<String, Object>) rawSpec;
      if (!spec.containsKey("serviceAccount") && spec.get("service") instanceof String service) {
        spec.put("serviceAccount", service);
      }
      if (spec.containsKey("mutualTLS")) {
        return;
      }
      Map<String, Object> target = specOf(Kind.InboundService, spec.get("target"));
      Map<String, Object> clientCluster = specOf(Kind.Cluster, spec.get("cluster"));
      Map<String, Object> targetCluster = target == null ? null : specOf(Kind.Cluster, target.get("cluster"));
      if (target == null || clientCluster == null || targetCluster == null) {
        return; // unknown references are MG-REF-01's to report
      }
      Object clientCloud = clientCluster.get("logicalCloud");
      Object targetCloud = targetCluster.get("logicalCloud");
      if (!(clientCloud instanceof String) || !(targetCloud instanceof String)) {
        return;
      }
      if (!clientCloud.equals(targetCloud)) {
        problem(client, client.problems, client.locations.locate("spec"), "spec.mutualTLS",
            "missing required field \"mutualTLS\" in spec: cluster " + spec.get("cluster") + " (logical cloud "
                + clientCloud + ") and target " + spec.get("target") + " in cluster " + target.get("cluster")
                + " (logical cloud " + targetCloud + ") sit in different logical clouds; set mutualTLS explicitly");
        return;
      }
      if (target.get("mutualTLS") instanceof String mode && isTlsMode(mode)) {
        spec.put("mutualTLS", mode);
      }
    }

    /**
     * A Kubernetes Service is one host, {@code <service>.<namespace>.global}: two InboundServices
     * for it in one cluster would render the same DestinationRule twice, and two in different
     * clusters would send a cluster with clients of both to one of them only, silently. Two hosts
     * whose {@code <service>-<namespace>} spell the same ({@code a-b} in {@code c}, {@code a} in
     * {@code b-c}) name their {@code .global} objects alike, so they clash in every cluster that
     * holds both. All are reported on the later document (the earlier one keeps its meaning).
     */
    @SuppressWarnings("unchecked")
    private void rejectHostCollisions() {
      // Each service is in one group, and reported in its own list: the groups' order does not matter.
      // A group is its first service, or the list of its services once it has several.
      Map<String, Object> byObjectName = new HashMap<>();
      for (Pending service : pending) {
        // Documents with errors already have a message; a clash on top would only repeat it.
        String objectName = service.kind != Kind.InboundService || service.name == null || service.errors > 0
            ? null : objectName(service);
        if (objectName == null) {
          continue;
        }
        Object group = byObjectName.putIfAbsent(objectName, service);
        if (group instanceof Pending first) {
          byObjectName.put(objectName, new ArrayList<>(List.of(first, service)));
        } else if (group != null) {
          ((List<Pending>) group).add(service);
        }
      }
      Map<String, Set<String>> clientClustersByTarget = null;
      for (Object group : byObjectName.values()) {
        if (!(group instanceof List<?>)) {
          continue;
        }
        List<Pending> services = (List<Pending>) group;
        if (clientClustersByTarget == null) {
          clientClustersByTarget = clientClustersByTarget();
        }
        // Each later service clashes with the first earlier one that serves its host in its cluster,
        // or that needs a .global ServiceEntry in a cluster where it does: remember, per host and
        // cluster, the first service hosted there and, per cluster, the first with a ServiceEntry
        // there, so each service is looked at once (not once per pair).
        Map<String, Integer> firstHostedIn = new HashMap<>();
        Map<String, Integer> firstWithEntryIn = new HashMap<>();
        for (int later = 0; later < services.size(); later++) {
          Pending second = services.get(later);
          Object cluster = ((Map<String, Object>) second.content.get("spec")).get("cluster");
          String hostInCluster = globalHost(second) + "@" + cluster;
          Set<String> entryClusters = entryClusters(clientClustersByTarget, second.name, cluster);
          int earliest = firstHostedIn.getOrDefault(hostInCluster, Integer.MAX_VALUE);
          for (String entryCluster : entryClusters) {
            earliest = Math.min(earliest, firstWithEntryIn.getOrDefault(entryCluster, Integer.MAX_VALUE));
          }
          if (earliest != Integer.MAX_VALUE) {
            String problem = hostCollision(services.get(earliest), second, clientClustersByTarget);
            problem(second, second.lateProblems, second.locations.locate("spec.service"), "spec.service", problem);
          }
          firstHostedIn.putIfAbsent(hostInCluster, later);
          for (String entryCluster : entryClusters) {
            firstWithEntryIn.putIfAbsent(entryCluster, later);
          }
        }
      }
    }

    /**
     * {@code <service>-<namespace>} of an InboundService whose spec names both and its cluster, else
     * null; a function of the content, so kept with content taken from the last load.
     */
    private static String objectName(Pending service) {
      ParseCache.Defaulted defaulted = service.defaulted;
      if (defaulted != null && defaulted.objectName != null) {
        return defaulted.objectName.isEmpty() ? null : defaulted.objectName;
      }
      String objectName = service.content.get("spec") instanceof Map<?, ?> spec && spec.get("service") instanceof String name
          && spec.get("namespace") instanceof String namespace && spec.get("cluster") instanceof String
          ? name + "-" + namespace : null;
      if (defaulted != null) {
        defaulted.objectName = objectName == null ? "" : objectName;
      }
      return objectName;
    }

    /** {@code <service>.<namespace>.global} of an InboundService whose spec names both. */
    @SuppressWarnings("unchecked")
    private static String globalHost(Pending service) {
      Map<String, Object> spec = (Map<String, Object>) service.content.get("spec");
      return spec.get("service") + "." + spec.get("namespace") + ".global";
    }

    /**
     * Why two InboundServices of one host, or of hosts whose objects share a name, clash (they do:
     * see {@link #rejectHostCollisions}).
     */
    @SuppressWarnings("unchecked")
    private String hostCollision(Pending first, Pending second, Map<String, Set<String>> clientClustersByTarget) {
      Map<String, Object> firstSpec = (Map<String, Object>) first.content.get("spec");
      Map<String, Object> secondSpec = (Map<String, Object>) second.content.get("spec");
      String at = " (" + first.locations.locate("spec.service") + ")";
      String host = globalHost(second);
      boolean sameHost = host.equals(globalHost(first));
      if (sameHost && firstSpec.get("cluster").equals(secondSpec.get("cluster"))) {
        return "InboundService " + second.name + " declares service " + secondSpec.get("service") + " in namespace "
            + secondSpec.get("namespace") + " of cluster " + secondSpec.get("cluster") + ", which InboundService "
            + first.name + " already declares" + at + "; one InboundService describes a Kubernetes Service: list all its"
            + " ports under spec.ports of " + first.name + " and remove " + second.name;
      }
      Set<String> shared = new TreeSet<>(entryClusters(clientClustersByTarget, first.name, firstSpec.get("cluster")));
      shared.retainAll(entryClusters(clientClustersByTarget, second.name, secondSpec.get("cluster")));
      // Per shared cluster, why each of the two has its .global objects there.
      List<String> why = new ArrayList<>();
      Set<String> callingBoth = new TreeSet<>();
      for (String cluster : shared) {
        List<String> hosted = new ArrayList<>();
        List<String> called = new ArrayList<>();
        for (Pending service : List.of(first, second)) {
          boolean hostsIt = cluster.equals(((Map<String, Object>) service.content.get("spec")).get("cluster"));
          (hostsIt ? hosted : called).add(service.name);
        }
        if (hosted.isEmpty()) {
          callingBoth.add(cluster);
        } else {
          why.add("cluster " + cluster + " hosts " + String.join(" and ", hosted) + " for "
              + (hosted.size() == 1 ? "its" : "their") + " clients in other clusters"
              + (called.isEmpty() ? "" : " and has clients of " + String.join(" and ", called)));
        }
      }
      if (!callingBoth.isEmpty()) {
        why.add(0, "cluster " + String.join(", ", callingBoth) + " has clients of both");
      }
      if (!sameHost) {
        String objects = "meshgate-" + secondSpec.get("service") + "-" + secondSpec.get("namespace") + "-global";
        return "InboundService " + second.name + " (host " + host + ") and InboundService " + first.name + " (host "
            + globalHost(first) + ")" + at + " give their .global objects the same name, " + objects
            + " (<service>-<namespace>-global), and " + String.join("; ", why) + ", so one would replace the other"
            + " there; change the Service name or namespace of one of them so that <service>-<namespace> differ";
      }
      return "InboundService " + second.name + " (cluster " + secondSpec.get("cluster") + ") and InboundService "
          + first.name + " (cluster " + firstSpec.get("cluster") + ")" + at + " both publish host " + host
          + ", and " + String.join("; ", why) + "; one host leads to one cluster only: serve them under different"
          + " Service names or namespaces";
    }

    /** The clusters, other than the hosting one, that run a client of the named InboundService. */
    private static Set<String> clientClusters(Map<String, Set<String>> clientClustersByTarget, String serviceName,
        Object hostCluster) {
      Set<String> clusters = new TreeSet<>(clientClustersByTarget.getOrDefault(serviceName, Set.of()));
      clusters.remove(hostCluster);
      return clusters;
    }

    /**
     * The clusters that hold the named InboundService's {@code .global} ServiceEntry: those of its
     * clients in other clusters, and its own cluster when it has such clients (contract v2 renders
     * the hosting side's {@code .global} pair there too).
     */
    private static Set<String> entryClusters(Map<String, Set<String>> clientClustersByTarget, String serviceName,
        Object hostCluster) {
      Set<String> clusters = clientClusters(clientClustersByTarget, serviceName, hostCluster);
      if (!clusters.isEmpty() && hostCluster instanceof String host) {
        clusters.add(host);
      }
      return clusters;
    }

    /** For each target name, the clusters its ServiceClients run in (valid or not). */
    private Map<String, Set<String>> clientClustersByTarget() {
      Map<String, Set<String>> clusters = new HashMap<>();
      for (Pending client : pending) {
        if (client.kind == Kind.ServiceClient && client.content.get("spec") instanceof Map<?, ?> spec
            && spec.get("target") instanceof String target && spec.get("cluster") instanceof String cluster) {
          clusters.computeIfAbsent(target, t -> new TreeSet<>()).add(cluster);
        }
      }
      return clusters;
    }

    private static boolean isTlsMode(String mode) {
      for (TlsMode value : TlsMode.values()) {
        if (value.name().equals(mode)) {
          return true;
        }
      }
      return false;
    }

    /** The spec of the first document of that kind and name, or null. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> specOf(Kind kind, Object name) {
      Pending document = name instanceof String text ? firstByName.getOrDefault(kind, Map.of()).get(text) : null;
      return document != null && document.content.get("spec") instanceof Map<?, ?> spec ? (Map<String, Object>) spec : null;
    }

    private LoadResult result() {
      List<IntentDocument> documents = new ArrayList<>(pending.size());
      Map<String, Cluster> clusters = new TreeMap<>();
      Map<String, InboundService> services = new TreeMap<>();
      Map<String, ServiceClient> clients = new TreeMap<>();
      Map<String, IngressRoute> ingressRoutes = new TreeMap<>();
      Map<String, ExternalService> externalServices = new TreeMap<>();
      Map<String, EndUserAuth> endUserAuths = new TreeMap<>();
      Map<IntentRef, SourceLocation> sources = new TreeMap<>();
      // Binding is most of this step and each document's is its own: on every core, then in order.
      // A document whose defaults the last load worked out keeps the intent bound then.
      List<Object> typed = pending.parallelStream().map(document -> {
        if (document.name == null || document.errors != 0) {
          return null;
        }
        ParseCache.Defaulted defaulted = document.defaulted;
        Object intent = defaulted == null ? null : defaulted.typed;
        if (intent == null) {
          intent = bindOrFailure(document);
          if (defaulted != null) {
            defaulted.typed = intent;
          }
        }
        return intent;
      }).toList();
      List<Pending> held = new ArrayList<>();
      for (int at = 0; at < pending.size(); at++) {
        Pending document = pending.get(at);
        if (document.name == null) {
          continue;
        }
        if (document.errors == 0) {
          if (typed.get(at) instanceof IllegalArgumentException e) {
            // The schema admitted something the typed model cannot hold: report it rather than crash.
            problem(document, document.lateProblems, document.locations.documentStart(), null,
                "cannot read this " + document.kind + ": " + firstLine(e.getMessage()));
          } else if (cache != null) {
            held.add(document);
          } else {
            Object intent = typed.get(at);
            switch (document.kind) {
              case Cluster -> clusters.put(document.name, (Cluster) intent);
              case InboundService -> services.put(document.name, (InboundService) intent);
              case ServiceClient -> clients.put(document.name, (ServiceClient) intent);
              case IngressRoute -> ingressRoutes.put(document.name, (IngressRoute) intent);
              case ExternalService -> externalServices.put(document.name, (ExternalService) intent);
              case EndUserAuth -> endUserAuths.put(document.name, (EndUserAuth) intent);
            }
            sources.put(new IntentRef(document.kind, document.name), document.locations.documentStart());
          }
        }
        documents.add(handedOut(document));
      }
      // Each document's problems after those of identifying it (in the order they were found).
      for (Pending document : pending) {
        violations.addAll(document.problems);
        violations.addAll(document.lateProblems);
      }
      violations.sort(Comparator.comparing(Violation::file, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparingInt(Violation::line).thenComparingInt(Violation::column)
          .thenComparing(Violation::message));
      IntentSet intents = cache != null ? held(held) : new IntentSet(new TreeMap<>(clusters), new TreeMap<>(services),
          new TreeMap<>(clients), sources, new TreeMap<>(ingressRoutes), new TreeMap<>(externalServices),
          new TreeMap<>(endUserAuths));
      return new LoadResult(intents, documents, violations, files, overlays);
    }

    /**
     * The intents of the documents {@code held} (valid, bound), from those the last load handed out:
     * the ones of documents gone or no longer held are removed, those of documents held now and not
     * then are added.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private IntentSet held(List<Pending> held) {
      ParseCache.Intents kept = cache.intents();
      int load = ++kept.load;
      boolean whole = !kept.complete;
      if (whole) {
        kept.byKind.values().forEach(Map::clear);
        kept.sources.clear();
        kept.held = List.of();
      }
      kept.complete = false;
      List<Pending> added = new ArrayList<>();
      List<ParseCache.Defaulted> holding = new ArrayList<>(held.size());
      for (Pending document : held) {
        if (whole || document.defaulted.heldIn != load - 1) {
          added.add(document);
        }
        document.defaulted.heldIn = load;
        holding.add(document.defaulted);
      }
      // Removed first: a name held by another document now is added after.
      for (ParseCache.Defaulted gone : kept.held) {
        if (gone.heldIn != load) {
          kept.byKind.get(gone.kind).remove(gone.name);
          kept.sources.remove(new IntentRef(gone.kind, gone.name));
        }
      }
      for (Pending document : added) {
        kept.byKind.get(document.kind).put(document.name, document.defaulted.typed);
        kept.sources.put(new IntentRef(document.kind, document.name), document.locations.documentStart());
      }
      kept.held = holding;
      kept.complete = true;
      return new IntentSet((SortedMap) kept.byKind.get(Kind.Cluster), (SortedMap) kept.byKind.get(Kind.InboundService),
          (SortedMap) kept.byKind.get(Kind.ServiceClient), kept.sources, (SortedMap) kept.byKind.get(Kind.IngressRoute),
          (SortedMap) kept.byKind.get(Kind.ExternalService), (SortedMap) kept.byKind.get(Kind.EndUserAuth));
    }

    /**
     * The document handed out: the one the last load handed out when it holds the same content and
     * validity (later steps compare documents, and the same one is equal at once).
     */
    private static IntentDocument handedOut(Pending document) {
      boolean valid = document.errors == 0;
      ParseCache.Defaulted defaulted = document.defaulted;
      IntentDocument last = defaulted == null ? null : defaulted.document;
      if (last != null && last.valid() == valid) {
        return last;
      }
      IntentDocument made = new IntentDocument(document.kind, document.name, document.content, document.locations, valid);
      if (defaulted != null) {
        defaulted.document = made;
      }
      return made;
    }

    /** The typed intent, or the IllegalArgumentException saying why the model cannot hold it. */
    private static Object bindOrFailure(Pending document) {
      try {
        Class<?> type = switch (document.kind) {
          case Cluster -> Cluster.class;
          case InboundService -> InboundService.class;
          case ServiceClient -> ServiceClient.class;
          case IngressRoute -> IngressRoute.class;
          case ExternalService -> ExternalService.class;
          case EndUserAuth -> EndUserAuth.class;
        };
        return bind(document, type);
      } catch (IllegalArgumentException e) {
        return e;
      }
    }

    /** The typed intent; IllegalArgumentException when the model cannot hold what the schema admitted. */
    private static <T> T bind(Pending document, Class<T> type) {
      try {
        return BINDER.treeToValue(IntentSchemas.tree(document.content), type);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    private static String firstLine(String message) {
      if (message == null) {
        return "unexpected content";
      }
      int newline = message.indexOf('\n');
      return newline < 0 ? message : message.substring(0, newline);
    }

    private void fileProblem(String label, String message) {
      violations.add(new Violation(Violation.SCHEMA_RULE, Severity.ERROR, message, label, 1, 1, null, null, null));
    }

    private void fileWarning(String label, String message) {
      violations.add(new Violation(Violation.SCHEMA_RULE, Severity.WARNING, message, label, 1, 1, null, null, null));
    }

    /** A problem of a document after it was identified, into its own list {@code into}. */
    private static void problem(Pending document, List<Violation> into, SourceLocation at, String field, String message) {
      document.errors++;
      into.add(new Violation(Violation.SCHEMA_RULE, Severity.ERROR, message, at.file(), at.line(), at.column(),
          document.kind.name(), document.name, field == null || field.isEmpty() ? null : field));
    }

    private void report(Pending document, SourceLocation at, Kind kind, String name, String field, String message) {
      if (document != null) {
        document.errors++;
      }
      violations.add(new Violation(Violation.SCHEMA_RULE, Severity.ERROR, message, at.file(), at.line(), at.column(),
          kind == null ? null : kind.name(), name, field == null || field.isEmpty() ? null : field));
    }
  }
}
