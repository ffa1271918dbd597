package io.meshgate.intent;

import io.meshgate.check.Severity;
import io.meshgate.check.Violation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns the bytes of one YAML file into plain Java documents, keeping where every node stands.
 * Never throws for bad input: every problem becomes an {@code MG-SCHEMA} violation.
 */
public final class YamlReader {
  static final int MAX_NESTING_DEPTH = 40;
  static final int MAX_ALIASES = 50;
  /** Nodes one document may expand to once aliases are followed (stops "billion laughs"). */
  static final int MAX_NODES_PER_DOCUMENT = 50_000;

  /**
   * A document whose root is a mapping. {@code problems} counts the errors already reported inside
   * it (duplicate keys, unsupported tags), which make it invalid.
   */
  record Document(Map<String, Object> content, FieldLocations locations, int problems) {}

  private final String file;
  private final List<Violation> violations;
  private final Map<String, String> strings;
  /**
   * One per thread: building SafeConstructor's and the resolver's tables costs more than reading a
   * small document, and a repository is 10,000 small files.
   */
  private static final ThreadLocal<ScalarTools> TOOLS = ThreadLocal.withInitial(ScalarTools::new);
  private final ScalarConstructor scalars;
  private final RememberingResolver resolver;

  private YamlReader(String file, List<Violation> violations, Map<String, String> strings) {
    ScalarTools tools = TOOLS.get();
    this.scalars = tools.constructor;
    this.resolver = tools.resolver;
    this.file = file;
    this.violations = violations;
    this.strings = strings;
  }

  /**
   * Every mapping document of a YAML file that is not an intent file (e.g. a rendered tree), as plain
   * maps, with the same limits and file:line:column problems as intent files.
   */
  public static List<Map<String, Object>> readMappings(String file, byte[] bytes, List<Violation> problems) {
    return read(file, bytes, problems).stream().map(Document::content).toList();
  }

  /** Reads every non-empty document of a file; problems are added to {@code violations}. */
  static List<Document> read(String file, byte[] bytes, List<Violation> violations) {
    return read(file, bytes, violations, new HashMap<>());
  }

  /**
   * As {@link #read(String, byte[], List)}, sharing one copy of each text (keys, values, field
   * paths) through {@code strings}: thousands of documents repeat the same keys, clusters and
   * namespaces, and a large repository's documents stay in memory until the run ends.
   */
  static List<Document> read(String file, byte[] bytes, List<Violation> violations, Map<String, String> strings) {
    return new YamlReader(file, violations, strings).read(bytes);
  }

  private String shared(String text) {
    String known = strings.putIfAbsent(text, text);
    return known == null ? text : known;
  }

