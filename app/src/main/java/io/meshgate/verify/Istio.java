package io.meshgate.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of the Istio objects the hops read, parsed leniently from plain maps
 * ({@code {apiVersion, kind, metadata, spec}}). Any API version (v1, v1beta1, v1alpha3) reads the same.
 */
final class Istio {
  private Istio() {}

  /** A service port; {@code http} when Istio treats the port as HTTP (so HTTP attributes exist). */
  record Port(int number, String name, String protocol, Integer targetPort) {
    boolean http() {
      return isHttp(protocol != null ? protocol : name);
    }

    /** HTTPS or TLS (by protocol or name prefix): the application itself speaks TLS on the port. */
    boolean appTls() {
      String p = (protocol != null ? protocol : name == null ? "" : name).toLowerCase(Locale.ROOT);
      return p.equals("https") || p.equals("tls") || p.startsWith("https-") || p.startsWith("tls-");
    }
  }

  /**
   * HTTP, HTTP2, gRPC (and names {@code http-...}, {@code grpc-...}): protocols whose requests carry
   * a method and path. https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
   */
  static boolean isHttp(String protocolOrName) {
    if (protocolOrName == null) {
      return false;
    }
    String p = protocolOrName.toLowerCase(Locale.ROOT);
    return p.equals("http") || p.equals("http2") || p.equals("grpc") || p.equals("grpc-web")
        || p.startsWith("http-") || p.startsWith("http2-") || p.startsWith("grpc-");
  }

  /** @param locality {@code region/zone/subzone}, or null */
  record WorkloadEndpoint(String address, Map<String, Integer> ports, Map<String, String> labels, String locality) {}

  /** @param workloadSelector the labels of the pods it selects, or null when it lists endpoints */
  record ServiceEntry(ObjectRef ref, List<String> hosts, List<String> addresses, List<Port> ports,
      boolean meshExternal, String resolution, List<WorkloadEndpoint> endpoints, List<String> exportTo,
      Map<String, String> workloadSelector) {}

  record ClientTls(String mode, String sni, String credentialName, String clientCertificate,
      String caCertificates, boolean insecureSkipVerify) {}

  /**
   * @param workloadSelector null when the rule has none
   * @param subsets subset name to its labels, in the rule's order
   * @param subsetTls per subset name, the subset's own trafficPolicy tls (port-level settings under the
   *     key of the port, the subset-wide one under 0); a subset without tls settings is absent
   * @param outlierDetection the rule's trafficPolicy ejects failing endpoints (which locality failover needs)
   * @param locality its {@code loadBalancer.localityLbSetting}, or null
   */
  record DestinationRule(ObjectRef ref, String host, List<String> exportTo, Map<String, String> workloadSelector,
      ClientTls tls, Map<Integer, ClientTls> portTls, Map<String, Map<String, String>> subsets,
      Map<String, Map<Integer, ClientTls>> subsetTls, boolean outlierDetection, LocalityLb locality) {

    /** Port-level TLS settings override the rule's (DestinationRule trafficPolicy.portLevelSettings). */
    ClientTls tlsFor(int port) {
      ClientTls portLevel = portTls.get(port);
      return portLevel != null ? portLevel : tls;
    }

    /**
     * A subset's traffic policy overrides the rule's for traffic to that subset (its port-level
     * settings first): https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset
     */
    ClientTls tlsFor(int port, String subset) {
      Map<Integer, ClientTls> own = subset == null ? null : subsetTls.get(subset);
      if (own != null) {
        ClientTls chosen = own.containsKey(port) ? own.get(port) : own.get(0);
        if (chosen != null) {
          return chosen;
        }
      }
      return tlsFor(port);
    }
  }

  /**
   * @param tlsMode null when the server does not do TLS (no {@code tls} block, or an HTTP server
   *     whose {@code tls} only asks for {@code httpsRedirect})
   * @param httpsRedirect the server answers every request with a 301 to https
   */
  record Server(int port, String portName, String protocol, List<String> hosts, String tlsMode,
      String credentialName, boolean serverCertificate, boolean httpsRedirect) {
    String describe() {
      return port + "/" + (protocol == null ? "?" : protocol) + (tlsMode == null ? "" : " " + tlsMode)
          + " hosts " + hosts;
    }
  }

