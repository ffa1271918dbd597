package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertCall;
import static io.meshgate.rego.builtins.Calls.assertError;
import static io.meshgate.rego.builtins.Calls.assertText;
import static io.meshgate.rego.builtins.Calls.assertTypeError;
import static io.meshgate.rego.builtins.Calls.call;
import static io.meshgate.rego.builtins.Calls.num;
import static io.meshgate.rego.builtins.Calls.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.rego.builtins.BuiltinException.Kind;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Encodings, to_number and units. */
class EncodingBuiltinsTest {

  @Test
  void jsonMarshalLikeGo() {
    assertCall("{\"a\":[1,2.5,\"x\"],\"b\":{\"c\":null}}", "json.marshal",
        Map.of("b", Map.of("c", NullValue.INSTANCE), "a", List.of(1, num("2.5"), "x")));
    assertCall("[1,2]", "json.marshal", set(2, 1));
    assertCall("\"\\u003cb\\u003e \\u0026\"", "json.marshal", "<b> &");
    // Keys in Go's order (code point order: U+1F600 after U+FFFD) and escapes after a plain prefix.
    assertCall("{\"a\\\"b\":1,\"plain\\n\":2,\"\uFFFD\":3,\"\uD83D\uDE00\":4}", "json.marshal",
        Map.of("a\"b", 1, "plain\n", 2, "\uFFFD", 3, "\uD83D\uDE00", 4));
    assertCall("{\"1\":\"one\",\"b\":\"x\\u003cy\"}", "json.marshal", Map.of("b", "x<y", "1", "one"));
    assertCall("{\n\t\"a\": [\n\t\t1\n\t]\n}", "json.marshal_with_options", Map.of("a", List.of(1)), Map.of("pretty", true));
    assertCall("-{\n--\"a\": {}\n-}", "json.marshal_with_options", Map.of("a", Map.of()), Map.of("indent", "-", "prefix", "-"));
    assertTypeError("json.marshal_with_options: operand 2 object contained unknown key colour",
        "json.marshal_with_options", 1, Map.of("colour", true));
    assertCall("{\"a\":1}", "json.marshal_with_options", Map.of("a", 1), Map.of("pretty", false, "indent", " "));
  }

  @Test
  void jsonUnmarshal() {
    assertEquals(Value.of(Map.of("a", List.of(1, true, NullValue.INSTANCE))), call("json.unmarshal", "{\"a\":[1,true,null]}"));
    assertText("1.5", "json.unmarshal", "1.5");
    assertText("123456789012345678901234567890", "json.unmarshal", "123456789012345678901234567890");
    assertError(Kind.BUILTIN, "json.unmarshal", "json.unmarshal", "{\"a\":");
    assertCall(true, "json.is_valid", "[1]");
    assertCall(false, "json.is_valid", "[1] x");
    assertCall(false, "json.is_valid", 1);
  }

  @Test
  void yaml() {
    assertEquals(Value.of(Map.of("a", List.of(1, "x"), "b", Map.of("c", true), "d", "2024-01-01", "1", "one")),
        call("yaml.unmarshal", "a: [1, x]\nb:\n  c: true\nd: 2024-01-01\n1: one\n"));
    assertCall("a:\n- 1\n- x\nb:\n  c: true\n", "yaml.marshal", Map.of("b", Map.of("c", true), "a", List.of(1, "x")));
    assertError(Kind.BUILTIN, "yaml.unmarshal", "yaml.unmarshal", "a: [1");
    assertEquals(Value.of(Map.of("a", 1)), call("yaml.unmarshal", "a: 1\n---\nb: 2\n"));
    assertEquals(io.meshgate.rego.value.NullValue.INSTANCE, call("yaml.unmarshal", ""));
    assertCall(true, "yaml.is_valid", "a: 1");
    assertCall(false, "yaml.is_valid", "a: b: c");
    // a later document that is malformed makes the whole stream invalid, as in Go's yaml
    assertCall(false, "yaml.is_valid", "a: 1\n---\n\tb: 2\n");
    assertCall(false, "yaml.is_valid", "  test:\ntest1: hello\n");
    assertCall(true, "yaml.is_valid", "a: 1\n---\nb: 2\n");
  }

  @Test
  void base64AndHex() {
    assertCall("aGVsbG8/", "base64.encode", "hello?");
    assertCall("hello?", "base64.decode", "aGVsbG8/");
    assertError(Kind.BUILTIN, "illegal base64 data", "base64.decode", "aGVsbG8");
    assertCall(true, "base64.is_valid", "aGVsbG8/");
    assertCall(false, "base64.is_valid", "aGVsbG8");
    assertCall(false, "base64.is_valid", 7);
    assertCall("aGVsbG8_", "base64url.encode", "hello?");
    assertCall("aGk", "base64url.encode_no_pad", "hi");
    assertCall("aGk=", "base64url.encode", "hi");
    assertCall("hi", "base64url.decode", "aGk");
    assertCall("hi", "base64url.decode", "aGk=");
    assertCall("6869c3a9", "hex.encode", "hié");
    assertCall("hié", "hex.decode", "6869c3a9");
    assertError(Kind.BUILTIN, "invalid byte: U+0067 'g'", "hex.decode", "6g");
  }

