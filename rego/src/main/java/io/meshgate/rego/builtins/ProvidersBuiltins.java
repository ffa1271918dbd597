package io.meshgate.rego.builtins;

import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * providers.aws.sign_req: AWS Signature Version 4 of a request object at a given time, as OPA's
 * topdown/providers.go and internal/providers/aws/signing_v4.go compute it. Pure: the time is an
 * argument and nothing is sent.
 */
public final class ProvidersBuiltins {
  private ProvidersBuiltins() {}

  private static final String FN = "providers.aws.sign_req";
  private static final List<String> REQUIRED = List.of("aws_access_key", "aws_region", "aws_secret_access_key",
      "aws_service");
  /** Headers a proxy may change, left out of the signature (as the AWS SDK does). */
  private static final Set<String> IGNORED_HEADERS = Set.of("authorization", "user-agent", "x-amzn-trace-id");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  public static void register(BuiltinTable table) {
    table.register(Builtin.of(FN, 3, (ctx, a) -> signRequest(Args.object(FN, a, 1), Args.object(FN, a, 2),
        Args.number(FN, a, 3))));
  }

  private static String string(ObjectValue o, String key) {
    return o.get(new StringValue(key)) instanceof StringValue s ? s.value() : "";
  }

  private static Value signRequest(ObjectValue request, ObjectValue config, NumberValue timeNs) {
    List<String> missing = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (String k : REQUIRED) {
      Value v = config.get(new StringValue(k));
      if (v == null) {
        missing.add("\"" + k + "\"");
      } else if (!(v instanceof StringValue)) {
        invalid.add("\"" + k + "\"");
      }
    }
    if (!missing.isEmpty()) {
      throw Args.failure(FN, "operand 2 missing required AWS config parameters(s): {" + String.join(", ", missing) + "}");
    }
    if (!invalid.isEmpty()) {
      throw Args.failure(FN, "operand 2 invalid values for required AWS config parameters(s): {"
          + String.join(", ", invalid) + "}");
    }
    BigInteger ns = timeNs.asBigInteger().filter(b -> b.bitLength() < 64).orElseThrow(
        () -> Args.failure(FN, "operand 3 could not convert time_ns value into a unix timestamp"));
    Value url = request.get(new StringValue("url"));
    Value method = request.get(new StringValue("method"));
    if (!(url instanceof StringValue u) || !(method instanceof StringValue m)) {
      throw Args.failure(FN, "operand 1 invalid values for required request parameters(s): url and method must be strings");
    }
    ObjectValue headers = ObjectValue.EMPTY;
    Value h = request.get(new StringValue("headers"));
    if (h != null) {
      if (!(h instanceof ObjectValue ho)) {
        throw Args.type(FN, 1, h, "object");
      }
      headers = ho;
    }
    boolean unsignedPayload = false;
    Value dps = config.get(new StringValue("disable_payload_signing"));
    if (dps != null) {
      if (!(dps instanceof BoolValue b)) {
        throw Args.failure(FN, "operand 2 invalid value for 'disable_payload_signing' in AWS config");
      }
      unsignedPayload = b.value();
    }
    URI uri;
    try {
      uri = new URI(u.value());
    } catch (java.net.URISyntaxException e) {
      throw Args.failure(FN, e.getMessage());
    }
    Value rawBody = request.get(new StringValue("raw_body"));
    Value body = request.get(new StringValue("body"));
    String bodyText = rawBody != null ? (rawBody instanceof StringValue rs ? rs.value() : "")
        : body != null ? EncodingBuiltins.writeJson(body, null, null) : "";

    Instant at = Instant.ofEpochSecond(ns.divide(BigInteger.valueOf(1_000_000_000)).longValue())
        .plusNanos(ns.mod(BigInteger.valueOf(1_000_000_000)).longValue());
    String service = string(config, "aws_service");
    String region = string(config, "aws_region");
    String contentSha = unsignedPayload ? "UNSIGNED-PAYLOAD" : sha256Hex(bodyText);
    String date = DATE.format(at);
    String dateTime = DATE_TIME.format(at);

    TreeMap<String, String> awsHeaders = new TreeMap<>();
    String host = uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst("^[^@]*@", "");
    awsHeaders.put("host", host);
    awsHeaders.put("x-amz-date", dateTime);
    // s3 and glacier require the content hash header; other services do not
    if (service.equals("s3") || service.equals("glacier")) {
      awsHeaders.put("x-amz-content-sha256", contentSha);
    }
    String sessionToken = string(config, "aws_session_token");
    if (!sessionToken.isEmpty()) {
      awsHeaders.put("x-amz-security-token", sessionToken);
    }
    TreeMap<String, String> toSign = new TreeMap<>(awsHeaders);
    for (Map.Entry<Value, Value> e : headers.entries().entrySet()) {
      String name = e.getKey() instanceof StringValue s ? s.value() : "";
      String lower = name.toLowerCase();
      if (!IGNORED_HEADERS.contains(lower)) {
        toSign.put(lower, e.getValue() instanceof StringValue s ? s.value() : "");
      }
    }
    StringBuilder canonical = new StringBuilder();
    canonical.append(m.value()).append('\n');
    canonical.append(uri.getRawPath() == null ? "" : uri.getRawPath()).append('\n');
    canonical.append(uri.getRawQuery() == null ? "" : uri.getRawQuery()).append('\n');
    toSign.forEach((k, v) -> canonical.append(k).append(':').append(v).append('\n'));
    canonical.append('\n');
    String signedHeaders = String.join(";", toSign.keySet());
    canonical.append(signedHeaders).append('\n').append(contentSha);

    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String stringToSign = "AWS4-HMAC-SHA256\n" + dateTime + "\n" + scope + "\n" + sha256Hex(canonical.toString());
    byte[] key = hmac(("AWS4" + string(config, "aws_secret_access_key")).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
    String authorization = "AWS4-HMAC-SHA256 Credential=" + string(config, "aws_access_key") + "/" + scope + ","
        + "SignedHeaders=" + signedHeaders + "," + "Signature=" + signature;

    TreeMap<Value, Value> signed = new TreeMap<>();
    headers.entries().forEach((k, v) -> {
      if (v instanceof StringValue) {
        signed.put(k, v);
      }
    });
    signed.put(new StringValue("Authorization"), new StringValue(authorization));
    awsHeaders.forEach((k, v) -> signed.put(new StringValue(k), new StringValue(v)));
    TreeMap<Value, Value> out = new TreeMap<>(request.entries());
    out.put(new StringValue("headers"), ObjectValue.of(signed));
    return ObjectValue.of(out);
  }

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