  record Gateway(ObjectRef ref, Map<String, String> selector, List<Server> servers) {}

  /**
   * A {@code localityLbSetting}: {@code enabled} (Istio's default true) and its {@code distribute}
   * entries. https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting
   */
  record LocalityLb(boolean enabled, List<Distribute> distribute) {}

  /** Traffic {@code from} a locality pattern, in percent {@code to} locality patterns. */
  record Distribute(String from, Map<String, Integer> to) {}

  /** @param subset null for the whole host; @param weight null when the route leaves it out */
  record Destination(String host, Integer port, String subset, Integer weight) {}

  /**
   * An http, tcp or tls route.
   *
   * @param fault the http route's {@code fault} (empty when none)
   * @param mirrors {@code mirrors} (and {@code mirror}), with their percentage as weight
   * @param rewriteUri {@code rewrite.uri} of an http route, or null
   */
  record Route(String name, List<Map<String, Object>> matches, List<Destination> destinations,
      Map<String, Object> fault, List<Destination> mirrors, String timeout, Map<String, Object> retries,
      String rewriteUri) {}

  record VirtualService(ObjectRef ref, List<String> hosts, List<String> gateways, List<String> exportTo,
      List<Route> http, List<Route> tcp, List<Route> tls) {}

  /** @param selector null when the policy has none (namespace- or mesh-wide) */
  record PeerAuthentication(ObjectRef ref, Map<String, String> selector, String mode, Map<Integer, String> portModes) {}

  /** One accepted issuer of a RequestAuthentication. */
  record JwtRule(String issuer, List<String> audiences, boolean forwardOriginalToken) {}

  /** @param selector null when the policy has none */
  record RequestAuthentication(ObjectRef ref, Map<String, String> selector, List<JwtRule> rules, boolean targetRefs) {}

  /**
   * A Sidecar's outbound scope: the hosts each egress listener imports ({@code namespace/dnsName}).
   *
   * @param workloadSelector null when it has none (the namespace's default, or the mesh's in the root namespace)
   * @param egress empty when the Sidecar sets no egress: it then imports everything exported to its namespace
   */
  record Sidecar(ObjectRef ref, Map<String, String> workloadSelector, List<EgressListener> egress) {

    /**
     * Whether the sidecar of a workload in {@code workloadNamespace} imports the service {@code host}
     * declared in namespace {@code serviceNamespace} for {@code port}: some egress listener for that
     * port (or for every port) lists {@code <namespace>/<dnsName>} where namespace is {@code *}, the
     * service's, or {@code .} for the workload's own (so the root namespace's default Sidecar with
     * {@code ./*} imports each namespace's own services), and dnsName is {@code *}, a
     * {@code *.suffix} or the host; {@code ~/...} imports nothing.
     * https://istio.io/latest/docs/reference/config/networking/sidecar/#IstioEgressListener
     */
    boolean imports(String workloadNamespace, String serviceNamespace, String host, Integer port) {
      if (egress.isEmpty()) {
        return true;
      }
      for (EgressListener listener : egress) {
        if (listener.port() != null && port != null && !listener.port().equals(port)) {
          continue;
        }
        for (String entry : listener.hosts()) {
          int slash = entry.indexOf('/');
          if (slash < 0) {
            continue; // Istio refuses a host without namespace/ (its validation webhook)
          }
          String ns = entry.substring(0, slash);
          boolean namespaceMatches = ns.equals("*") || ns.equals(serviceNamespace)
              || (ns.equals(".") && workloadNamespace.equals(serviceNamespace));
          if (namespaceMatches && Hosts.matches(entry.substring(slash + 1), host)) {
            return true;
          }
        }
      }
      return false;
    }

    String describe() {
      List<String> hosts = egress.stream().flatMap(l -> l.hosts().stream()).distinct().toList();
      return "Sidecar " + ref.namespace() + "/" + ref.name() + " (egress hosts " + hosts + ")";
    }
  }

