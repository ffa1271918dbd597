package io.meshgate.rego.parser;

import io.meshgate.rego.RegoException;
import io.meshgate.rego.lexer.Lexer;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * METADATA comment blocks (OPA's annotations): a run of comments starting with a
 * {@code # METADATA} line, holding YAML, that describes the package or rule declared after it. The
 * result is the object {@code rego.metadata.rule()} returns: scope, title, description,
 * entrypoint, organizations, related_resources, authors, schemas and custom, as OPA writes them.
 */
final class Annotations {
  private Annotations() {}

  private static final List<String> SCOPES = List.of("rule", "document", "package", "subpackages");
  private static final Pattern AUTHOR = Pattern.compile("^(.*?)\\s*<([^>]*)>\\s*$");

  /**
   * The annotation of the statement on {@code line}: the METADATA block that starts after
   * {@code afterLine} and ends before {@code line}; null when there is none.
   */
  static Value before(List<Lexer.Comment> comments, int afterLine, int line, String defaultScope, String file) {
    int start = -1;
    for (int i = 0; i < comments.size(); i++) {
      Lexer.Comment c = comments.get(i);
      if (c.line() > afterLine && c.line() < line && c.ownLine() && c.text().strip().equals("METADATA")) {
        start = i;
      }
    }
    if (start < 0) {
      return null;
    }
    List<String> lines = new ArrayList<>();
    int expected = comments.get(start).line() + 1;
    for (int i = start + 1; i < comments.size(); i++) {
      Lexer.Comment c = comments.get(i);
      if (c.line() != expected || !c.ownLine() || c.line() >= line) {
        break;
      }
      lines.add(c.text());
      expected++;
    }
    return parse(lines, defaultScope, file, comments.get(start).line());
  }

  private static Value parse(List<String> lines, String defaultScope, String file, int line) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        int n = 0;
        while (n < l.length() && l.charAt(n) == ' ') {
          n++;
        }
        indent = Math.min(indent, n);
      }
    }
    StringBuilder yaml = new StringBuilder();
    for (String l : lines) {
      yaml.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    }
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml.toString());
    } catch (RuntimeException e) {
      throw new RegoException(RegoException.PARSE, file, line, 1, "invalid METADATA block: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("bad YAML"));
    }
    Map<?, ?> m = doc == null ? Map.of() : doc instanceof Map<?, ?> map ? map : null;
    if (m == null) {
      throw new RegoException(RegoException.PARSE, file, line, 1, "invalid METADATA block: expected a YAML mapping");
    }
    Map<Value, Value> out = new LinkedHashMap<>();
    boolean entrypoint = Boolean.TRUE.equals(m.get("entrypoint"));
    String scope = m.get("scope") != null ? String.valueOf(m.get("scope"))
        : defaultScope.equals("rule") && entrypoint ? "document" : defaultScope;
    if (!SCOPES.contains(scope)) {
      throw new RegoException(RegoException.PARSE, file, line, 1, "invalid annotation scope '" + scope
          + "'. Use one of 'rule', 'document', 'package', or 'subpackages'");
    }
    out.put(str("scope"), str(scope));
    putString(out, m, "title");
    putString(out, m, "description");
    if (entrypoint) {
      out.put(str("entrypoint"), BoolValue.TRUE);
    }
    if (m.get("organizations") instanceof List<?> orgs && !orgs.isEmpty()) {
      out.put(str("organizations"), ArrayValue.of(orgs.stream().map(o -> (Value) str(String.valueOf(o))).toList()));
    }
    if (m.get("related_resources") instanceof List<?> rrs && !rrs.isEmpty()) {
      List<Value> items = new ArrayList<>();
      for (Object rr : rrs) {
        Map<Value, Value> o = new LinkedHashMap<>();
        if (rr instanceof Map<?, ?> rm) {
          o.put(str("ref"), str(String.valueOf(rm.get("ref"))));
          if (rm.get("description") != null) {
            o.put(str("description"), str(String.valueOf(rm.get("description"))));
          }
        } else {
          o.put(str("ref"), str(String.valueOf(rr)));
        }
        items.add(ObjectValue.of(o));
      }
      out.put(str("related_resources"), ArrayValue.of(items));
    }
    Object authors = m.get("authors");
    List<?> authorList = authors instanceof List<?> l ? l : authors == null ? List.of() : List.of(authors);
    if (!authorList.isEmpty()) {
      List<Value> items = new ArrayList<>();
      for (Object a : authorList) {
        Map<Value, Value> o = new LinkedHashMap<>();
        if (a instanceof Map<?, ?> am) {
          if (am.get("name") != null) {
            o.put(str("name"), str(String.valueOf(am.get("name"))));
          }
          if (am.get("email") != null) {
            o.put(str("email"), str(String.valueOf(am.get("email"))));
          }
        } else {
          String text = String.valueOf(a).strip();
          Matcher mm = AUTHOR.matcher(text);
          if (mm.matches()) {
            if (!mm.group(1).isEmpty()) {
              o.put(str("name"), str(mm.group(1)));
            }
            o.put(str("email"), str(mm.group(2)));
          } else {
            o.put(str("name"), str(text));
          }
        }
        items.add(ObjectValue.of(o));
      }
      out.put(str("authors"), ArrayValue.of(items));
    }
    if (m.get("custom") instanceof Map<?, ?> custom && !custom.isEmpty()) {
      out.put(str("custom"), Value.of(custom));
    }
    return ObjectValue.of(out);
  }

  private static void putString(Map<Value, Value> out, Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v != null && !String.valueOf(v).isEmpty()) {
      out.put(str(key), str(String.valueOf(v)));
    }
  }

  private static StringValue str(String s) {
    return new StringValue(s);
  }
}
