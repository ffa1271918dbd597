package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertCall;
import static io.meshgate.rego.builtins.Calls.assertError;
import static io.meshgate.rego.builtins.Calls.call;
import static io.meshgate.rego.builtins.Calls.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.builtins.BuiltinException.Kind;
import io.meshgate.rego.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** net, semver, graph, crypto and uuid families. */
class MiscBuiltinsTest {

  @Test
  void cidrContainsAndIntersects() {
    assertCall(true, "net.cidr_contains", "10.0.0.0/8", "10.1.2.3");
    assertCall(false, "net.cidr_contains", "10.0.0.0/8", "11.0.0.1");
    assertCall(true, "net.cidr_contains", "10.0.0.0/8", "10.20.0.0/16");
    assertCall(false, "net.cidr_contains", "10.0.0.0/16", "10.0.0.0/8");
    assertCall(true, "net.cidr_contains", "2001:db8::/32", "2001:db8:1::1");
    assertCall(false, "net.cidr_contains", "10.0.0.0/8", "2001:db8::1");
    assertCall(true, "net.cidr_intersects", "192.168.0.0/16", "192.168.1.0/24");
    assertCall(false, "net.cidr_intersects", "192.168.0.0/24", "192.168.1.0/24");
    assertError(Kind.BUILTIN, "invalid CIDR address", "net.cidr_contains", "10.0.0.0/33", "10.0.0.1");
    assertError(Kind.BUILTIN, "not a valid textual representation of an IP address or CIDR: example.com",
        "net.cidr_contains", "10.0.0.0/8", "example.com");
    assertCall(true, "net.cidr_is_valid", "10.0.0.0/8");
    assertCall(false, "net.cidr_is_valid", "10.0.0.256/8");
    assertCall(false, "net.cidr_is_valid", "010.0.0.1/8");
    assertCall(false, "net.cidr_is_valid", 7);
  }

  @Test
  void cidrExpandAndMerge() {
    assertEquals(set("192.168.0.0", "192.168.0.1", "192.168.0.2", "192.168.0.3"), call("net.cidr_expand", "192.168.0.1/30"));
    assertEquals(set("2001:db8::", "2001:db8::1"), call("net.cidr_expand", "2001:db8::/127"));
    assertEquals(set("192.0.128.0/23"), call("net.cidr_merge", List.of("192.0.128.0/24", "192.0.129.0/24")));
    assertEquals(set("10.0.0.0/8", "2001:db8::/64"), call("net.cidr_merge", set("10.0.0.0/8", "10.1.0.0/16", "2001:db8::/64", "2001:db8::1/128")));
    assertEquals(set("2601:600:8a80:207e::/64"),
        call("net.cidr_merge", List.of("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128")));
    assertError(Kind.BUILTIN, "IPv6 invalid: needs prefix length", "net.cidr_merge", List.of("2001:db8::1"));
    // a bare IPv4 address gets its classful mask, as in OPA
    assertEquals(set("10.0.0.1/8"), call("net.cidr_merge", List.of("10.0.0.1")));
    assertEquals(set("192.168.7.9/24", "172.16.0.0/16"), call("net.cidr_merge", set("192.168.7.9", "172.16.0.0/16")));
    assertEquals(set("10.0.0.0/8"), call("net.cidr_merge", List.of("10.0.0.1", "10.0.0.2")));
    assertEquals(set("10.0.0.0/30"), call("net.cidr_merge", List.of("10.0.0.0/31", "10.0.0.2/32", "10.0.0.3/32")));
    assertEquals(set("10.0.0.0/8"), call("net.cidr_merge", List.of("10.0.0.0/8", "10.0.0.0/8")));
    assertEquals(set(List.of("a", 0), List.of("a", 2)),
        call("net.cidr_contains_matches", Map.of("a", "10.0.0.0/8"), List.of("10.1.1.1", "11.0.0.1", List.of("10.2.0.0/16", "x"))));
  }

  @Test
  void semver() {
    assertCall(true, "semver.is_valid", "1.1.12-rc1+foo");
    assertCall(false, "semver.is_valid", "1.1");
    assertCall(true, "semver.is_valid", "v1.0.0"); // OPA's parser strips a leading v
    // SemVer 2.0.0: no leading zeros in numbers, no empty sections (OPA's conformance pins these)
    assertCall(false, "semver.is_valid", "01.2.3");
    assertCall(false, "semver.is_valid", "1.2.3-alpha.01");
    assertCall(false, "semver.is_valid", "1.2.3-");
    assertCall(false, "semver.is_valid", "1.2.3+");
    assertCall(true, "semver.is_valid", "1.2.3-0a");
    assertCall(true, "semver.is_valid", "1.2.3+01");
    assertCall(0, "semver.compare", "1.2.3+01", "1.2.3+2");
    assertError(io.meshgate.rego.builtins.BuiltinException.Kind.BUILTIN,
        "semver.compare: operand 2: string \"1.2.3-01\" is not a valid SemVer", "semver.compare", "1.2.3", "1.2.3-01");
    assertCall(false, "semver.is_valid", "1.2.3-rc_1");
    assertCall(false, "semver.is_valid", "1.2.x");
    assertCall(false, "semver.is_valid", 1);
    assertCall(-1, "semver.compare", "1.0.0-alpha", "1.0.0");
    assertCall(-1, "semver.compare", "1.0.0-alpha.1", "1.0.0-alpha.beta");
    assertCall(-1, "semver.compare", "1.0.0-2", "1.0.0-10");
    assertCall(1, "semver.compare", "1.10.0", "1.9.99");
    assertCall(0, "semver.compare", "1.0.0+build1", "1.0.0+build2");
    assertCall(1, "semver.compare", "1.0.0-alpha.1", "1.0.0-alpha");
    assertCall(0, "semver.compare", "v2.0.0", "2.0.0");
    assertError(Kind.BUILTIN, "is not a valid SemVer", "semver.compare", "1.0", "1.0.0");
  }

