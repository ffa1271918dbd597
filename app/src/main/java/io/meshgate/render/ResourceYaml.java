package io.meshgate.render;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.meshgate.intent.FrozenMap;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns Fabric8 objects into clean, deterministic YAML: Jackson gives a tree, empty values are
 * pruned, keys are put in a fixed order, and the text is what SnakeYAML emits in block style with
 * 2-space indent and LF (written by {@link BlockWriter} for the usual shapes).
 */
public final class ResourceYaml {

  /**
   * Keys that come first, in this order, wherever they appear; every other key follows in
   * alphabetical order. Kubernetes readers expect apiVersion, kind, metadata, spec at the top.
   */
  private static final List<String> KEY_ORDER = List.of(
      "apiVersion", "kind", "metadata", "spec",
      "number", "name", "namespace", "labels", "annotations",
      "host", "hosts", "gateways", "addresses", "address", "location", "resolution", "ports", "protocol",
      "endpoints", "exportTo",
      "selector", "workloadSelector", "matchLabels", "servers", "port", "action", "rules", "from", "to", "source",
      "operation", "principals", "namespaces", "methods", "paths",
      "mtls", "mode", "credentialName", "sni", "issuer", "jwksUri",
      "trafficPolicy", "tls", "loadBalancer", "simple", "consistentHash", "connectionPool", "tcp",
      "http", "outlierDetection", "consecutive5xxErrors", "interval", "baseEjectionTime",
      "match", "route", "destination");

  /** Position of each key of {@link #KEY_ORDER}: one lookup per comparison instead of two list scans. */
  private static final Map<String, Integer> KEY_RANK = rank(KEY_ORDER);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ResourceYaml() {}

