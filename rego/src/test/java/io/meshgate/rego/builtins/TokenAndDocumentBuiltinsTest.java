package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertError;
import static io.meshgate.rego.builtins.Calls.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** io.jwt.*, graphql.*, providers.aws.sign_req, rego.parse_module and the refused network built-ins. */
class TokenAndDocumentBuiltinsTest {

  private static final Map<String, Object> HS_KEY = Map.of("kty", "oct", "k", "c2VjcmV0");

  @Test
  void jwtSignedWithAKeyVerifiesWithItAndDecodes() {
    Value token = call("io.jwt.encode_sign", Map.of("alg", "HS256", "typ", "JWT"), Map.of("iss", "meshgate", "exp", 2000),
        HS_KEY);
    String jwt = ((StringValue) token).value();
    assertEquals(BoolValue.TRUE, call("io.jwt.verify_hs256", jwt, "secret"));
    assertEquals(BoolValue.FALSE, call("io.jwt.verify_hs256", jwt, "other"));
    ArrayValue decoded = (ArrayValue) call("io.jwt.decode", jwt);
    assertEquals(Value.of(Map.of("iss", "meshgate", "exp", 2000)), decoded.get(1));
    // valid before exp (seconds), invalid at or after it; time is given in nanoseconds
    ArrayValue before = (ArrayValue) call("io.jwt.decode_verify", jwt,
        Map.of("secret", "secret", "iss", "meshgate", "time", 1_999_000_000_000L));
    assertEquals(BoolValue.TRUE, before.get(0));
    ArrayValue after = (ArrayValue) call("io.jwt.decode_verify", jwt, Map.of("secret", "secret", "time", 2_000_000_000_000L));
    assertEquals(BoolValue.FALSE, after.get(0));
    ArrayValue wrongIssuer = (ArrayValue) call("io.jwt.decode_verify", jwt,
        Map.of("secret", "secret", "iss", "other", "time", 0));
    assertEquals(BoolValue.FALSE, wrongIssuer.get(0));
    assertError(BuiltinException.Kind.BUILTIN, "no key constraint", "io.jwt.decode_verify", jwt, Map.of());
  }

  @Test
  void es256TokensRoundTripThroughJwks() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair kp = g.generateKeyPair();
    com.nimbusds.jose.jwk.ECKey jwk = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
        (ECPublicKey) kp.getPublic()).privateKey((ECPrivateKey) kp.getPrivate()).build();
    String jwt = ((StringValue) call("io.jwt.encode_sign_raw", "{\"alg\":\"ES256\"}", "{\"a\":1}", jwk.toJSONString()))
        .value();
    String publicJwk = jwk.toPublicJWK().toJSONString();
    assertEquals(BoolValue.TRUE, call("io.jwt.verify_es256", jwt, publicJwk));
    assertEquals(BoolValue.TRUE, call("io.jwt.verify_es256", jwt, "{\"keys\": [" + publicJwk + "]}"));
    assertEquals(BoolValue.FALSE, call("io.jwt.verify_es256", jwt.substring(0, jwt.length() - 4) + "AAAA", publicJwk));
  }

  @Test
  void malformedTokensAreBuiltinErrors() {
    assertError(BuiltinException.Kind.BUILTIN, "no period separators", "io.jwt.decode", "abc");
    assertError(BuiltinException.Kind.BUILTIN, "JWE", "io.jwt.decode",
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"x\",\"enc\":\"y\"}".getBytes()) + ".e30.");
  }

  @Test
  void graphqlQueriesParseInGqlparsersShapeAndValidateAgainstTheSchema() {
    Value ast = call("graphql.parse_query", "query Q($id: ID!) { user(id: $id) { name } }");
    ObjectValue op = (ObjectValue) ((ArrayValue) ((ObjectValue) ast).get(new StringValue("Operations"))).get(0);
    assertEquals(new StringValue("Q"), op.get(new StringValue("Name")));
    assertEquals(Value.of(List.of(Map.of("Type", Map.of("NamedType", "ID", "NonNull", true), "Used", false,
        "Variable", "id"))), op.get(new StringValue("VariableDefinitions")));
    String schema = "type Query { user(id: ID!): User } type User { name: String }";
    assertEquals(BoolValue.TRUE, call("graphql.is_valid", "query Q($id: ID!) { user(id: $id) { name } }", schema));
    assertEquals(BoolValue.FALSE, call("graphql.is_valid", "{ user(id: 1) { missing } }", schema));
    assertEquals(BoolValue.FALSE, call("graphql.is_valid", "{ user { name } }", schema), "required argument");
    // the AST objects the parse built-ins return are accepted in place of text
    assertEquals(BoolValue.TRUE, call("graphql.is_valid", ast, call("graphql.parse_schema", schema)));
    assertEquals(BoolValue.FALSE, call("graphql.schema_is_valid", "type Query { a: Missing }"));
    assertError(BuiltinException.Kind.BUILTIN, "Expected Name, found <EOF> in GraphQL string at location 1:2",
        "graphql.parse_query", "{");
  }

  @Test
  void awsSignatureVersion4IsComputedAtTheGivenTime() {
    Value signed = call("providers.aws.sign_req", Map.of("method", "get", "url", "http://example.com"),
        Map.of("aws_access_key", "MYAWSACCESSKEYGOESHERE", "aws_secret_access_key", "MYAWSSECRETACCESSKEYGOESHERE",
            "aws_service", "s3", "aws_region", "us-east-1"), 1451311705000000000L);
    ObjectValue headers = (ObjectValue) ((ObjectValue) signed).get(new StringValue("headers"));
    // the figure OPA's own conformance case expects for this request
    assertTrue(headers.get(new StringValue("Authorization")).toString().contains(
        "Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3"), headers.toString());
    assertEquals(new StringValue("20151228T140825Z"), headers.get(new StringValue("x-amz-date")));
  }

  @Test
  void parseModuleReturnsTheSyntaxTreeAndParseErrorsAreBuiltinErrors() {
    ObjectValue m = (ObjectValue) call("rego.parse_module", "x.rego", "package a.b\nimport rego.v1\np if input.x == 1\n");
    assertEquals(Value.of(Map.of("path", List.of(Map.of("type", "var", "value", "data"),
        Map.of("type", "string", "value", "a"), Map.of("type", "string", "value", "b")))), m.get(new StringValue("package")));
    assertError(BuiltinException.Kind.BUILTIN, "rego_parse_error", "rego.parse_module", "x.rego", "package foo.");
  }

  @Test
  void networkBuiltinsAreACompileErrorNamingThem() {
    for (String call : List.of("http.send({\"method\": \"get\", \"url\": \"http://x\"})", "net.lookup_ip_addr(\"x\")")) {
      RegoException e = assertThrows(RegoException.class, () -> Rego.builder()
          .addModule("p.rego", "package p\nimport rego.v1\nx := " + call + "\n").build());
      assertEquals(RegoException.COMPILE, e.code());
      assertTrue(e.getMessage().contains("is not available in meshgate") && e.getMessage().contains("p.rego:3:6"),
          e.getMessage());
    }
  }

  @Test
  void opaRuntimeIsEmpty() {
    assertEquals(ObjectValue.EMPTY, call("opa.runtime"));
  }
}