  @Test
  void urlQuery() {
    assertCall("a+b%26c%3Dd%2F%C3%A9~", "urlquery.encode", "a b&c=d/é~");
    assertCall("a b&c=d/é~", "urlquery.decode", "a+b%26c%3Dd%2F%C3%A9~");
    assertError(Kind.BUILTIN, "invalid URL escape", "urlquery.decode", "%zz");
    assertCall("a=1&a=2&b=x+y", "urlquery.encode_object", Map.of("b", "x y", "a", List.of("1", "2")));
    assertEquals(Value.of(Map.of("a", List.of("1", "2"), "b", List.of("x y"))),
        call("urlquery.decode_object", "a=1&b=x+y&a=2"));
  }

  @Test
  void toNumber() {
    assertCall(0, "to_number", NullValue.INSTANCE);
    assertCall(1, "to_number", true);
    assertText("-1.5", "to_number", "-1.5");
    assertText("1000", "to_number", "1e3");
    assertCall(7, "to_number", 7);
    assertError(Kind.BUILTIN, "invalid syntax", "to_number", "abc");
    assertTypeError("to_number: operand 1 must be valid number string but got string", "to_number", "-Inf");
    assertTypeError("to_number: operand 1 must be valid number string but got string", "to_number", "NaN");
    assertTypeError("to_number: operand 1 must be one of {null, boolean, number, string} but got array", "to_number", List.of());
  }

  @Test
  void units() {
    assertText("1000", "units.parse", "1K");
    assertText("1000", "units.parse", "1k");
    assertText("0.001", "units.parse", "1m");
    assertText("1000000", "units.parse", "1M");
    assertText("1048576", "units.parse", "1MI");
    assertText("1024", "units.parse", "1kI");
    assertText("1", "units.parse", "\"1\"");
    assertText("1500", "units.parse", "1.5k");
    assertText("0.2", "units.parse", "200m");
    assertText("109951162777600", "units.parse", "\"100TI\"");
    assertText("0", "units.parse", ".0");
    assertText("1126.4", "units.parse", "1.1Ki");
    assertText("2500000", "units.parse", "2.5e3K");
    assertText("53687091200", "units.parse", "5e1Gi");
    assertText("0.78", "units.parse", "7.8E-1");
    assertText("-0.35", "units.parse", "-3.5E2m");
    assertText("5000000000000000000", "units.parse", "5E");
    assertCall("1000000000", "json.marshal", call("units.parse", "1G"));
    assertError(Kind.BUILTIN, "spaces not allowed", "units.parse", "1 m");
    assertError(Kind.BUILTIN, "unit mb not recognized", "units.parse", "1mb");
    assertError(Kind.BUILTIN, "no amount provided", "units.parse", "k");
    assertText("1024", "units.parse_bytes", "1KiB");
    assertText("1000", "units.parse_bytes", "1kb");
    assertText("1536", "units.parse_bytes", "1.5Ki");
    assertText("1000000", "units.parse_bytes", "1M");
    assertText("12", "units.parse_bytes", "12");
    assertError(Kind.BUILTIN, "byte unit zb not recognized", "units.parse_bytes", "1zb");
  }

  @Test
  void jsonSchemaMatchAndVerify() {
    Map<String, Object> schema = Map.of("properties", Map.of("id", Map.of("type", "integer")), "required", List.of("id"));
    assertText("[true, []]", "json.match_schema", Map.of("id", 5), schema);
    assertText("[true, []]", "json.match_schema", "{\"id\": 5}", "{\"properties\": {\"id\": {\"type\": \"integer\"}}}");
    assertEquals(Value.of(List.of(false, List.of(Map.of("desc", "Invalid type. Expected: integer, given: string",
            "error", "id: Invalid type. Expected: integer, given: string", "field", "id", "type", "invalid_type")))),
        call("json.match_schema", Map.of("id", "foo"), schema));
    assertEquals(Value.of(List.of(false, List.of(Map.of("desc", "id is required", "error", "(root): id is required",
            "field", "(root)", "type", "required")))),
        call("json.match_schema", Map.of(), schema));
    assertEquals(Value.of(false), ((io.meshgate.rego.value.ArrayValue) call("json.match_schema", "\"x\"",
        Map.of("enum", List.of()))).get(0));
    Map<String, Object> nested = Map.of("type", "object", "properties", Map.of("tags",
        Map.of("type", "array", "items", Map.of("$ref", "#/definitions/tag"), "maxItems", 2)),
        "additionalProperties", false, "definitions", Map.of("tag", Map.of("type", "string", "minLength", 2)));
    assertText("[true, []]", "json.match_schema", Map.of("tags", List.of("ab", "cd")), nested);
    Value bad = call("json.match_schema", Map.of("tags", List.of("a", "bc", "de"), "extra", 1), nested);
    // object keywords first, then each property's schema; an array's items before its counts
    assertEquals("[false, [{\"desc\": \"Additional property extra is not allowed\", \"error\": \"(root): Additional property extra is not allowed\", "
        + "\"field\": \"(root)\", \"type\": \"additional_property_not_allowed\"}, "
        + "{\"desc\": \"String length must be greater than or equal to 2\", \"error\": \"tags.0: String length must be greater than or equal to 2\", "
        + "\"field\": \"tags.0\", \"type\": \"string_gte\"}, "
        + "{\"desc\": \"Array must have at most 2 items\", \"error\": \"tags: Array must have at most 2 items\", "
        + "\"field\": \"tags\", \"type\": \"array_max_items\"}]]", bad.toString());
    assertError(Kind.BUILTIN, "has a primitive type that is NOT VALID -- given: /unknown/", "json.match_schema",
        Map.of(), Map.of("type", "unknown"));
    assertText("[true, null]", "json.verify_schema", schema);
    assertEquals(Value.of(false), ((io.meshgate.rego.value.ArrayValue) call("json.verify_schema", "{")).get(0));
  }
}