  private static Map<String, Integer> rank(List<String> order) {
    Map<String, Integer> ranks = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      ranks.put(order.get(i), i);
    }
    return Map.copyOf(ranks);
  }

  /**
   * The object as ordered plain maps/lists/strings/numbers/booleans, with empty values removed. The
   * maps and lists are immutable, so everything downstream (policy input, verify) may share them.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toPlain(Object resource) {
    // What MAPPER.convertValue(resource, Object.class) then normalize would give, read straight
    // from Jackson's tokens: 100,000 objects of a large render no longer each go through a tree
    // of linked hash maps and boxed numbers that is thrown away at once.
    TokenBuffer tokens = new TokenBuffer(MAPPER, false);
    try {
      MAPPER.writeValue(tokens, resource);
      try (JsonParser parser = tokens.asParser()) {
        Object clean = parser.nextToken() == null ? null : new TokenReader(parser).read();
        return clean instanceof Map<?, ?> ? (Map<String, Object>) clean : Map.of();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot convert " + resource.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads one object's tokens as {@link #normalize} leaves a converted value. The fields and items
   * of every open mapping and list wait on one stack (a mapping's fields above its parent's), so
   * reading 100,000 objects does not make two growing lists per mapping.
   */
  private static final class TokenReader {
    private final JsonParser parser;
    private String[] names = new String[32];
    private Object[] values = new Object[32];
    private int top;

    TokenReader(JsonParser parser) {
      this.parser = parser;
    }

    private void push(String name, Object value) {
      if (top == values.length) {
        names = Arrays.copyOf(names, top * 2);
        values = Arrays.copyOf(values, top * 2);
      }
      names[top] = name;
      values[top++] = value;
    }

    /** The value at the parser's current token. */
    Object read() throws IOException {
      switch (parser.currentToken()) {
        case START_OBJECT: {
          int start = top;
          for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String name = parser.currentName();
            parser.nextToken();
            push(name, read());
          }
          Object mapping = normalizedMapping(start);
          top = start;
          return mapping;
        }
        case START_ARRAY: {
          int start = top;
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            Object item = read();
            if (item != null) {
              push(null, item);
            }
          }
          List<Object> list = top == start ? null : List.of(Arrays.copyOfRange(values, start, top));
          top = start;
          return list;
        }
        case VALUE_STRING:
          return parser.getText();
        case VALUE_NUMBER_INT:
          return normalize(parser.getNumberValue());
        case VALUE_NUMBER_FLOAT: {
          Number number = parser.getNumberValue();
          return normalize(number instanceof Float f ? (Object) f.doubleValue() : number);
        }
        case VALUE_TRUE:
          return Boolean.TRUE;
        case VALUE_FALSE:
          return Boolean.FALSE;
        case VALUE_NULL:
          return null;
        case VALUE_EMBEDDED_OBJECT:
          return normalize(parser.getEmbeddedObject());
        default:
          throw new IOException("unexpected " + parser.currentToken());
      }
    }

    /**
     * The fields above {@code start}, read in order, their values normalized already: a later field
     * of one name wins (as a map's put does), then keys are ordered and null values dropped, as
     * {@link #normalize} does.
     */
    private Object normalizedMapping(int start) {
      int n = top - start;
      // Insertion sort of the field positions (stable; a mapping has a handful of fields).
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        int at = start + i;
        int j = i;
        while (j > 0 && KEY_COMPARATOR.compare(names[order[j - 1]], names[at]) > 0) {
          order[j] = order[j - 1];
          j--;
        }
        order[j] = at;
      }
      String[] keys = new String[n];
      Object[] kept = new Object[n];
      int size = 0;
      for (int i = 0; i < n; i++) {
        int at = order[i];
        if (i + 1 < n && names[order[i + 1]].equals(names[at])) {
          continue; // a later field of the same name follows
        }
        if (values[at] != null) {
          keys[size] = names[at];
          kept[size++] = values[at];
        }
      }
      return size == 0 ? null
          : FrozenMap.of(size == n ? keys : Arrays.copyOf(keys, size), size == n ? kept : Arrays.copyOf(kept, size));
    }
  }

  /** Orders keys and drops nulls, empty maps and empty lists, recursively; null if nothing is left. */
  static Object normalize(Object value) {
    if (value == null || value instanceof String) { // strings first: see BlockWriter.node
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      String[] keys = new String[map.size()];
      int n = 0;
      for (Object k : map.keySet()) {
        keys[n++] = String.valueOf(k);
      }
      Arrays.sort(keys, KEY_COMPARATOR);
      Object[] values = new Object[keys.length];
      int kept = 0;
      for (String k : keys) {
        Object v = normalize(map.get(k));
        if (v != null) {
          keys[kept] = k;
          values[kept++] = v;
        }
      }
      return kept == 0 ? null : FrozenMap.of(Arrays.copyOf(keys, kept), Arrays.copyOf(values, kept));
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        Object v = normalize(item);
        if (v != null) {
          out.add(v);
        }
      }
      return out.isEmpty() ? null : List.copyOf(out);
    }
    if (value instanceof Double d && Double.isFinite(d)) {
      // Istio's Percent (route weights' fault and mirror shares): whole numbers as integers, 12.5 as is.
      return d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE ? (Object) (int) d.doubleValue() : d;
    }
    if (value instanceof BigInteger || value instanceof BigDecimal || value instanceof Double
        || value instanceof Float) {
      throw new IllegalArgumentException("unexpected non-integer number in a rendered object: " + value);
    }
    if (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      // Fabric8 declares ports and counts as Long; one integer type keeps the plain maps uniform.
      return l.intValue();
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    return value;
  }

  private static final Comparator<String> KEY_COMPARATOR = (a, b) -> {
    Integer ia = KEY_RANK.get(a);
    Integer ib = KEY_RANK.get(b);
    if (ia != null || ib != null) {
      if (ia == null) {
        return 1;
      }
      if (ib == null) {
        return -1;
      }
      return Integer.compare(ia, ib);
    }
    return a.compareTo(b);
  };

  /** One YAML document (no {@code ---}), block style, 2-space indent, LF, trailing newline. */
  public static String dump(Map<String, ?> document) {
    byte[] ascii = BlockWriter.write(document);
    return ascii != null ? new String(ascii, StandardCharsets.US_ASCII) : yaml().dump(document);
  }

  /** {@link #dump} as UTF-8 bytes, what the output tree holds. */
  public static byte[] dumpBytes(Map<String, ?> document) {
    byte[] ascii = BlockWriter.write(document);
    return ascii != null ? ascii : yaml().dump(document).getBytes(StandardCharsets.UTF_8);
  }

  private static Yaml yaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setPrettyFlow(false);
    options.setSplitLines(false);
    options.setWidth(Integer.MAX_VALUE);
    options.setLineBreak(DumperOptions.LineBreak.UNIX);
    options.setExplicitStart(false);
    return new Yaml(options);
  }

  /**
   * Writes what SnakeYAML writes with the options of {@link #yaml()}, byte for byte, for the shape
   * rendered objects have: mappings with string keys, lists, strings of printable ASCII on one line,
   * integers and booleans. Anything else (another scalar type, a list directly in a list, a long
   * key, an empty or non-ASCII string, one map or list met twice) makes it give up, and SnakeYAML
   * writes the document: a rare, slower path with the same result. Dumping through SnakeYAML builds a node graph, an event queue
   * and a regex check per scalar, which was half of rendering 100,000 objects.
   *
   * <p>The rules mirror SnakeYAML 2.x's Serializer and Emitter: a string is written plain unless the
   * implicit resolver reads it as something else ({@code true}, {@code 8080}, {@code ~}) or an
   * indicator makes plain impossible ({@code *.global}, {@code key: x}); then it is single-quoted.
   * Sequences in a mapping are not indented; a mapping in a sequence starts after {@code "- "}.
   */
  static final class BlockWriter {
    /** SnakeYAML's DumperOptions.maxSimpleKeyLength: longer keys are written as {@code ? key}. */
    private static final int MAX_SIMPLE_KEY_LENGTH = 128;
    private static final Resolver RESOLVER = new Resolver();
    private static final String RESOLVER_FIRST_CHARACTERS = "yYnNtTfFoO-+0123456789.<~!&*";

    /**
     * What {@link #scalar} wrote for each string lately, on this thread: the same keys and most
     * values (kinds, modes, namespaces, hosts) recur across 100,000 objects, and deciding how to
     * write one (plain or quoted, SnakeYAML's resolver, character checks) costs more than copying
     * its bytes. Cleared when full, so a long-running service holds a bounded amount per thread.
     */
    private static final ThreadLocal<Map<String, byte[]>> SCALARS = ThreadLocal.withInitial(HashMap::new);
    private static final int MAX_SCALARS = 16_384;
    /** Marks a string only SnakeYAML writes right. */
    private static final byte[] SNAKEYAML_ONLY = new byte[0];

    private final Map<String, byte[]> scalars = SCALARS.get();
    private byte[] buffer = new byte[1024];
    private int length;
    /** The maps and lists written so far: SnakeYAML writes one met twice as an anchor and an alias. */
    private final List<Object> collections = new ArrayList<>();
    /** The same, once there are many (a ledger of many clusters): looked up by identity. */
    private java.util.Set<Object> manyCollections;

    private BlockWriter() {}

    /** The document as ASCII bytes, or null when SnakeYAML must write it. */
    static byte[] write(Map<String, ?> document) {
      BlockWriter writer = new BlockWriter();
      boolean written = document.isEmpty() ? writer.text("{}\n") : writer.mapping(document, 0, false);
      return written ? Arrays.copyOf(writer.buffer, writer.length) : null;
    }

    /** False when this very map or list was written before in the document (SnakeYAML: &id001, *id001). */
    private boolean firstTime(Object collection) {
      if (manyCollections != null) {
        return manyCollections.add(collection);
      }
      for (Object seen : collections) {
        if (seen == collection) {
          return false;
        }
      }
      collections.add(collection);
      if (collections.size() > 32) {
        manyCollections = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        manyCollections.addAll(collections);
      }
      return true;
    }

    private boolean mapping(Map<?, ?> map, int indent, boolean firstOnThisLine) {
      if (!firstTime(map)) {
        return false;
      }
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key) || key.length() >= MAX_SIMPLE_KEY_LENGTH) {
          return false;
        }
        if (!(first && firstOnThisLine)) {
          spaces(indent);
        }
        first = false;
        if (!scalar(key)) {
          return false;
        }
        put((byte) ':');
        Object value = entry.getValue();
        // Most values are strings: ruled out first, see node.
        if (!(value instanceof String) && value instanceof Map<?, ?> child && !child.isEmpty()) {
          put((byte) '\n');
          if (!mapping(child, indent + 2, false)) {
            return false;
          }
        } else if (!(value instanceof String) && value instanceof List<?> items && !items.isEmpty()) {
          put((byte) '\n');
          if (!sequence(items, indent)) { // not indented inside a mapping
            return false;
          }
        } else {
          put((byte) ' ');
          if (!node(value)) {
            return false;
          }
          put((byte) '\n');
        }
      }
      return true;
    }

    private boolean sequence(List<?> items, int indent) {
      if (!firstTime(items)) {
        return false;
      }
      for (Object item : items) {
        spaces(indent);
        put((byte) '-');
        put((byte) ' ');
        if (!(item instanceof String) && item instanceof Map<?, ?> child && !child.isEmpty()) { // see node
          if (!mapping(child, indent + 2, true)) {
            return false;
          }
        } else if (!(item instanceof String) && item instanceof List<?> inner && !inner.isEmpty()) {
          return false;
        } else {
          if (!node(item)) {
            return false;
          }
          put((byte) '\n');
        }
      }
      return true;
    }

    /** A scalar or an empty collection (written in flow style, as SnakeYAML does). */
    private boolean node(Object value) {
      // Final classes first: a type test against an interface (Map, List) that fails is a search
      // through the class's interfaces in C1 code, and most nodes are strings and numbers.
      if (value instanceof String text) {
        return scalar(text);
      }
      if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
        return text(value.toString());
      }
      if (value instanceof Map<?, ?> map && map.isEmpty()) {
        return firstTime(map) && text("{}");
      }
      if (value instanceof List<?> list && list.isEmpty()) {
        return firstTime(list) && text("[]");
      }
      return false;
    }

    /** A string, plain or single-quoted; false for what only SnakeYAML writes right. */
    private boolean scalar(String text) {
      byte[] written = scalars.get(text);
      if (written == null) {
        written = encode(text);
        if (scalars.size() >= MAX_SCALARS) {
          scalars.clear();
        }
        scalars.put(text, written);
      }
      if (written == SNAKEYAML_ONLY) {
        return false;
      }
      append(written);
      return true;
    }

    /** The bytes of a string written plain or single-quoted, or {@link #SNAKEYAML_ONLY}. */
    private static byte[] encode(String text) {
      if (text.isEmpty()) {
        return SNAKEYAML_ONLY;
      }
      int quotes = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c < 0x20 || c > 0x7E) {
          return SNAKEYAML_ONLY; // line breaks, control and non-ASCII characters: other styles, escapes
        }
        if (c == '\'') {
          quotes++;
        }
      }
      if (plainAllowed(text) && resolvesToString(text)) {
        return text.getBytes(StandardCharsets.US_ASCII);
      }
      byte[] quoted = new byte[text.length() + quotes + 2];
      int at = 0;
      quoted[at++] = '\'';
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\'') {
          quoted[at++] = '\'';
        }
        quoted[at++] = (byte) c;
      }
      quoted[at] = '\'';
      return quoted;
    }

    /**
     * SnakeYAML's Emitter.analyzeScalar for one line of printable ASCII, block context: may it be
     * written plain? (Its "followed by whitespace" look-ahead is reproduced as it is.)
     */
    static boolean plainAllowed(String text) {
      int n = text.length();
      if (text.charAt(0) == ' ' || text.charAt(n - 1) == ' ' || leadingZeroNumber(text)
          || text.startsWith("---") || text.startsWith("...")) {
        return false;
      }
      boolean precededByWhitespace = true;
      boolean followedByWhitespace = n == 1 || text.charAt(1) == ' ';
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        if (i == 0) {
          if ("#,[]{}&*!|>'\"%@`".indexOf(c) >= 0) {
            return false;
          }
          if ((c == '?' || c == ':' || c == '-') && followedByWhitespace) {
            return false;
          }
        } else {
          if (c == ':' && followedByWhitespace) {
            return false;
          }
          if (c == '#' && precededByWhitespace) {
            return false;
          }
        }
        precededByWhitespace = c == ' ';
        followedByWhitespace = true;
        if (i + 2 < n) {
          followedByWhitespace = text.charAt(i + 2) == ' ';
        }
      }
      return true;
    }

    private static boolean leadingZeroNumber(String text) {
      if (text.length() < 2 || text.charAt(0) != '0') {
        return false;
      }
      for (int i = 1; i < text.length(); i++) {
        char c = text.charAt(i);
        if (!(c >= '0' && c <= '9') && c != '_') {
          return false;
        }
      }
      return true;
    }

    /** True when SnakeYAML's implicit resolver reads the plain text back as a string. */
    private static boolean resolvesToString(String text) {
      return RESOLVER_FIRST_CHARACTERS.indexOf(text.charAt(0)) < 0
          || RESOLVER.resolve(NodeId.scalar, text, true).equals(Tag.STR);
    }

    private boolean text(String ascii) {
      for (int i = 0; i < ascii.length(); i++) {
        put((byte) ascii.charAt(i));
      }
      return true;
    }

    private void spaces(int count) {
      room(count);
      Arrays.fill(buffer, length, length + count, (byte) ' ');
      length += count;
    }

    private void append(byte[] bytes) {
      room(bytes.length);
      System.arraycopy(bytes, 0, buffer, length, bytes.length);
      length += bytes.length;
    }

    private void room(int more) {
      if (length + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
      }
    }

    private void put(byte b) {
      room(1);
      buffer[length++] = b;
    }
  }
}
