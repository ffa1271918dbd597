package io.meshgate.cli;

import io.meshgate.intent.Cluster;
import io.meshgate.intent.IngressRoute;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.ServiceClient;
import io.meshgate.report.VerifyReport;
import io.meshgate.verify.Caller;
import io.meshgate.verify.Jwt;
import io.meshgate.verify.MeshModel;
import io.meshgate.verify.Request;
import io.meshgate.verify.Simulator;
import io.meshgate.verify.Trace;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshgate explain}: the hop-by-hop trace of one request. Exit 0 allowed, 1 denied, 2 usage. */
@Command(
    name = "explain",
    description = "Print, hop by hop, what Istio does with one request.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class)
public final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin VerifyInputs inputs;

  @Option(names = "--from", paramLabel = "CLUSTER/NAMESPACE/SERVICEACCOUNT", required = true,
      description = "The calling workload. Its sidecar and labels come from a ServiceClient with that identity, "
          + "else it is taken to have a sidecar and the label app=<serviceAccount>. 'external' (or external/CLUSTER): "
          + "a client outside the mesh reaching the ingress gateway of the cluster whose IngressRoute serves the host.")
  String from;

  @Option(names = "--client-cert",
      description = "An external client presents a client certificate (for ingress servers in MUTUAL mode).")
  boolean clientCertificate;

  @Option(names = "--jwt-issuer", paramLabel = "ISSUER",
      description = "The request carries a valid end-user token (JWT) of this issuer.")
  String jwtIssuer;

  @Option(names = "--jwt-audience", paramLabel = "AUD", description = "An aud value of the token (repeatable).")
  List<String> jwtAudiences;

  @Option(names = "--jwt-claim", paramLabel = "NAME=VALUE", description = "A claim of the token (repeatable).")
  List<String> jwtClaims;

  @Option(names = "--to", paramLabel = "HOST[:PORT]", required = true,
      description = "The host called (e.g. httpbin.default.global:8000); without a port, the service's first port.")
  String to;

  @Option(names = "--method", paramLabel = "M", description = "HTTP method (default GET on HTTP services).")
  String method;

  @Option(names = "--path", paramLabel = "P", description = "HTTP path (default /).")
  String path;

  @Option(names = "--header", paramLabel = "NAME=VALUE",
      description = "A request header (repeatable), e.g. --header end-user=john: VirtualService routes match on them.")
  Map<String, String> headers;

  @Option(names = "--fail", paramLabel = "CLUSTER",
      description = "Take the workloads of this cluster as down (repeatable): callers of a service hosted in several "
          + "clusters fail over to another one.")
  List<String> failed;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String[] parts = from.split("/", -1);
    boolean external = parts[0].equals("external") && (parts.length == 1 || (parts.length == 2 && !parts[1].isEmpty()));
    if (!external && (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty())) {
      return usage(err, "--from takes CLUSTER/NAMESPACE/SERVICEACCOUNT, e.g. cluster01/default/sleep, or external"
          + " (external/CLUSTER) (got \"" + from + "\")");
    }
    String host = to;
    Integer port = null;
    int colon = to.lastIndexOf(':');
    if (colon > 0 && to.indexOf(':') == colon) {
      host = to.substring(0, colon);
      try {
        port = Integer.parseInt(to.substring(colon + 1));
      } catch (NumberFormatException e) {
        return usage(err, "--to takes HOST[:PORT] with a numeric port (got \"" + to + "\")");
      }
    }
    if (host.isEmpty()) {
      return usage(err, "--to takes HOST[:PORT], e.g. httpbin.default.global:8000");
    }
    if (method != null && !method.equals(method.toUpperCase(Locale.ROOT))) {
      // Methods are case-sensitive (RFC 9110 section 9.1) and Istio matches them as sent, so "head" would
      // miss every rule written for HEAD: almost always a typo rather than the request meant.
      return usage(err, "--method " + method + ": HTTP methods are case-sensitive and clients send them in upper"
          + " case; write --method " + method.toUpperCase(Locale.ROOT));
    }
    VerifyInputs.Loaded loaded;
    boolean json;
    try {
      json = inputs.json();
      loaded = inputs.load();
    } catch (VerifyInputs.InputProblem e) {
      usage(err, e.getMessage());
      return e.exitCode();
    }
    Caller caller;
    if (external) {
      ExternalClient client = externalClient(loaded, parts.length == 2 ? parts[1] : null, host, port);
      if (client.problem() != null) {
        return usage(err, client.problem());
      }
      caller = Caller.external(client.cluster(), client.https(), clientCertificate);
    } else {
      caller = caller(loaded, parts[0], parts[1], parts[2]);
    }
    Jwt jwt = null;
    if (jwtIssuer != null) {
      Map<String, List<String>> claims = new TreeMap<>();
      for (String claim : jwtClaims == null ? List.<String>of() : jwtClaims) {
        int eq = claim.indexOf('=');
        if (eq <= 0) {
          return usage(err, "--jwt-claim takes NAME=VALUE (got \"" + claim + "\")");
        }
        claims.computeIfAbsent(claim.substring(0, eq), k -> new ArrayList<>()).add(claim.substring(eq + 1));
      }
      jwt = new Jwt(jwtIssuer, "meshgate-explain", jwtAudiences, claims);
    } else if (jwtAudiences != null || jwtClaims != null) {
      return usage(err, "--jwt-audience and --jwt-claim describe a token: give its --jwt-issuer too");
    }
    if (failed != null) {
      for (String cluster : failed) {
        if (!loaded.load().intents().clusters().containsKey(cluster)) {
          return usage(err, "--fail names cluster " + cluster + ", which no Cluster intent declares");
        }
      }
    }
    Map<String, String> lowerCase = new TreeMap<>();
    if (headers != null) {
      headers.forEach((name, value) -> lowerCase.put(name.toLowerCase(Locale.ROOT), value));
    }
    Simulator simulator = new Simulator(MeshModel.build(loaded.load().intents(), loaded.objects()),
        failed == null ? Set.of() : Set.copyOf(failed));
    Trace trace = simulator.explain(new Request(caller, host, port, method, path, jwt, lowerCase));
    out.print(json ? VerifyReport.explainJson(trace) : VerifyReport.explainText(trace));
    out.flush();
    return trace.allowed() ? Main.EXIT_OK : Main.EXIT_VIOLATIONS;
  }

  /** The declared client with this identity gives the sidecar and labels; otherwise a sidecar and app=SA. */
  private static Caller caller(VerifyInputs.Loaded loaded, String cluster, String namespace, String account) {
    for (ServiceClient client : loaded.load().intents().clients().values()) {
      ServiceClient.Spec s = client.spec();
      if (s.cluster().equals(cluster) && s.namespace().equals(namespace) && s.serviceAccount().equals(account)) {
        return new Caller(cluster, namespace, account, Map.of("app", s.service()), s.sidecar());
      }
    }
    return new Caller(cluster, namespace, account, Map.of("app", account), true);
  }

  /** The cluster an external client reaches, and whether it speaks https there; or why that is unclear. */
  record ExternalClient(String cluster, boolean https, String problem) {}

  /**
   * {@code external/CLUSTER} names the cluster; {@code external} takes the cluster of the IngressRoute
   * serving the host (the first by name when several do). https unless the port is the cluster's
   * ingress http port; without a port, https when that IngressRoute has TLS.
   */
  static ExternalClient externalClient(VerifyInputs.Loaded loaded, String named, String host, Integer port) {
    IntentSet intents = loaded.load().intents();
    IngressRoute serving = null;
    for (IngressRoute route : intents.ingressRoutes().values()) {
      boolean serves = route.spec().hosts().stream().anyMatch(h -> h.equals(host)
          || (h.startsWith("*") && host.endsWith(h.substring(1))));
      if (serves && (named == null || named.equals(route.spec().cluster()))) {
        serving = route;
        break;
      }
    }
    String cluster = named != null ? named : serving == null ? null : serving.spec().cluster();
    if (cluster == null) {
      return new ExternalClient(null, false, "no IngressRoute serves host " + host
          + "; name the cluster whose ingress gateway to call: --from external/CLUSTER");
    }
    Cluster facts = intents.clusters().get(cluster);
    if (facts == null) {
      return new ExternalClient(null, false, "no Cluster intent declares cluster " + cluster);
    }
    boolean https = port != null ? port != facts.spec().ingressGateway().httpPort()
        : serving != null && serving.spec().tls() != null;
    return new ExternalClient(cluster, https, null);
  }

  private static int usage(PrintWriter err, String message) {
    err.println("meshgate explain: " + message);
    err.flush();
    return Main.EXIT_ERROR;
  }
}
