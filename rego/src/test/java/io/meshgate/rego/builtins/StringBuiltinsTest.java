package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertCall;
import static io.meshgate.rego.builtins.Calls.assertError;
import static io.meshgate.rego.builtins.Calls.assertText;
import static io.meshgate.rego.builtins.Calls.assertTypeError;
import static io.meshgate.rego.builtins.Calls.num;
import static io.meshgate.rego.builtins.Calls.set;

import io.meshgate.rego.builtins.BuiltinException.Kind;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StringBuiltinsTest {

  @Test
  void concatJoinsArraysAndSortedSets() {
    assertCall("Hello, world", "concat", ", ", List.of("Hello", "world"));
    assertCall("Hello, world", "concat", ", ", set("world", "Hello"));
    assertCall("", "concat", ",", List.of());
    assertTypeError("concat: operand 2 must be array of strings but got array containing number", "concat", ",", List.of(1));
    assertTypeError("concat: operand 2 must be one of {set, array} but got string", "concat", ",", "a");
  }

  @Test
  void searching() {
    assertCall(true, "contains", "abc", "b");
    assertCall(true, "startswith", "abc", "ab");
    assertCall(false, "endswith", "abc", "b");
    assertCall(2, "indexof", "Hello world", "llo");
    assertCall(-1, "indexof", "Hello world", "hel");
    assertCall(9, "indexof", "skön var våren", "vår");
    assertCall(List.of(0, 2, 4), "indexof_n", "ababa", "a");
    assertCall(List.of(0, 1, 2), "indexof_n", "aaaa", "aa");
    assertError(Kind.BUILTIN, "empty search character", "indexof", "", "");
    assertCall(3, "strings.count", "cheese", "e");
    assertCall(4, "strings.count", "abc", "");
    assertCall(true, "strings.any_prefix_match", List.of("a/b", "c/d"), "c/");
    assertCall(false, "strings.any_prefix_match", "a/b", set("b", "c"));
    assertCall(true, "strings.any_suffix_match", "a.yaml", List.of(".json", ".yaml"));
    assertTypeError("strings.any_prefix_match: operand 1 must be one of {string, set, array} but got number",
        "strings.any_prefix_match", 1, "a");
  }

  @Test
  void formatInt() {
    assertCall("1010", "format_int", 10, 2);
    assertCall("12", "format_int", num("10.7"), 8);
    assertCall("-a", "format_int", num("-10.999"), 16);
    assertCall("10", "format_int", 10, 10);
    assertError(Kind.TYPE, "operand 2 must be one of {2, 8, 10, 16}", "format_int", 10, 3);
  }

  @Test
  void caseTrimReplaceSplit() {
    assertCall("abc", "lower", "AbC");
    assertCall("ÄBC", "upper", "äbc");
    assertCall("a-b-c", "replace", "a.b.c", ".", "-");
    assertCall("-a-b-", "replace", "ab", "", "-");
    assertCall("1 2 x", "strings.replace_n", Map.of("a", "1", "b", "2"), "a b x");
    // earlier (smaller) keys win at a position, without overlapping matches
    assertCall("X", "strings.replace_n", Map.of("ab", "X", "abc", "Y"), "ab");
    // the empty key inserts at every position, and other keys still match right after it
    assertCall("XYXbX", "strings.replace_n", Map.of("", "X", "a", "Y"), "ab");
    assertCall("-a-e-b-", "strings.replace_n", Map.of("", "-", "é", "e"), "aéb");
    assertCall(List.of("a", "b", "c"), "split", "a,b,c", ",");
    assertCall(List.of("t", "e", "s", "t"), "split", "test", "");
    assertCall(List.of(), "split", "", "");
    assertCall(List.of("abc"), "split", "abc", ",");
    assertCall(List.of("a", "b"), "strings.split_n", "a.b.c.d", ".", 2);
    assertCall(List.of("c", "d"), "strings.split_n", "a.b.c.d", ".", -2);
    assertCall(List.of("a", "b", "c", "d"), "strings.split_n", "a.b.c.d", ".", -10);
    assertCall(List.of(), "strings.split_n", "a.b.c.d", ".", 0);
    assertCall(List.of(""), "strings.split_n", "", ".", 2);
    assertCall(List.of("b", "c"), "strings.split_n", "abc", "", -2);
    assertTypeError("strings.split_n: operand 3 must be integer number but got floating-point number",
        "strings.split_n", "a.b", ".", num("1.5"));
    assertCall("b", "trim", "aabaa", "a");
    assertCall("baa", "trim_left", "aabaa", "a");
    assertCall("aab", "trim_right", "aabaa", "a");
    assertCall("baa", "trim_prefix", "aabaa", "aa");
    assertCall("aab", "trim_suffix", "aabaa", "aa");
    assertCall("x y", "trim_space", " \t x y\n\u00a0");
    assertCall("cba", "strings.reverse", "abc");
  }

  @Test
  void substringCountsCodePoints() {
    assertCall("bc", "substring", "abcd", 1, 2);
    assertCall("bcd", "substring", "abcd", 1, -1);
    assertCall("", "substring", "abcd", 10, 2);
    assertCall("bcd", "substring", "abcd", 1, 10_000_000_000L);
    assertCall("", "substring", "abcd", 10_000_000_000L, 1);
    assertCall("ön", "substring", "skön", 2, 5);
    assertError(Kind.BUILTIN, "negative offset", "substring", "abc", -1, 1);
  }

  @Test
  void sprintfFollowsGoFormatting() {
    assertCall("User alice from eng", "sprintf", "User %s from %s", List.of("alice", "eng"));
    assertCall("Number: 42 Hex: ff Octal: 100 0o100 Binary: 1111", "sprintf",
        "Number: %d Hex: %x Octal: %o %O Binary: %b", List.of(42, 255, 64, 64, 15));
    assertCall("3.140000 3.14 3.14", "sprintf", "%f %.2f %v", List.of(num("3.14"), num("3.14159"), num("3.14")));
    assertCall("   42|00042|42   |+42", "sprintf", "%5d|%05d|%-5d|%+d", List.of(42, 42, 42, 42));
    assertCall("{\"key\": \"value\"} [1, 2] {1, 2} true", "sprintf", "%v %v %v %v",
        List.of(Map.of("key", "value"), List.of(1, 2), set(1, 2), true));
    assertCall("\"a\\\"b\" 100%", "sprintf", "%q 100%%", List.of("a\"b"));
    assertCall("Value: only_one %!d(MISSING)", "sprintf", "Value: %s %d", List.of("only_one"));
    assertCall("%!d(string=x)", "sprintf", "%d", List.of("x"));
    assertCall("a%!(EXTRA int=1)", "sprintf", "a", List.of(1));
    assertCall("1.5000005e+06 1.5e-07 0.5 123456", "sprintf", "%v %v %v %v",
        List.of(num("1500000.5"), num("0.00000015"), num("0.5"), 123456));
    assertCall("1.234568e+03 1.2E+03", "sprintf", "%e %.1E", List.of(num("1234.5678"), num("1234.5678")));
    assertCall("12345678901234567890123", "sprintf", "%d", List.of(new BigInteger("12345678901234567890123")));
    assertCall("6162", "sprintf", "%x", List.of("ab"));
    assertCall("+2.0 %!d(float64=1000) 1000 1e+30", "sprintf", "%+.1f %d %v %v",
        List.of(num("2.0"), num("1e3"), num("1e3"), num("1e30")));
    assertCall("1.23e+03 100000 1e+06 2.67 1.230000e-04", "sprintf", "%.3g %g %g %.2f %e",
        List.of(num("1234.5678"), num("100000.0"), num("1000000.0"),
            num("2.675"), num("0.000123")));
    // OPA hands booleans to Go as strings (open-policy-agent/opa#6487)
    assertCall("string \"true\" %!t(string=true) true", "sprintf", "%T %#v %t %v", List.of(true, true, true, true));
    assertCall("int string float64 *big.Int", "sprintf", "%T %T %T %T",
        List.of(1, "a", num("1.5"), new BigInteger("123456789012345678901234567890")));
    assertTypeError("sprintf: operand 2 must be array but got set", "sprintf", "%s", set());
  }
  @Test
  void renderTemplateLikeGoTextTemplate() {
    assertCall("hello world", "strings.render_template", "{{.test}}", Map.of("test", "hello world"));
    assertCall("2023 2.5", "strings.render_template", "{{.n}} {{.f}}", Map.of("n", 2023, "f", num("2.5")));
    assertCall("hello rohan,hello john doe", "strings.render_template",
        "{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}",
        Map.of("hellonames", List.of("rohan", "john doe")));
    assertCall("test <undefined> <undefined> 1", "strings.render_template", "test {{.foo}} {{.bar}} {{.baz}}", Map.of("baz", 1));
    assertCall("a=1;b=2;", "strings.render_template", "{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}",
        Map.of("m", Map.of("b", 2, "a", 1)));
    assertCall("big", "strings.render_template", "{{if gt .n 10}}big{{else if gt .n 5}}mid{{else}}small{{end}}", Map.of("n", 11));
    assertCall("mid", "strings.render_template", "{{if gt .n 10}}big{{else if gt .n 5}}mid{{else}}small{{end}}", Map.of("n", 6));
    assertCall("x:[1 2 3] 3", "strings.render_template", "{{- /* comment */ -}}  x:{{.xs}} {{ len .xs | printf \"%d\" | print }}{{/* two */}}",
        Map.of("xs", List.of(1, 2, 3)));
    assertCall("none", "strings.render_template", "{{with .missing}}{{.}}{{else}}none{{end}}", Map.of());
    assertError(Kind.BUILTIN, "function \"nosuch\" not defined", "strings.render_template", "{{nosuch 1}}", Map.of());
    assertError(Kind.BUILTIN, "unclosed action", "strings.render_template", "{{.a", Map.of());
    assertTypeError("strings.render_template: operand 2 must be object but got string", "strings.render_template", "x", "y");
  }
}
