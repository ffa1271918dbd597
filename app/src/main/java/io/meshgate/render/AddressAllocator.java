package io.meshgate.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Hands out virtual addresses per cluster: pinned addresses as asked, previously allocated ones
 * kept, and each new host its own preferred address in 240.0.0.2-240.0.0.254, chosen by a hash of
 * the host name (the next free one upward when taken; past that block, the lowest free address
 * above it). Hosts no longer needed are released. With the ledger, no address ever moves because
 * another host came or went; the hash keeps addresses stable even when a render starts without a
 * ledger (a fresh output folder), except for the rare host whose preferred address another took.
 */
public final class AddressAllocator {

  /** First address handed out (240.0.0.0 is the network, .1 is left for operators). */
  public static final long FIRST = ipv4("240.0.0.2");
  /** Last usable address of 240.0.0.0/4 (255.255.255.255 is broadcast). */
  public static final long LAST = ipv4("255.255.255.254");
  /** Preferred addresses lie in 240.0.0.2-240.0.0.254. */
  private static final int PREFERRED_BLOCK = 253;

  private AddressAllocator() {}

  /**
   * @param previous the ledger of the last render
   * @param demand per cluster, every host that needs an address now, mapped to its pinned address
   *     or to null when not pinned
   * @return the next ledger: exactly the hosts of {@code demand}
   */
  public static AllocationLedger allocate(AllocationLedger previous,
      Map<String, ? extends Map<String, String>> demand) {
    return allocate(previous, demand, null);
  }

  /**
   * As {@link #allocate(AllocationLedger, Map)}, taking from {@code memo} the addresses of each
   * cluster whose previous addresses and demand are those of the last allocation (a service renders
   * one tree push after push, and a push changes the hosts of a few clusters of fifty), and keeping
   * this allocation's there.
   *
   * @param memo the last allocation of the same tree, or null
   */
  public static AllocationLedger allocate(AllocationLedger previous,
      Map<String, ? extends Map<String, String>> demand, Memo memo) {
    SortedMap<String, SortedMap<String, String>> next = new TreeMap<>();
    Map<String, Memo.Kept> kept = new HashMap<>();
    for (Map.Entry<String, ? extends Map<String, String>> entry : new TreeMap<>(demand).entrySet()) {
      String cluster = entry.getKey();
      SortedMap<String, String> before = previous.hostsOf(cluster);
      Memo.Kept last = memo == null ? null : memo.byCluster.get(cluster);
      SortedMap<String, String> hosts = last != null && last.previous().equals(before) && last.demand().equals(entry.getValue())
          ? last.hosts() : allocateCluster(before, entry.getValue());
      next.put(cluster, hosts);
      kept.put(cluster, new Memo.Kept(before, entry.getValue(), hosts));
    }
    if (memo != null) {
      memo.byCluster = kept;
    }
    return new AllocationLedger(next);
  }

  /** Each cluster's last allocation: its previous addresses, its demand, and the addresses handed out. */
  public static final class Memo {
    private record Kept(Map<String, String> previous, Map<String, String> demand, SortedMap<String, String> hosts) {}

    private Map<String, Kept> byCluster = Map.of();
  }

  private static SortedMap<String, String> allocateCluster(Map<String, String> previous,
      Map<String, String> hostsToPins) {
    SortedMap<String, String> result = new TreeMap<>();
    Set<Long> used = new HashSet<>();
    SortedMap<String, String> sorted = new TreeMap<>(hostsToPins);
    // Pins first, then what each host had before: neither ever moves. A pin that collides with
    // another host's address is kept as asked; policy MG-ADDR-01 reports the duplicate.
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      if (e.getValue() != null) {
        result.put(e.getKey(), e.getValue());
        used.add(ipv4(e.getValue()));
      }
    }
    for (String host : sorted.keySet()) {
      if (!result.containsKey(host) && previous.containsKey(host)) {
        result.put(host, previous.get(host));
        used.add(ipv4(previous.get(host)));
      }
    }
    // Past the preferred block addresses are handed out upward; the cursor never moves back, so
    // a cluster with thousands of hosts is allocated in linear time.
    long[] beyond = {FIRST + PREFERRED_BLOCK};
    for (String host : sorted.keySet()) {
      if (result.containsKey(host)) {
        continue;
      }
      long address = freeAddressFor(host, used, beyond);
      result.put(host, format(address));
      used.add(address);
    }
    return result;
  }

  private static long freeAddressFor(String host, Set<Long> used, long[] beyond) {
    int preferred = preferredSlot(host);
    for (int i = 0; i < PREFERRED_BLOCK; i++) {
      long candidate = FIRST + (preferred + i) % PREFERRED_BLOCK;
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    while (beyond[0] <= LAST) {
      long candidate = beyond[0]++;
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free virtual address left in 240.0.0.0/4");
  }

  /** Position of the host's preferred address in the block: a hash of the name, the same everywhere. */
  static int preferredSlot(String host) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(host.getBytes(StandardCharsets.UTF_8));
      long value = ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8)
          | (digest[3] & 0xFFL);
      return (int) (value % PREFERRED_BLOCK);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  static long ipv4(String dotted) {
    String[] parts = dotted.split("\\.");
    long v = 0;
    for (String p : parts) {
      v = (v << 8) | Integer.parseInt(p);
    }
    return v;
  }

  static String format(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }
}
