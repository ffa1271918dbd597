package io.meshgate.emco;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An intent document on its way to a file: fields in meshgate's order, each with an optional
 * comment saying where it came from, written as YAML in the style of the hand-written fixtures
 * (block mappings, flow lists of scalars, comments aligned at the end of the line).
 */
public final class IntentModel {
  /** Field order of intent files, whatever order the seed body had (unknown keys keep theirs, last). */
  private static final List<String> ORDER = List.of("apiVersion", "kind", "metadata", "spec", "name", "description",
      "labels", "app", "service", "namespace", "cluster", "serviceAccount", "protocol", "port", "headless", "sidecar",
      "target", "mutualTLS", "tls", "credentialName", "loadBalancing", "simple", "consistentHash", "httpCookie",
      "httpHeaderName", "useSourceIp", "httpQueryParameterName", "minimumRingSize", "path", "ttl", "connectionPool",
      "maxConnections", "http2MaxRequests", "maxRequestsPerConnection", "outlierDetection", "consecutive5xxErrors",
      "interval", "baseEjectionTime", "allowedNamespaces", "address", "access", "methods", "paths");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
  private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?[0-9.][0-9._:eE+-]*|\\.(inf|nan)", Pattern.CASE_INSENSITIVE);
  private static final List<String> YAML_WORDS = List.of("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~");
  private static final int COMMENT_COLUMN_LIMIT = 44;

  /** A mapping whose entries carry comments. */
  public static final class Fields {
    private final Map<String, Field> entries = new LinkedHashMap<>();

    /** Sets {@code key}; a null value removes it. */
    public Fields put(String key, Object value, String comment) {
      if (value == null) {
        entries.remove(key);
      } else {
        entries.put(key, new Field(value, comment));
      }
      return this;
    }

    /** The mapping under {@code key}, created (with {@code comment}) when absent. */
    public Fields fields(String key, String comment) {
      Field field = entries.get(key);
      if (field != null && field.value() instanceof Fields existing) {
        if (comment != null && field.comment() == null) {
          entries.put(key, new Field(existing, comment));
        }
        return existing;
      }
      Fields created = new Fields();
      entries.put(key, new Field(created, comment));
      return created;
    }

    /** Sets a dotted path ({@code spec.connectionPool.maxConnections}), creating mappings on the way. */
    public Fields putPath(String path, Object value, String comment) {
      int dot = path.indexOf('.');
      if (dot < 0) {
        return put(path, value, comment);
      }
      fields(path.substring(0, dot), null).putPath(path.substring(dot + 1), value, comment);
      return this;
    }

    public Object get(String key) {
      Field field = entries.get(key);
      return field == null ? null : field.value();
    }

    public boolean isEmpty() {
      return entries.isEmpty();
    }

    /** Plain Java maps and lists, as the intent loader reads them. */
    public Map<String, Object> toPlain() {
      Map<String, Object> plain = new LinkedHashMap<>();
      for (Map.Entry<String, Field> entry : sorted()) {
        plain.put(entry.getKey(), plainValue(entry.getValue().value()));
      }
      return plain;
    }

    private List<Map.Entry<String, Field>> sorted() {
      List<Map.Entry<String, Field>> list = new ArrayList<>(entries.entrySet());
      list.sort(Comparator.comparingInt(e -> {
        int index = ORDER.indexOf(e.getKey());
        return index < 0 ? ORDER.size() : index;
      }));
      return list;
    }
  }

  private record Field(Object value, String comment) {}

  private static Object plainValue(Object value) {
    if (value instanceof Fields fields) {
      return fields.toPlain();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(IntentModel::plainValue).toList();
    }
    return value;
  }

  private final List<String> header;
  private final Fields document = new Fields();

  /** @param header comment lines written above the document (without {@code #}) */
  public IntentModel(String kind, List<String> header) {
    this.header = List.copyOf(header);
    document.put("apiVersion", io.meshgate.intent.Kind.API_VERSION, null);
    document.put("kind", kind, null);
  }

  public Fields metadata() {
    return document.fields("metadata", null);
  }

  public Fields spec() {
    return document.fields("spec", null);
  }

  public String name() {
    return (String) metadata().get("name");
  }

  public Map<String, Object> toPlain() {
    return document.toPlain();
  }

  /** The YAML text of the file. */
  public String toYaml() {
    List<String[]> lines = new ArrayList<>();
    write(document, 0, lines);
    int column = 0;
    for (String[] line : lines) {
      if (line[1] != null && line[0].length() + 2 <= COMMENT_COLUMN_LIMIT) {
        column = Math.max(column, line[0].length() + 2);
      }
    }
    StringBuilder out = new StringBuilder();
    for (String comment : header) {
      out.append(comment.isEmpty() ? "#" : "# " + comment).append('\n');
    }
    for (String[] line : lines) {
      out.append(line[0]);
      if (line[1] != null) {
        int pad = Math.max(2, column - line[0].length());
        out.append(" ".repeat(pad)).append("# ").append(line[1]);
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static void write(Fields fields, int indent, List<String[]> lines) {
    writeEntries(fields, " ".repeat(indent), indent, lines);
  }

  /** @param firstPrefix the prefix of the first line ("- " for a list item), the others get {@code indent} spaces */
  private static void writeEntries(Fields fields, String firstPrefix, int indent, List<String[]> lines) {
    boolean first = true;
    for (Map.Entry<String, Field> entry : fields.sorted()) {
      String prefix = first ? firstPrefix : " ".repeat(indent);
      first = false;
      Object value = entry.getValue().value();
      String comment = entry.getValue().comment();
      String key = scalar(entry.getKey());
      if (value instanceof Fields child) {
        lines.add(new String[] {prefix + key + ":", comment});
        write(child, indent + 2, lines);
      } else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Fields) {
        lines.add(new String[] {prefix + key + ":", comment});
        for (Object item : list) {
          writeEntries((Fields) item, " ".repeat(indent + 2) + "- ", indent + 4, lines);
        }
      } else {
        lines.add(new String[] {prefix + key + ": " + inline(value), comment});
      }
    }
  }

  private static String inline(Object value) {
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      for (Object item : list) {
        items.add(inline(item));
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (value instanceof String text) {
      return scalar(text);
    }
    return String.valueOf(value);
  }

  /** A string as YAML: plain when it cannot be read as anything else, double-quoted otherwise. */
  static String scalar(String text) {
    boolean plain = PLAIN.matcher(text).matches() && !NUMBER_LIKE.matcher(text).matches()
        && !YAML_WORDS.contains(text.toLowerCase(Locale.ROOT));
    if (plain) {
      return text;
    }
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
  }
}
