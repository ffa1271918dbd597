package io.meshgate.rego.builtins;

import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.StringValue;
import java.util.regex.Pattern;

/**
 * semver.is_valid and semver.compare as OPA: the SemVer 2.0.0 grammar (no leading zeros in the
 * version numbers or numeric pre-release identifiers, no empty pre-release or build section), plus
 * OPA's optional leading "v". Build metadata is ignored for precedence.
 */
public final class SemverBuiltins {
  private SemverBuiltins() {}

  private static final Pattern IDENTIFIERS = Pattern.compile("[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+");
  /** A version number or numeric identifier: "0" or no leading zero. */
  private static final Pattern CANONICAL_NUMBER = Pattern.compile("0|[1-9][0-9]*");

  record Version(long major, long minor, long patch, String preRelease) {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("semver.is_valid", 1, (ctx, a) ->
        BoolValue.of(a.get(0) instanceof StringValue s && parse(s.value()) != null)));
    table.register(Builtin.of("semver.compare", 2, (ctx, a) -> {
      Version x = parseOperand(Args.string("semver.compare", a, 1), 1);
      Version y = parseOperand(Args.string("semver.compare", a, 2), 2);
      return NumberValue.of(compare(x, y));
    }));
  }

  private static Version parseOperand(String v, int pos) {
    Version parsed = parse(v);
    if (parsed == null) {
      throw Args.failure("semver.compare", "operand " + pos + ": string \"" + v + "\" is not a valid SemVer");
    }
    return parsed;
  }

  /** null when invalid. Build metadata is checked, then dropped. */
  static Version parse(String text) {
    String v = text.startsWith("v") ? text.substring(1) : text;
    int plus = v.indexOf('+');
    if (plus >= 0) {
      String metadata = v.substring(plus + 1);
      v = v.substring(0, plus);
      if (!IDENTIFIERS.matcher(metadata).matches()) {
        return null;
      }
    }
    String pre = "";
    int dash = v.indexOf('-');
    if (dash >= 0) {
      pre = v.substring(dash + 1);
      v = v.substring(0, dash);
      if (!IDENTIFIERS.matcher(pre).matches()) {
        return null;
      }
      for (String identifier : pre.split("\\.")) {
        if (NUMBER.matcher(identifier).matches() && !CANONICAL_NUMBER.matcher(identifier).matches()) {
          return null;
        }
      }
    }
    String[] parts = v.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    long[] numbers = new long[3];
    for (int i = 0; i < 3; i++) {
      if (!CANONICAL_NUMBER.matcher(parts[i]).matches()) {
        return null;
      }
      try {
        numbers[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        return null; // beyond int64
      }
    }
    return new Version(numbers[0], numbers[1], numbers[2], pre);
  }

  /** Precedence per SemVer 2.0.0 section 11, as OPA computes it. */
  static int compare(Version x, Version y) {
    int c = Long.compare(x.major, y.major);
    if (c == 0) {
      c = Long.compare(x.minor, y.minor);
    }
    if (c == 0) {
      c = Long.compare(x.patch, y.patch);
    }
    if (c != 0) {
      return Integer.signum(c);
    }
    if (x.preRelease.equals(y.preRelease)) {
      return 0;
    }
    if (x.preRelease.isEmpty() || y.preRelease.isEmpty()) {
      return x.preRelease.isEmpty() ? 1 : -1;
    }
    String[] ix = x.preRelease.split("\\.");
    String[] iy = y.preRelease.split("\\.");
    for (int i = 0; i < Math.min(ix.length, iy.length); i++) {
      boolean nx = NUMBER.matcher(ix[i]).matches();
      boolean ny = NUMBER.matcher(iy[i]).matches();
      if (nx != ny) {
        return nx ? -1 : 1; // numeric identifiers sort before alphanumeric ones
      }
      c = nx ? new java.math.BigInteger(ix[i]).compareTo(new java.math.BigInteger(iy[i])) : ix[i].compareTo(iy[i]);
      if (c != 0) {
        return Integer.signum(c);
      }
    }
    return Integer.compare(ix.length, iy.length);
  }
}
