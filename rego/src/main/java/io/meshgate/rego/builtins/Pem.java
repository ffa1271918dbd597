package io.meshgate.rego.builtins;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * PEM blocks as Go's encoding/pem reads them (what OPA's crypto and JWT built-ins use), and the key
 * formats found in them.
 */
final class Pem {
  private Pem() {}

  /** One block: its type ({@code CERTIFICATE}), decoded bytes, and the text after its END line. */
  record Block(String type, byte[] bytes, String rest) {}

  /**
   * Go's pem.Decode: the first block at the start of the text or of a line, or null when there is
   * none (a block whose body is not base64 counts as none).
   */
  static Block decode(String data) {
    int start;
    if (data.startsWith("-----BEGIN ")) {
      start = 0;
    } else {
      int i = data.indexOf("\n-----BEGIN ");
      if (i < 0) {
        return null;
      }
      start = i + 1;
    }
    int typeStart = start + "-----BEGIN ".length();
    int lineEnd = data.indexOf('\n', typeStart);
    if (lineEnd < 0) {
      return null;
    }
    String firstLine = data.substring(typeStart, lineEnd).stripTrailing();
    if (!firstLine.endsWith("-----")) {
      return null;
    }
    String type = firstLine.substring(0, firstLine.length() - 5);
    String endMarker = "-----END " + type + "-----";
    int end = data.indexOf(endMarker, lineEnd);
    if (end < 0) {
      return null;
    }
    StringBuilder body = new StringBuilder();
    for (String line : data.substring(lineEnd + 1, end).split("\n", -1)) {
      if (line.contains(":")) {
        continue; // a header line such as Proc-Type: 4,ENCRYPTED
      }
      body.append(line.strip());
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(body.toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
    int after = end + endMarker.length();
    while (after < data.length() && (data.charAt(after) == ' ' || data.charAt(after) == '\t')) {
      after++;
    }
    if (after < data.length() && data.charAt(after) == '\r') {
      after++;
    }
    if (after < data.length() && data.charAt(after) == '\n') {
      after++;
    }
    return new Block(type, bytes, data.substring(after));
  }

  /** A SubjectPublicKeyInfo (PEM {@code PUBLIC KEY}) of an RSA, EC or Ed25519 key. */
  static PublicKey publicKey(byte[] spki) throws java.security.GeneralSecurityException {
    java.security.GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
      } catch (java.security.GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
}
