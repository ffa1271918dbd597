package io.meshgate.emco;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Where the seed's apps run. EMCO placed each app of a composite app on clusters with placement
 * intents, so its traffic bodies name no cluster; meshgate intents do. A placement file says it per
 * application (the bodies' {@code application}) and service:
 *
 * <pre>
 * app1:                       # application
 *   httpbin: cluster02        # service: cluster
 *   sleep: {cluster: cluster01, namespace: default}
 * bookinfo: cluster01         # every service of the application
 * </pre>
 */
public final class Placement {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** @param source what placed it, for the comment in the intent file */
  public record Place(String cluster, String namespace, String source) {}

  /** A placement file that cannot be used; the message names file, line and what to fix. */
  public static final class PlacementException extends Exception {
    private static final long serialVersionUID = 1L;

    PlacementException(String message) {
      super(message);
    }
  }

  private final String label;
  /** application → service ("*" for every service) → place. */
  private final Map<String, Map<String, Place>> places;
  private final Place fallback;

  private Placement(String label, Map<String, Map<String, Place>> places, Place fallback) {
    this.label = label;
    this.places = places;
    this.fallback = fallback;
  }

  public static Placement none() {
    return new Placement(null, Map.of(), null);
  }

  /** This placement, with {@code cluster} for every service it does not place. */
  public Placement withDefaultCluster(String cluster) {
    return new Placement(label, places, cluster == null ? null : new Place(cluster, null, "--cluster " + cluster));
  }

  public static Placement read(Path file) throws PlacementException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PlacementException(file + ": cannot read the placement file (" + e.getClass().getSimpleName() + ")");
    }
    return parse(file.getFileName().toString(), text);
  }

  /** @param label the file name shown in messages and comments */
  public static Placement parse(String label, String text) throws PlacementException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new PlacementException(label + ":" + line + ": invalid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new PlacementException(label + ": invalid YAML: " + e.getMessage());
    }
    Map<String, Map<String, Place>> places = new LinkedHashMap<>();
    if (root == null) {
      return new Placement(label, places, null);
    }
    if (!(root instanceof MappingNode apps)) {
      throw problem(label, root, "a placement file maps applications to clusters, e.g. app1: {httpbin: cluster02}");
    }
    for (NodeTuple app : apps.getValue()) {
      String application = text(label, app.getKeyNode(), "an application name");
      Map<String, Place> services = new LinkedHashMap<>();
      Node value = app.getValueNode();
      if (value instanceof ScalarNode) {
        services.put("*", place(label, value, application + " (every service)"));
      } else if (value instanceof MappingNode byService) {
        for (NodeTuple service : byService.getValue()) {
          String name = text(label, service.getKeyNode(), "a service name");
          services.put(name, place(label, service.getValueNode(), application + "/" + name));
        }
      } else {
        throw problem(label, value, "application " + application
            + " needs a cluster, or services mapped to clusters (httpbin: cluster02)");
      }
      places.put(application, services);
    }
    return new Placement(label, places, null);
  }

  private static Place place(String label, Node node, String what) throws PlacementException {
    String source = label + ": " + what;
    if (node instanceof ScalarNode scalar) {
      return new Place(label(label, scalar, scalar.getValue(), "cluster"), null, source);
    }
    if (node instanceof MappingNode mapping) {
      String cluster = null;
      String namespace = null;
      List<String> keys = new ArrayList<>();
      for (NodeTuple tuple : mapping.getValue()) {
        String key = text(label, tuple.getKeyNode(), "cluster or namespace");
        keys.add(key);
        String value = text(label, tuple.getValueNode(), key);
        switch (key) {
          case "cluster" -> cluster = label(label, tuple.getValueNode(), value, "cluster");
          case "namespace" -> namespace = label(label, tuple.getValueNode(), value, "namespace");
          default -> throw problem(label, tuple.getKeyNode(), "unknown field \"" + key + "\"; a place has cluster and namespace");
        }
      }
      if (cluster == null) {
        throw problem(label, node, what + " needs a cluster");
      }
      return new Place(cluster, namespace, source);
    }
    throw problem(label, node, what + ": write a cluster name, or {cluster: ..., namespace: ...}");
  }

  private static String label(String file, Node node, String value, String what) throws PlacementException {
    if (!DNS_LABEL.matcher(value).matches() || value.length() > 63) {
      throw problem(file, node, "\"" + value + "\" is not a valid " + what + " name (a DNS-1123 label)");
    }
    return value;
  }

  private static String text(String label, Node node, String what) throws PlacementException {
    if (node instanceof ScalarNode scalar && !scalar.getValue().isEmpty()) {
      return scalar.getValue();
    }
    throw problem(label, node, "expected " + what);
  }

  private static PlacementException problem(String label, Node node, String message) {
    return new PlacementException(label + ":" + (node.getStartMark().getLine() + 1) + ": " + message);
  }

  /** Where {@code service} of {@code application} runs: the service's own entry, its application's, or the default. */
  public Optional<Place> find(String application, String service) {
    Map<String, Place> services = application == null ? null : places.get(application);
    if (services != null) {
      Place place = services.get(service);
      if (place == null) {
        place = services.get("*");
      }
      if (place != null) {
        return Optional.of(place);
      }
    }
    return Optional.ofNullable(fallback);
  }

  /** The file name, or null when there is no placement file. */
  public String label() {
    return label;
  }
}
