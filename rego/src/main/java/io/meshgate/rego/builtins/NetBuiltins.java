package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * net.cidr_contains, net.cidr_intersects, net.cidr_is_valid, net.cidr_expand, net.cidr_merge,
 * net.cidr_contains_matches. Addresses are parsed as literals only (never resolved through DNS).
 */
public final class NetBuiltins {
  private NetBuiltins() {}

  /** net.cidr_expand refuses to build sets larger than this. */
  static final int MAX_EXPAND = 1 << 20;

  /** An address range: bits 32 or 128, [first, last] inclusive, prefix length. */
  record Net(int bits, BigInteger first, BigInteger last, int prefix) {
    boolean contains(Net other) {
      return bits == other.bits && first.compareTo(other.first) <= 0 && last.compareTo(other.last) >= 0;
    }
  }

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("net.cidr_contains", 2, (ctx, a) -> {
      Net cidr = cidr("net.cidr_contains", Args.string("net.cidr_contains", a, 1));
      String other = Args.string("net.cidr_contains", a, 2);
      return BoolValue.of(cidr.contains(ipOrCidr("net.cidr_contains", other)));
    }));
    table.register(Builtin.of("net.cidr_intersects", 2, (ctx, a) -> {
      Net x = cidr("net.cidr_intersects", Args.string("net.cidr_intersects", a, 1));
      Net y = cidr("net.cidr_intersects", Args.string("net.cidr_intersects", a, 2));
      return BoolValue.of(x.bits == y.bits && x.first.compareTo(y.last) <= 0 && y.first.compareTo(x.last) <= 0);
    }));
    table.register(Builtin.of("net.cidr_is_valid", 1, (ctx, a) -> {
      if (!(a.get(0) instanceof StringValue s)) {
        return BoolValue.FALSE;
      }
      try {
        cidr("net.cidr_is_valid", s.value());
        return BoolValue.TRUE;
      } catch (BuiltinException e) {
        return BoolValue.FALSE;
      }
    }));
    table.register(Builtin.of("net.cidr_expand", 1, (ctx, a) -> {
      Net n = cidr("net.cidr_expand", Args.string("net.cidr_expand", a, 1));
      BigInteger size = n.last.subtract(n.first).add(BigInteger.ONE);
      if (size.compareTo(BigInteger.valueOf(MAX_EXPAND)) > 0) {
        throw Args.failure("net.cidr_expand", "CIDR too large to expand: more than " + MAX_EXPAND + " addresses");
      }
      List<Value> out = new ArrayList<>();
      for (BigInteger i = n.first; i.compareTo(n.last) <= 0; i = i.add(BigInteger.ONE)) {
        out.add(str(format(i, n.bits)));
      }
      return SetValue.of(out);
    }));
    table.register(Builtin.of("net.cidr_merge", 1, (ctx, a) -> {
      Value addrs = a.get(0);
      if (!(addrs instanceof ArrayValue) && !(addrs instanceof SetValue)) {
        throw Args.failure("net.cidr_merge", "operand must be an array");
      }
      List<Block> v4 = new ArrayList<>();
      List<Block> v6 = new ArrayList<>();
      for (Value v : Args.collection("net.cidr_merge", a, 1)) {
        if (!(v instanceof StringValue s)) {
          throw Args.failure("net.cidr_merge", "element must be string");
        }
        Block b = block(s.value());
        (b.bits == 32 ? v4 : v6).add(b);
      }
      List<Value> out = new ArrayList<>();
      merge(v4, out);
      merge(v6, out);
      return SetValue.of(out);
    }));
    table.register(Builtin.of("net.cidr_contains_matches", 2, (ctx, a) -> {
      List<Map.Entry<Value, String>> cidrs = keyed("net.cidr_contains_matches", a, 1);
      List<Map.Entry<Value, String>> others = keyed("net.cidr_contains_matches", a, 2);
      List<Value> out = new ArrayList<>();
      for (Map.Entry<Value, String> c : cidrs) {
        Net outer = cidr("net.cidr_contains_matches", c.getValue());
        for (Map.Entry<Value, String> o : others) {
          Net inner = ipOrCidr("net.cidr_contains_matches", o.getValue());
          if (outer.contains(inner)) {
            out.add(ArrayValue.of(c.getKey(), o.getKey()));
          }
        }
      }
      return SetValue.of(out);
    }));
  }

  /** Operands of cidr_contains_matches: a string, or a collection of strings / [string, ...] tuples, with keys. */
  private static List<Map.Entry<Value, String>> keyed(String fn, List<Value> a, int pos) {
    Value v = a.get(pos - 1);
    List<Map.Entry<Value, String>> out = new ArrayList<>();
    if (v instanceof StringValue s) {
      out.add(Map.entry(s, s.value()));
      return out;
    }
    List<Map.Entry<Value, Value>> items = new ArrayList<>();
    if (v instanceof ArrayValue arr) {
      for (int i = 0; i < arr.size(); i++) {
        items.add(Map.entry(NumberValue.of(i), arr.get(i)));
      }
    } else if (v instanceof SetValue set) {
      set.forEach(e -> items.add(Map.entry(e, e)));
    } else if (v instanceof ObjectValue obj) {
      items.addAll(obj.entries().entrySet());
    } else {
      throw Args.type(fn, pos, v, "string", "array", "set", "object");
    }
    for (Map.Entry<Value, Value> item : items) {
      Value e = item.getValue();
      if (e instanceof StringValue s) {
        out.add(Map.entry(item.getKey(), s.value()));
      } else if (e instanceof ArrayValue tuple && tuple.size() > 0 && tuple.get(0) instanceof StringValue s) {
        // a tuple is matched by its first element, e.g. ["10.0.0.0/8", "office"]
        out.add(Map.entry(item.getKey(), s.value()));
      } else {
        throw Args.failure(fn, "operand " + pos + ": element must be string or non-empty array");
      }
    }
    return out;
  }

  /** An input of net.cidr_merge: its range, and how to print it if nothing merges with it. */
  private record Block(int bits, BigInteger first, BigInteger last, String label) {}

  /**
   * As OPA: a bare IPv4 address gets its classful default mask (10.0.0.1 is 10.0.0.1/8), a bare
   * IPv6 address is an error, CIDRs are normalised to their network address.
   */
  private static Block block(String text) {
    String fn = "net.cidr_merge";
    if (text.contains("/")) {
      Net n = cidr(fn, text);
      return new Block(n.bits, n.first, n.last, format(n.first, n.bits) + "/" + n.prefix);
    }
    Net ip = ip(fn, text);
    if (ip.bits == 128) {
      throw Args.failure(fn, "IPv6 invalid: needs prefix length");
    }
    int firstOctet = ip.first.shiftRight(24).intValue();
    int prefix = firstOctet < 0x80 ? 8 : firstOctet < 0xC0 ? 16 : firstOctet < 0xE0 ? 24 : 32;
    BigInteger hostMask = BigInteger.ONE.shiftLeft(32 - prefix).subtract(BigInteger.ONE);
    BigInteger first = ip.first.andNot(hostMask);
    return new Block(32, first, first.or(hostMask), text + "/" + prefix);
  }

  /** OPA's mergeCIDRs: sort by last then first address, fold overlapping or adjacent ranges. */
  private static void merge(List<Block> blocks, List<Value> out) {
    List<Block> ranges = new ArrayList<>(blocks);
    ranges.sort(Comparator.comparing(Block::last).thenComparing(Block::first));
    for (int i = ranges.size() - 1; i > 0; i--) {
      Block cur = ranges.get(i);
      Block prev = ranges.get(i - 1);
      BigInteger before = cur.first.signum() == 0 ? cur.first : cur.first.subtract(BigInteger.ONE);
      if (before.compareTo(prev.last) <= 0) {
        ranges.set(i - 1, new Block(cur.bits, prev.first.min(cur.first), cur.last, null));
        ranges.remove(i);
      }
    }
    for (Block r : ranges) {
      if (r.label != null) {
        out.add(str(r.label));
        continue;
      }
      BigInteger cur = r.first;
      while (cur.compareTo(r.last) <= 0) {
        // the largest aligned block starting at cur that stays within the range
        int size = cur.signum() == 0 ? r.bits : Math.min(r.bits, cur.getLowestSetBit());
        while (size > 0 && cur.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(r.last) > 0) {
          size--;
        }
        out.add(str(format(cur, r.bits) + "/" + (r.bits - size)));
        cur = cur.add(BigInteger.ONE.shiftLeft(size));
      }
    }
  }

  /** An IP address, else a CIDR, as OPA's net.cidr_contains reads its second operand. */
  private static Net ipOrCidr(String fn, String text) {
    byte[] addr = parseAddress(text);
    if (addr != null) {
      BigInteger value = new BigInteger(1, addr);
      return new Net(addr.length * 8, value, value, addr.length * 8);
    }
    try {
      return cidr(fn, text);
    } catch (BuiltinException e) {
      throw Args.failure(fn, "not a valid textual representation of an IP address or CIDR: " + text);
    }
  }

  static Net cidr(String fn, String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw Args.failure(fn, "invalid CIDR address: " + text);
    }
    byte[] addr = parseAddress(text.substring(0, slash));
    String prefixText = text.substring(slash + 1);
    int bits = addr == null ? 0 : addr.length * 8;
    if (addr == null || prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Character::isDigit)
        || (prefixText.length() > 1 && prefixText.charAt(0) == '0') || Integer.parseInt(prefixText) > bits) {
      throw Args.failure(fn, "invalid CIDR address: " + text);
    }
    int prefix = Integer.parseInt(prefixText);
    BigInteger value = new BigInteger(1, addr);
    BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    BigInteger first = value.andNot(hostMask);
    return new Net(bits, first, first.or(hostMask), prefix);
  }

  static Net ip(String fn, String text) {
    byte[] addr = parseAddress(text);
    if (addr == null) {
      throw Args.failure(fn, "invalid IP address: " + text);
    }
    BigInteger value = new BigInteger(1, addr);
    return new Net(addr.length * 8, value, value, addr.length * 8);
  }

  /** A literal IPv4 (dotted quad) or IPv6 address; null when invalid. */
  static byte[] parseAddress(String s) {
    if (s.isEmpty()) {
      return null;
    }
    if (s.indexOf(':') < 0) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        String p = parts[i];
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
            || (p.length() > 1 && p.charAt(0) == '0')) {
          return null;
        }
        int v = Integer.parseInt(p);
        if (v > 255) {
          return null;
        }
        out[i] = (byte) v;
      }
      return out;
    }
    if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      return null; // also rules out zones and brackets, so getByName never resolves a name
    }
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      if (b.length == 4) {
        // an IPv4-mapped literal such as ::ffff:1.2.3.4 is the IPv4 address, as in Go
        return b;
      }
      return b;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Go's IP.String(): dotted quad, or RFC 5952 compressed IPv6. */
  static String format(BigInteger value, int bits) {
    byte[] raw = value.toByteArray();
    byte[] b = new byte[bits / 8];
    int copy = Math.min(raw.length, b.length);
    System.arraycopy(raw, raw.length - copy, b, b.length - copy, copy);
    if (bits == 32) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
