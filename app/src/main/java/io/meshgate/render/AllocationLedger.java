package io.meshgate.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The virtual addresses handed out so far: per cluster, host ({@code <service>.<ns>.global}) to
 * address. Lives on the environment branch as {@code meshgate/allocations.yaml} so that a host keeps
 * its address from one render to the next.
 */
public record AllocationLedger(SortedMap<String, SortedMap<String, String>> clusters) {

  public static final String API_VERSION = "meshgate.io/v1alpha1";
  public static final String KIND = "AllocationLedger";
  /** Where the ledger lives in the output tree. */
  public static final String PATH = "meshgate/allocations.yaml";

  public AllocationLedger {
    SortedMap<String, SortedMap<String, String>> copy = new TreeMap<>();
    clusters.forEach((cluster, hosts) -> {
      if (!hosts.isEmpty()) {
        copy.put(cluster, Collections.unmodifiableSortedMap(new TreeMap<>(hosts)));
      }
    });
    clusters = Collections.unmodifiableSortedMap(copy);
  }

  public static AllocationLedger empty() {
    return new AllocationLedger(new TreeMap<>());
  }

  /** The address of {@code host} in {@code cluster}, or null when none was allocated. */
  public String addressOf(String cluster, String host) {
    SortedMap<String, String> hosts = clusters.get(cluster);
    return hosts == null ? null : hosts.get(host);
  }

  /** The hosts of one cluster (empty when the cluster has none). */
  public SortedMap<String, String> hostsOf(String cluster) {
    return clusters.getOrDefault(cluster, Collections.emptySortedMap());
  }

  /** The ledger file: header, then {@code clusters: {<cluster>: {<host>: <address>}}}, sorted. */
  public String toYaml() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", API_VERSION);
    doc.put("kind", KIND);
    Map<String, Object> byCluster = new LinkedHashMap<>();
    clusters.forEach((cluster, hosts) -> byCluster.put(cluster, new LinkedHashMap<>(hosts)));
    doc.put("clusters", byCluster);
    return ResourceYaml.dump(doc);
  }

  /** Reads a ledger file; a missing file is an empty ledger. */
  public static AllocationLedger read(Path file) throws LedgerException {
    if (!Files.exists(file)) {
      return empty();
    }
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new LedgerException(file + ": cannot read the allocation ledger: " + e.getMessage());
    }
  }

  /** Parses ledger YAML; {@code fileName} is only used in messages. */
  public static AllocationLedger parse(String yamlText, String fileName) throws LedgerException {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
    } catch (YAMLException e) {
      throw new LedgerException(fileName + ": not valid YAML: " + firstLine(e.getMessage()));
    }
    if (root == null) {
      return empty();
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new LedgerException(fileName + ": expected a mapping with apiVersion, kind and clusters");
    }
    if (!API_VERSION.equals(map.get("apiVersion")) || !KIND.equals(map.get("kind"))) {
      throw new LedgerException(fileName + ": expected apiVersion " + API_VERSION + " and kind " + KIND
          + ", found " + map.get("apiVersion") + " / " + map.get("kind"));
    }
    Object clustersNode = map.get("clusters");
    SortedMap<String, SortedMap<String, String>> clusters = new TreeMap<>();
    if (clustersNode == null) {
      return empty();
    }
    if (!(clustersNode instanceof Map<?, ?> byCluster)) {
      throw new LedgerException(fileName + ": 'clusters' must map cluster names to {host: address}");
    }
    for (Map.Entry<?, ?> c : byCluster.entrySet()) {
      String cluster = String.valueOf(c.getKey());
      if (c.getValue() == null) {
        continue;
      }
      if (!(c.getValue() instanceof Map<?, ?> hosts)) {
        throw new LedgerException(fileName + ": clusters." + cluster + " must map host names to addresses");
      }
      SortedMap<String, String> parsed = new TreeMap<>();
      for (Map.Entry<?, ?> h : hosts.entrySet()) {
        String host = String.valueOf(h.getKey());
        if (!(h.getValue() instanceof String address) || address.isBlank()) {
          throw new LedgerException(fileName + ": clusters." + cluster + "." + host
              + " must be an address string, found " + h.getValue());
        }
        parsed.put(host, address);
      }
      clusters.put(cluster, parsed);
    }
    return new AllocationLedger(clusters);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "parse error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** A ledger that cannot be read; the message names the file and what is wrong. */
  public static final class LedgerException extends Exception {
    public LedgerException(String message) {
      super(message);
    }
  }
}