  /** @param port null when the listener serves every port */
  record EgressListener(Integer port, List<String> hosts) {}

  static Sidecar sidecar(ObjectRef ref, Map<String, Object> spec) {
    Object selector = spec.get("workloadSelector");
    List<EgressListener> egress = new ArrayList<>();
    for (Map<String, Object> listener : Fields.maps(spec.get("egress"))) {
      egress.add(new EgressListener(Fields.integer(Fields.map(listener, "port").get("number")),
          Fields.strings(listener.get("hosts"))));
    }
    return new Sidecar(ref, selector instanceof Map<?, ?> ? Fields.labels(Fields.map(selector).get("labels")) : null,
        List.copyOf(egress));
  }

  /** @param selector null when the policy has none */
  record AuthorizationPolicy(ObjectRef ref, Map<String, String> selector, String action, List<Map<String, Object>> rules,
      boolean targetRefs, String provider) {}

  // ---- parsing ---------------------------------------------------------------------------------

  static ServiceEntry serviceEntry(ObjectRef ref, Map<String, Object> spec) {
    List<Port> ports = new ArrayList<>();
    for (Map<String, Object> p : Fields.maps(spec.get("ports"))) {
      Integer number = Fields.integer(p.get("number"));
      if (number != null) {
        ports.add(new Port(number, Fields.str(p, "name"), Fields.str(p, "protocol"), Fields.integer(p.get("targetPort"))));
      }
    }
    List<WorkloadEndpoint> endpoints = new ArrayList<>();
    for (Map<String, Object> e : Fields.maps(spec.get("endpoints"))) {
      Map<String, Integer> portMap = new LinkedHashMap<>();
      Fields.map(e, "ports").forEach((name, value) -> {
        Integer n = Fields.integer(value);
        if (n != null) {
          portMap.put(name, n);
        }
      });
      endpoints.add(new WorkloadEndpoint(Fields.str(e, "address"), Fields.compact(portMap), Fields.labels(e.get("labels")),
          Fields.str(e, "locality")));
    }
    // location defaults to MESH_EXTERNAL, resolution to NONE (ServiceEntry reference).
    String location = Fields.str(spec, "location");
    String resolution = Fields.str(spec, "resolution");
    return new ServiceEntry(ref, Fields.strings(spec.get("hosts")), Fields.strings(spec.get("addresses")), ports,
        location == null || location.equals("MESH_EXTERNAL"), resolution == null ? "NONE" : resolution,
        endpoints, Fields.strings(spec.get("exportTo")),
        spec.get("workloadSelector") instanceof Map<?, ?> selector ? Fields.labels(Fields.map(selector).get("labels")) : null);
  }

  static ClientTls clientTls(Object raw) {
    if (!(raw instanceof Map<?, ?>)) {
      return null;
    }
    Map<String, Object> tls = Fields.map(raw);
    String mode = Fields.str(tls, "mode");
    return new ClientTls(mode == null ? "DISABLE" : mode, Fields.str(tls, "sni"), Fields.str(tls, "credentialName"),
        Fields.str(tls, "clientCertificate"), Fields.str(tls, "caCertificates"), Fields.bool(tls.get("insecureSkipVerify")));
  }

