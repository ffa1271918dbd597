package io.meshgate.rego.builtins;

import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.StringValue;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** semver.is_valid and semver.compare (Semantic Versioning 2.0.0, no "v" prefix). */
public final class SemverBuiltins {
  private SemverBuiltins() {}

  private static final Pattern SEMVER = Pattern.compile(
      "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
          + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
          + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("semver.is_valid", 1, (ctx, a) ->
        BoolValue.of(a.get(0) instanceof StringValue s && SEMVER.matcher(s.value()).matches())));
    table.register(Builtin.of("semver.compare", 2, (ctx, a) -> {
      Matcher x = parse(Args.string("semver.compare", a, 1), 1);
      Matcher y = parse(Args.string("semver.compare", a, 2), 2);
      return NumberValue.of(compare(x, y));
    }));
  }

  private static Matcher parse(String v, int pos) {
    Matcher m = SEMVER.matcher(v);
    if (!m.matches()) {
      throw Args.failure("semver.compare", "operand " + pos + ": string " + GoFormat.quote(v) + " is not a valid SemVer");
    }
    return m;
  }

  /** Precedence per SemVer 2.0.0 section 11; build metadata is ignored. */
  static int compare(Matcher x, Matcher y) {
    for (int g = 1; g <= 3; g++) {
      int c = new BigInteger(x.group(g)).compareTo(new BigInteger(y.group(g)));
      if (c != 0) {
        return Integer.signum(c);
      }
    }
    String px = x.group(4);
    String py = y.group(4);
    if (px == null || py == null) {
      return px == null && py == null ? 0 : px == null ? 1 : -1;
    }
    String[] ix = px.split("\\.");
    String[] iy = py.split("\\.");
    for (int i = 0; i < Math.min(ix.length, iy.length); i++) {
      boolean nx = ix[i].chars().allMatch(Character::isDigit);
      boolean ny = iy[i].chars().allMatch(Character::isDigit);
      int c;
      if (nx && ny) {
        c = new BigInteger(ix[i]).compareTo(new BigInteger(iy[i]));
      } else if (nx || ny) {
        c = nx ? -1 : 1; // numeric identifiers sort before alphanumeric ones
      } else {
        c = ix[i].compareTo(iy[i]);
      }
      if (c != 0) {
        return Integer.signum(c);
      }
    }
    return Integer.compare(ix.length, iy.length);
  }
}
