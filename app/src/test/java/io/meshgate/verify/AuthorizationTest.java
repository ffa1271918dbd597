package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The value matching and trust-domain rules of the AuthorizationPolicy reference, one by one. */
class AuthorizationTest {

  @Test
  void valuesMatchExactlyByPrefixBySuffixOrByPresence() {
    assertTrue(Authorization.valueMatches("abc", "abc"));
    assertFalse(Authorization.valueMatches("abc", "abcd"));
    assertTrue(Authorization.valueMatches("abc*", "abcd"));
    assertTrue(Authorization.valueMatches("abc*", "abc"));
    assertTrue(Authorization.valueMatches("*abc", "xabc"));
    assertFalse(Authorization.valueMatches("*abc", "abcx"));
    assertTrue(Authorization.valueMatches("*", "x"));
    assertFalse(Authorization.valueMatches("*", ""));
    assertFalse(Authorization.valueMatches("*", null));
  }

  @Test
  void pathTemplatesAndQueryStrings() {
    assertTrue(Authorization.pathMatches("/a/{*}/c", "/a/b/c"));
    assertFalse(Authorization.pathMatches("/a/{*}/c", "/a/b/x/c"));
    assertTrue(Authorization.pathMatches("/a/{**}", "/a/b/x/c"));
    assertTrue(Authorization.pathMatches("/status", "/status?x=1"));
  }

  @Test
  void principalsOfTheMeshTrustDomainAnAliasOrClusterLocalStandForAllOfThem() {
    List<String> bundle = List.of("east.example", "west.example");
    assertEquals(List.of("east.example/ns/a/sa/b", "west.example/ns/a/sa/b"),
        Authorization.expandTrustDomains(List.of("west.example/ns/a/sa/b"), bundle));
    assertEquals(List.of("east.example/ns/a/sa/b", "west.example/ns/a/sa/b"),
        Authorization.expandTrustDomains(List.of("cluster.local/ns/a/sa/b"), bundle));
    assertEquals(List.of("other.example/ns/a/sa/b"), Authorization.expandTrustDomains(List.of("other.example/ns/a/sa/b"), bundle));
    assertEquals(List.of("*/ns/a/sa/b"), Authorization.expandTrustDomains(List.of("*/ns/a/sa/b"), bundle));
  }

  private static Authorization.Decision decide(String action, List<Map<String, Object>> rules, Authorization.Context context) {
    Istio.AuthorizationPolicy policy = new Istio.AuthorizationPolicy(new ObjectRef("c", "ns", "AuthorizationPolicy", "p"),
        null, action, rules, false, null);
    return Authorization.evaluate(List.of(new Authorization.Compiled(policy, List.of("cluster.local"))), context);
  }

  @Test
  void negativeFieldsAndServiceAccounts() {
    Authorization.Context sleep = new Authorization.Context("cluster.local/ns/default/sa/sleep", true, "GET", "/", "h", 80);
    assertFalse(decide("ALLOW", List.of(Map.of("from", List.of(Map.of("source",
        Map.of("notPrincipals", List.of("cluster.local/ns/default/sa/sleep")))))), sleep).allowed());
    assertTrue(decide("ALLOW", List.of(Map.of("from", List.of(Map.of("source",
        Map.of("serviceAccounts", List.of("default/sleep")))))), sleep).allowed());
    assertFalse(decide("ALLOW", List.of(Map.of("from", List.of(Map.of("source",
        Map.of("serviceAccounts", List.of("sleep")))))), sleep).allowed(), "a bare account means the policy's namespace");
    assertTrue(decide("ALLOW", List.of(Map.of("to", List.of(Map.of("operation",
        Map.of("notMethods", List.of("DELETE")))))), sleep).allowed());
    assertFalse(decide("DENY", List.of(Map.of("to", List.of(Map.of("operation",
        Map.of("ports", List.of("80")))))), sleep).allowed());
  }

  @Test
  void plainTextHasNoPrincipalOrNamespace() {
    Authorization.Context plain = new Authorization.Context(null, true, "GET", "/", "h", 80);
    assertFalse(decide("ALLOW", List.of(Map.of("from", List.of(Map.of("source", Map.of("namespaces", List.of("*")))))), plain).allowed());
    assertTrue(decide("ALLOW", List.of(Map.of("to", List.of(Map.of("operation", Map.of("paths", List.of("/")))))), plain).allowed());
  }

  @Test
  void unknownConditionsAssumeTheOutcomeThatDenies() {
    Authorization.Context c = new Authorization.Context("cluster.local/ns/default/sa/sleep", true, "GET", "/", "h", 80);
    List<Map<String, Object>> ipRule = List.of(Map.of("when", List.of(Map.of("key", "source.ip", "values", List.of("10.0.0.1")))));
    assertFalse(decide("ALLOW", ipRule, c).allowed());
    assertFalse(decide("DENY", ipRule, c).allowed());
    assertTrue(decide("ALLOW", List.of(Map.of("when", List.of(Map.of("key", "source.namespace", "values", List.of("default"))))), c).allowed());
  }
}
