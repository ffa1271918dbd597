package io.meshgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.value.NullValue;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BuiltinTableTest {

  /** Every built-in the project promises (docs/rego-builtins.md), by family. */
  static final List<String> EXPECTED = List.of(
      "equal", "neq", "lt", "lte", "gt", "gte",
      "plus", "minus", "mul", "div", "rem", "abs", "ceil", "floor", "round", "numbers.range",
      "numbers.range_step", "rand.intn",
      "bits.and", "bits.or", "bits.xor", "bits.negate", "bits.lsh", "bits.rsh",
      "count", "sum", "product", "max", "min", "sort",
      "array.concat", "array.slice", "array.reverse", "array.flatten",
      "and", "or", "intersection", "union",
      "object.get", "object.keys", "object.remove", "object.filter", "object.union", "object.union_n",
      "object.subset", "json.filter", "json.remove", "json.patch",
      "concat", "contains", "startswith", "endswith", "format_int", "indexof", "indexof_n", "lower", "upper",
      "replace", "split", "sprintf", "substring", "trim", "trim_left", "trim_right", "trim_prefix",
      "trim_suffix", "trim_space", "strings.replace_n", "strings.reverse", "strings.count", "strings.split_n",
      "strings.any_prefix_match", "strings.any_suffix_match", "strings.render_template", "internal.template_string",
      "regex.match", "regex.is_valid", "regex.split", "regex.find_n", "regex.find_all_string_submatch_n",
      "regex.replace", "regex.template_match", "regex.globs_match",
      "glob.match", "glob.quote_meta",
      "is_number", "is_string", "is_boolean", "is_array", "is_set", "is_object", "is_null", "type_name",
      "to_number",
      "units.parse", "units.parse_bytes",
      "json.marshal", "json.marshal_with_options", "json.unmarshal", "json.is_valid", "json.verify_schema", "json.match_schema", "yaml.marshal",
      "yaml.unmarshal", "yaml.is_valid", "base64.encode", "base64.decode", "base64.is_valid",
      "base64url.encode", "base64url.decode", "base64url.encode_no_pad", "hex.encode", "hex.decode",
      "urlquery.encode", "urlquery.decode", "urlquery.encode_object", "urlquery.decode_object",
      "net.cidr_contains", "net.cidr_intersects", "net.cidr_is_valid", "net.cidr_expand", "net.cidr_merge",
      "net.cidr_contains_matches",
      "time.now_ns", "time.parse_ns", "time.parse_rfc3339_ns", "time.parse_duration_ns", "time.date",
      "time.clock", "time.weekday", "time.add_date", "time.diff", "time.format",
      "semver.is_valid", "semver.compare",
      "walk", "graph.reachable", "graph.reachable_paths",
      "crypto.md5", "crypto.sha1", "crypto.sha256", "crypto.hmac.md5", "crypto.hmac.sha1",
      "crypto.hmac.sha256", "crypto.hmac.sha512", "crypto.hmac.equal",
      "uuid.rfc4122", "uuid.parse",
      "opa.runtime",
      "io.jwt.decode", "io.jwt.decode_verify", "io.jwt.encode_sign", "io.jwt.encode_sign_raw",
      "io.jwt.verify_rs256", "io.jwt.verify_rs384", "io.jwt.verify_rs512", "io.jwt.verify_ps256",
      "io.jwt.verify_ps384", "io.jwt.verify_ps512", "io.jwt.verify_es256", "io.jwt.verify_es384",
      "io.jwt.verify_es512", "io.jwt.verify_hs256", "io.jwt.verify_hs384", "io.jwt.verify_hs512",
      "io.jwt.verify_eddsa",
      "crypto.x509.parse_certificates", "crypto.x509.parse_and_verify_certificates",
      "crypto.x509.parse_and_verify_certificates_with_options", "crypto.x509.parse_certificate_request",
      "crypto.x509.parse_keypair", "crypto.x509.parse_rsa_private_key", "crypto.parse_private_keys",
      "providers.aws.sign_req", "rego.parse_module",
      "graphql.parse_query", "graphql.parse_schema", "graphql.parse", "graphql.parse_and_verify",
      "graphql.is_valid", "graphql.schema_is_valid",
      "trace",
      // deprecated, for modules read as v0 only
      "re_match", "all", "any", "set_diff", "net.cidr_overlap", "cast_array", "cast_set", "cast_string",
      "cast_boolean", "cast_null", "cast_object");

  @Test
  void everyPromisedBuiltinIsRegisteredAndNothingElse() {
    BuiltinTable table = BuiltinTable.standard();
    Set<String> expected = new TreeSet<>(EXPECTED);
    assertEquals(EXPECTED.size(), expected.size(), "the expected list has duplicates");
    assertEquals(expected, table.all().keySet());
  }

  @Test
  void theEvaluatorsOwnBuiltinsAreNotHere() {
    BuiltinTable table = BuiltinTable.standard();
    assertFalse(table.lookup("print").isPresent());
    assertFalse(table.lookup("internal.member_2").isPresent());
  }

  @Test
  void aNameCannotBeRegisteredTwice() {
    BuiltinTable table = BuiltinTable.standard();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> table.register(Builtin.of("count", 1, (ctx, a) -> NullValue.INSTANCE)));
    assertTrue(e.getMessage().contains("count"));
  }

  @Test
  void onlyTheClockRandomAndUuidAreNondeterministic() {
    Set<String> nondeterministic = new TreeSet<>();
    BuiltinTable.standard().all().forEach((name, b) -> {
      if (b.nondeterministic()) {
        nondeterministic.add(name);
      }
    });
    assertEquals(Set.of("rand.intn", "time.now_ns", "uuid.rfc4122"), nondeterministic);
  }
}
