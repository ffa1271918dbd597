package io.meshgate.render;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Hands out virtual addresses per cluster: pinned addresses as asked, previously allocated ones
 * kept, new hosts get the lowest free address from 240.0.0.2 upward. Hosts no longer needed are
 * released. No address ever moves because another host came or went.
 */
public final class AddressAllocator {

  /** First address handed out (240.0.0.0 is the network, .1 is left for operators). */
  public static final long FIRST = ipv4("240.0.0.2");
  /** Last usable address of 240.0.0.0/4 (255.255.255.255 is broadcast). */
  public static final long LAST = ipv4("255.255.255.254");

  private AddressAllocator() {}

  /**
   * @param previous the ledger of the last render
   * @param demand per cluster, every host that needs an address now, mapped to its pinned address
   *     or to null when not pinned
   * @return the next ledger: exactly the hosts of {@code demand}
   */
  public static AllocationLedger allocate(AllocationLedger previous,
      Map<String, ? extends Map<String, String>> demand) {
    SortedMap<String, SortedMap<String, String>> next = new TreeMap<>();
    for (Map.Entry<String, ? extends Map<String, String>> entry : new TreeMap<>(demand).entrySet()) {
      next.put(entry.getKey(), allocateCluster(previous.hostsOf(entry.getKey()), entry.getValue()));
    }
    return new AllocationLedger(next);
  }

  private static SortedMap<String, String> allocateCluster(Map<String, String> previous,
      Map<String, String> hostsToPins) {
    SortedMap<String, String> result = new TreeMap<>();
    Set<String> used = new HashSet<>();
    // Pins first, then what each host had before: neither ever moves. A pin that collides with
    // another host's address is kept as asked; policy MG-ADDR-01 reports the duplicate.
    for (Map.Entry<String, String> e : new TreeMap<>(hostsToPins).entrySet()) {
      if (e.getValue() != null) {
        result.put(e.getKey(), e.getValue());
        used.add(e.getValue());
      }
    }
    for (String host : new TreeMap<>(hostsToPins).keySet()) {
      if (!result.containsKey(host) && previous.containsKey(host)) {
        result.put(host, previous.get(host));
        used.add(previous.get(host));
      }
    }
    long candidate = FIRST;
    for (String host : new TreeMap<>(hostsToPins).keySet()) {
      if (result.containsKey(host)) {
        continue;
      }
      while (candidate <= LAST && used.contains(format(candidate))) {
        candidate++;
      }
      if (candidate > LAST) {
        throw new IllegalStateException("no free virtual address left in 240.0.0.0/4");
      }
      String address = format(candidate);
      result.put(host, address);
      used.add(address);
    }
    return result;
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
