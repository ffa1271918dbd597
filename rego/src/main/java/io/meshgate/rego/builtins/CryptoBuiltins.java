package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import io.meshgate.rego.value.BoolValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** crypto.md5, crypto.sha1, crypto.sha256, crypto.hmac.md5/sha1/sha256/sha512, crypto.hmac.equal. */
public final class CryptoBuiltins {
  private CryptoBuiltins() {}

  public static void register(BuiltinTable table) {
    digest(table, "crypto.md5", "MD5");
    digest(table, "crypto.sha1", "SHA-1");
    digest(table, "crypto.sha256", "SHA-256");
    hmac(table, "crypto.hmac.md5", "HmacMD5");
    hmac(table, "crypto.hmac.sha1", "HmacSHA1");
    hmac(table, "crypto.hmac.sha256", "HmacSHA256");
    hmac(table, "crypto.hmac.sha512", "HmacSHA512");
    table.register(Builtin.of("crypto.hmac.equal", 2, (ctx, a) -> BoolValue.of(MessageDigest.isEqual(
        Args.string("crypto.hmac.equal", a, 1).getBytes(StandardCharsets.UTF_8),
        Args.string("crypto.hmac.equal", a, 2).getBytes(StandardCharsets.UTF_8)))));
  }

  private static void digest(BuiltinTable table, String name, String algorithm) {
    table.register(Builtin.of(name, 1, (ctx, a) -> {
      try {
        byte[] d = MessageDigest.getInstance(algorithm).digest(Args.string(name, a, 1).getBytes(StandardCharsets.UTF_8));
        return str(HexFormat.of().formatHex(d));
      } catch (NoSuchAlgorithmException e) {
        throw Args.failure(name, "algorithm unavailable: " + algorithm);
      }
    }));
  }

  private static void hmac(BuiltinTable table, String name, String algorithm) {
    table.register(Builtin.of(name, 2, (ctx, a) -> {
      byte[] message = Args.string(name, a, 1).getBytes(StandardCharsets.UTF_8);
      byte[] key = Args.string(name, a, 2).getBytes(StandardCharsets.UTF_8);
      try {
        Mac mac = Mac.getInstance(algorithm);
        // an empty key is legal for HMAC but not for SecretKeySpec; a single zero byte is equivalent
        mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
        return str(HexFormat.of().formatHex(mac.doFinal(message)));
      } catch (java.security.GeneralSecurityException e) {
        throw Args.failure(name, e.getMessage());
      }
    }));
  }
}
