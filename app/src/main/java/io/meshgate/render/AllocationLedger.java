package io.meshgate.render;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

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

  /** Parses ledger YAML; {@code fileName} is only used in messages ({@code file:line:column: ...}). */
  public static AllocationLedger parse(String yamlText, String fileName) throws LedgerException {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowRecursiveKeys(false);
      options.setMaxAliasesForCollections(10);
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yamlText));
    } catch (YAMLException e) {
      throw new LedgerException(fileName + ": not valid YAML: " + firstLine(e.getMessage()));
    }
    if (root == null) {
      return empty();
    }
    Map<String, NodeTuple> top = mapping(root, fileName, "the ledger", "a mapping with apiVersion, kind and clusters");
    String apiVersion = scalarOrNull(top.get("apiVersion"));
    String kind = scalarOrNull(top.get("kind"));
    if (!API_VERSION.equals(apiVersion) || !KIND.equals(kind)) {
      throw new LedgerException(at(fileName, root) + "expected apiVersion " + API_VERSION + " and kind " + KIND
          + ", found " + apiVersion + " / " + kind);
    }
    SortedMap<String, SortedMap<String, String>> clusters = new TreeMap<>();
    NodeTuple clustersTuple = top.get("clusters");
    if (clustersTuple == null || isNull(clustersTuple.getValueNode())) {
      return empty();
    }
    Map<String, NodeTuple> byCluster = mapping(clustersTuple.getValueNode(), fileName, "clusters",
        "a mapping of cluster names to {host: address}");
    for (Map.Entry<String, NodeTuple> c : byCluster.entrySet()) {
      Node hostsNode = c.getValue().getValueNode();
      if (isNull(hostsNode)) {
        continue;
      }
      Map<String, NodeTuple> hosts = mapping(hostsNode, fileName, "clusters." + c.getKey(),
          "a mapping of host names to addresses");
      SortedMap<String, String> parsed = new TreeMap<>();
      for (Map.Entry<String, NodeTuple> h : hosts.entrySet()) {
        Node value = h.getValue().getValueNode();
        String address = value instanceof ScalarNode scalar ? scalar.getValue() : null;
        if (address == null || !IPV4.matcher(address).matches()) {
          throw new LedgerException(at(fileName, value) + "clusters." + c.getKey() + "." + h.getKey()
              + " must be an IPv4 address such as 240.0.0.2");
        }
        parsed.put(h.getKey(), address);
      }
      clusters.put(c.getKey(), parsed);
    }
    return new AllocationLedger(clusters);
  }

  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /** The keys of a mapping node, in file order; duplicate keys are an error. */
  private static Map<String, NodeTuple> mapping(Node node, String fileName, String what, String expected)
      throws LedgerException {
    if (!(node instanceof MappingNode map)) {
      throw new LedgerException(at(fileName, node) + what + " must be " + expected);
    }
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple tuple : map.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
        throw new LedgerException(at(fileName, tuple.getKeyNode()) + "keys of " + what + " must be plain names");
      }
      if (out.putIfAbsent(key.getValue(), tuple) != null) {
        throw new LedgerException(at(fileName, key) + "duplicate key '" + key.getValue() + "' in " + what);
      }
    }
    return out;
  }

  private static String scalarOrNull(NodeTuple tuple) {
    return tuple != null && tuple.getValueNode() instanceof ScalarNode s ? s.getValue() : null;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && (s.getTag().equals(Tag.NULL));
  }

  private static String at(String fileName, Node node) {
    return fileName + ":" + (node.getStartMark().getLine() + 1) + ":" + (node.getStartMark().getColumn() + 1) + ": ";
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