  static DestinationRule destinationRule(ObjectRef ref, Map<String, Object> spec) {
    Map<String, Object> policy = Fields.map(spec, "trafficPolicy");
    Map<Integer, ClientTls> portTls = new LinkedHashMap<>();
    for (Map<String, Object> setting : Fields.maps(policy.get("portLevelSettings"))) {
      Integer number = Fields.integer(Fields.map(setting, "port").get("number"));
      ClientTls tls = clientTls(setting.get("tls"));
      if (number != null && tls != null) {
        portTls.put(number, tls);
      }
    }
    Map<String, Map<String, String>> subsets = new LinkedHashMap<>();
    Map<String, Map<Integer, ClientTls>> subsetTls = new LinkedHashMap<>();
    for (Map<String, Object> subset : Fields.maps(spec.get("subsets"))) {
      String name = Fields.str(subset, "name");
      if (name != null) {
        subsets.putIfAbsent(name, Fields.labels(subset.get("labels")));
        Map<String, Object> own = Fields.map(subset, "trafficPolicy");
        Map<Integer, ClientTls> tls = new LinkedHashMap<>();
        ClientTls wide = clientTls(own.get("tls"));
        if (wide != null) {
          tls.put(0, wide);
        }
        for (Map<String, Object> setting : Fields.maps(own.get("portLevelSettings"))) {
          Integer number = Fields.integer(Fields.map(setting, "port").get("number"));
          ClientTls portLevel = clientTls(setting.get("tls"));
          if (number != null && portLevel != null) {
            tls.put(number, portLevel);
          }
        }
        if (!tls.isEmpty()) {
          subsetTls.put(name, Fields.compact(tls));
        }
      }
    }
    Map<String, Object> balancer = Fields.map(policy, "loadBalancer");
    LocalityLb locality = null;
    if (balancer.get("localityLbSetting") instanceof Map<?, ?> raw) {
      Map<String, Object> setting = Fields.map(raw);
      List<Distribute> distribute = new ArrayList<>();
      for (Map<String, Object> d : Fields.maps(setting.get("distribute"))) {
        Map<String, Integer> to = new LinkedHashMap<>();
        Fields.map(d, "to").forEach((pattern, weight) -> {
          Integer w = Fields.integer(weight);
          to.put(pattern, w == null ? 0 : w);
        });
        distribute.add(new Distribute(Fields.str(d, "from"), to));
      }
      locality = new LocalityLb(setting.get("enabled") == null || Fields.bool(setting.get("enabled")), List.copyOf(distribute));
    }
    Object selector = spec.get("workloadSelector");
    Map<String, String> workloadSelector = selector instanceof Map<?, ?>
        ? Fields.labels(Fields.map(selector).get("matchLabels")) : null;
    return new DestinationRule(ref, Hosts.fqdn(Fields.str(spec, "host"), ref.namespace()),
        Fields.strings(spec.get("exportTo")), workloadSelector, clientTls(policy.get("tls")), Fields.compact(portTls),
        Fields.compact(subsets), Fields.compact(subsetTls), policy.get("outlierDetection") instanceof Map<?, ?>, locality);
  }

  static Gateway gateway(ObjectRef ref, Map<String, Object> spec) {
    List<Server> servers = new ArrayList<>();
    for (Map<String, Object> s : Fields.maps(spec.get("servers"))) {
      Map<String, Object> port = Fields.map(s, "port");
      Integer number = Fields.integer(port.get("number"));
      if (number == null) {
        continue;
      }
      Object tlsRaw = s.get("tls");
      Map<String, Object> tls = Fields.map(tlsRaw);
      String protocol = Fields.str(port, "protocol");
      boolean redirectOnly = Fields.bool(tls.get("httpsRedirect")) && Fields.str(tls, "mode") == null
          && protocol != null && Istio.isHttp(protocol);
      // ServerTLSSettings.mode defaults to PASSTHROUGH, except on an HTTP server whose tls block only
      // asks for the redirect: https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
      String mode = tlsRaw instanceof Map<?, ?> && !redirectOnly
          ? (Fields.str(tls, "mode") == null ? "PASSTHROUGH" : Fields.str(tls, "mode")) : null;
      String credential = Fields.str(tls, "credentialName");
      if (credential == null && !Fields.strings(tls.get("credentialNames")).isEmpty()) {
        credential = Fields.strings(tls.get("credentialNames")).get(0);
      }
      servers.add(new Server(number, Fields.str(port, "name"), protocol,
          Fields.strings(s.get("hosts")), mode, credential, Fields.str(tls, "serverCertificate") != null,
          Fields.bool(tls.get("httpsRedirect"))));
    }
    return new Gateway(ref, Fields.labels(spec.get("selector")), servers);
  }

  static VirtualService virtualService(ObjectRef ref, Map<String, Object> spec) {
    return new VirtualService(ref, Fields.strings(spec.get("hosts")), Fields.strings(spec.get("gateways")),
        Fields.strings(spec.get("exportTo")), routes(spec.get("http"), ref.namespace()),
        routes(spec.get("tcp"), ref.namespace()), routes(spec.get("tls"), ref.namespace()));
  }

