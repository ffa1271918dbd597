package io.meshgate.rego.builtins;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * io.jwt.*: decode, verify_{rs,ps,es,hs}{256,384,512}, verify_eddsa, decode_verify, encode_sign and
 * encode_sign_raw, following OPA's topdown/tokens.go (RFC 7519 section 7.2 checks, nested tokens by
 * {@code cty: JWT}, the constraints of decode_verify, keys as PEM certificates, PEM public keys,
 * JWKs or JWK sets). JWKs are read with Nimbus JOSE+JWT; signatures are the JDK's.
 */
public final class JwtBuiltins {
  private JwtBuiltins() {}

  /** The algorithms OPA knows (tokenAlgorithms). */
  private static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "HS256", "HS384", "HS512", "EdDSA");

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("io.jwt.decode", 1, (ctx, a) -> decode("io.jwt.decode", a.get(0))));
    for (String alg : new String[] {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}) {
      String name = "io.jwt.verify_" + alg.toLowerCase();
      table.register(Builtin.of(name, 2, (ctx, a) -> BoolValue.of(verifyWithKeys(name, alg, a))));
    }
    table.register(Builtin.of("io.jwt.verify_eddsa", 2,
        (ctx, a) -> BoolValue.of(verifyWithKeys("io.jwt.verify_eddsa", "EdDSA", a))));
    for (String alg : new String[] {"HS256", "HS384", "HS512"}) {
      String name = "io.jwt.verify_" + alg.toLowerCase();
      table.register(Builtin.of(name, 2, (ctx, a) -> {
        Token t = token(name, Args.string(name, a, 1));
        String secret = Args.string(name, a, 2);
        byte[] mac = hmac(alg, secret.getBytes(StandardCharsets.UTF_8), t.signingInput());
        return BoolValue.of(MessageDigest.isEqual(mac, t.signature(name)));
      }));
    }
    table.register(Builtin.of("io.jwt.decode_verify", 2, (ctx, a) -> decodeVerify(ctx, a)));
    table.register(Builtin.of("io.jwt.encode_sign_raw", 3, (ctx, a) -> {
      String fn = "io.jwt.encode_sign_raw";
      String jwk = Args.string(fn, a, 3);
      return sign(fn, Args.string(fn, a, 1), Args.string(fn, a, 2), jwk);
    }));
    table.register(Builtin.of("io.jwt.encode_sign", 3, (ctx, a) -> sign("io.jwt.encode_sign",
        EncodingBuiltins.writeJson(a.get(0), null, null), EncodingBuiltins.writeJson(a.get(1), null, null),
        EncodingBuiltins.writeJson(a.get(2), null, null))));
  }

  // ---------------------------------------------------------------- tokens

  /** The three parts of a compact JWS, as written. */
  private record Token(String header, String payload, String signature) {
    byte[] signingInput() { return (header + "." + payload).getBytes(StandardCharsets.US_ASCII); }

    byte[] signature(String fn) { return base64Url(fn, signature, "JWT signature had invalid encoding: "); }

    ObjectValue decodedHeader(String fn) {
      String text = Pem.utf8(base64Url(fn, header, "JWT header had invalid encoding: "));
      ObjectValue h;
      try {
        h = jsonObject(fn, text);
      } catch (BuiltinException e) {
        throw Args.failure(fn, "bad JWT header: " + e.getMessage());
      }
      if (h.get(new StringValue("enc")) != null) {
        throw Args.failure(fn, "JWT is a JWE object, which is not supported");
      }
      return h;
    }

    String decodedPayload(String fn) {
      return Pem.utf8(base64Url(fn, payload, "JWT payload had invalid encoding: "));
    }
  }

  private static Token token(String fn, String text) {
    if (!text.contains(".")) {
      throw Args.failure(fn, "encoded JWT had no period separators");
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 3) {
      throw Args.failure(fn, "encoded JWT must have 3 sections, found " + parts.length);
    }
    return new Token(parts[0], parts[1], parts[2]);
  }

  private static Token token(String fn, Value v) {
    if (!(v instanceof StringValue s)) {
      throw Args.type(fn, 1, v, "string");
    }
    return token(fn, s.value());
  }

  /** OPA's base64url.decode: padding may be left out. */
  private static byte[] base64Url(String fn, String s, String what) {
    String padded = s;
    if (!s.endsWith("=")) {
      switch (s.length() % 4) {
        case 2 -> padded = s + "==";
        case 3 -> padded = s + "=";
        case 1 -> throw Args.failure(fn, what + "illegal base64url string: " + s);
        default -> { }
      }
    }
    try {
      return Base64.getUrlDecoder().decode(padded);
    } catch (IllegalArgumentException e) {
      throw Args.failure(fn, what + "illegal base64 data: " + e.getMessage());
    }
  }

  private static ObjectValue jsonObject(String fn, String text) {
    Value v;
    try {
      v = EncodingBuiltins.parseJson(fn, text);
    } catch (BuiltinException e) {
      throw Args.failure(fn, "invalid JSON: " + e.getMessage());
    }
    if (!(v instanceof ObjectValue o)) {
      throw Args.failure(fn, "decoded JSON type was not an Object");
    }
    return o;
  }

  private static Value decode(String fn, Value operand) {
    Token t = token(fn, operand);
    ObjectValue header = t.decodedHeader(fn);
    String payload = t.decodedPayload(fn);
    if (header.get(new StringValue("cty")) instanceof StringValue cty && cty.value().equals("JWT")) {
      // a nested token: jwt.io quotes it, so surrounding quotes are removed first
      return decode(fn, new StringValue(trim(payload, "\"'")));
    }
    ObjectValue claims = jsonObject(fn, payload);
    String signature = HexFormat.of().formatHex(t.signature(fn));
    return ArrayValue.of(List.of(header, claims, new StringValue(signature)));
  }

  private static String trim(String s, String cutset) {
    int b = 0;
    int e = s.length();
    while (b < e && cutset.indexOf(s.charAt(b)) >= 0) {
      b++;
    }
    while (e > b && cutset.indexOf(s.charAt(e - 1)) >= 0) {
      e--;
    }
    return s.substring(b, e);
  }

  // ---------------------------------------------------------------- keys

  /** A key to verify with: a PublicKey, or the bytes of a symmetric key; alg and kid from a JWK. */
  private record VerificationKey(Object key, String alg, String kid) {}

  /** OPA's getKeysFromCertOrJWK: a PEM certificate or public key, else a JWK or JWK set. */
  private static List<VerificationKey> keysFromCertOrJwk(String fn, String text) {
    Pem.Block block = Pem.decode(text);
    if (block != null) {
      if (!block.rest().isEmpty()) {
        throw Args.failure(fn, "extra data after a PEM certificate block");
      }
      try {
        if (block.type().equals("CERTIFICATE")) {
          PublicKey k = CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(block.bytes())).getPublicKey();
          return List.of(new VerificationKey(k, "", ""));
        }
        if (block.type().equals("PUBLIC KEY")) {
          return List.of(new VerificationKey(Pem.publicKey(block.bytes()), "", ""));
        }
      } catch (GeneralSecurityException e) {
        throw Args.failure(fn, "failed to parse a PEM " + (block.type().equals("CERTIFICATE") ? "certificate" : "public key")
            + ": " + e.getMessage());
      }
      throw Args.failure(fn, "failed to extract a Key from the PEM certificate");
    }
    List<JWK> jwks;
    try {
      jwks = parseJwks(text);
    } catch (java.text.ParseException | RuntimeException e) {
      throw Args.failure(fn, "failed to parse a JWK key (set): " + e.getMessage());
    }
    List<VerificationKey> keys = new ArrayList<>();
    for (JWK jwk : jwks) {
      String alg = jwk.getAlgorithm() == null ? "" : jwk.getAlgorithm().getName();
      if (!alg.isEmpty() && !ALGORITHMS.contains(alg)) {
        continue; // a key for an algorithm OPA does not know is skipped
      }
      keys.add(new VerificationKey(publicKey(fn, jwk), alg, jwk.getKeyID() == null ? "" : jwk.getKeyID()));
    }
    return keys;
  }

  /** A JWK set ({@code {"keys": [...]}}) or a single JWK. */
  private static List<JWK> parseJwks(String text) throws java.text.ParseException {
    Map<String, Object> json = com.nimbusds.jose.util.JSONObjectUtils.parse(text);
    if (json.containsKey("keys")) {
      return JWKSet.parse(json).getKeys();
    }
    return List.of(JWK.parse(json));
  }

  private static Object publicKey(String fn, JWK jwk) {
    try {
      if (jwk instanceof RSAKey rsa) {
        return rsa.toRSAPublicKey();
      }
      if (jwk instanceof ECKey ec) {
        return ec.toECPublicKey();
      }
      if (jwk instanceof OctetKeyPair okp) {
        return ed25519Public(okp.getDecodedX());
      }
      if (jwk instanceof OctetSequenceKey oct) {
        return oct.toByteArray();
      }
    } catch (GeneralSecurityException | com.nimbusds.jose.JOSEException e) {
      throw Args.failure(fn, "failed to parse a JWK key: " + e.getMessage());
    }
    throw Args.failure(fn, "unsupported JWK key type " + jwk.getKeyType());
  }

  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final byte[] ED25519_PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

  private static PublicKey ed25519Public(byte[] x) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, x)));
  }

  private static PrivateKey ed25519Private(byte[] d) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(ED25519_PKCS8_PREFIX, d)));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ---------------------------------------------------------------- signatures

  private static String hashOf(String alg) {
    return switch (alg.substring(alg.length() - 3)) {
      case "384" -> "SHA-384";
      case "512" -> "SHA-512";
      default -> "SHA-256";
    };
  }

  private static byte[] hmac(String alg, byte[] key, byte[] input) {
    String name = "Hmac" + hashOf(alg).replace("-", "");
    try {
      Mac mac = Mac.getInstance(name);
      // an empty key is legal for HMAC but not for SecretKeySpec; a single zero byte is equivalent
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code signature} over {@code input} verifies with {@code key} under JWS algorithm {@code alg}. */
  private static boolean verify(String alg, Object key, byte[] input, byte[] signature) {
    try {
      switch (alg.substring(0, 2)) {
        case "HS":
          return key instanceof byte[] secret && MessageDigest.isEqual(hmac(alg, secret, input), signature);
        case "RS": {
          if (!(key instanceof RSAPublicKey rsa)) {
            return false;
          }
          Signature s = Signature.getInstance(hashOf(alg).replace("-", "") + "withRSA");
          s.initVerify(rsa);
          s.update(input);
          return s.verify(signature);
        }
        case "PS": {
          if (!(key instanceof RSAPublicKey rsa)) {
            return false;
          }
          // Go verifies PSS with any salt length; signers use the hash length or the maximum
          int hashLength = MessageDigest.getInstance(hashOf(alg)).getDigestLength();
          int maxSalt = (rsa.getModulus().bitLength() + 7) / 8 - hashLength - 2;
          for (int salt : new int[] {hashLength, maxSalt}) {
            if (salt >= 0 && pss(alg, salt, rsa, input, signature)) {
              return true;
            }
          }
          return false;
        }
        case "ES": {
          if (!(key instanceof ECPublicKey ec) || signature.length < 2) {
            return false;
          }
          Signature s = Signature.getInstance(hashOf(alg).replace("-", "") + "withECDSA");
          s.initVerify(ec);
          s.update(input);
          return s.verify(derSignature(signature));
        }
        case "Ed":
          if (!(key instanceof PublicKey pk) || !pk.getAlgorithm().startsWith("Ed")) {
            return false;
          }
          Signature s = Signature.getInstance("Ed25519");
          s.initVerify(pk);
          s.update(input);
          return s.verify(signature);
        default:
          return false;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static boolean pss(String alg, int salt, RSAPublicKey key, byte[] input, byte[] signature)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance("RSASSA-PSS");
    String hash = hashOf(alg);
    s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), salt, 1));
    s.initVerify(key);
    s.update(input);
    try {
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false;
    }
  }

  /** A JWS ECDSA signature (r and s, each half of it) as the DER sequence the JDK verifies. */
  private static byte[] derSignature(byte[] rs) {
    int n = rs.length / 2;
    byte[] r = new BigInteger(1, java.util.Arrays.copyOfRange(rs, 0, n)).toByteArray();
    byte[] s = new BigInteger(1, java.util.Arrays.copyOfRange(rs, n, rs.length)).toByteArray();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    derInteger(body, r);
    derInteger(body, s);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(0x30);
    derLength(out, body.size());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void derInteger(java.io.ByteArrayOutputStream out, byte[] v) {
    out.write(0x02);
    derLength(out, v.length);
    out.writeBytes(v);
  }

  private static void derLength(java.io.ByteArrayOutputStream out, int len) {
    if (len < 128) {
      out.write(len);
    } else if (len < 256) {
      out.write(0x81);
      out.write(len);
    } else {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len & 0xff);
    }
  }

  /** io.jwt.verify_XXnnn with a certificate, public key or JWK (set): OPA's builtinJWTVerify. */
  private static boolean verifyWithKeys(String fn, String alg, List<Value> a) {
    Token t = token(fn, a.get(0));
    List<VerificationKey> keys = keysFromCertOrJwk(fn, Args.string(fn, a, 2));
    byte[] signature = t.signature(fn);
    ObjectValue header = t.decodedHeader(fn);
    Header h = Header.parse(fn, header);
    if (!h.kid.isEmpty()) {
      for (VerificationKey k : keys) {
        if (k.kid().equals(h.kid)) {
          return verify(alg, k.key(), t.signingInput(), signature);
        }
      }
    }
    for (VerificationKey k : keys) {
      if (!k.alg().isEmpty() && !k.alg().equals(h.alg)) {
        continue;
      }
      if (verify(alg, k.key(), t.signingInput(), signature)) {
        return true;
      }
    }
    return false;
  }

  /** The JOSE header fields OPA checks (parseTokenHeader). */
  private static final class Header {
    String alg = "";
    String kid = "";
    String cty = "";
    Set<String> crit = Set.of();
    final List<String> unknown = new ArrayList<>();

    static Header parse(String fn, ObjectValue header) {
      Header h = new Header();
      for (Map.Entry<Value, Value> e : header.entries().entrySet()) {
        String key = ((StringValue) e.getKey()).value();
        Value v = e.getValue();
        switch (key) {
          case "alg", "kid", "typ", "cty" -> {
            if (!(v instanceof StringValue s)) {
              throw Args.failure(fn, key + ": must be a string");
            }
            switch (key) {
              case "alg" -> h.alg = s.value();
              case "kid" -> h.kid = s.value();
              case "cty" -> h.cty = s.value();
              default -> { }
            }
          }
          case "crit" -> {
            if (!(v instanceof ArrayValue arr)) {
              throw Args.failure(fn, "crit: must be a list");
            }
            java.util.HashSet<String> crit = new java.util.HashSet<>();
            for (Value c : arr) {
              if (c instanceof StringValue cs) {
                crit.add(cs.value());
              }
            }
            if (crit.isEmpty()) {
              throw Args.failure(fn, "crit: must be a nonempty list");
            }
            h.crit = crit;
          }
          default -> h.unknown.add(key);
        }
      }
      return h;
    }

    /** RFC 7515: alg must be present, and no critical parameter may be unknown. */
    boolean valid() {
      return !alg.isEmpty() && unknown.stream().noneMatch(crit::contains);
    }
  }

  // ---------------------------------------------------------------- decode_verify

  private static final Value UNVERIFIED = ArrayValue.of(List.of(BoolValue.FALSE, ObjectValue.EMPTY, ObjectValue.EMPTY));

  private static Value decodeVerify(BuiltinContext ctx, List<Value> a) {
    String fn = "io.jwt.decode_verify";
    ObjectValue constraints = Args.object(fn, a, 2);
    String secret = "";
    String alg = "";
    String iss = "";
    String aud = "";
    List<VerificationKey> keys = null;
    BigDecimal time = null;
    for (Map.Entry<Value, Value> e : constraints.entries().entrySet()) {
      String name = e.getKey() instanceof StringValue s ? s.value() : e.getKey().toString();
      Value v = e.getValue();
      switch (name) {
        case "cert" -> {
          if (!(v instanceof StringValue s)) {
            throw Args.failure(fn, "cert constraint: must be a string");
          }
          keys = keysFromCertOrJwk(fn, s.value());
        }
        case "secret", "alg", "iss", "aud" -> {
          if (!(v instanceof StringValue s)) {
            throw Args.failure(fn, name + " constraint: must be a string");
          }
          switch (name) {
            case "secret" -> secret = s.value();
            case "alg" -> alg = s.value();
            case "iss" -> iss = s.value();
            default -> aud = s.value();
          }
        }
        case "time" -> time = timeConstraint(fn, v);
        default -> throw Args.failure(fn, "unknown token validation constraint: " + name);
      }
    }
    if (time == null) {
      time = new BigDecimal(ctx.nowNanos());
    }
    int keyConstraints = (keys != null ? 1 : 0) + (secret.isEmpty() ? 0 : 1);
    if (keyConstraints > 1) {
      throw Args.failure(fn, "duplicate key constraints");
    }
    if (keyConstraints < 1) {
      throw Args.failure(fn, "no key constraint");
    }
    Value operand = a.get(0);
    Token t;
    ObjectValue header;
    String payload;
    while (true) {
      t = token(fn, operand);
      header = t.decodedHeader(fn);
      Header h = Header.parse(fn, header);
      if (!h.valid() || (!alg.isEmpty() && !alg.equals(h.alg))) {
        return UNVERIFIED;
      }
      byte[] signature = t.signature(fn);
      if (!verifyConstraints(keys, secret, h, t.signingInput(), signature)) {
        return UNVERIFIED;
      }
      payload = t.decodedPayload(fn);
      if (h.cty.equalsIgnoreCase("JWT")) {
        operand = new StringValue(payload); // nested: verify the inner token too
        continue;
      }
      break;
    }
    ObjectValue claims = jsonObject(fn, payload);
    if (!iss.isEmpty() && !(claims.get(new StringValue("iss")) instanceof StringValue is && is.value().equals(iss))) {
      return UNVERIFIED;
    }
    Value tokenAud = claims.get(new StringValue("aud"));
    if (tokenAud != null ? !validAudience(tokenAud, aud) : !aud.isEmpty()) {
      return UNVERIFIED;
    }
    // times are compared in seconds as float64, as OPA does
    double seconds = time.doubleValue() / 1_000_000_000d;
    BigDecimal now = new BigDecimal(Double.toString(seconds));
    Value exp = claims.get(new StringValue("exp"));
    if (exp != null) {
      if (!(exp instanceof NumberValue n)) {
        throw Args.failure(fn, "exp value must be a number");
      }
      if (now.compareTo(n.value()) >= 0) {
        return UNVERIFIED;
      }
    }
    Value nbf = claims.get(new StringValue("nbf"));
    if (nbf != null) {
      if (!(nbf instanceof NumberValue n)) {
        throw Args.failure(fn, "nbf value must be a number");
      }
      if (now.compareTo(n.value()) < 0) {
        return UNVERIFIED;
      }
    }
    return ArrayValue.of(List.of(BoolValue.TRUE, header, claims));
  }

  private static BigDecimal timeConstraint(String fn, Value v) {
    if (!(v instanceof NumberValue n)) {
      throw Args.failure(fn, "token time constraint: must be a number");
    }
    if (n.value().signum() < 0) {
      throw Args.failure(fn, "token time constraint: must not be negative");
    }
    return n.value();
  }

  private static boolean verifyConstraints(List<VerificationKey> keys, String secret, Header h, byte[] input,
      byte[] signature) {
    if (keys != null) {
      if (!h.kid.isEmpty()) {
        for (VerificationKey k : keys) {
          if (k.kid().equals(h.kid)) {
            return verify(h.alg, k.key(), input, signature);
          }
        }
      }
      for (VerificationKey k : keys) {
        if (!k.alg().isEmpty() && !k.alg().equals(h.alg)) {
          continue;
        }
        if (verify(h.alg, k.key(), input, signature)) {
          return true;
        }
      }
      return false;
    }
    return verify(h.alg, secret.getBytes(StandardCharsets.UTF_8), input, signature);
  }

  private static boolean validAudience(Value tokenAud, String aud) {
    if (tokenAud instanceof StringValue s) {
      return s.value().equals(aud);
    }
    if (tokenAud instanceof ArrayValue arr) {
      for (Value e : arr) {
        if (e instanceof StringValue s && s.value().equals(aud)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- signing

  private static Value sign(String fn, String headers, String payload, String jwkText) {
    List<JWK> jwks;
    try {
      jwks = parseJwks(jwkText);
    } catch (java.text.ParseException | RuntimeException e) {
      throw Args.failure(fn, "failed to parse a JWK key (set): " + e.getMessage());
    }
    if (jwks.isEmpty()) {
      throw Args.failure(fn, "no keys found in JWK set");
    }
    ObjectValue headerObject;
    try {
      headerObject = jsonObject(fn, headers);
    } catch (BuiltinException e) {
      throw Args.failure(fn, "missing or invalid 'alg' header: " + e.getMessage());
    }
    if (!(headerObject.get(new StringValue("alg")) instanceof StringValue algValue)) {
      throw Args.failure(fn, "missing or invalid 'alg' header");
    }
    String alg = algValue.value();
    if (!ALGORITHMS.contains(alg)) {
      throw Args.failure(fn, "unknown JWS algorithm: " + alg);
    }
    Value typ = headerObject.get(new StringValue("typ"));
    boolean jwtType = !(typ instanceof StringValue ts) || ts.value().equals("JWT");
    if (jwtType && !isJson(payload)) {
      throw Args.failure(fn, "type is JWT but payload is not JSON");
    }
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    String signingInput = enc.encodeToString(headers.getBytes(StandardCharsets.UTF_8)) + "."
        + enc.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    byte[] signature = signWith(fn, alg, jwks.get(0), signingInput.getBytes(StandardCharsets.US_ASCII));
    return new StringValue(signingInput + "." + enc.encodeToString(signature));
  }

  private static boolean isJson(String s) {
    try {
      EncodingBuiltins.parseJson("json", s);
      return true;
    } catch (BuiltinException e) {
      return false;
    }
  }

  private static byte[] signWith(String fn, String alg, JWK jwk, byte[] input) {
    try {
      switch (alg.substring(0, 2)) {
        case "HS":
          if (jwk instanceof OctetSequenceKey oct) {
            return hmac(alg, oct.toByteArray(), input);
          }
          break;
        case "RS":
        case "PS":
          if (jwk instanceof RSAKey rsa && rsa.isPrivate()) {
            Signature s;
            if (alg.startsWith("RS")) {
              s = Signature.getInstance(hashOf(alg).replace("-", "") + "withRSA");
            } else {
              s = Signature.getInstance("RSASSA-PSS");
              int hashLength = MessageDigest.getInstance(hashOf(alg)).getDigestLength();
              s.setParameter(new PSSParameterSpec(hashOf(alg), "MGF1", new MGF1ParameterSpec(hashOf(alg)), hashLength, 1));
            }
            s.initSign(rsa.toRSAPrivateKey());
            s.update(input);
            return s.sign();
          }
          break;
        case "ES":
          if (jwk instanceof ECKey ec && ec.isPrivate()) {
            Signature s = Signature.getInstance(hashOf(alg).replace("-", "") + "withECDSAinP1363Format");
            s.initSign(ec.toECPrivateKey());
            s.update(input);
            return s.sign();
          }
          break;
        case "Ed":
          if (jwk instanceof OctetKeyPair okp && okp.isPrivate()) {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(ed25519Private(okp.getDecodedD()));
            s.update(input);
            return s.sign();
          }
          break;
        default:
          break;
      }
    } catch (GeneralSecurityException | com.nimbusds.jose.JOSEException e) {
      throw Args.failure(fn, "failed to sign: " + e.getMessage());
    }
    throw Args.failure(fn, "the key (" + jwk.getKeyType() + ") cannot sign with " + alg);
  }
}
