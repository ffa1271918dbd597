package io.meshgate.rego.builtins;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * crypto.x509.parse_certificates, parse_and_verify_certificates(_with_options),
 * parse_certificate_request, parse_keypair, parse_rsa_private_key and crypto.parse_private_keys,
 * following OPA's topdown/crypto.go. Certificates come back in the JSON shape of Go's
 * x509.Certificate (field names as Go's, byte fields base64, times RFC 3339) plus OPA's
 * {@code URIStrings}; ASN.1 is read with Bouncy Castle, chains are verified by the JDK's PKIX.
 */
public final class X509Builtins {
  private X509Builtins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("crypto.x509.parse_certificates", 1, (ctx, a) -> {
      String fn = "crypto.x509.parse_certificates";
      return certificatesJson(certificates(fn, Args.string(fn, a, 1)));
    }));
    table.register(Builtin.of("crypto.x509.parse_and_verify_certificates", 1, (ctx, a) -> {
      String fn = "crypto.x509.parse_and_verify_certificates";
      return parseAndVerify(ctx, fn, Args.string(fn, a, 1), new VerifyOptions());
    }));
    table.register(Builtin.of("crypto.x509.parse_and_verify_certificates_with_options", 2, (ctx, a) -> {
      String fn = "crypto.x509.parse_and_verify_certificates_with_options";
      String input = Args.string(fn, a, 1);
      return parseAndVerify(ctx, fn, input, VerifyOptions.of(fn, Args.object(fn, a, 2)));
    }));
    table.register(Builtin.of("crypto.x509.parse_certificate_request", 1, (ctx, a) -> {
      String fn = "crypto.x509.parse_certificate_request";
      return certificateRequest(fn, Args.string(fn, a, 1));
    }));
    table.register(Builtin.of("crypto.x509.parse_keypair", 2, (ctx, a) -> {
      String fn = "crypto.x509.parse_keypair";
      return keyPair(fn, Args.string(fn, a, 1), Args.string(fn, a, 2));
    }));
    table.register(Builtin.of("crypto.x509.parse_rsa_private_key", 1, (ctx, a) -> {
      String fn = "crypto.x509.parse_rsa_private_key";
      return jwkOfPrivateKey(fn, Args.string(fn, a, 1));
    }));
    table.register(Builtin.of("crypto.parse_private_keys", 1, (ctx, a) -> {
      String fn = "crypto.parse_private_keys";
      String input = Args.string(fn, a, 1);
      if (input.isEmpty()) {
        return NullValue.INSTANCE;
      }
      List<Value> out = new ArrayList<>();
      for (PrivateKey k : privateKeys(fn, input)) {
        out.add(Value.of(goPrivateKey(k)));
      }
      return ArrayValue.of(out);
    }));
  }

  // ---------------------------------------------------------------- reading

  private static byte[] base64(String fn, String s) {
    try {
      return goBase64(s);
    } catch (IllegalArgumentException e) {
      throw Args.failure(fn, "illegal base64 data: " + e.getMessage());
    }
  }

  /** Go's base64.StdEncoding: padding is required (Java's decoder would accept its absence). */
  private static byte[] goBase64(String s) {
    String clean = s.replace("\r", "").replace("\n", "");
    if (clean.length() % 4 != 0) {
      throw new IllegalArgumentException("at input byte " + (clean.length() / 4 * 4));
    }
    return Base64.getDecoder().decode(clean);
  }

  /** OPA's getX509CertsFromString: PEM, or base64 of PEM or of DER certificates. */
  private static List<X509Certificate> certificates(String fn, String input) {
    byte[] der;
    if (input.startsWith("-----BEGIN")) {
      der = pemCertificates(fn, input);
    } else {
      byte[] decoded = base64(fn, input);
      String text = new String(decoded, StandardCharsets.ISO_8859_1);
      der = text.startsWith("-----BEGIN") ? pemCertificates(fn, text) : decoded;
    }
    return parseDer(fn, der);
  }

  private static byte[] pemCertificates(String fn, String text) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    String rest = text;
    while (!rest.isEmpty()) {
      Pem.Block b = Pem.decode(rest);
      if (b == null) {
        break;
      }
      if (!b.type().equals("CERTIFICATE")) {
        throw Args.failure(fn, "PEM block type is '" + b.type() + "', expected CERTIFICATE");
      }
      out.writeBytes(b.bytes());
      rest = b.rest();
    }
    return out.toByteArray();
  }

  private static List<X509Certificate> parseDer(String fn, byte[] der) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(der))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty() && der.length > 0) {
        throw Args.failure(fn, "x509: malformed certificate");
      }
      return out;
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof BuiltinException be) {
        throw be;
      }
      throw Args.failure(fn, "x509: malformed certificate");
    }
  }

  // ---------------------------------------------------------------- verification

  /** What Go's x509.VerifyOptions carries for OPA: DNSName, CurrentTime, KeyUsages. */
  private static final class VerifyOptions {
    String dnsName = "";
    Date currentTime;
    List<String> keyUsages = new ArrayList<>();

    private static final Map<String, String> USAGES = Map.ofEntries(
        Map.entry("KeyUsageAny", "2.5.29.37.0"),
        Map.entry("KeyUsageServerAuth", "1.3.6.1.5.5.7.3.1"),
        Map.entry("KeyUsageClientAuth", "1.3.6.1.5.5.7.3.2"),
        Map.entry("KeyUsageCodeSigning", "1.3.6.1.5.5.7.3.3"),
        Map.entry("KeyUsageEmailProtection", "1.3.6.1.5.5.7.3.4"),
        Map.entry("KeyUsageIPSECEndSystem", "1.3.6.1.5.5.7.3.5"),
        Map.entry("KeyUsageIPSECTunnel", "1.3.6.1.5.5.7.3.6"),
        Map.entry("KeyUsageIPSECUser", "1.3.6.1.5.5.7.3.7"),
        Map.entry("KeyUsageTimeStamping", "1.3.6.1.5.5.7.3.8"),
        Map.entry("KeyUsageOCSPSigning", "1.3.6.1.5.5.7.3.9"),
        Map.entry("KeyUsageMicrosoftServerGatedCrypto", "1.3.6.1.4.1.311.10.3.3"),
        Map.entry("KeyUsageNetscapeServerGatedCrypto", "2.16.840.1.113730.4.1"),
        Map.entry("KeyUsageMicrosoftCommercialCodeSigning", "1.3.6.1.4.1.311.2.1.22"),
        Map.entry("KeyUsageMicrosoftKernelCodeSigning", "1.3.6.1.4.1.311.61.1.1"));

    static VerifyOptions of(String fn, ObjectValue options) {
      VerifyOptions o = new VerifyOptions();
      for (Map.Entry<Value, Value> e : options.entries().entrySet()) {
        if (!(e.getKey() instanceof StringValue k)) {
          continue;
        }
        Value v = e.getValue();
        switch (k.value()) {
          case "DNSName" -> {
            if (!(v instanceof StringValue s)) {
              throw Args.failure(fn, "'DNSName' should be a string");
            }
            o.dnsName = s.value();
          }
          case "CurrentTime" -> {
            if (!(v instanceof NumberValue n)) {
              throw Args.failure(fn, "'CurrentTime' should be a number");
            }
            BigInteger ns = n.asBigInteger().filter(b -> b.bitLength() < 64).orElseThrow(
                () -> Args.failure(fn, "'CurrentTime' should be a valid int64 number"));
            o.currentTime = new Date(ns.divide(BigInteger.valueOf(1_000_000)).longValue());
          }
          case "MaxConstraintComparisons" -> {
            if (!(v instanceof NumberValue)) {
              throw Args.failure(fn, "'MaxConstraintComparisons' should be a number");
            }
          }
          case "KeyUsages" -> {
            List<Value> items;
            if (v instanceof ArrayValue arr) {
              items = arr.elements();
            } else if (v instanceof io.meshgate.rego.value.SetValue set) {
              items = new ArrayList<>(set.elements());
            } else {
              throw Args.failure(fn, "'KeyUsages' should be an Array or Set");
            }
            List<String> invalid = new ArrayList<>();
            for (Value u : items) {
              if (u instanceof StringValue s) {
                String oid = USAGES.get(s.value());
                if (oid == null) {
                  invalid.add(s.value());
                } else {
                  o.keyUsages.add(oid);
                }
              }
            }
            if (!invalid.isEmpty()) {
              throw Args.failure(fn, "invalid entries for 'KeyUsages' found: [" + String.join(" ", invalid) + "]");
            }
          }
          default -> throw Args.failure(fn, "invalid key option");
        }
      }
      return o;
    }
  }

  private static final Value NOT_VERIFIED = ArrayValue.of(List.of(BoolValue.FALSE, ArrayValue.EMPTY));

  /** The first certificate is the root, the last the leaf, the others intermediates (OPA's order). */
  private static Value parseAndVerify(BuiltinContext ctx, String fn, String input, VerifyOptions options) {
    List<X509Certificate> certs;
    try {
      certs = certificates(fn, input);
    } catch (BuiltinException e) {
      return NOT_VERIFIED;
    }
    if (certs.size() < 2) {
      return NOT_VERIFIED;
    }
    // Valid now (OPA: time.Now()), asked of the evaluation's clock: one evaluation, one "now".
    Date at = options.currentTime != null ? options.currentTime : new Date(ctx.nowNanos() / 1_000_000);
    List<X509Certificate> chain = verifiedChain(certs, options, at);
    return chain == null ? NOT_VERIFIED : ArrayValue.of(List.of(BoolValue.TRUE, certificatesJson(chain)));
  }

  private static List<X509Certificate> verifiedChain(List<X509Certificate> certs, VerifyOptions options, Date at) {
    X509Certificate root = certs.get(0);
    X509Certificate leaf = certs.get(certs.size() - 1);
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params = new PKIXBuilderParameters(java.util.Set.of(new TrustAnchor(root, null)), target);
      params.setRevocationEnabled(false);
      params.setDate(at);
      params.addCertStore(CertStore.getInstance("Collection",
          new CollectionCertStoreParameters(certs.subList(1, certs.size()))));
      PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
      CertPath path = result.getCertPath();
      List<X509Certificate> chain = new ArrayList<>();
      for (java.security.cert.Certificate c : path.getCertificates()) {
        chain.add((X509Certificate) c);
      }
      chain.add(root);
      if (!options.dnsName.isEmpty() && !matchesHost(leaf, options.dnsName)) {
        return null;
      }
      // Go checks extended key usages along the chain; server authentication when none is asked for
      List<String> usages = options.keyUsages.isEmpty() ? List.of("1.3.6.1.5.5.7.3.1") : options.keyUsages;
      if (!usages.contains("2.5.29.37.0")) {
        for (X509Certificate c : chain) {
          List<String> eku = c.getExtendedKeyUsage();
          if (eku != null && !eku.contains("2.5.29.37.0") && usages.stream().noneMatch(eku::contains)) {
            return null;
          }
        }
      }
      return chain;
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static boolean matchesHost(X509Certificate leaf, String host) {
    String h = host.toLowerCase();
    for (String name : sanStrings(leaf, GeneralName.dNSName)) {
      String n = name.toLowerCase();
      if (n.equals(h) || (n.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(n.substring(1)))) {
        return true;
      }
    }
    return sanStrings(leaf, GeneralName.iPAddress).contains(host);
  }

  // ---------------------------------------------------------------- certificates as Go's JSON

  private static ArrayValue certificatesJson(List<X509Certificate> certs) {
    List<Value> out = new ArrayList<>();
    for (X509Certificate c : certs) {
      out.add(certificateJson(c));
    }
    return ArrayValue.of(out);
  }

  private static Value certificateJson(X509Certificate c) {
    Map<String, Object> m = new LinkedHashMap<>();
    try {
      org.bouncycastle.asn1.x509.Certificate asn1 = org.bouncycastle.asn1.x509.Certificate.getInstance(c.getEncoded());
      m.put("Raw", b64(c.getEncoded()));
      m.put("RawTBSCertificate", b64(c.getTBSCertificate()));
      m.put("RawSubjectPublicKeyInfo", b64(c.getPublicKey().getEncoded()));
      m.put("RawSubject", b64(asn1.getSubject().getEncoded()));
      m.put("RawIssuer", b64(asn1.getIssuer().getEncoded()));
      m.put("Signature", b64(c.getSignature()));
      m.put("SignatureAlgorithm", signatureAlgorithm(c.getSigAlgOID()));
      m.put("PublicKeyAlgorithm", publicKeyAlgorithm(c.getPublicKey()));
      m.put("PublicKey", goPublicKey(c.getPublicKey()));
      m.put("Version", c.getVersion());
      m.put("SerialNumber", NumberValue.of(c.getSerialNumber()));
      m.put("Issuer", name(asn1.getIssuer()));
      m.put("Subject", name(asn1.getSubject()));
      m.put("NotBefore", rfc3339(c.getNotBefore()));
      m.put("NotAfter", rfc3339(c.getNotAfter()));
      m.put("KeyUsage", keyUsage(c.getKeyUsage()));
      Extensions exts = asn1.getTBSCertificate().getExtensions();
      m.put("Extensions", extensions(exts));
      m.put("ExtraExtensions", null);
      m.put("UnhandledCriticalExtensions", null);
      m.put("ExtKeyUsage", extKeyUsage(c.getExtendedKeyUsage()));
      m.put("UnknownExtKeyUsage", null);
      int basic = c.getBasicConstraints();
      boolean basicValid = exts != null && exts.getExtension(Extension.basicConstraints) != null;
      m.put("BasicConstraintsValid", basicValid);
      m.put("IsCA", basic >= 0);
      m.put("MaxPathLen", !basicValid ? 0 : basic == Integer.MAX_VALUE || basic < 0 ? -1 : basic);
      m.put("MaxPathLenZero", basicValid && basic == 0);
      m.put("SubjectKeyId", extensionOctets(exts, Extension.subjectKeyIdentifier, true));
      m.put("AuthorityKeyId", extensionOctets(exts, Extension.authorityKeyIdentifier, false));
      m.put("OCSPServer", null);
      m.put("IssuingCertificateURL", null);
      m.put("DNSNames", nullIfEmpty(sanStrings(c, GeneralName.dNSName)));
      m.put("EmailAddresses", nullIfEmpty(sanStrings(c, GeneralName.rfc822Name)));
      m.put("IPAddresses", nullIfEmpty(sanStrings(c, GeneralName.iPAddress)));
      List<String> uris = sanStrings(c, GeneralName.uniformResourceIdentifier);
      m.put("URIs", uris.isEmpty() ? null : uris.stream().map(X509Builtins::goUrl).toList());
      m.put("PermittedDNSDomainsCritical", false);
      m.put("PermittedDNSDomains", null);
      m.put("ExcludedDNSDomains", null);
      m.put("PermittedIPRanges", null);
      m.put("ExcludedIPRanges", null);
      m.put("PermittedEmailAddresses", null);
      m.put("ExcludedEmailAddresses", null);
      m.put("PermittedURIDomains", null);
      m.put("ExcludedURIDomains", null);
      m.put("CRLDistributionPoints", null);
      m.put("PolicyIdentifiers", null);
      m.put("Policies", null);
      m.put("URIStrings", uris.isEmpty() ? null : uris);
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw Args.failure("crypto.x509.parse_certificates", e.getMessage());
    }
    return Value.of(m);
  }

  private static String b64(byte[] b) { return b == null ? null : Base64.getEncoder().encodeToString(b); }

  private static String rfc3339(Date d) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(d.getTime()));
  }

  private static <T> List<T> nullIfEmpty(List<T> l) { return l.isEmpty() ? null : l; }

  /** Go's x509.SignatureAlgorithm numbering. */
  private static int signatureAlgorithm(String oid) {
    return switch (oid) {
      case "1.2.840.113549.1.1.2" -> 1;
      case "1.2.840.113549.1.1.4" -> 2;
      case "1.2.840.113549.1.1.5" -> 3;
      case "1.2.840.113549.1.1.11" -> 4;
      case "1.2.840.113549.1.1.12" -> 5;
      case "1.2.840.113549.1.1.13" -> 6;
      case "1.2.840.10040.4.3" -> 7;
      case "2.16.840.1.101.3.4.3.2" -> 8;
      case "1.2.840.10045.4.1" -> 9;
      case "1.2.840.10045.4.3.2" -> 10;
      case "1.2.840.10045.4.3.3" -> 11;
      case "1.2.840.10045.4.3.4" -> 12;
      case "1.2.840.113549.1.1.10" -> 13;
      case "1.3.101.112" -> 16;
      default -> 0;
    };
  }

  /** Go's x509.PublicKeyAlgorithm numbering. */
  private static int publicKeyAlgorithm(PublicKey k) {
    return switch (k.getAlgorithm()) {
      case "RSA" -> 1;
      case "DSA" -> 2;
      case "EC" -> 3;
      case "Ed25519", "EdDSA" -> 4;
      default -> 0;
    };
  }

  /** A public key as Go's json.Marshal writes *rsa.PublicKey / *ecdsa.PublicKey / ed25519.PublicKey. */
  private static Object goPublicKey(PublicKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (k instanceof RSAPublicKey rsa) {
      m.put("N", NumberValue.of(rsa.getModulus()));
      m.put("E", NumberValue.of(rsa.getPublicExponent()));
      return m;
    }
    if (k instanceof ECPublicKey ec) {
      m.put("Curve", Map.of());
      m.put("X", NumberValue.of(ec.getW().getAffineX()));
      m.put("Y", NumberValue.of(ec.getW().getAffineY()));
      return m;
    }
    byte[] spki = k.getEncoded();
    return b64(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length));
  }

  private static Object goPrivateKey(PrivateKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (k instanceof RSAPrivateCrtKey rsa) {
      m.put("N", NumberValue.of(rsa.getModulus()));
      m.put("E", NumberValue.of(rsa.getPublicExponent()));
      m.put("D", NumberValue.of(rsa.getPrivateExponent()));
      m.put("Primes", List.of(NumberValue.of(rsa.getPrimeP()), NumberValue.of(rsa.getPrimeQ())));
      Map<String, Object> pre = new LinkedHashMap<>();
      pre.put("Dp", NumberValue.of(rsa.getPrimeExponentP()));
      pre.put("Dq", NumberValue.of(rsa.getPrimeExponentQ()));
      pre.put("Qinv", NumberValue.of(rsa.getCrtCoefficient()));
      pre.put("CRTValues", List.of());
      m.put("Precomputed", pre);
      return m;
    }
    if (k instanceof ECPrivateKey ec) {
      m.put("Curve", Map.of());
      m.put("D", NumberValue.of(ec.getS()));
      return m;
    }
    byte[] pkcs8 = k.getEncoded();
    return b64(java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
  }

  private static final Map<String, String> NAME_FIELDS = Map.of(
      "2.5.4.6", "Country", "2.5.4.10", "Organization", "2.5.4.11", "OrganizationalUnit",
      "2.5.4.7", "Locality", "2.5.4.8", "Province", "2.5.4.9", "StreetAddress", "2.5.4.17", "PostalCode");

  /** Go's pkix.Name. */
  private static Map<String, Object> name(X500Name n) {
    Map<String, List<String>> multi = new LinkedHashMap<>();
    for (String f : List.of("Country", "Organization", "OrganizationalUnit", "Locality", "Province", "StreetAddress",
        "PostalCode")) {
      multi.put(f, new ArrayList<>());
    }
    String serial = "";
    String cn = "";
    List<Object> names = new ArrayList<>();
    for (RDN rdn : n.getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        String oid = atv.getType().getId();
        String value = atv.getValue() instanceof ASN1String s ? s.getString() : atv.getValue().toString();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("Type", oidArray(atv.getType()));
        entry.put("Value", value);
        names.add(entry);
        if (NAME_FIELDS.containsKey(oid)) {
          multi.get(NAME_FIELDS.get(oid)).add(value);
        } else if (oid.equals("2.5.4.3")) {
          cn = value;
        } else if (oid.equals("2.5.4.5")) {
          serial = value;
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    multi.forEach((k, v) -> m.put(k, nullIfEmpty(v)));
    m.put("SerialNumber", serial);
    m.put("CommonName", cn);
    m.put("Names", names);
    m.put("ExtraNames", null);
    return m;
  }

  private static List<Integer> oidArray(ASN1ObjectIdentifier oid) {
    List<Integer> out = new ArrayList<>();
    for (String part : oid.getId().split("\\.")) {
      out.add(Integer.parseInt(part));
    }
    return out;
  }

  private static int keyUsage(boolean[] bits) {
    int v = 0;
    if (bits != null) {
      for (int i = 0; i < bits.length && i < 9; i++) {
        if (bits[i]) {
          v |= 1 << i;
        }
      }
    }
    return v;
  }

  private static final List<String> EXT_KEY_USAGES = List.of("2.5.29.37.0", "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2",
      "1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.5", "1.3.6.1.5.5.7.3.6", "1.3.6.1.5.5.7.3.7",
      "1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9", "1.3.6.1.4.1.311.10.3.3", "2.16.840.1.113730.4.1",
      "1.3.6.1.4.1.311.2.1.22", "1.3.6.1.4.1.311.61.1.1");

  private static List<Integer> extKeyUsage(List<String> oids) {
    if (oids == null) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    for (String o : oids) {
      int i = EXT_KEY_USAGES.indexOf(o);
      if (i >= 0) {
        out.add(i);
      }
    }
    return nullIfEmpty(out);
  }

  private static List<Object> extensions(Extensions exts) {
    if (exts == null) {
      return null;
    }
    List<Object> out = new ArrayList<>();
    for (ASN1ObjectIdentifier oid : exts.getExtensionOIDs()) {
      Extension e = exts.getExtension(oid);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Id", oidArray(oid));
      m.put("Critical", e.isCritical());
      m.put("Value", b64(e.getExtnValue().getOctets()));
      out.add(m);
    }
    return out;
  }

  /** The key identifier of the SubjectKeyIdentifier / AuthorityKeyIdentifier extension. */
  private static String extensionOctets(Extensions exts, ASN1ObjectIdentifier oid, boolean subject) {
    if (exts == null || exts.getExtension(oid) == null) {
      return null;
    }
    ASN1Encodable parsed = exts.getExtension(oid).getParsedValue();
    if (subject) {
      return b64(org.bouncycastle.asn1.x509.SubjectKeyIdentifier.getInstance(parsed).getKeyIdentifier());
    }
    return b64(org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(parsed).getKeyIdentifier());
  }

  private static List<String> sanStrings(X509Certificate c, int tag) {
    try {
      byte[] ext = c.getExtensionValue(Extension.subjectAlternativeName.getId());
      return ext == null ? List.of() : generalNames(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets(), tag);
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static List<String> generalNames(byte[] der, int tag) {
    List<String> out = new ArrayList<>();
    for (GeneralName g : GeneralNames.getInstance(der).getNames()) {
      if (g.getTagNo() != tag) {
        continue;
      }
      if (tag == GeneralName.iPAddress) {
        try {
          out.add(java.net.InetAddress.getByAddress(
              org.bouncycastle.asn1.ASN1OctetString.getInstance(g.getName()).getOctets()).getHostAddress());
        } catch (java.net.UnknownHostException e) {
          // not an address: left out, as Go does
        }
      } else {
        out.add(((ASN1String) g.getName()).getString());
      }
    }
    return out;
  }

  /** A url.URL as Go's json.Marshal writes it. */
  private static Map<String, Object> goUrl(String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    URI u;
    try {
      u = new URI(text);
    } catch (java.net.URISyntaxException e) {
      u = null;
    }
    m.put("Scheme", u == null || u.getScheme() == null ? "" : u.getScheme());
    m.put("Opaque", u != null && u.isOpaque() ? u.getRawSchemeSpecificPart() : "");
    m.put("User", null);
    m.put("Host", u == null || u.getRawAuthority() == null ? "" : u.getRawAuthority());
    m.put("Path", u == null || u.getPath() == null ? "" : u.getPath());
    m.put("RawPath", "");
    m.put("OmitHost", false);
    m.put("ForceQuery", false);
    m.put("RawQuery", u == null || u.getRawQuery() == null ? "" : u.getRawQuery());
    m.put("Fragment", u == null || u.getFragment() == null ? "" : u.getFragment());
    m.put("RawFragment", "");
    return m;
  }

  // ---------------------------------------------------------------- requests, keys, key pairs

  private static Value certificateRequest(String fn, String input) {
    byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    if (!input.startsWith("-----BEGIN CERTIFICATE REQUEST-----")) {
      bytes = base64(fn, input);
    }
    Pem.Block block = Pem.decode(new String(bytes, StandardCharsets.ISO_8859_1));
    if (block != null && !block.type().equals("CERTIFICATE REQUEST")) {
      throw Args.failure(fn, "invalid PEM-encoded certificate signing request");
    }
    if (block != null) {
      bytes = block.bytes();
    }
    try {
      CertificationRequest csr = CertificationRequest.getInstance(ASN1Primitive.fromByteArray(bytes));
      CertificationRequestInfo info = csr.getCertificationRequestInfo();
      byte[] spki = info.getSubjectPublicKeyInfo().getEncoded();
      PublicKey key = Pem.publicKey(spki);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Raw", b64(csr.getEncoded()));
      m.put("RawTBSCertificateRequest", b64(info.getEncoded()));
      m.put("RawSubjectPublicKeyInfo", b64(spki));
      m.put("RawSubject", b64(info.getSubject().getEncoded()));
      m.put("Version", info.getVersion().intValueExact());
      m.put("Signature", b64(csr.getSignature().getOctets()));
      m.put("SignatureAlgorithm", signatureAlgorithm(csr.getSignatureAlgorithm().getAlgorithm().getId()));
      m.put("PublicKeyAlgorithm", publicKeyAlgorithm(key));
      m.put("PublicKey", goPublicKey(key));
      m.put("Subject", name(info.getSubject()));
      m.put("Attributes", null);
      m.put("Extensions", null);
      m.put("ExtraExtensions", null);
      m.put("DNSNames", null);
      m.put("EmailAddresses", null);
      m.put("IPAddresses", null);
      m.put("URIs", null);
      return Value.of(m);
    } catch (java.io.IOException | GeneralSecurityException | RuntimeException e) {
      throw Args.failure(fn, "x509: malformed certificate request");
    }
  }

  /** OPA's getPrivateKeysFromPEMData: RSA (PKCS #1), PKCS #8 and EC private keys, in order. */
  private static List<PrivateKey> privateKeys(String fn, String input) {
    String text = input;
    try {
      text = new String(goBase64(input), StandardCharsets.ISO_8859_1);
    } catch (IllegalArgumentException e) {
      // not base64: PEM text as it is
    }
    List<PrivateKey> out = new ArrayList<>();
    String rest = text;
    while (!rest.isEmpty()) {
      Pem.Block b = Pem.decode(rest);
      if (b == null) {
        break;
      }
      rest = b.rest();
      try {
        switch (b.type()) {
          case "RSA PRIVATE KEY" -> out.add(rsaPrivateKey(b.bytes()));
          case "PRIVATE KEY" -> out.add(pkcs8PrivateKey(b.bytes()));
          case "EC PRIVATE KEY" -> out.add(ecPrivateKey(b.bytes()));
          default -> { }
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        throw Args.failure(fn, "x509: failed to parse private key: " + e.getMessage());
      }
    }
    return out;
  }

  private static PrivateKey rsaPrivateKey(byte[] pkcs1) throws GeneralSecurityException {
    org.bouncycastle.asn1.pkcs.RSAPrivateKey k = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(pkcs1);
    return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(), k.getPublicExponent(),
        k.getPrivateExponent(), k.getPrime1(), k.getPrime2(), k.getExponent1(), k.getExponent2(), k.getCoefficient()));
  }

  private static PrivateKey pkcs8PrivateKey(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  private static PrivateKey ecPrivateKey(byte[] sec1) throws GeneralSecurityException {
    org.bouncycastle.asn1.sec.ECPrivateKey k = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sec1);
    org.bouncycastle.asn1.x509.AlgorithmIdentifier alg = new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
        org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey, k.getParametersObject());
    try {
      byte[] pkcs8 = new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(alg, k).getEncoded();
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** crypto.x509.parse_rsa_private_key: the first private key of the PEM data, as a JWK. */
  private static Value jwkOfPrivateKey(String fn, String input) {
    if (input.isEmpty()) {
      throw Args.failure(fn, "input PEM data was empty");
    }
    String pem = input;
    if (!input.startsWith("-----BEGIN")) {
      pem = new String(base64(fn, input), StandardCharsets.ISO_8859_1);
    }
    List<PrivateKey> keys = privateKeys(fn, pem);
    if (keys.isEmpty()) {
      return NullValue.INSTANCE;
    }
    PrivateKey k = keys.get(0);
    Map<String, Object> json;
    try {
      if (k instanceof RSAPrivateCrtKey rsa) {
        RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
            new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        json = new RSAKey.Builder(pub).privateKey(rsa).build().toJSONObject();
      } else if (k instanceof ECPrivateKey ec) {
        throw Args.failure(fn, "EC private keys are not supported here");
      } else {
        throw Args.failure(fn, "unsupported private key type " + k.getAlgorithm());
      }
    } catch (GeneralSecurityException e) {
      throw Args.failure(fn, e.getMessage());
    }
    return Value.of(json);
  }

  private static Value keyPair(String fn, String certificate, String key) {
    String certText = certificate.startsWith("-----BEGIN ") ? certificate
        : new String(base64(fn, certificate), StandardCharsets.ISO_8859_1);
    String keyText = key.startsWith("-----BEGIN ") ? key : new String(base64(fn, key), StandardCharsets.ISO_8859_1);
    List<X509Certificate> certs = certText.startsWith("-----BEGIN")
        ? parseDer(fn, pemCertificates(fn, certText))
        : parseDer(fn, certText.getBytes(StandardCharsets.ISO_8859_1));
    if (certs.isEmpty()) {
      throw Args.failure(fn, "tls: failed to find any PEM data in certificate input");
    }
    List<PrivateKey> keys = keyText.startsWith("-----BEGIN") ? privateKeys(fn, keyText) : List.of(pkcs8(fn, keyText));
    if (keys.isEmpty()) {
      throw Args.failure(fn, "tls: failed to find any PEM data in key input");
    }
    if (!matches(certs.get(0).getPublicKey(), keys.get(0))) {
      throw Args.failure(fn, "tls: private key does not match public key");
    }
    List<Value> ders = new ArrayList<>();
    try {
      for (X509Certificate c : certs) {
        ders.add(new StringValue(b64(c.getEncoded())));
      }
    } catch (GeneralSecurityException e) {
      throw Args.failure(fn, e.getMessage());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Certificate", ders);
    m.put("PrivateKey", goPrivateKey(keys.get(0)));
    m.put("SupportedSignatureAlgorithms", null);
    m.put("OCSPStaple", null);
    m.put("SignedCertificateTimestamps", null);
    m.put("Leaf", certificateJson(certs.get(0)));
    return Value.of(m);
  }

  private static PrivateKey pkcs8(String fn, String der) {
    try {
      return pkcs8PrivateKey(der.getBytes(StandardCharsets.ISO_8859_1));
    } catch (GeneralSecurityException e) {
      throw Args.failure(fn, "tls: failed to parse private key");
    }
  }

  private static boolean matches(PublicKey pub, PrivateKey priv) {
    if (pub instanceof RSAPublicKey rp && priv instanceof RSAPrivateCrtKey rk) {
      return rp.getModulus().equals(rk.getModulus());
    }
    if (pub instanceof ECPublicKey && priv instanceof ECPrivateKey) {
      try {
        ECKey.Builder b = new ECKey.Builder(com.nimbusds.jose.jwk.Curve.forECParameterSpec(((ECPublicKey) pub).getParams()),
            (ECPublicKey) pub);
        return b.privateKey((ECPrivateKey) priv).build() != null;
      } catch (RuntimeException e) {
        return false;
      }
    }
    return pub.getAlgorithm().equals(priv.getAlgorithm());
  }
}