  private static List<Route> routes(Object raw, String namespace) {
    List<Route> routes = new ArrayList<>();
    for (Map<String, Object> r : Fields.maps(raw)) {
      List<Destination> destinations = new ArrayList<>();
      for (Map<String, Object> d : Fields.maps(r.get("route"))) {
        destinations.add(destination(Fields.map(d, "destination"), namespace, Fields.integer(d.get("weight"))));
      }
      List<Destination> mirrors = new ArrayList<>();
      if (r.get("mirror") instanceof Map<?, ?> mirror) {
        mirrors.add(destination(Fields.map(mirror), namespace, percent(Fields.map(r, "mirrorPercentage"), 100)));
      }
      for (Map<String, Object> m : Fields.maps(r.get("mirrors"))) {
        mirrors.add(destination(Fields.map(m, "destination"), namespace, percent(Fields.map(m, "percentage"), 100)));
      }
      routes.add(new Route(Fields.str(r, "name"), Fields.maps(r.get("match")), destinations, Fields.map(r, "fault"),
          mirrors, Fields.str(r, "timeout"), Fields.map(r, "retries"), Fields.str(Fields.map(r, "rewrite"), "uri")));
    }
    return routes;
  }

  private static Destination destination(Map<String, Object> destination, String namespace, Integer weight) {
    return new Destination(Hosts.fqdn(Fields.str(destination, "host"), namespace),
        Fields.integer(Fields.map(destination, "port").get("number")), Fields.str(destination, "subset"), weight);
  }

  /** An Istio {@code Percent} ({@code {value: 12.5}}) rounded to whole percent; {@code otherwise} when absent. */
  static Integer percent(Map<String, Object> percent, int otherwise) {
    Object value = percent.get("value");
    return value instanceof Number n ? (int) Math.round(n.doubleValue()) : otherwise;
  }

  static PeerAuthentication peerAuthentication(ObjectRef ref, Map<String, Object> spec) {
    Object selector = spec.get("selector");
    Map<Integer, String> portModes = new LinkedHashMap<>();
    Fields.map(spec, "portLevelMtls").forEach((port, value) -> {
      Integer n = Fields.integer(port);
      String mode = Fields.str(Fields.map(value), "mode");
      if (n != null && mode != null) {
        portModes.put(n, mode);
      }
    });
    String mode = Fields.str(Fields.map(spec, "mtls"), "mode");
    return new PeerAuthentication(ref, selector instanceof Map<?, ?> ? Fields.labels(Fields.map(selector).get("matchLabels")) : null,
        mode == null ? "UNSET" : mode, Fields.compact(portModes));
  }

  static RequestAuthentication requestAuthentication(ObjectRef ref, Map<String, Object> spec) {
    Object selector = spec.get("selector");
    List<JwtRule> rules = new ArrayList<>();
    for (Map<String, Object> rule : Fields.maps(spec.get("jwtRules"))) {
      String issuer = Fields.str(rule, "issuer");
      if (issuer != null) {
        rules.add(new JwtRule(issuer, Fields.strings(rule.get("audiences")), Fields.bool(rule.get("forwardOriginalToken"))));
      }
    }
    return new RequestAuthentication(ref,
        selector instanceof Map<?, ?> ? Fields.labels(Fields.map(selector).get("matchLabels")) : null, rules,
        spec.get("targetRef") != null || spec.get("targetRefs") != null);
  }

  static AuthorizationPolicy authorizationPolicy(ObjectRef ref, Map<String, Object> spec) {
    Object selector = spec.get("selector");
    String action = Fields.str(spec, "action");
    return new AuthorizationPolicy(ref,
        selector instanceof Map<?, ?> ? Fields.labels(Fields.map(selector).get("matchLabels")) : null,
        action == null ? "ALLOW" : action, Fields.maps(spec.get("rules")),
        spec.get("targetRef") != null || spec.get("targetRefs") != null,
        Fields.str(Fields.map(spec, "provider"), "name"));
  }
}
