package io.meshgate.rego.builtins;

import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Go's fmt.Sprintf as OPA's sprintf uses it. OPA hands Go an int (integers that fit), a *big.Int
 * (larger integers), a float64 (other numbers) or a string (strings, and the Rego text of any other
 * value), so only those four argument kinds exist here. Wrong verbs and missing or extra arguments
 * are written into the output the way Go does ({@code %!d(string=a)}, {@code %!s(MISSING)}).
 */
final class GoFormat {
  private GoFormat() {}

  private enum Kind { INT, BIGINT, FLOAT, STRING }

  private record Arg(Kind kind, BigInteger integer, double real, String text) {
    String goType() {
      return switch (kind) {
        case INT -> "int";
        case BIGINT -> "*big.Int";
        case FLOAT -> "float64";
        case STRING -> "string";
      };
    }
  }

  private static Arg convert(Value v) {
    if (v instanceof NumberValue n) {
      // OPA passes a number written as an integer (no fraction, no exponent) as a Go int or
      // *big.Int and anything else, 2.0 and 1e3 included, as a float64
      if (n.value().scale() == 0) {
        BigInteger b = n.asBigInteger().get();
        return new Arg(b.bitLength() < 64 ? Kind.INT : Kind.BIGINT, b, 0, null);
      }
      double d = n.doubleValue();
      if (Double.isInfinite(d)) {
        return new Arg(Kind.STRING, null, 0, n.toString());
      }
      return new Arg(Kind.FLOAT, null, d, null);
    }
    if (v instanceof StringValue s) {
      return new Arg(Kind.STRING, null, 0, s.value());
    }
    return new Arg(Kind.STRING, null, 0, v.toString());
  }

  private static final class Spec {
    boolean minus;
    boolean plus;
    boolean sharp;
    boolean space;
    boolean zero;
    int width = -1;
    int precision = -1;
  }

  static String sprintf(String format, List<Value> values) {
    Arg[] args = values.stream().map(GoFormat::convert).toArray(Arg[]::new);
    StringBuilder out = new StringBuilder();
    int argNum = 0;
    boolean reordered = false;
    int i = 0;
    int n = format.length();
    while (i < n) {
      char c = format.charAt(i);
      if (c != '%') {
        out.append(c);
        i++;
        continue;
      }
      i++;
      Spec spec = new Spec();
      // flags
      flags:
      while (i < n) {
        switch (format.charAt(i)) {
          case '-' -> { spec.minus = true; spec.zero = false; }
          case '+' -> spec.plus = true;
          case '#' -> spec.sharp = true;
          case ' ' -> spec.space = true;
          case '0' -> spec.zero = !spec.minus;
          default -> { break flags; }
        }
        i++;
      }
      // explicit argument index [n]
      if (i < n && format.charAt(i) == '[') {
        int close = format.indexOf(']', i);
        if (close > i) {
          try {
            argNum = Integer.parseInt(format.substring(i + 1, close)) - 1;
            reordered = true;
          } catch (NumberFormatException e) {
            out.append("%!(BADINDEX)");
          }
          i = close + 1;
        }
      }
      int start = i;
      while (i < n && Character.isDigit(format.charAt(i))) {
        i++;
      }
      if (i > start) {
        spec.width = Integer.parseInt(format.substring(start, i));
      }
      if (i < n && format.charAt(i) == '.') {
        i++;
        start = i;
        while (i < n && Character.isDigit(format.charAt(i))) {
          i++;
        }
        spec.precision = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
      }
      if (i >= n) {
        out.append("%!(NOVERB)");
        break;
      }
      int verb = format.codePointAt(i);
      i += Character.charCount(verb);
      if (verb == '%') {
        out.append('%');
        continue;
      }
      if (argNum < 0 || argNum >= args.length) {
        out.append("%!").appendCodePoint(verb).append("(MISSING)");
        continue;
      }
      Arg arg = args[argNum++];
      out.append(verb == 'T' ? pad(arg.goType(), spec, false) : formatOne(arg, verb, spec));
    }
    if (!reordered && argNum < args.length) {
      out.append("%!(EXTRA ");
      for (int k = argNum; k < args.length; k++) {
        if (k > argNum) {
          out.append(", ");
        }
        out.append(args[k].goType()).append('=').append(plain(args[k]));
      }
      out.append(')');
    }
    return out.toString();
  }

