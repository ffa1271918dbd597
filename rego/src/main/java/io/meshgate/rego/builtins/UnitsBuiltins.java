package io.meshgate.rego.builtins;

import io.meshgate.rego.value.NumberValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** units.parse (SI and binary SI, "m" is milli) and units.parse_bytes (case-insensitive). */
public final class UnitsBuiltins {
  private UnitsBuiltins() {}

  private static final BigDecimal K = BigDecimal.valueOf(1000);
  private static final BigDecimal KI = BigDecimal.valueOf(1024);

  private static final Map<String, BigDecimal> UNITS = Map.ofEntries(
      Map.entry("", BigDecimal.ONE), Map.entry("m", new BigDecimal("0.001")),
      Map.entry("k", K), Map.entry("K", K), Map.entry("ki", KI), Map.entry("Ki", KI),
      Map.entry("M", K.pow(2)), Map.entry("mi", KI.pow(2)), Map.entry("Mi", KI.pow(2)),
      Map.entry("g", K.pow(3)), Map.entry("G", K.pow(3)), Map.entry("gi", KI.pow(3)), Map.entry("Gi", KI.pow(3)),
      Map.entry("t", K.pow(4)), Map.entry("T", K.pow(4)), Map.entry("ti", KI.pow(4)), Map.entry("Ti", KI.pow(4)),
      Map.entry("p", K.pow(5)), Map.entry("P", K.pow(5)), Map.entry("pi", KI.pow(5)), Map.entry("Pi", KI.pow(5)),
      Map.entry("e", K.pow(6)), Map.entry("E", K.pow(6)), Map.entry("ei", KI.pow(6)), Map.entry("Ei", KI.pow(6)));

  private static final Map<String, BigDecimal> BYTE_UNITS = Map.ofEntries(
      Map.entry("", BigDecimal.ONE),
      Map.entry("kb", K), Map.entry("k", K), Map.entry("kib", KI), Map.entry("ki", KI),
      Map.entry("mb", K.pow(2)), Map.entry("m", K.pow(2)), Map.entry("mib", KI.pow(2)), Map.entry("mi", KI.pow(2)),
      Map.entry("gb", K.pow(3)), Map.entry("g", K.pow(3)), Map.entry("gib", KI.pow(3)), Map.entry("gi", KI.pow(3)),
      Map.entry("tb", K.pow(4)), Map.entry("t", K.pow(4)), Map.entry("tib", KI.pow(4)), Map.entry("ti", KI.pow(4)),
      Map.entry("pb", K.pow(5)), Map.entry("p", K.pow(5)), Map.entry("pib", KI.pow(5)), Map.entry("pi", KI.pow(5)),
      Map.entry("eb", K.pow(6)), Map.entry("e", K.pow(6)), Map.entry("eib", KI.pow(6)), Map.entry("ei", KI.pow(6)));

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("units.parse", 1, (ctx, a) -> {
      String fn = "units.parse";
      String s = Args.string(fn, a, 1).replace("\"", "");
      String[] parts = numAndUnit(fn, s);
      String unit = parts[1];
      // only the letters after the first are case-insensitive, so that m (milli) and M (mega) differ
      if (unit.length() > 1) {
        unit = unit.charAt(0) + unit.substring(1).toLowerCase(java.util.Locale.ROOT);
      }
      BigDecimal factor = UNITS.get(unit);
      if (factor == null) {
        throw Args.failure(fn, "unit " + unit + " not recognized");
      }
      BigDecimal x = number(fn, parts[0]).multiply(factor);
      if (x.signum() == 0 || x.stripTrailingZeros().scale() <= 0) {
        return NumberValue.of(x.toBigInteger());
      }
      return NumberValue.of(x.setScale(10, RoundingMode.HALF_UP).stripTrailingZeros());
    }));
    table.register(Builtin.of("units.parse_bytes", 1, (ctx, a) -> {
      String fn = "units.parse_bytes";
      String s = Args.string(fn, a, 1).toLowerCase(java.util.Locale.ROOT).replace("\"", "");
      String[] parts = numAndUnit(fn, s);
      BigDecimal factor = BYTE_UNITS.get(parts[1]);
      if (factor == null) {
        throw Args.failure(fn, "byte unit " + parts[1] + " not recognized");
      }
      // truncated to an integer number of bytes, as big.Float.Int does
      return NumberValue.of(number(fn, parts[0]).multiply(factor).setScale(0, RoundingMode.DOWN).toBigInteger());
    }));
  }

  private static BigDecimal number(String fn, String text) {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw Args.failure(fn, fn.equals("units.parse") ? "could not parse amount to a number"
          : "could not parse byte amount to a number");
    }
  }

  /** OPA's extractNumAndUnit: digits, '.', and an exponent form the number; the rest is the unit. */
  private static String[] numAndUnit(String fn, String s) {
    if (s.contains(" ")) {
      throw Args.failure(fn, "spaces not allowed in resource strings");
    }
    int firstNonNum = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean isNum = Character.isDigit(c) || c == '.';
      if (!isNum && c != 'e' && c != 'E' && c != '+' && c != '-') {
        firstNonNum = i;
        break;
      }
      if (c == 'e' || c == 'E') {
        if (i == s.length() - 1 || (!Character.isDigit(s.charAt(i + 1)) && s.charAt(i + 1) != '+' && s.charAt(i + 1) != '-')) {
          firstNonNum = i;
          break;
        }
        if (s.charAt(i + 1) == '+' || s.charAt(i + 1) == '-') {
          i++;
        }
        int expEnd = i + 1;
        while (expEnd < s.length() && Character.isDigit(s.charAt(expEnd))) {
          expEnd++;
        }
        if (expEnd - (i + 1) > 6) {
          throw Args.failure(fn, "exponent too large");
        }
      }
    }
    String num = firstNonNum == -1 ? s : s.substring(0, firstNonNum);
    String unit = firstNonNum == -1 ? "" : s.substring(firstNonNum);
    if (num.isEmpty()) {
      throw Args.failure(fn, fn.equals("units.parse") ? "no amount provided" : "no byte amount provided");
    }
    return new String[] {num, unit};
  }
}
