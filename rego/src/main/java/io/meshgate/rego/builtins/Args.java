package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Operand checking for built-ins, with OPA's error wording
 * ({@code "<name>: operand <n> must be <type> but got <type>"}). Positions are 1-based as in OPA.
 */
public final class Args {
  private Args() {}

  public static BuiltinException type(String fn, int pos, Value got, String... expected) {
    String want = expected.length == 1 ? expected[0]
        : "one of {" + String.join(", ", expected) + "}";
    return BuiltinException.operand(fn, pos, want, got.typeName());
  }

  public static BuiltinException failure(String fn, String message) {
    return BuiltinException.failure(fn, message);
  }

  public static Value arg(List<Value> args, int pos) { return args.get(pos - 1); }

  public static NumberValue number(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    if (v instanceof NumberValue n) {
      return n;
    }
    throw type(fn, pos, v, "number");
  }

  public static String string(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    if (v instanceof StringValue s) {
      return s.value();
    }
    throw type(fn, pos, v, "string");
  }

  public static boolean bool(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    if (v instanceof BoolValue b) {
      return b.value();
    }
    throw type(fn, pos, v, "boolean");
  }

  public static ArrayValue array(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    if (v instanceof ArrayValue a) {
      return a;
    }
    throw type(fn, pos, v, "array");
  }

  public static ObjectValue object(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    if (v instanceof ObjectValue o) {
      return o;
    }
    throw type(fn, pos, v, "object");
  }

  public static SetValue set(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    if (v instanceof SetValue s) {
      return s;
    }
    throw type(fn, pos, v, "set");
  }

  /** An integer operand; OPA says "must be integer number but got floating-point number". */
  public static BigInteger integer(String fn, List<Value> args, int pos) {
    NumberValue n = number(fn, args, pos);
    return n.asBigInteger().orElseThrow(
        () -> BuiltinException.operand(fn, pos, "integer number", "floating-point number"));
  }

  /** OPA's BigIntOperand: like {@link #integer} but a non-number "must be integer". */
  public static BigInteger bigInteger(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    if (!(v instanceof NumberValue)) {
      throw type(fn, pos, v, "integer");
    }
    return integer(fn, args, pos);
  }

  /**
   * An integer operand as a Java int. Like Go's int it may span 64 bits; values beyond an int are
   * clamped, which is equivalent for the indexes, counts and lengths this is used for.
   */
  public static int smallInt(String fn, List<Value> args, int pos) {
    BigInteger b = integer(fn, args, pos);
    if (b.bitLength() >= 64) {
      // OPA's IntOperand cannot represent it either and reports it this way
      throw BuiltinException.operand(fn, pos, "integer number", "floating-point number");
    }
    long l = b.longValue();
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l));
  }

  /** Elements of an array or set operand. */
  public static List<Value> collection(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    if (v instanceof ArrayValue a) {
      return a.elements();
    }
    if (v instanceof SetValue s) {
      return new ArrayList<>(s.elements());
    }
    throw type(fn, pos, v, "set", "array");
  }

  /** Strings of an array or set operand whose elements must all be strings. */
  public static List<String> strings(String fn, List<Value> args, int pos) {
    Value v = args.get(pos - 1);
    List<Value> elems = collection(fn, args, pos);
    List<String> out = new ArrayList<>(elems.size());
    for (Value e : elems) {
      if (!(e instanceof StringValue s)) {
        throw element(fn, pos, v, e, "string");
      }
      out.add(s.value());
    }
    return out;
  }

  /** OPA's wording for a bad element: "must be array of strings but got array containing number". */
  public static BuiltinException element(String fn, int pos, Value composite, Value got, String expected) {
    return BuiltinException.operand(fn, pos, composite.typeName() + " of " + expected + "s",
        composite.typeName() + " containing " + got.typeName());
  }

  public static StringValue str(String s) { return new StringValue(s); }

  public static NumberValue num(long n) { return NumberValue.of(n); }

  public static NumberValue num(BigInteger n) { return NumberValue.of(n); }

  public static BoolValue bool(boolean b) { return BoolValue.of(b); }
}