  private List<Document> read(byte[] bytes) {
    String text = decode(bytes);
    if (text == null || !printable(text)) {
      return List.of();
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING_DEPTH);
    options.setCodePointLimit(Math.max(text.length() + 16, 1024));
    options.setMergeOnCompose(false);
    List<Document> documents = new ArrayList<>();
    try {
      // What Yaml.composeAll does, with this thread's resolver.
      Composer nodes = new Composer(new ParserImpl(new StreamReader(text), options), resolver, options);
      while (nodes.checkNode()) {
        Node root = nodes.getNode();
        Document document = toDocument(root);
        if (document != null) {
          documents.add(document);
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      report(mark, describe(e));
    } catch (YAMLException e) {
      report(1, 1, describeLimit(e.getMessage()));
    } catch (StackOverflowError e) {
      report(1, 1, "YAML nested too deeply; flatten the document");
    } catch (RuntimeException e) {
      // Bad input must never escape as an exception; name the file so it can be fixed.
      report(1, 1, "cannot read this YAML file (" + IoProblems.describe(e) + "); check its syntax");
    }
    return documents;
  }

  /** Strict UTF-8 (an optional BOM is dropped); reports the line of the first bad byte. */
  private String decode(byte[] bytes) {
    int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
        && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer buffer = ByteBuffer.wrap(bytes, start, bytes.length - start);
    try {
      return decoder.decode(buffer).toString();
    } catch (CharacterCodingException e) {
      // Name the line of the first undecodable byte: decode line by line until one fails.
      int line = 1;
      int lineStart = start;
      for (int i = start; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          if (!validUtf8(bytes, lineStart, i)) {
            break;
          }
          line++;
          lineStart = i + 1;
        }
      }
      report(line, 1, "file is not valid UTF-8 text (binary or another encoding) at line " + line
          + "; save it as UTF-8");
      return null;
    }
  }

  private static boolean validUtf8(byte[] bytes, int from, int to) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Control characters other than tab, CR and LF mean binary content; report the first. */
  private boolean printable(String text) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        column = 1;
        continue;
      }
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f || c == '\uFFFE' || c == '\uFFFF') {
        report(line, column, String.format(
            "binary content: control character U+%04X is not allowed in YAML; the file must be UTF-8 text", (int) c));
        return false;
      }
      column++;
    }
    return true;
  }

  private Document toDocument(Node root) {
    if (root == null || isNull(root)) {
      return null; // an empty document ("---" with nothing after it) is skipped
    }
    SourceLocation start = at(root.getStartMark());
    if (!(root instanceof MappingNode mapping)) {
      report(start, "document is not a mapping (found " + describeNode(root)
          + "); an intent starts with apiVersion, kind, metadata and spec" + listOfIntentsAdvice(root));
      return null;
    }
    FieldLocations locations = new FieldLocations(start);
    int reportedBefore = violations.size();
    Converter converter = new Converter(locations);
    Object content = converter.convert(mapping, "", 0);
    if (converter.aborted) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) content;
    return new Document(map, locations, violations.size() - reportedBefore);
  }

  /**
   * Node tree to {@link FrozenMap} (in the order written) / immutable list / String / Boolean / Long /
   * BigDecimal / null: documents are kept to the end of a run, and nothing changes them (the loader
   * fills in defaults in a copy).
   */
  private final class Converter {
    private final FieldLocations locations;
    private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private int nodes;
    boolean aborted;

    Converter(FieldLocations locations) {
      this.locations = locations;
    }

    Object convert(Node node, String path, int depth) {
      if (aborted) {
        return null;
      }
      if (++nodes > MAX_NODES_PER_DOCUMENT) {
        abort(node, "document has more than " + MAX_NODES_PER_DOCUMENT
            + " nodes once aliases are expanded; split it into smaller documents or remove the aliases");
        return null;
      }
      if (depth > MAX_NESTING_DEPTH) {
        abort(node, "YAML nested more than " + MAX_NESTING_DEPTH + " levels deep; flatten the document");
        return null;
      }
      if (!inProgress.add(node)) {
        abort(node, "recursive alias: a node contains itself; remove the alias");
        return null;
      }
      try {
        if (node instanceof MappingNode mapping) {
          return convertMapping(mapping, path, depth);
        }
        if (node instanceof SequenceNode sequence) {
          Object[] items = new Object[sequence.getValue().size()];
          int index = 0;
          for (Node item : sequence.getValue()) {
            String itemPath = shared(FieldLocations.item(path, index));
            Mark start = item.getStartMark();
            locations.put(itemPath, 0, 0, line(start), column(start), item instanceof ScalarNode);
            items[index++] = convert(item, itemPath, depth + 1);
          }
          return FrozenMap.listOf(items);
        }
        return scalar((ScalarNode) node, path);
      } finally {
        inProgress.remove(node);
      }
    }

    private Map<String, Object> convertMapping(MappingNode mapping, String path, int depth) {
      int size = mapping.getValue().size();
      String[] keys = new String[size];
      Object[] values = new Object[size];
      int entries = 0;
      // Duplicate keys are found by scanning the few keys of a usual mapping, by hash in a large one.
      Set<String> seen = size > 16 ? new java.util.HashSet<>() : null;
      for (NodeTuple tuple : mapping.getValue()) {
        Node keyNode = tuple.getKeyNode();
        Node valueNode = tuple.getValueNode();
        if (!(keyNode instanceof ScalarNode scalarKey)) {
          report(at(keyNode.getStartMark()), "a mapping key must be a plain word, not " + describeNode(keyNode)
              + "; write the key as text");
          continue;
        }
        String key = shared(scalarKey.getValue());
        SourceLocation keyAt = at(keyNode.getStartMark());
        if (Tag.MERGE.equals(scalarKey.getTag())) {
          report(keyAt, "YAML merge keys (<<) are not supported" + where(path) + "; write the fields out");
          continue;
        }
        String childPath = shared(FieldLocations.child(path, key));
        if (seen != null ? !seen.add(key) : isAmong(key, keys, entries)) {
          int firstLine = locations.locateKey(childPath).line();
          report(keyAt, "duplicate key \"" + key + "\"" + where(path) + " (first at line " + firstLine
              + "); remove one of them");
          continue;
        }
        Mark valueStart = valueNode.getStartMark();
        locations.put(childPath, keyAt.line(), keyAt.column(), line(valueStart), column(valueStart),
            valueNode instanceof ScalarNode);
        keys[entries] = key;
        values[entries++] = convert(valueNode, childPath, depth + 1);
      }
      return entries == size ? FrozenMap.of(keys, values)
          : FrozenMap.of(java.util.Arrays.copyOf(keys, entries), java.util.Arrays.copyOf(values, entries));
    }

    private static boolean isAmong(String key, String[] keys, int count) {
      for (int i = 0; i < count; i++) {
        if (keys[i].equals(key)) {
          return true;
        }
      }
      return false;
    }

    private Object scalar(ScalarNode node, String path) {
      Tag tag = node.getTag();
      if (Tag.STR.equals(tag)) {
        return shared(node.getValue());
      }
      if (Tag.NULL.equals(tag)) {
        return null;
      }
      if (Tag.BOOL.equals(tag) || Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
        try {
          return normalize(scalars.construct(node), node.getValue());
        } catch (RuntimeException e) {
          return node.getValue();
        }
      }
      if (Tag.TIMESTAMP.equals(tag)) {
        return node.getValue(); // a date-like description stays text
      }
      report(at(node.getStartMark()), "YAML tag " + tag.getValue() + " is not supported"
          + where(FieldLocations.parentOf(path)) + "; remove the tag");
      return node.getValue();
    }

    private void abort(Node node, String message) {
      aborted = true;
      report(at(node.getStartMark()), message);
    }
  }

  private static Object normalize(Object value, String raw) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        return raw;
      }
      return BigDecimal.valueOf(d);
    }
    return value;
  }

  /** A thread's scalar constructor and resolver (neither may be shared between threads). */
  private static final class ScalarTools {
    final ScalarConstructor constructor = new ScalarConstructor();
    final RememberingResolver resolver = new RememberingResolver();
  }

  /**
   * SnakeYAML's YAML 1.1 tag resolution, remembering each plain scalar's tag: the answer depends on
   * the text alone, and matching it against the resolver's patterns for every key and value (keys
   * like {@code namespace} try the null and boolean patterns) was a tenth of reading a repository.
   */
  private static final class RememberingResolver extends Resolver {
    private static final int LIMIT = 16_384;
    private final Map<String, Tag> plainScalars = new HashMap<>();

    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
      if (kind != NodeId.scalar || !implicit) {
        return super.resolve(kind, value, implicit);
      }
      Tag tag = plainScalars.get(value);
      if (tag == null) {
        tag = super.resolve(kind, value, true);
        if (plainScalars.size() >= LIMIT) {
          plainScalars.clear(); // bounded: a repository of unique values must not grow it forever
        }
        plainScalars.put(value, tag);
      }
      return tag;
    }
  }

  /** Exposes SafeConstructor's YAML 1.1 scalar rules (ints in any base, booleans, floats). */
  private static final class ScalarConstructor extends SafeConstructor {
    ScalarConstructor() {
      super(new LoaderOptions());
    }

    /** The scalar's value, without the bookkeeping of constructed nodes (which would keep them all). */
    Object construct(ScalarNode node) {
      return getConstructor(node).construct(node);
    }
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
  }

  /** A list whose items look like intents (as `kubectl get -o json` or a JSON tool writes them): how to split it. */
  private String listOfIntentsAdvice(Node root) {
    if (!(root instanceof SequenceNode list) || list.getValue().isEmpty()
        || !list.getValue().stream().allMatch(YamlReader::looksLikeIntent)) {
      return "";
    }
    int count = list.getValue().size();
    String intents = count + (count == 1 ? " intent" : " intents");
    return IntentFiles.isJson(file)
        ? "; this JSON file holds a list of " + intents + "; a .json intent file holds one intent, a JSON object:"
            + " write one file per intent (or YAML documents separated by --- lines)"
        : "; this document is a list of " + intents + "; write each intent as a document of its own, separated by"
            + " --- lines, without the leading \"- \"";
  }

  private static boolean looksLikeIntent(Node node) {
    return node instanceof MappingNode mapping && mapping.getValue().stream().anyMatch(tuple ->
        tuple.getKeyNode() instanceof ScalarNode key && ("kind".equals(key.getValue()) || "apiVersion".equals(key.getValue())));
  }

  private static String describeNode(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    String value = ((ScalarNode) node).getValue();
    return "the scalar \"" + abbreviate(value) + "\"";
  }

  static String abbreviate(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "..." : value;
  }

  private static String where(String path) {
    return path.isEmpty() ? " at the top level" : " in " + path;
  }

  private static String describe(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem();
    String context = e.getContext() == null ? "" : e.getContext();
    if (problem.contains("'\\t'") || problem.contains("\\t(TAB)") || problem.contains("TAB")) {
      return "tab character in indentation; YAML allows only spaces there; replace tabs with spaces";
    }
    if (problem.contains("Nesting Depth exceeded")) {
      return "YAML nested more than " + MAX_NESTING_DEPTH + " levels deep; flatten the document";
    }
    if (problem.contains("Number of aliases")) {
      return describeLimit(problem);
    }
    if (problem.contains("Global tag is not allowed")) {
      return "YAML tag not allowed (" + problem.substring(problem.indexOf(':') + 1).trim() + "); remove the tag";
    }
    if (problem.contains("found undefined alias")) {
      return "alias refers to an anchor that is not defined; define the anchor (&name) before using *name";
    }
    String text = (context.isEmpty() ? "" : context + ": ") + problem;
    Mark start = e.getContextMark();
    Mark at = e.getProblemMark();
    String opened = start != null && at != null && start.getLine() != at.getLine()
        ? " (the construct opened at line " + (start.getLine() + 1) + ")" : "";
    String fix = problem.contains("<block end>") || problem.contains("mapping values are not allowed")
        ? "; check the indentation (items of one mapping must line up)" : "; fix the syntax";
    return "invalid YAML: " + text.replace('\n', ' ').trim() + opened + fix;
  }

  private static String describeLimit(String message) {
    String text = message == null ? "" : message;
    if (text.contains("Number of aliases")) {
      return "too many aliases (more than " + MAX_ALIASES + "); this looks like an alias bomb; remove the aliases";
    }
    if (text.contains("Nesting Depth")) {
      return "YAML nested more than " + MAX_NESTING_DEPTH + " levels deep; flatten the document";
    }
    if (text.contains("code points")) {
      return "file too large";
    }
    if (text.contains("Recursive key")) {
      return "recursive key (a key that contains itself through an alias); remove the alias";
    }
    return "invalid YAML: " + text.replace('\n', ' ').trim();
  }

  private SourceLocation at(Mark mark) {
    return new SourceLocation(file, line(mark), column(mark));
  }

  private static int line(Mark mark) {
    return mark == null ? 1 : mark.getLine() + 1;
  }

  private static int column(Mark mark) {
    return mark == null ? 1 : mark.getColumn() + 1;
  }

  private void report(Mark mark, String message) {
    report(at(mark), message);
  }

  private void report(int line, int column, String message) {
    report(new SourceLocation(file, line, column), message);
  }

  private void report(SourceLocation location, String message) {
    violations.add(new Violation(Violation.SCHEMA_RULE, Severity.ERROR, message, location.file(),
        location.line(), location.column(), null, null, null));
  }
}
