package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * String built-ins. Positions and lengths count Unicode code points (Go runes), as OPA does; case
 * mapping is per code point, like Go's strings.ToUpper.
 */
public final class StringBuiltins {
  private StringBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("concat", 2, (ctx, a) -> {
      String sep = Args.string("concat", a, 1);
      Value coll = a.get(1);
      if (!(coll instanceof ArrayValue) && !(coll instanceof SetValue)) {
        throw Args.type("concat", 2, coll, "set", "array");
      }
      return str(String.join(sep, Args.strings("concat", a, 2)));
    }));
    table.register(twoStrings("contains", (s, t) -> BoolValue.of(s.contains(t))));
    table.register(twoStrings("startswith", (s, t) -> BoolValue.of(s.startsWith(t))));
    table.register(twoStrings("endswith", (s, t) -> BoolValue.of(s.endsWith(t))));
    table.register(twoStrings("strings.count", (s, t) -> NumberValue.of(count(s, t))));
    table.register(Builtin.of("format_int", 2, (ctx, a) -> {
      NumberValue n = Args.number("format_int", a, 1);
      NumberValue base = Args.number("format_int", a, 2);
      int radix = base.asInt().orElse(0);
      if (radix != 2 && radix != 8 && radix != 10 && radix != 16) {
        throw new BuiltinException(BuiltinException.Kind.TYPE, "format_int: operand 2 must be one of {2, 8, 10, 16}");
      }
      // Go's big.Float.Int truncates towards zero
      BigInteger i = n.value().setScale(0, RoundingMode.DOWN).toBigIntegerExact();
      return str(i.toString(radix));
    }));
    table.register(Builtin.of("indexof", 2, (ctx, a) -> {
      String s = Args.string("indexof", a, 1);
      String t = Args.string("indexof", a, 2);
      if (t.isEmpty()) {
        throw Args.failure("indexof", "empty search character");
      }
      int i = s.indexOf(t);
      return NumberValue.of(i < 0 ? -1 : s.codePointCount(0, i));
    }));
    table.register(Builtin.of("indexof_n", 2, (ctx, a) -> {
      String s = Args.string("indexof_n", a, 1);
      String t = Args.string("indexof_n", a, 2);
      if (t.isEmpty()) {
        throw Args.failure("indexof_n", "empty search character");
      }
      List<Value> out = new ArrayList<>();
      // overlapping matches, reported by code point position
      for (int i = s.indexOf(t); i >= 0; i = s.indexOf(t, i + Character.charCount(s.codePointAt(i)))) {
        out.add(NumberValue.of(s.codePointCount(0, i)));
      }
      return ArrayValue.of(out);
    }));
    table.register(oneString("lower", s -> str(mapCodePoints(s, true))));
    table.register(oneString("upper", s -> str(mapCodePoints(s, false))));
    table.register(Builtin.of("replace", 3, (ctx, a) -> {
      String s = Args.string("replace", a, 1);
      String old = Args.string("replace", a, 2);
      String neu = Args.string("replace", a, 3);
      return str(replaceAll(s, List.of(old), List.of(neu)));
    }));
    table.register(Builtin.of("strings.replace_n", 2, (ctx, a) -> {
      ObjectValue patterns = Args.object("strings.replace_n", a, 1);
      String s = Args.string("strings.replace_n", a, 2);
      List<String> olds = new ArrayList<>();
      List<String> news = new ArrayList<>();
      // keys in term order, earlier keys win at a position, like Go's strings.NewReplacer
      for (Map.Entry<Value, Value> e : patterns.entries().entrySet()) {
        if (!(e.getKey() instanceof StringValue k)) {
          throw new BuiltinException(BuiltinException.Kind.TYPE,
              "strings.replace_n: operand 1 non-string key found in pattern object");
        }
        if (!(e.getValue() instanceof StringValue v)) {
          throw new BuiltinException(BuiltinException.Kind.TYPE,
              "strings.replace_n: operand 1 non-string value found in pattern object");
        }
        olds.add(k.value());
        news.add(v.value());
      }
      return str(replaceAll(s, olds, news));
    }));
    table.register(twoStrings("split", (s, d) -> ArrayValue.of(split(s, d))));
    table.register(Builtin.of("strings.split_n", 3, (ctx, a) -> {
      String s = Args.string("strings.split_n", a, 1);
      String sep = Args.string("strings.split_n", a, 2);
      BigInteger n = Args.integer("strings.split_n", a, 3);
      List<Value> parts = split(s, sep);
      // the first n parts, or the last -n parts when n is negative
      int count = (int) Math.min(parts.size(), n.abs().min(BigInteger.valueOf(Integer.MAX_VALUE)).longValue());
      return ArrayValue.of(n.signum() >= 0 ? parts.subList(0, count) : parts.subList(parts.size() - count, parts.size()));
    }));
    table.register(Builtin.of("substring", 3, (ctx, a) -> {
      String s = Args.string("substring", a, 1);
      int start = Args.smallInt("substring", a, 2);
      int length = Args.smallInt("substring", a, 3);
      if (start < 0) {
        throw Args.failure("substring", "negative offset");
      }
      int runes = s.codePointCount(0, s.length());
      if (start >= runes) {
        return str("");
      }
      int end = length < 0 ? runes : (int) Math.min(runes, (long) start + length);
      return str(s.substring(s.offsetByCodePoints(0, start), s.offsetByCodePoints(0, end)));
    }));
    table.register(twoStrings("trim", (s, c) -> str(trimRight(trimLeft(s, c), c))));
    table.register(twoStrings("trim_left", (s, c) -> str(trimLeft(s, c))));
    table.register(twoStrings("trim_right", (s, c) -> str(trimRight(s, c))));
    table.register(twoStrings("trim_prefix", (s, p) -> str(s.startsWith(p) ? s.substring(p.length()) : s)));
    table.register(twoStrings("trim_suffix", (s, p) -> str(s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s)));
    table.register(oneString("trim_space", s -> str(trimSpace(s))));
    table.register(oneString("strings.reverse", s -> str(new StringBuilder(s).reverse().toString())));
    table.register(Builtin.of("sprintf", 2, (ctx, a) ->
        str(GoFormat.sprintf(Args.string("sprintf", a, 1), Args.array("sprintf", a, 2).elements()))));
    table.register(Builtin.of("strings.any_prefix_match", 2, (ctx, a) -> {
      List<String> strs = stringOrCollection("strings.any_prefix_match", a, 1);
      List<String> prefixes = stringOrCollection("strings.any_prefix_match", a, 2);
      return BoolValue.of(strs.stream().anyMatch(s -> prefixes.stream().anyMatch(s::startsWith)));
    }));
    table.register(Builtin.of("strings.any_suffix_match", 2, (ctx, a) -> {
      List<String> strs = stringOrCollection("strings.any_suffix_match", a, 1);
      List<String> suffixes = stringOrCollection("strings.any_suffix_match", a, 2);
      return BoolValue.of(strs.stream().anyMatch(s -> suffixes.stream().anyMatch(s::endsWith)));
    }));
  }

  private static Builtin oneString(String name, java.util.function.Function<String, Value> f) {
    return Builtin.of(name, 1, (ctx, a) -> f.apply(Args.string(name, a, 1)));
  }

  private static Builtin twoStrings(String name, BiFunction<String, String, Value> f) {
    return Builtin.of(name, 2, (ctx, a) -> f.apply(Args.string(name, a, 1), Args.string(name, a, 2)));
  }

  private static List<String> stringOrCollection(String fn, List<Value> a, int pos) {
    Value v = a.get(pos - 1);
    if (v instanceof StringValue s) {
      return List.of(s.value());
    }
    if (v instanceof ArrayValue || v instanceof SetValue) {
      return Args.strings(fn, a, pos);
    }
    throw Args.type(fn, pos, v, "string", "set", "array");
  }

  /** Go's strings.Count: non-overlapping; an empty needle counts code points + 1. */
  static long count(String s, String t) {
    if (t.isEmpty()) {
      return s.codePointCount(0, s.length()) + 1L;
    }
    long n = 0;
    for (int i = s.indexOf(t); i >= 0; i = s.indexOf(t, i + t.length())) {
      n++;
    }
    return n;
  }

  private static String mapCodePoints(String s, boolean lower) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> sb.appendCodePoint(lower ? Character.toLowerCase(c) : Character.toUpperCase(c)));
    return sb.toString();
  }

  /** Go's strings.Replacer: left to right, no overlaps, the first listed pattern wins at a position. */
  static String replaceAll(String s, List<String> olds, List<String> news) {
    StringBuilder sb = new StringBuilder(s.length());
    int i = 0;
    // as Go's generic Replacer: after the empty key matched, the same position is tried again
    // without it, so "a" can still be replaced right after an inserted empty-key value
    boolean previousMatchEmpty = false;
    while (i <= s.length()) {
      int match = -1;
      for (int p = 0; p < olds.size(); p++) {
        String old = olds.get(p);
        if (!(old.isEmpty() && previousMatchEmpty) && s.startsWith(old, i)) {
          match = p;
          break;
        }
      }
      if (match >= 0) {
        sb.append(news.get(match));
        previousMatchEmpty = olds.get(match).isEmpty();
        i += olds.get(match).length();
        continue;
      }
      previousMatchEmpty = false;
      if (i >= s.length()) {
        break;
      }
      int cp = s.codePointAt(i);
      sb.appendCodePoint(cp);
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /** Go's strings.Split: an empty separator splits into code points. */
  static List<Value> split(String s, String sep) {
    List<Value> out = new ArrayList<>();
    if (sep.isEmpty()) {
      s.codePoints().forEach(c -> out.add(str(new String(Character.toChars(c)))));
      return out;
    }
    int from = 0;
    for (int i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, from)) {
      out.add(str(s.substring(from, i)));
      from = i + sep.length();
    }
    out.add(str(s.substring(from)));
    return out;
  }

  static String trimLeft(String s, String cutset) {
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      if (cutset.indexOf(cp) < 0) {
        break;
      }
      i += Character.charCount(cp);
    }
    return s.substring(i);
  }

  static String trimRight(String s, String cutset) {
    int j = s.length();
    while (j > 0) {
      int cp = s.codePointBefore(j);
      if (cutset.indexOf(cp) < 0) {
        break;
      }
      j -= Character.charCount(cp);
    }
    return s.substring(0, j);
  }

  /** Go's unicode.IsSpace. */
  static boolean isSpace(int c) {
    return c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r' || c == ' ' || c == 0x85
        || c == 0xA0 || (c > 0xFF && Character.isSpaceChar(c));
  }

  static String trimSpace(String s) {
    int i = 0;
    int j = s.length();
    while (i < j && isSpace(s.codePointAt(i))) {
      i += Character.charCount(s.codePointAt(i));
    }
    while (j > i && isSpace(s.codePointBefore(j))) {
      j -= Character.charCount(s.codePointBefore(j));
    }
    return s.substring(i, j);
  }
}
