package io.meshgate.verify;

import java.util.List;
import java.util.regex.Pattern;

/** Istio's host-name and visibility rules shared by the hops. */
final class Hosts {
  private Hosts() {}

  static final String ROOT_NAMESPACE = "istio-system";
  static final String CLUSTER_DOMAIN = "svc.cluster.local";

  /**
   * {@code exportTo} as the ServiceEntry, DestinationRule and VirtualService references define it:
   * empty = the mesh default, every namespace; {@code *} every namespace; {@code .} the object's
   * own namespace; {@code ~} none; otherwise the namespaces listed.
   * https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-export_to
   */
  static boolean exportedTo(List<String> exportTo, String objectNamespace, String viewerNamespace) {
    if (exportTo.isEmpty()) {
      return true;
    }
    for (String e : exportTo) {
      if (e.equals("*") || e.equals(viewerNamespace) || (e.equals(".") && objectNamespace.equals(viewerNamespace))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A concrete host name against a pattern ({@code *}, {@code *.suffix} or exact), as Istio's
   * {@code host.Name.SubsetOf} for a non-wildcard name.
   */
  static boolean matches(String pattern, String hostname) {
    if (pattern == null || hostname == null) {
      return false;
    }
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      String suffix = pattern.substring(1);
      return hostname.endsWith(suffix) && hostname.length() > suffix.length();
    }
    return pattern.equalsIgnoreCase(hostname);
  }

  /** Gateway server hosts may be written {@code namespace/host}; the host part matches names. */
  static String hostPart(String gatewayHost) {
    int slash = gatewayHost.indexOf('/');
    return slash < 0 ? gatewayHost : gatewayHost.substring(slash + 1);
  }

  /**
   * A short name ({@code reviews}) means {@code reviews.<namespace of the rule>.svc.cluster.local}.
   * https://istio.io/latest/docs/reference/config/networking/destination-rule/#DestinationRule-host
   */
  static String fqdn(String host, String ruleNamespace) {
    if (host == null || host.isEmpty() || host.contains(".") || host.contains("*")) {
      return host;
    }
    return host + "." + ruleNamespace + "." + CLUSTER_DOMAIN;
  }

  /**
   * A name outside the mesh's own naming: not a {@code .global} host, not a cluster-local name, not
   * a short name (Kubernetes search domains), not an address. Such names are resolved upstream and,
   * without a ServiceEntry, follow the mesh's outboundTrafficPolicy.
   */
  static boolean isPublic(String host) {
    return host != null && host.contains(".") && !host.endsWith(".global") && !host.endsWith(".cluster.local")
        && !isIpAddress(host);
  }

  static boolean isClusterLocal(String host) {
    return host.endsWith("." + CLUSTER_DOMAIN);
  }

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]+");

  /** Asked of every host of every request simulated: patterns compiled once, a name ruled out by its first letter. */
  static boolean isIpAddress(String host) {
    if (host.isEmpty()) {
      return false;
    }
    char first = host.charAt(0);
    return first >= '0' && first <= '9' && IPV4.matcher(host).matches()
        || host.indexOf(':') >= 0 && IPV6.matcher(host).matches();
  }

  /** {@code outbound_.<port>_.<subset>_.<host>}: the SNI Istio mTLS sends and AUTO_PASSTHROUGH parses. */
  static String istioSni(int port, String subset, String host) {
    return "outbound_." + port + "_." + (subset == null ? "" : subset) + "_." + host;
  }

  /** The parts of an Istio mTLS SNI, or null when {@code sni} is not of that form. */
  record ParsedSni(int port, String subset, String host) {}

  static ParsedSni parseIstioSni(String sni) {
    if (sni == null || !sni.startsWith("outbound_.")) {
      return null;
    }
    String rest = sni.substring("outbound_.".length());
    int p = rest.indexOf("_.");
    if (p <= 0) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(rest.substring(0, p));
    } catch (NumberFormatException e) {
      return null;
    }
    rest = rest.substring(p + 2);
    int s = rest.indexOf("_.");
    if (s < 0) {
      return null;
    }
    String subset = rest.substring(0, s);
    String host = rest.substring(s + 2);
    return host.isEmpty() ? null : new ParsedSni(port, subset, host);
  }
}
