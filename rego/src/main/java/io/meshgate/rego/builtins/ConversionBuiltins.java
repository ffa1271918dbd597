package io.meshgate.rego.builtins;

import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** to_number. */
public final class ConversionBuiltins {
  private ConversionBuiltins() {}

  /** Decimal forms Go's strconv.ParseFloat accepts (Inf, NaN and hex floats are rejected by OPA or unsupported). */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("to_number", 1, (ctx, a) -> {
      Value v = a.get(0);
      if (v instanceof NullValue) {
        return NumberValue.of(0);
      }
      if (v instanceof BoolValue b) {
        return NumberValue.of(b.value() ? 1 : 0);
      }
      if (v instanceof NumberValue) {
        return v;
      }
      if (v instanceof StringValue s) {
        String word = s.value().replaceFirst("^[+-]+", "").toLowerCase(java.util.Locale.ROOT);
        if (word.equals("inf") || word.equals("infinity") || word.equals("nan")) {
          throw Args.type("to_number", 1, v, "valid number string");
        }
        return parse("to_number", s.value());
      }
      throw Args.type("to_number", 1, v, "null", "boolean", "number", "string");
    }));
  }

  static NumberValue parse(String fn, String text) {
    if (!DECIMAL.matcher(text).matches()) {
      throw Args.failure(fn, "strconv.ParseFloat: parsing " + GoFormat.quote(text) + ": invalid syntax");
    }
    BigDecimal d = new BigDecimal(text.startsWith("+") ? text.substring(1) : text);
    if (Math.abs((long) d.scale() - d.precision()) > 400) {
      throw Args.failure(fn, "strconv.ParseFloat: parsing " + GoFormat.quote(text) + ": value out of range");
    }
    return NumberValue.of(d);
  }
}
