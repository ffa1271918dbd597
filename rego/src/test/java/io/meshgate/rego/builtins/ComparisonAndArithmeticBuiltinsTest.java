package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertCall;
import static io.meshgate.rego.builtins.Calls.assertError;
import static io.meshgate.rego.builtins.Calls.assertText;
import static io.meshgate.rego.builtins.Calls.assertTypeError;
import static io.meshgate.rego.builtins.Calls.call;
import static io.meshgate.rego.builtins.Calls.num;
import static io.meshgate.rego.builtins.Calls.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.builtins.BuiltinException.Kind;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.Value;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonAndArithmeticBuiltinsTest {

  @Test
  void comparisonFollowsTermOrderAcrossTypes() {
    assertCall(true, "lt", null, false);
    assertCall(true, "lt", true, 0);
    assertCall(true, "lt", 99, "a");
    assertCall(true, "lt", "z", List.of());
    assertCall(true, "lt", List.of(1, 2), Map.of());
    assertCall(true, "lt", Map.of("a", 1), set());
    assertCall(true, "equal", num("1.0"), 1);
    assertCall(false, "neq", num("1.0"), 1);
    assertCall(true, "gte", List.of(1, 2), List.of(1));
    assertCall(true, "lte", "abc", "abd");
    assertCall(false, "gt", set(1, 2), set(1, 3));
  }

  @Test
  void integersStayExactAtAnySize() {
    BigInteger big = BigInteger.TWO.pow(100);
    assertEquals(NumberValue.of(big.add(BigInteger.ONE)), call("plus", big, 1));
    assertText("1267650600228229401496703205376", "mul", big, 1);
    assertText("-2", "minus", 3, 5);
  }

  @Test
  void fractionsComputeLikeOpa() {
    assertText("6.5", "plus", 2, num("4.5"));
    assertText("-13.5", "mul", -3, num("4.5"));
    assertText("0.3333333333333333", "div", 1, 3);
    assertText("5.1000000000000005", "div", num("15.3"), 3);
    assertText("3.25", "div", 13, 4);
    assertText("4", "div", 12, 3);
    assertText("0.30000000000000004", "plus", num("0.1"), num("0.2"));
    // integral float results are exact integers (scale 0), printed without fraction or exponent
    Value whole = call("mul", num("1e15"), num("1.5"));
    assertText("1500000000000000", "mul", num("1e15"), num("1.5"));
    assertEquals(0, ((NumberValue) whole).value().scale());
    assertText("1000000000000000000000000000000", "mul", num("1e29"), num("10.0"));
  }

  @Test
  void divisionAndModuloFailures() {
    assertError(Kind.BUILTIN, "divide by zero", "div", 1, 0);
    assertError(Kind.BUILTIN, "divide by zero", "div", 1, num("0.0"));
    assertError(Kind.BUILTIN, "modulo by zero", "rem", 1, 0);
    assertError(Kind.BUILTIN, "modulo on floating-point number", "rem", num("1.1"), 1);
    assertText("1", "rem", 10, 3);
    assertText("-1", "rem", -10, 3);
    assertTypeError("plus: operand 1 must be number but got string", "plus", "1", 9);
    assertTypeError("div: operand 2 must be number but got null", "div", 1, null);
  }

  @Test
  void minusIsAlsoSetDifference() {
    assertEquals(set(1, 3), call("minus", set(1, 2, 3), set(2)));
    assertTypeError("minus: operand 1 must be one of {number, set} but got string", "minus", "a", 1);
    assertTypeError("minus: operand 2 must be number but got set", "minus", 1, set());
    assertTypeError("minus: operand 2 must be set but got number", "minus", set(), 1);
  }

  @Test
  void roundingFamily() {
    assertText("-10", "round", num("-9.5"));
    assertText("-9", "round", num("-9.4"));
    assertText("10", "round", num("9.5"));
    assertText("-9", "ceil", num("-9.5"));
    assertText("10", "ceil", num("9.1"));
    assertText("-10", "floor", num("-9.1"));
    assertText("9", "floor", num("9.9"));
    assertText("9.5", "abs", num("-9.5"));
    assertTypeError("round: operand 1 must be number but got string", "round", "-9");
  }

  @Test
  void ranges() {
    assertText("[1, 2, 3]", "numbers.range", 1, 3);
    assertText("[3, 2, 1]", "numbers.range", 3, 1);
    assertText("[8]", "numbers.range", 8, 8);
    assertText("[0, 3, 6, 9]", "numbers.range_step", 0, 10, 3);
    assertText("[10, 7, 4, 1]", "numbers.range_step", 10, 0, 3);
    assertTypeError("numbers.range: operand 1 must be integer number but got floating-point number",
        "numbers.range", num("1.01"), 5);
    assertTypeError("numbers.range: operand 2 must be integer but got string", "numbers.range", 1, "5");
    assertError(Kind.BUILTIN, "step must be a positive integer", "numbers.range_step", 1, 5, 0);
  }

  @Test
  void randIntnIsStableWithinOneEvaluation() {
    BuiltinContext ctx = BuiltinContext.standalone();
    Value first = call(ctx, "rand.intn", "x", 1_000_000_000);
    assertEquals(first, call(ctx, "rand.intn", "x", 1_000_000_000));
    long n = ((NumberValue) first).asLong().orElseThrow();
    assertTrue(n >= 0 && n < 1_000_000_000);
    assertEquals(NumberValue.of(0), call(ctx, "rand.intn", "b", 0));
    assertTrue(Calls.TABLE.lookup("rand.intn").orElseThrow().nondeterministic());
    // different keys draw independently; with a 1e9 range a collision would be a one in 1e9 event
    assertNotEquals(first, call(ctx, "rand.intn", "y", 1_000_000_000));
  }

  @Test
  void bitwise() {
    assertText("4", "bits.and", 12, 6);
    assertText("14", "bits.or", 12, 6);
    assertText("10", "bits.xor", 12, 6);
    assertText("-13", "bits.negate", 12);
    assertText("48", "bits.lsh", 12, 2);
    assertText("3", "bits.rsh", 12, 2);
    assertText("-1", "bits.rsh", -1, 5);
    assertText("1180591620717411303424", "bits.lsh", 1, 70);
    assertTypeError("bits.and: operand 1 must be integer number but got floating-point number",
        "bits.and", num("1.5"), 1);
    assertTypeError("bits.lsh: operand 2 must be unsigned integer number but got negative integer",
        "bits.lsh", 1, -1);
  }
}