  /** The %v text of an argument, without padding. */
  private static String plain(Arg a) {
    return switch (a.kind) {
      case INT, BIGINT -> a.integer.toString();
      case FLOAT -> formatG(a.real, -1, false);
      case STRING -> a.text;
    };
  }

  private static String bad(Arg a, int verb) {
    return "%!" + new String(Character.toChars(verb)) + "(" + a.goType() + "=" + plain(a) + ")";
  }

  private static String formatOne(Arg a, int verb, Spec spec) {
    switch (a.kind) {
      case INT, BIGINT -> {
        return formatInteger(a, verb, spec);
      }
      case FLOAT -> {
        return formatFloat(a, verb, spec);
      }
      default -> {
        return formatString(a, verb, spec);
      }
    }
  }

  private static String formatInteger(Arg a, int verb, Spec spec) {
    BigInteger v = a.integer;
    String digits;
    String prefix = "";
    switch (verb) {
      case 'd', 'v' -> digits = v.abs().toString();
      case 's' -> {
        if (a.kind != Kind.BIGINT) {
          return bad(a, verb);
        }
        digits = v.abs().toString();
      }
      case 'b' -> { digits = v.abs().toString(2); if (spec.sharp) { prefix = "0b"; } }
      case 'o' -> { digits = v.abs().toString(8); if (spec.sharp) { prefix = "0"; } }
      case 'O' -> { digits = v.abs().toString(8); prefix = "0o"; }
      case 'x' -> { digits = v.abs().toString(16); if (spec.sharp) { prefix = "0x"; } }
      case 'X' -> { digits = v.abs().toString(16).toUpperCase(); if (spec.sharp) { prefix = "0X"; } }
      case 'c' -> {
        if (a.kind == Kind.BIGINT) {
          return bad(a, verb);
        }
        return pad(new String(Character.toChars(codePointOrReplacement(v))), spec, false);
      }
      case 'q' -> {
        if (a.kind == Kind.BIGINT) {
          return bad(a, verb);
        }
        return pad("'" + new String(Character.toChars(codePointOrReplacement(v))) + "'", spec, false);
      }
      case 'U' -> {
        if (a.kind == Kind.BIGINT) {
          return bad(a, verb);
        }
        String hex = v.toString(16).toUpperCase();
        return pad("U+" + "0".repeat(Math.max(0, 4 - hex.length())) + hex, spec, false);
      }
      default -> { return bad(a, verb); }
    }
    if (spec.precision >= 0) {
      if (spec.precision == 0 && v.signum() == 0) {
        digits = "";
      }
      if (digits.length() < spec.precision) {
        digits = "0".repeat(spec.precision - digits.length()) + digits;
      }
    }
    String sign = v.signum() < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "";
    return padNumber(sign + prefix, digits, spec, spec.precision < 0);
  }

  private static int codePointOrReplacement(BigInteger v) {
    if (v.signum() < 0 || v.bitLength() > 31 || v.intValue() > Character.MAX_CODE_POINT
        || (v.intValue() >= 0xD800 && v.intValue() <= 0xDFFF)) {
      return 0xFFFD;
    }
    return v.intValue();
  }

  private static String formatFloat(Arg a, int verb, Spec spec) {
    double d = a.real;
    String body;
    switch (verb) {
      case 'v', 'g' -> body = formatG(Math.abs(d), spec.precision, false);
      case 'G' -> body = formatG(Math.abs(d), spec.precision, true);
      case 'e' -> body = formatE(Math.abs(d), spec.precision < 0 ? 6 : spec.precision, false);
      case 'E' -> body = formatE(Math.abs(d), spec.precision < 0 ? 6 : spec.precision, true);
      case 'f', 'F' -> body = new BigDecimal(Math.abs(d))
          .setScale(spec.precision < 0 ? 6 : spec.precision, RoundingMode.HALF_EVEN).toPlainString();
      default -> { return bad(a, verb); }
    }
    boolean negative = d < 0 || (d == 0 && 1 / d < 0);
    String sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
    return padNumber(sign, body, spec, true);
  }

