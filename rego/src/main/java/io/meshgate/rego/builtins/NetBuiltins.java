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
      Net inner = other.contains("/") ? cidr("net.cidr_contains", other) : ip("net.cidr_contains", other);
      return BoolValue.of(cidr.contains(inner));
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
      List<Net> v4 = new ArrayList<>();
      List<Net> v6 = new ArrayList<>();
      for (Value v : Args.collection("net.cidr_merge", a, 1)) {
        if (!(v instanceof StringValue s)) {
          throw Args.element("net.cidr_merge", 1, a.get(0), v, "string");
        }
        Net n = s.value().contains("/") ? cidr("net.cidr_merge", s.value()) : ip("net.cidr_merge", s.value());
        (n.bits == 32 ? v4 : v6).add(n);
      }
      List<Value> out = new ArrayList<>();
      merge(v4, 32, out);
      merge(v6, 128, out);
      return SetValue.of(out);
    }));
    table.register(Builtin.of("net.cidr_contains_matches", 2, (ctx, a) -> {
      List<Map.Entry<Value, String>> cidrs = keyed("net.cidr_contains_matches", a, 1);
      List<Map.Entry<Value, String>> others = keyed("net.cidr_contains_matches", a, 2);
      List<Value> out = new ArrayList<>();
      for (Map.Entry<Value, String> c : cidrs) {
        Net outer = cidr("net.cidr_contains_matches", c.getValue());
        for (Map.Entry<Value, String> o : others) {
          Net inner = o.getValue().contains("/") ? cidr("net.cidr_contains_matches", o.getValue())
              : ip("net.cidr_contains_matches", o.getValue());
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
        out.add(Map.entry(item.getKey(), s.value()));
      } else {
        throw Args.failure(fn, "operand " + pos + ": elements must be strings or arrays starting with a string");
      }
    }
    return out;
  }

  private static void merge(List<Net> nets, int bits, List<Value> out) {
    nets.sort(Comparator.comparing(Net::first).thenComparing(Net::last, Comparator.reverseOrder()));
    BigInteger start = null;
    BigInteger end = null;
    List<BigInteger[]> ranges = new ArrayList<>();
    for (Net n : nets) {
      if (start == null) {
        start = n.first;
        end = n.last;
      } else if (n.first.compareTo(end.add(BigInteger.ONE)) <= 0) {
        end = end.max(n.last);
      } else {
        ranges.add(new BigInteger[] {start, end});
        start = n.first;
        end = n.last;
      }
    }
    if (start != null) {
      ranges.add(new BigInteger[] {start, end});
    }
    for (BigInteger[] r : ranges) {
      BigInteger cur = r[0];
      while (cur.compareTo(r[1]) <= 0) {
        // the largest aligned block starting at cur that stays within the range
        int size = cur.signum() == 0 ? bits : cur.getLowestSetBit();
        while (size > 0 && cur.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(r[1]) > 0) {
          size--;
        }
        out.add(str(format(cur, bits) + "/" + (bits - size)));
        cur = cur.add(BigInteger.ONE.shiftLeft(size));
      }
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
