package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * regex.match, regex.is_valid, regex.split, regex.find_n, regex.find_all_string_submatch_n,
 * regex.replace, regex.template_match, regex.globs_match. Patterns use Go's RE2 syntax; they are translated to
 * java.util.regex (named groups, POSIX classes, {@code $} as end of text) and cached per evaluation.
 */
public final class RegexBuiltins {
  private RegexBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("regex.is_valid", 1, (ctx, a) -> {
      if (!(a.get(0) instanceof StringValue s)) {
        return BoolValue.FALSE;
      }
      try {
        compile(ctx, "regex.is_valid", s.value());
        return BoolValue.TRUE;
      } catch (BuiltinException e) {
        return BoolValue.FALSE;
      }
    }));
    table.register(Builtin.of("regex.match", 2, (ctx, a) -> {
      Pattern p = compile(ctx, "regex.match", Args.string("regex.match", a, 1));
      return BoolValue.of(p.matcher(Args.string("regex.match", a, 2)).find());
    }));
    table.register(Builtin.of("regex.split", 2, (ctx, a) -> {
      Pattern p = compile(ctx, "regex.split", Args.string("regex.split", a, 1));
      String s = Args.string("regex.split", a, 2);
      return strings(split(p, s));
    }));
    table.register(Builtin.of("regex.find_n", 3, (ctx, a) -> {
      Pattern p = compile(ctx, "regex.find_n", Args.string("regex.find_n", a, 1));
      String s = Args.string("regex.find_n", a, 2);
      int n = Args.smallInt("regex.find_n", a, 3);
      List<Value> out = new ArrayList<>();
      for (int[] m : findAll(p, s, n)) {
        out.add(str(s.substring(m[0], m[1])));
      }
      return ArrayValue.of(out);
    }));
    table.register(Builtin.of("regex.find_all_string_submatch_n", 3, (ctx, a) -> {
      String fn = "regex.find_all_string_submatch_n";
      Pattern p = compile(ctx, fn, Args.string(fn, a, 1));
      String s = Args.string(fn, a, 2);
      int n = Args.smallInt(fn, a, 3);
      List<Value> out = new ArrayList<>();
      for (int[] m : findAll(p, s, n)) {
        List<Value> groups = new ArrayList<>();
        for (int g = 0; g < m.length / 2; g++) {
          // Go reports a group that took no part in the match as ""
          groups.add(str(m[2 * g] < 0 ? "" : s.substring(m[2 * g], m[2 * g + 1])));
        }
        out.add(ArrayValue.of(groups));
      }
      return ArrayValue.of(out);
    }));
    table.register(Builtin.of("regex.replace", 3, (ctx, a) -> {
      String s = Args.string("regex.replace", a, 1);
      Pattern p = compile(ctx, "regex.replace", Args.string("regex.replace", a, 2));
      String template = Args.string("regex.replace", a, 3);
      return str(replaceAll(p, s, template));
    }));
    table.register(Builtin.of("regex.globs_match", 2, (ctx, a) -> {
      String g1 = Args.string("regex.globs_match", a, 1);
      String g2 = Args.string("regex.globs_match", a, 2);
      return BoolValue.of(GlobIntersection.nonEmpty(g1, g2));
    }));
    table.register(Builtin.of("regex.template_match", 4, (ctx, a) -> {
      String fn = "regex.template_match";
      String template = Args.string(fn, a, 1);
      String value = Args.string(fn, a, 2);
      String start = Args.string(fn, a, 3);
      String end = Args.string(fn, a, 4);
      if (start.getBytes(java.nio.charset.StandardCharsets.UTF_8).length != 1) {
        throw Args.failure(fn, "start delimiter has to be exactly one character long but is "
            + start.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " long");
      }
      if (end.getBytes(java.nio.charset.StandardCharsets.UTF_8).length != 1) {
        throw Args.failure(fn, "end delimiter has to be exactly one character long but is "
            + end.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " long");
      }
      Pattern p = ctx.cached("regex.template/" + start + end + template,
          () -> templatePattern(fn, template, start.codePointAt(0), end.codePointAt(0)));
      return BoolValue.of(p.matcher(value).matches());
    }));
  }

  private static ArrayValue strings(List<String> list) {
    return ArrayValue.of(list.stream().map(Args::str).toList());
  }

  static Pattern compile(BuiltinContext ctx, String fn, String pattern) {
    return ctx.cached("regex/" + pattern, () -> {
      try {
        return Pattern.compile(translate(pattern), Pattern.UNIX_LINES);
      } catch (PatternSyntaxException e) {
        throw Args.failure(fn, "error parsing regexp: " + e.getDescription() + ": `" + pattern + "`");
      }
    });
  }

  private static final Map<String, String> POSIX = Map.ofEntries(
      Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"),
      Map.entry("blank", "\\p{Blank}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
      Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
      Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\s"), Map.entry("upper", "\\p{Upper}"),
      Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));

  /** RE2 syntax to java.util.regex syntax. */
  static String translate(String re) {
    boolean multiline = re.matches("(?s).*\\(\\?[a-zA-Z]*m[a-zA-Z]*[:)].*");
    StringBuilder sb = new StringBuilder(re.length() + 8);
    boolean inClass = false;
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\' && i + 1 < re.length()) {
        char next = re.charAt(i + 1);
        if (next == 'z' || next == 'A' || next == 'b' || next == 'B') {
          sb.append(c).append(next);
        } else if (next == 'v') {
          sb.append("\\x0B");
        } else {
          sb.append(c).append(next);
        }
        i++;
        continue;
      }
      if (inClass) {
        if (c == '[' && re.startsWith("[:", i)) {
          int close = re.indexOf(":]", i + 2);
          if (close > 0) {
            String name = re.substring(i + 2, close);
            boolean negated = name.startsWith("^");
            String cls = POSIX.get(negated ? name.substring(1) : name);
            if (cls != null) {
              sb.append(negated ? "[^" + cls + "]" : cls);
              i = close + 1;
              continue;
            }
          }
        }
        if (c == '[' || (c == '&' && i + 1 < re.length() && re.charAt(i + 1) == '&')) {
          sb.append('\\').append(c); // literal in RE2, special in Java classes
          continue;
        }
        if (c == ']') {
          inClass = false;
        }
        sb.append(c);
        continue;
      }
      if (c == '[') {
        inClass = true;
        sb.append(c);
        if (i + 1 < re.length() && re.charAt(i + 1) == '^') {
          sb.append('^');
          i++;
        }
        if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
          sb.append("\\]"); // a leading ] is literal
          i++;
        }
        continue;
      }
      if (c == '(' && re.startsWith("(?P<", i)) {
        sb.append("(?<");
        i += 3;
        continue;
      }
      if (c == '$' && !multiline) {
        sb.append("\\z"); // RE2's $ is end of text, Java's also matches before a final newline
        continue;
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Go's FindAll...Index: an empty match right after the previous match is skipped. */
  static List<int[]> findAll(Pattern p, String s, int n) {
    List<int[]> out = new ArrayList<>();
    if (n == 0) {
      return out;
    }
    Matcher m = p.matcher(s);
    int pos = 0;
    int prevEnd = -1;
    while ((n < 0 || out.size() < n) && pos <= s.length() && m.find(pos)) {
      boolean accept = true;
      if (m.end() == m.start()) {
        if (m.start() == prevEnd) {
          accept = false;
        }
        pos = m.end() < s.length() ? m.end() + Character.charCount(s.codePointAt(m.end())) : m.end() + 1;
      } else {
        pos = m.end();
      }
      prevEnd = m.end();
      if (accept) {
        int[] groups = new int[2 * (m.groupCount() + 1)];
        for (int g = 0; g <= m.groupCount(); g++) {
          groups[2 * g] = m.start(g);
          groups[2 * g + 1] = m.end(g);
        }
        out.add(groups);
      }
    }
    return out;
  }

  /** Go's Regexp.Split(s, -1). */
  static List<String> split(Pattern p, String s) {
    List<String> out = new ArrayList<>();
    if (!p.pattern().isEmpty() && s.isEmpty()) {
      out.add("");
      return out;
    }
    int beg = 0;
    int end = 0;
    for (int[] m : findAll(p, s, -1)) {
      end = m[0];
      if (m[1] != 0) {
        out.add(s.substring(beg, end));
      }
      beg = m[1];
    }
    if (end != s.length()) {
      out.add(s.substring(beg));
    }
    return out;
  }

  /** Go's ReplaceAllString: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}}, {@code $$}. */
  static String replaceAll(Pattern p, String s, String template) {
    StringBuilder sb = new StringBuilder();
    int last = 0;
    for (int[] m : findAll(p, s, -1)) {
      sb.append(s, last, m[0]);
      expand(sb, template, p, s, m);
      last = m[1];
    }
    sb.append(s.substring(last));
    return sb.toString();
  }

  private static void expand(StringBuilder sb, String template, Pattern p, String s, int[] m) {
    Map<String, Integer> named = namedGroups(p.pattern());
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= template.length()) {
        sb.append(c);
        i++;
        continue;
      }
      if (template.charAt(i + 1) == '$') {
        sb.append('$');
        i += 2;
        continue;
      }
      String name;
      int next;
      if (template.charAt(i + 1) == '{') {
        int close = template.indexOf('}', i + 2);
        name = close < 0 ? null : template.substring(i + 2, close);
        if (name == null || name.isEmpty() || !name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
          sb.append(c); // malformed: Go copies the $ literally
          i++;
          continue;
        }
        next = close + 1;
      } else {
        int j = i + 1;
        while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
          j++;
        }
        if (j == i + 1) {
          sb.append(c);
          i++;
          continue;
        }
        name = template.substring(i + 1, j);
        next = j;
      }
      int group = -1;
      if (name.chars().allMatch(Character::isDigit)) {
        try {
          group = Integer.parseInt(name);
        } catch (NumberFormatException e) {
          group = -1;
        }
      } else if (named.containsKey(name)) {
        group = named.get(name);
      }
      // unknown groups expand to nothing, as in Go
      if (group >= 0 && 2 * group + 1 < m.length && m[2 * group] >= 0) {
        sb.append(s, m[2 * group], m[2 * group + 1]);
      }
      i = next;
    }
  }

  /** Capturing group numbers of named groups (Pattern.namedGroups is not public on Java 17). */
  static Map<String, Integer> namedGroups(String javaPattern) {
    Map<String, Integer> out = new java.util.HashMap<>();
    int group = 0;
    boolean inClass = false;
    for (int i = 0; i < javaPattern.length(); i++) {
      char c = javaPattern.charAt(i);
      if (c == '\\') {
        if (javaPattern.startsWith("Q", i + 1)) {
          int end = javaPattern.indexOf("\\E", i + 2);
          i = end < 0 ? javaPattern.length() : end + 1;
        } else {
          i++;
        }
      } else if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
      } else if (c == '(') {
        if (!javaPattern.startsWith("?", i + 1)) {
          group++;
        } else if (javaPattern.startsWith("?<", i + 1) && !javaPattern.startsWith("?<=", i + 1)
            && !javaPattern.startsWith("?<!", i + 1)) {
          group++;
          int close = javaPattern.indexOf('>', i);
          out.put(javaPattern.substring(i + 3, close), group);
        }
      }
    }
    return out;
  }

  /** The gorilla/mux style template of regex.template_match, e.g. {@code urn:foo:{.*}}. */
  private static Pattern templatePattern(String fn, String template, int open, int close) {
    StringBuilder re = new StringBuilder("^");
    int i = 0;
    int literalStart = 0;
    while (i < template.length()) {
      int c = template.codePointAt(i);
      if (c == open) {
        re.append(Pattern.quote(template.substring(literalStart, i)).replace("\\Q\\E", ""));
        int level = 1;
        int j = i + Character.charCount(c);
        int innerStart = j;
        while (j < template.length() && level > 0) {
          int d = template.codePointAt(j);
          if (d == open) {
            level++;
          } else if (d == close) {
            level--;
          }
          j += Character.charCount(d);
        }
        if (level != 0) {
          throw Args.failure(fn, "unbalanced braces in template: " + template);
        }
        String inner = template.substring(innerStart, j - Character.charCount(close));
        re.append('(').append(translate(inner)).append(')');
        i = j;
        literalStart = j;
      } else if (c == close) {
        throw Args.failure(fn, "unbalanced braces in template: " + template);
      } else {
        i += Character.charCount(c);
      }
    }
    re.append(Pattern.quote(template.substring(literalStart))).append('$');
    try {
      return Pattern.compile(re.toString(), Pattern.UNIX_LINES);
    } catch (PatternSyntaxException e) {
      throw Args.failure(fn, "error parsing regexp: " + e.getDescription());
    }
  }

  /**
   * regex.globs_match as OPA computes it with yashtewari/glob-intersection: the globs know
   * {@code .}, {@code [a-z]} sets, {@code \} escapes and the {@code *} / {@code +} flags, and
   * the library's greedy intersection walk is reproduced as it is.
   */
  static final class GlobIntersection {
    private GlobIntersection() {}

    private enum Flag { NONE, PLUS, STAR }

    /** A character (set of one), any character (set null), or a set of characters. */
    private record Token(java.util.Set<Integer> chars, boolean any, Flag flag) {}

    static boolean nonEmpty(String lhs, String rhs) {
      List<Token> g1 = tokenize(lhs);
      List<Token> g2 = tokenize(rhs);
      // trimGlobs: drop equal unflagged prefixes and suffixes, keeping one token of each
      int l = 0;
      while (l < g1.size() && l < g2.size() && g1.get(l).flag == Flag.NONE && g2.get(l).flag == Flag.NONE) {
        if (!match(g1.get(l), g2.get(l))) {
          return false;
        }
        l++;
      }
      if (l > 0) {
        l--;
      }
      int r1 = g1.size() - 1;
      int r2 = g2.size() - 1;
      while (r1 >= 0 && r1 >= l && r2 >= 0 && r2 >= l && g1.get(r1).flag == Flag.NONE && g2.get(r2).flag == Flag.NONE) {
        if (!match(g1.get(r1), g2.get(r2))) {
          return false;
        }
        r1--;
        r2--;
      }
      if (r1 < g1.size() - 1) {
        r1++;
        r2++;
      }
      return intersectNormal(g1.subList(l, r1 + 1), g2.subList(l, r2 + 1));
    }

    private static boolean match(Token a, Token b) {
      if (a.any || b.any) {
        return true;
      }
      for (Integer c : a.chars) {
        if (b.chars.contains(c)) {
          return true;
        }
      }
      return false;
    }

    private static boolean intersectNormal(List<Token> g1, List<Token> g2) {
      int i = 0;
      int j = 0;
      for (; i < g1.size() && j < g2.size(); i++, j++) {
        if (g1.get(i).flag == Flag.NONE && g2.get(j).flag == Flag.NONE) {
          if (!match(g1.get(i), g2.get(j))) {
            return false;
          }
        } else {
          return intersectSpecial(g1.subList(i, g1.size()), g2.subList(j, g2.size()));
        }
      }
      return i == g1.size() && j == g2.size();
    }

    private static boolean intersectSpecial(List<Token> g1, List<Token> g2) {
      if (g1.get(0).flag != Flag.NONE) {
        return g1.get(0).flag == Flag.PLUS ? intersectPlus(g1, g2) : intersectStar(g1, g2);
      }
      return g2.get(0).flag == Flag.PLUS ? intersectPlus(g2, g1) : intersectStar(g2, g1);
    }

    private static boolean intersectPlus(List<Token> plussed, List<Token> other) {
      if (other.isEmpty() || !match(plussed.get(0), other.get(0))) {
        return false;
      }
      if (intersectStar(plussed, other.subList(1, other.size()))) {
        return true;
      }
      return other.get(0).flag != Flag.NONE && intersectNormal(plussed.subList(1, plussed.size()), other);
    }

    private static boolean intersectStar(List<Token> starred, List<Token> other) {
      Token star = starred.get(0);
      Token next = starred.size() > 1 ? starred.get(1) : null;
      for (int i = 0; i < other.size(); i++) {
        Token t = other.get(i);
        if (next != null && match(t, next)) {
          if (intersectNormal(starred.subList(1, starred.size()), other.subList(i, other.size()))) {
            return true;
          }
          if (!match(t, star)) {
            return false;
          }
        } else if (!match(t, star)) {
          return false;
        }
      }
      return next == null;
    }

    private static List<Token> tokenize(String glob) {
      int[] in = glob.codePoints().toArray();
      List<Token> out = new ArrayList<>();
      int[] pos = {0};
      while (pos[0] < in.length) {
        int[] rune = nextRune(in, pos);
        boolean escaped = rune[1] == 1;
        int r = rune[0];
        Token token;
        if (!escaped && r == '.') {
          token = new Token(null, true, Flag.NONE);
        } else if (!escaped && r == ']') {
          throw failure(pos[0], "set-close ']' with no preceding '['");
        } else if (!escaped && r == '[') {
          token = set(in, pos);
        } else if (!escaped && (r == '+' || r == '*')) {
          throw failure(pos[0], "flag '" + (char) r + "' must be preceded by a non-flag");
        } else {
          token = new Token(java.util.Set.of(r), false, Flag.NONE);
        }
        Flag flag = Flag.NONE;
        if (pos[0] < in.length && (in[pos[0]] == '+' || in[pos[0]] == '*')) {
          flag = in[pos[0]] == '+' ? Flag.PLUS : Flag.STAR;
          pos[0]++;
        }
        out.add(new Token(token.chars, token.any, flag));
      }
      return out;
    }

    /** {rune, escaped}; a backslash escapes the next rune. */
    private static int[] nextRune(int[] in, int[] pos) {
      if (in[pos[0]] == '\\') {
        if (pos[0] == in.length - 1) {
          throw failure(pos[0], "input ends with a \\ (escape) character");
        }
        int r = in[pos[0] + 1];
        pos[0] += 2;
        return new int[] {r, 1};
      }
      return new int[] {in[pos[0]++], 0};
    }

    private static Token set(int[] in, int[] pos) {
      java.util.Set<Integer> chars = new java.util.HashSet<>();
      boolean prevExists = false;
      int prev = 0;
      while (pos[0] < in.length) {
        int[] rune = nextRune(in, pos);
        int r = rune[0];
        if (rune[1] == 0 && r == ']') {
          return new Token(chars, false, Flag.NONE);
        }
        if (rune[1] == 0 && r == '-') {
          if (!prevExists) {
            throw failure(pos[0], "range character '-' must be preceded by a Unicode character");
          }
          if (pos[0] >= in.length - 1) {
            throw failure(pos[0], "range character '-' must be followed by a Unicode character");
          }
          int[] end = nextRune(in, pos);
          if (end[1] == 0 && (end[0] == ']' || end[0] == '-')) {
            throw failure(pos[0], "range character '-' cannot be followed by a special symbol");
          }
          for (int x = prev; x <= end[0]; x++) {
            chars.add(x); // an out-of-order range adds nothing, as in the library
          }
          prevExists = false;
        } else {
          chars.add(r);
          prev = r;
          prevExists = true;
        }
      }
      throw failure(pos[0], "found [ without matching ]");
    }

    private static BuiltinException failure(int index, String message) {
      return Args.failure("regex.globs_match", "pos:" + index + ":" + message + ": the input provided is invalid");
    }
  }
}
