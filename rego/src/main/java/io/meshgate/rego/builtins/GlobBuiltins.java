package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * glob.match and glob.quote_meta with the syntax of gobwas/glob, which OPA uses: {@code *} (any
 * run without delimiters), {@code **} (any run), {@code ?}, {@code [abc]}, {@code [!a-c]},
 * {@code {a,b}} and {@code \} escapes. Delimiters {@code null} means none; an empty array means
 * {@code ["."]}.
 */
public final class GlobBuiltins {
  private GlobBuiltins() {}

  private static final String SPECIAL = "*?\\[]{}";

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("glob.match", 3, (ctx, a) -> {
      String pattern = Args.string("glob.match", a, 1);
      List<String> delimiters = delimiters(a.get(1));
      String text = Args.string("glob.match", a, 3);
      Pattern compiled = ctx.cached("glob/" + delimiters + "/" + pattern, () -> compile(pattern, delimiters));
      return BoolValue.of(compiled.matcher(text).matches());
    }));
    table.register(Builtin.of("glob.quote_meta", 1, (ctx, a) -> {
      String s = Args.string("glob.quote_meta", a, 1);
      StringBuilder sb = new StringBuilder();
      for (char c : s.toCharArray()) {
        if (SPECIAL.indexOf(c) >= 0) {
          sb.append('\\');
        }
        sb.append(c);
      }
      return new StringValue(sb.toString());
    }));
  }

  private static List<String> delimiters(Value v) {
    if (v instanceof NullValue) {
      return List.of();
    }
    if (!(v instanceof ArrayValue arr)) {
      throw Args.type("glob.match", 2, v, "array", "null");
    }
    List<String> out = new ArrayList<>();
    for (Value e : arr) {
      if (!(e instanceof StringValue s)) {
        throw Args.element("glob.match", 2, v, e, "string");
      }
      if (s.value().codePointCount(0, s.value().length()) != 1) {
        throw Args.element("glob.match", 2, v, e, "rune");
      }
      out.add(s.value());
    }
    return out.isEmpty() ? List.of(".") : out;
  }

  static Pattern compile(String glob, List<String> delimiters) {
    String anyChar = delimiters.isEmpty() ? "." : "[^" + String.join("", delimiters.stream()
        .map(d -> "\\x{" + Integer.toHexString(d.codePointAt(0)) + "}").toList()) + "]";
    StringBuilder re = new StringBuilder();
    int[] pos = {0};
    translate(glob, pos, re, anyChar, 0);
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  /** Translates until the end or, inside braces (depth > 0), until an unmatched ',' or '}'. */
  private static void translate(String g, int[] pos, StringBuilder re, String anyChar, int depth) {
    while (pos[0] < g.length()) {
      char c = g.charAt(pos[0]);
      switch (c) {
        case '*' -> {
          if (pos[0] + 1 < g.length() && g.charAt(pos[0] + 1) == '*') {
            re.append(".*");
            pos[0] += 2;
          } else {
            re.append(anyChar).append('*');
            pos[0]++;
          }
        }
        case '?' -> {
          re.append(anyChar);
          pos[0]++;
        }
        case '\\' -> {
          if (pos[0] + 1 >= g.length()) {
            throw Args.failure("glob.match", "unexpected end of glob after escape: " + g);
          }
          re.append(Pattern.quote(String.valueOf(g.charAt(pos[0] + 1))));
          pos[0] += 2;
        }
        case '[' -> {
          int close = g.indexOf(']', pos[0] + 1);
          if (close < 0) {
            throw Args.failure("glob.match", "unclosed '[' in glob: " + g);
          }
          String body = g.substring(pos[0] + 1, close);
          boolean negate = body.startsWith("!");
          if (negate) {
            body = body.substring(1);
          }
          StringBuilder cls = new StringBuilder(negate ? "[^" : "[");
          for (int i = 0; i < body.length(); i++) {
            char b = body.charAt(i);
            if (b == '-' && i > 0 && i < body.length() - 1) {
              cls.append('-');
            } else {
              cls.append("\\x{").append(Integer.toHexString(b)).append('}');
            }
          }
          re.append(cls.append(']'));
          pos[0] = close + 1;
        }
        case '{' -> {
          pos[0]++;
          re.append("(?:");
          while (true) {
            translate(g, pos, re, anyChar, depth + 1);
            if (pos[0] >= g.length()) {
              throw Args.failure("glob.match", "unclosed '{' in glob: " + g);
            }
            char sep = g.charAt(pos[0]++);
            if (sep == '}') {
              break;
            }
            re.append('|');
          }
          re.append(')');
        }
        case ',', '}' -> {
          if (depth > 0) {
            return;
          }
          // outside braces ',' and '}' are plain text, as in gobwas/glob
          re.append(Pattern.quote(String.valueOf(c)));
          pos[0]++;
        }
        default -> {
          re.append(Pattern.quote(String.valueOf(c)));
          pos[0]++;
        }
      }
    }
  }
}