  @Test
  void walkEnumeratesEveryPathInOrder() {
    Value pairs = call("walk", Map.of("a", List.of(1, set("x")), "b", 2));
    assertEquals("[[[], {\"a\": [1, {\"x\"}], \"b\": 2}], [[\"a\"], [1, {\"x\"}]], [[\"a\", 0], 1], "
        + "[[\"a\", 1], {\"x\"}], [[\"a\", 1, \"x\"], \"x\"], [[\"b\"], 2]]", pairs.toString());
    assertTrue(Calls.TABLE.lookup("walk").orElseThrow().relation());
  }

  @Test
  void graphReachable() {
    Map<String, Object> graph = Map.of("a", List.of("b"), "b", set("c", "a"), "c", List.of(), "d", List.of("a"));
    assertEquals(set("a", "b", "c"), call("graph.reachable", graph, List.of("a")));
    assertEquals(set(), call("graph.reachable", graph, set("zz")));
    assertEquals(set(List.of("a", "b"), List.of("a", "b", "c")), call("graph.reachable_paths", graph, List.of("a")));
    assertEquals(set(List.of("c"), List.of("d", "a", "b"), List.of("d", "a", "b", "c")),
        call("graph.reachable_paths", graph, set("c", "d", "zz")));
    assertEquals(set(List.of("x")), call("graph.reachable_paths", Map.of("x", List.of("nowhere")), List.of("x")));
    Calls.assertTypeError("graph.reachable: operand 2 must be {array, set} but got string", "graph.reachable", graph, "a");
  }

  @Test
  void crypto() {
    assertCall("5d41402abc4b2a76b9719d911017c592", "crypto.md5", "hello");
    assertCall("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", "crypto.sha1", "hello");
    assertCall("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "crypto.sha256", "hello");
    assertCall("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", "crypto.hmac.sha256",
        "The quick brown fox jumps over the lazy dog", "key");
    assertCall("80070713463e7749b90c2dc24911e275", "crypto.hmac.md5", "The quick brown fox jumps over the lazy dog", "key");
    assertCall("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9", "crypto.hmac.sha1", "The quick brown fox jumps over the lazy dog", "key");
    assertCall("b42af09057bac1e2d41708e48a902e09b5ff7f12ab428a4fe86653c73dd248fb82f948a549f7b791a5b41915ee4d1ec3935357e4e2317250d0372afa2ebeeb3a",
        "crypto.hmac.sha512", "The quick brown fox jumps over the lazy dog", "key");
    assertCall(true, "crypto.hmac.equal", "abc", "abc");
    assertCall(false, "crypto.hmac.equal", "abc", "abd");
  }

  @Test
  void uuid() {
    BuiltinContext ctx = BuiltinContext.standalone();
    Value first = call(ctx, "uuid.rfc4122", "k");
    assertEquals(first, call(ctx, "uuid.rfc4122", "k"));
    assertNotEquals(first, call(ctx, "uuid.rfc4122", "other"));
    assertTrue(first.toString().matches("\"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\""));
    assertEquals(Value.of(Map.of("clocksequence", 555, "macvariables", "local:unicast", "nodeid", "7a-b0-b9-e5-e0-c0",
        "time", 1703282931110717000L, "variant", "RFC4122", "version", 1)),
        call("uuid.parse", "b01d0062-a116-11ee-822b-7ab0b9e5e0c0"));
    assertEquals(Value.of(Map.of("clocksequence", 11776, "domain", "Person", "id", 1000, "macvariables", "local:unicast",
        "nodeid", "32-50-96-b3-9f-47", "time", 1703290796079613600L, "variant", "RFC4122", "version", 2)),
        call("uuid.parse", "000003e8-a129-21ee-ae00-325096b39f47"));
    assertEquals(Value.of(Map.of("variant", "RFC4122", "version", 6)),
        call("uuid.parse", "1EC9414C-232A-6B00-B3C8-9E6BDECED846"));
    assertEquals(Value.of(Map.of("variant", "RFC4122", "version", 7)),
        call("uuid.parse", "017F22E2-79B0-7CC3-98C4-DC0C0C07398F"));
    assertEquals(Value.of(Map.of("variant", "RFC4122", "version", 4)), call("uuid.parse", "{a6342df8-7801-469c-b3f3-c5317a0ebdaa}"));
    assertNull(call("uuid.parse", "not-valid"));
  }
}