  /** Go's strconv 'e' format: d.ddddde±dd. */
  static String formatE(double d, int precision, boolean upper) {
    String text;
    int exp;
    if (d == 0) {
      text = "0".repeat(precision + 1);
      exp = 0;
    } else {
      BigDecimal r = new BigDecimal(d).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
      String unscaled = r.unscaledValue().abs().toString();
      exp = unscaled.length() - 1 - r.scale();
      text = unscaled + "0".repeat(Math.max(0, precision + 1 - unscaled.length()));
      text = text.substring(0, precision + 1);
    }
    StringBuilder sb = new StringBuilder().append(text.charAt(0));
    if (precision > 0) {
      sb.append('.').append(text, 1, precision + 1);
    }
    return sb.append(exponent(exp, upper)).toString();
  }

  private static String exponent(int exp, boolean upper) {
    String e = Integer.toString(Math.abs(exp));
    return (upper ? "E" : "e") + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
  }

  /** Go's strconv 'g' format; precision -1 is the shortest text that reads back as the same double. */
  static String formatG(double d, int precision, boolean upper) {
    String digits;
    int pointPos; // decimal point position relative to the digits (Go's digs.dp)
    if (d == 0) {
      digits = "0";
      pointPos = 1;
    } else {
      BigDecimal r = precision < 0 ? new BigDecimal(Double.toString(d))
          : new BigDecimal(d).round(new MathContext(Math.max(precision, 1), RoundingMode.HALF_EVEN));
      r = r.stripTrailingZeros();
      digits = r.unscaledValue().abs().toString();
      pointPos = digits.length() - r.scale();
    }
    int eprec = precision < 0 ? 6 : Math.max(precision, 1);
    boolean shortest = precision < 0;
    if (!shortest && eprec > digits.length() && digits.length() >= pointPos) {
      eprec = digits.length();
    }
    if (shortest) {
      eprec = 6;
    }
    int exp = pointPos - 1;
    if (exp < -4 || exp >= eprec) {
      // %e with the significant digits we have
      StringBuilder sb = new StringBuilder().append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      return sb.append(exponent(exp, upper)).toString();
    }
    if (pointPos <= 0) {
      return "0." + "0".repeat(-pointPos) + digits;
    }
    if (pointPos >= digits.length()) {
      return digits + "0".repeat(pointPos - digits.length());
    }
    return digits.substring(0, pointPos) + "." + digits.substring(pointPos);
  }

  private static String formatString(Arg a, int verb, Spec spec) {
    String s = a.text;
    switch (verb) {
      case 's', 'v' -> {
        if (verb == 'v' && spec.sharp) {
          return pad(quote(s), spec, false); // %#v is Go syntax
        }
        if (spec.precision >= 0 && s.codePointCount(0, s.length()) > spec.precision) {
          s = s.substring(0, s.offsetByCodePoints(0, spec.precision));
        }
        return pad(s, spec, false);
      }
      case 'q' -> {
        return pad(quote(s), spec, false);
      }
      case 'x', 'X' -> {
        StringBuilder sb = new StringBuilder();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
          String h = String.format("%02x", b & 0xff);
          sb.append(verb == 'X' ? h.toUpperCase() : h);
        }
        return pad(sb.toString(), spec, false);
      }
      default -> { return bad(a, verb); }
    }
  }

  /** Go's strconv.Quote for printable text. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 0x07 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case 0x0B -> sb.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", c));
          } else if (!Character.isDefined(c) || Character.getType(c) == Character.CONTROL
              || Character.getType(c) == Character.FORMAT) {
            sb.append(c > 0xFFFF ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
          } else {
            sb.appendCodePoint(c);
          }
        }
      }
    });
    return sb.append('"').toString();
  }

  private static String pad(String s, Spec spec, boolean zeroAllowed) {
    int len = s.codePointCount(0, s.length());
    if (spec.width <= len) {
      return s;
    }
    String fill = (zeroAllowed && spec.zero ? "0" : " ").repeat(spec.width - len);
    return spec.minus ? s + fill : fill + s;
  }

  /** Pads a number; zero padding goes between the sign/prefix and the digits. */
  private static String padNumber(String signPrefix, String digits, Spec spec, boolean zeroAllowed) {
    int len = signPrefix.length() + digits.length();
    if (spec.width <= len) {
      return signPrefix + digits;
    }
    if (spec.minus) {
      return signPrefix + digits + " ".repeat(spec.width - len);
    }
    if (spec.zero && zeroAllowed) {
      return signPrefix + "0".repeat(spec.width - len) + digits;
    }
    return " ".repeat(spec.width - len) + signPrefix + digits;
  }
}
