package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.Value;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** uuid.rfc4122 (random version 4, one per key within an evaluation) and uuid.parse. */
public final class UuidBuiltins {
  private UuidBuiltins() {}

  /** 100ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch. */
  private static final long GREGORIAN_OFFSET = 0x01B21DD213814000L;

  public static void register(BuiltinTable table) {
    table.register(Builtin.nondeterministic("uuid.rfc4122", 1, (ctx, a) -> {
      String key = Args.string("uuid.rfc4122", a, 1);
      return ctx.cached("uuid.rfc4122/" + key, () -> str(UUID.randomUUID().toString()));
    }));
    table.register(Builtin.of("uuid.parse", 1, (ctx, a) -> {
      byte[] b = bytes(Args.string("uuid.parse", a, 1));
      return b == null ? null : describe(b);
    }));
  }

  /** The 16 bytes of a UUID in any form google/uuid accepts; null when invalid. */
  static byte[] bytes(String s) {
    String hex;
    if (s.length() == 36) {
      hex = dashed(s);
    } else if (s.length() == 38 && s.startsWith("{") && s.endsWith("}")) {
      hex = dashed(s.substring(1, 37));
    } else if (s.length() == 45 && s.regionMatches(true, 0, "urn:uuid:", 0, 9)) {
      hex = dashed(s.substring(9));
    } else if (s.length() == 32) {
      hex = s;
    } else {
      return null;
    }
    if (hex == null || hex.length() != 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return null;
    }
    return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
  }

  private static String dashed(String s) {
    if (s.charAt(8) != '-' || s.charAt(13) != '-' || s.charAt(18) != '-' || s.charAt(23) != '-') {
      return null;
    }
    return s.replace("-", "");
  }

  private static Value describe(byte[] b) {
    int version = (b[6] & 0xff) >> 4;
    Map<Value, Value> out = new LinkedHashMap<>();
    out.put(str("version"), NumberValue.of(version));
    out.put(str("variant"), str(variant(b[8] & 0xff)));
    long gregorian100ns = -1;
    if (version == 1 || version == 2) {
      long timeLow = u32(b, 0);
      long timeMid = (b[4] & 0xffL) << 8 | (b[5] & 0xffL);
      long timeHi = ((b[6] & 0x0fL) << 8) | (b[7] & 0xffL);
      gregorian100ns = timeLow | timeMid << 32 | timeHi << 48;
    } else if (version == 6) {
      long high = u32(b, 0);
      long mid = (b[4] & 0xffL) << 8 | (b[5] & 0xffL);
      long low = ((b[6] & 0x0fL) << 8) | (b[7] & 0xffL);
      gregorian100ns = high << 28 | mid << 12 | low;
    }
    if (gregorian100ns >= 0) {
      BigInteger ns = BigInteger.valueOf(gregorian100ns).subtract(BigInteger.valueOf(GREGORIAN_OFFSET))
          .multiply(BigInteger.valueOf(100));
      out.put(str("time"), NumberValue.of(ns));
    } else if (version == 7) {
      long ms = 0;
      for (int i = 0; i < 6; i++) {
        ms = ms << 8 | (b[i] & 0xffL);
      }
      out.put(str("time"), NumberValue.of(BigInteger.valueOf(ms).multiply(BigInteger.valueOf(1_000_000))));
    }
    if (version == 1 || version == 2) {
      out.put(str("clocksequence"), NumberValue.of(((b[8] & 0x3f) << 8) | (b[9] & 0xff)));
      StringBuilder node = new StringBuilder();
      for (int i = 10; i < 16; i++) {
        node.append(i > 10 ? "-" : "").append(String.format("%02x", b[i] & 0xff));
      }
      out.put(str("nodeid"), str(node.toString()));
      int first = b[10] & 0xff;
      out.put(str("macvariables"), str(((first & 0x02) != 0 ? "local" : "global") + ":"
          + ((first & 0x01) != 0 ? "multicast" : "unicast")));
    }
    if (version == 2) {
      int domain = b[9] & 0xff;
      out.put(str("domain"), str(switch (domain) {
        case 0 -> "Person";
        case 1 -> "Group";
        case 2 -> "Org";
        default -> "Domain" + domain;
      }));
      out.put(str("id"), NumberValue.of(u32(b, 0)));
    }
    return ObjectValue.of(out);
  }

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
  }

  /** google/uuid's Variant names. */
  private static String variant(int b8) {
    if ((b8 & 0xc0) == 0x80) {
      return "RFC4122";
    }
    if ((b8 & 0xe0) == 0xc0) {
      return "Microsoft";
    }
    if ((b8 & 0xe0) == 0xe0) {
      return "Future";
    }
    return "Reserved";
  }
}
