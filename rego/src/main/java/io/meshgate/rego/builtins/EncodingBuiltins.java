package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * json.*, yaml.*, base64.*, base64url.*, hex.* and urlquery.* built-ins. JSON output is Go's
 * encoding/json (compact, keys sorted, {@code <>&} escaped); sets become arrays.
 */
public final class EncodingBuiltins {
  private EncodingBuiltins() {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("json.marshal", 1, (ctx, a) -> str(writeJson(a.get(0), null, null))));
    table.register(Builtin.of("json.marshal_with_options", 2, (ctx, a) -> {
      ObjectValue opts = Args.object("json.marshal_with_options", a, 2);
      boolean pretty = false;
      String prefix = "";
      String indent = "\t";
      boolean indentGiven = false;
      for (Map.Entry<Value, Value> e : opts.entries().entrySet()) {
        String key = e.getKey() instanceof StringValue s ? s.value() : e.getKey().toString();
        Value v = e.getValue();
        switch (key) {
          case "pretty" -> {
            if (!(v instanceof BoolValue b)) {
              throw optionError("key pretty failed cast to bool");
            }
            pretty = b.value();
          }
          case "prefix" -> {
            if (!(v instanceof StringValue s)) {
              throw optionError("key prefix failed cast to string");
            }
            prefix = s.value();
            indentGiven = true;
          }
          case "indent" -> {
            if (!(v instanceof StringValue s)) {
              throw optionError("key indent failed cast to string");
            }
            indent = s.value();
            indentGiven = true;
          }
          default -> throw optionError("object contained unknown key " + key);
        }
      }
      boolean usePretty = opts.entries().containsKey(str("pretty")) ? pretty : indentGiven;
      // Go's MarshalIndent does not prefix the first line; OPA adds it
      return str(usePretty ? prefix + writeJson(a.get(0), prefix, indent) : writeJson(a.get(0), null, null));
    }));
    table.register(Builtin.of("json.unmarshal", 1, (ctx, a) -> parseJson("json.unmarshal", Args.string("json.unmarshal", a, 1))));
    table.register(Builtin.of("json.is_valid", 1, (ctx, a) -> {
      if (!(a.get(0) instanceof StringValue s)) {
        return BoolValue.FALSE;
      }
      try {
        parseJson("json.is_valid", s.value());
        return BoolValue.TRUE;
      } catch (BuiltinException e) {
        return BoolValue.FALSE;
      }
    }));
    table.register(Builtin.of("yaml.marshal", 1, (ctx, a) -> str(writeYaml(a.get(0)))));
    table.register(Builtin.of("yaml.unmarshal", 1, (ctx, a) -> parseYaml("yaml.unmarshal", Args.string("yaml.unmarshal", a, 1))));
    table.register(Builtin.of("yaml.is_valid", 1, (ctx, a) -> {
      if (!(a.get(0) instanceof StringValue s)) {
        return BoolValue.FALSE;
      }
      try {
        parseYaml("yaml.is_valid", s.value());
        return BoolValue.TRUE;
      } catch (BuiltinException e) {
        return BoolValue.FALSE;
      }
    }));
    table.register(Builtin.of("base64.encode", 1, (ctx, a) ->
        str(Base64.getEncoder().encodeToString(bytes(Args.string("base64.encode", a, 1))))));
    table.register(Builtin.of("base64.decode", 1, (ctx, a) ->
        str(utf8(decodeBase64("base64.decode", Args.string("base64.decode", a, 1), false, true)))));
    table.register(Builtin.of("base64.is_valid", 1, (ctx, a) -> {
      if (!(a.get(0) instanceof StringValue s)) {
        return BoolValue.FALSE;
      }
      try {
        decodeBase64("base64.is_valid", s.value(), false, true);
        return BoolValue.TRUE;
      } catch (BuiltinException e) {
        return BoolValue.FALSE;
      }
    }));
    table.register(Builtin.of("base64url.encode", 1, (ctx, a) ->
        str(Base64.getUrlEncoder().encodeToString(bytes(Args.string("base64url.encode", a, 1))))));
    table.register(Builtin.of("base64url.encode_no_pad", 1, (ctx, a) ->
        str(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(Args.string("base64url.encode_no_pad", a, 1))))));
    table.register(Builtin.of("base64url.decode", 1, (ctx, a) -> {
      String s = Args.string("base64url.decode", a, 1);
      // OPA accepts both the padded and the unpadded form
      return str(utf8(decodeBase64("base64url.decode", s, true, s.length() % 4 == 0)));
    }));
    table.register(Builtin.of("hex.encode", 1, (ctx, a) -> {
      StringBuilder sb = new StringBuilder();
      for (byte b : bytes(Args.string("hex.encode", a, 1))) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return str(sb.toString());
    }));
    table.register(Builtin.of("hex.decode", 1, (ctx, a) -> {
      String s = Args.string("hex.decode", a, 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < s.length(); i += 2) {
        int hi = hexDigit(s, i);
        if (i + 1 >= s.length()) {
          throw Args.failure("hex.decode", "encoding/hex: odd length hex string");
        }
        int lo = hexDigit(s, i + 1);
        out.write(hi << 4 | lo);
      }
      return str(utf8(out.toByteArray()));
    }));
    table.register(Builtin.of("urlquery.encode", 1, (ctx, a) -> str(queryEscape(Args.string("urlquery.encode", a, 1)))));
    table.register(Builtin.of("urlquery.decode", 1, (ctx, a) -> str(queryUnescape("urlquery.decode", Args.string("urlquery.decode", a, 1)))));
    table.register(Builtin.of("urlquery.encode_object", 1, (ctx, a) -> {
      ObjectValue obj = Args.object("urlquery.encode_object", a, 1);
      TreeMap<String, List<String>> params = new TreeMap<>();
      for (Map.Entry<Value, Value> e : obj.entries().entrySet()) {
        if (!(e.getKey() instanceof StringValue k)) {
          throw Args.type("urlquery.encode_object", 1, obj, "object with string keys");
        }
        Value v = e.getValue();
        List<String> values = new ArrayList<>();
        if (v instanceof StringValue s) {
          values.add(s.value());
        } else if (v instanceof ArrayValue || v instanceof SetValue) {
          for (Value item : v instanceof ArrayValue arr ? arr.elements() : new ArrayList<>(((SetValue) v).elements())) {
            if (!(item instanceof StringValue s)) {
              throw new BuiltinException(BuiltinException.Kind.TYPE,
                  "urlquery.encode_object: operand 1 values must be string, array[string], or set[string]");
            }
            values.add(s.value());
          }
        } else {
          throw new BuiltinException(BuiltinException.Kind.TYPE,
                  "urlquery.encode_object: operand 1 values must be string, array[string], or set[string]");
        }
        params.put(k.value(), values);
      }
      StringBuilder sb = new StringBuilder();
      params.forEach((k, vs) -> vs.forEach(v -> {
        if (sb.length() > 0) {
          sb.append('&');
        }
        sb.append(queryEscape(k)).append('=').append(queryEscape(v));
      }));
      return str(sb.toString());
    }));
    table.register(Builtin.of("urlquery.decode_object", 1, (ctx, a) -> {
      String s = Args.string("urlquery.decode_object", a, 1);
      Map<Value, List<Value>> out = new LinkedHashMap<>();
      for (String pair : s.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        if (pair.contains(";")) {
          throw Args.failure("urlquery.decode_object", "invalid semicolon separator in query");
        }
        int eq = pair.indexOf('=');
        String key = queryUnescape("urlquery.decode_object", eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : queryUnescape("urlquery.decode_object", pair.substring(eq + 1));
        out.computeIfAbsent(str(key), k -> new ArrayList<>()).add(str(value));
      }
      Map<Value, Value> obj = new LinkedHashMap<>();
      out.forEach((k, v) -> obj.put(k, ArrayValue.of(v)));
      return ObjectValue.of(obj);
    }));
  }

  private static BuiltinException optionError(String message) {
    return new BuiltinException(BuiltinException.Kind.TYPE, "json.marshal_with_options: operand 2 " + message);
  }

  static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

  private static int hexDigit(String s, int i) {
    int d = Character.digit(s.charAt(i), 16);
    if (d < 0) {
      int cp = s.codePointAt(i);
      throw Args.failure("hex.decode", String.format("encoding/hex: invalid byte: U+%04X %s", cp,
          GoFormat.quote(new String(Character.toChars(cp))).replace('"', '\'')));
    }
    return d;
  }

  private static byte[] decodeBase64(String fn, String s, boolean url, boolean padded) {
    String clean = s.replace("\r", "").replace("\n", "");
    if (padded && clean.length() % 4 != 0) {
      throw Args.failure(fn, "illegal base64 data at input byte " + (clean.length() / 4 * 4));
    }
    try {
      return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(clean);
    } catch (IllegalArgumentException e) {
      throw Args.failure(fn, "illegal base64 data: " + e.getMessage());
    }
  }

  /** Go's url.QueryEscape. */
  static String queryEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes(s)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Go's url.QueryUnescape. */
  static String queryUnescape(String fn, String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] in = bytes(s);
    for (int i = 0; i < in.length; i++) {
      byte b = in[i];
      if (b == '%') {
        if (i + 2 >= in.length || Character.digit(in[i + 1], 16) < 0 || Character.digit(in[i + 2], 16) < 0) {
          String bad = s.substring(Math.min(i, s.length()), Math.min(i + 3, s.length()));
          throw Args.failure(fn, "invalid URL escape " + GoFormat.quote(bad));
        }
        out.write(Character.digit(in[i + 1], 16) << 4 | Character.digit(in[i + 2], 16));
        i += 2;
      } else if (b == '+') {
        out.write(' ');
      } else {
        out.write(b);
      }
    }
    return utf8(out.toByteArray());
  }

  // ---- JSON ----

  static Value parseJson(String fn, String text) {
    try {
      Object java = JSON.readValue(text, Object.class);
      return Value.of(java);
    } catch (Exception e) {
      String msg = e.getMessage() == null ? "invalid JSON" : e.getMessage().lines().findFirst().orElse("invalid JSON");
      throw Args.failure(fn, msg);
    }
  }

  /** Go's json.Marshal / MarshalIndent (when indent is not null). */
  public static String writeJson(Value v, String prefix, String indent) {
    StringBuilder sb = new StringBuilder();
    writeJson(v, sb, prefix, indent, 0);
    return sb.toString();
  }

  private static void newline(StringBuilder sb, String prefix, String indent, int depth) {
    if (indent == null) {
      return;
    }
    sb.append('\n').append(prefix);
    sb.append(indent.repeat(depth));
  }

  private static void writeJson(Value v, StringBuilder sb, String prefix, String indent, int depth) {
    if (v instanceof ObjectValue o && o.size() > 0 && stringKeys(o)) {
      // Keys that are all strings are in code point order already, which is Go's (byte-wise UTF-8).
      sb.append('{');
      for (int i = 0; i < o.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        newline(sb, prefix, indent, depth + 1);
        quoteJson(((StringValue) o.keyAt(i)).value(), sb);
        sb.append(indent == null ? ":" : ": ");
        writeJson(o.valueAt(i), sb, prefix, indent, depth + 1);
      }
      newline(sb, prefix, indent, depth);
      sb.append('}');
    } else if (v instanceof ObjectValue o) {
      // Go sorts map keys as strings; non-string keys are written as their JSON text
      TreeMap<String, Value> sorted = new TreeMap<>();
      o.entries().forEach((k, val) -> sorted.put(k instanceof StringValue s ? s.value() : writeJson(k, null, null), val));
      if (sorted.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, Value> e : sorted.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, prefix, indent, depth + 1);
        quoteJson(e.getKey(), sb);
        sb.append(indent == null ? ":" : ": ");
        writeJson(e.getValue(), sb, prefix, indent, depth + 1);
      }
      newline(sb, prefix, indent, depth);
      sb.append('}');
    } else if (v instanceof ArrayValue || v instanceof SetValue) {
      List<Value> elems = v instanceof ArrayValue arr ? arr.elements() : new ArrayList<>(((SetValue) v).elements());
      if (elems.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      boolean first = true;
      for (Value e : elems) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, prefix, indent, depth + 1);
        writeJson(e, sb, prefix, indent, depth + 1);
      }
      newline(sb, prefix, indent, depth);
      sb.append(']');
    } else if (v instanceof StringValue s) {
      quoteJson(s.value(), sb);
    } else {
      sb.append(v.toString());
    }
  }

  private static boolean stringKeys(ObjectValue o) {
    for (int i = 0; i < o.size(); i++) {
      if (!(o.keyAt(i) instanceof StringValue)) {
        return false;
      }
    }
    return true;
  }

  /** Go's encoding/json string escaping (HTML-safe). */
  static void quoteJson(String s, StringBuilder sb) {
    sb.append('"');
    int plain = 0; // most strings need no escape: appended whole
    while (plain < s.length() && !escaped(s.charAt(plain))) {
      plain++;
    }
    sb.append(s, 0, plain);
    for (int i = plain; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static boolean escaped(char c) {
    return c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029';
  }

  // ---- YAML ----

  /** YAML 1.1 scalars as Go's yaml library resolves them, but timestamps stay strings (as OPA's). */
  private static final class NoTimestampResolver extends Resolver {
    @Override
    public void addImplicitResolver(org.yaml.snakeyaml.nodes.Tag tag, java.util.regex.Pattern regexp, String first, int limit) {
      if (!tag.equals(org.yaml.snakeyaml.nodes.Tag.TIMESTAMP)) {
        super.addImplicitResolver(tag, regexp, first, limit);
      }
    }
  }

  static Value parseYaml(String fn, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(100);
    DumperOptions dumper = new DumperOptions();
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new NoTimestampResolver());
    Object java;
    try {
      // like Go's yaml.Unmarshal, only the first document of a stream counts, but the whole
      // stream must still be well-formed (a bad later document is an error there too)
      java = null;
      boolean first = true;
      for (Object doc : yaml.loadAll(text)) {
        if (first) {
          java = doc;
          first = false;
        }
      }
    } catch (RuntimeException e) {
      String msg = e.getMessage() == null ? "invalid YAML" : e.getMessage().replace('\n', ' ');
      throw Args.failure(fn, msg);
    }
    try {
      return fromYaml(java);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw Args.failure(fn, e.getMessage());
    }
  }

  /** Like Value.of, but map keys become strings (YAML is converted through JSON in OPA). */
  private static Value fromYaml(Object java) {
    if (java instanceof Map<?, ?> m) {
      Map<Value, Value> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(str(k == null ? "null" : k instanceof Map || k instanceof List
          ? writeJson(fromYaml(k), null, null) : String.valueOf(k)), fromYaml(v)));
      return ObjectValue.of(out);
    }
    if (java instanceof List<?> l) {
      List<Value> out = new ArrayList<>();
      l.forEach(e -> out.add(fromYaml(e)));
      return ArrayValue.of(out);
    }
    if (java instanceof java.util.Set<?> s) {
      List<Value> out = new ArrayList<>();
      s.forEach(e -> out.add(fromYaml(e)));
      return ArrayValue.of(out);
    }
    if (java instanceof byte[] b) {
      return str(Base64.getEncoder().encodeToString(b));
    }
    if (java instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("json: unsupported value: " + d);
      }
      return NumberValue.of(new BigDecimal(d.toString()));
    }
    if (java instanceof BigInteger || java instanceof Integer || java instanceof Long) {
      return Value.of(java);
    }
    return Value.of(java);
  }

  static String writeYaml(Value v) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(0);
    options.setSplitLines(false);
    Yaml yaml = new Yaml(options);
    Object java = toYamlJava(v);
    return yaml.dump(java);
  }

  /** Sorted keys, sets as sequences, integers as BigInteger, other numbers as BigDecimal. */
  private static Object toYamlJava(Value v) {
    if (v instanceof ObjectValue o) {
      TreeMap<String, Object> out = new TreeMap<>();
      o.entries().forEach((k, val) -> out.put(k instanceof StringValue s ? s.value() : writeJson(k, null, null), toYamlJava(val)));
      return new LinkedHashMap<>(out);
    }
    if (v instanceof ArrayValue arr) {
      List<Object> out = new ArrayList<>();
      arr.forEach(e -> out.add(toYamlJava(e)));
      return out;
    }
    if (v instanceof SetValue s) {
      List<Object> out = new ArrayList<>();
      s.forEach(e -> out.add(toYamlJava(e)));
      return out;
    }
    if (v instanceof NumberValue n) {
      return n.isInteger() ? n.asBigInteger().get() : (Object) n.value().doubleValue();
    }
    return v.toJava();
  }
}
