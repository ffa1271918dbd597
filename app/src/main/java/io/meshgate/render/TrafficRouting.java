package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjection;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbort;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortGrpcStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortHttpStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelayFixedDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMirrorPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRetry;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.Percent;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryResolution;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchExact;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchPrefix;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchRegex;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadSelector;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.RuleFrom;
import io.fabric8.istio.api.api.security.v1beta1.RuleTo;
import io.fabric8.istio.api.api.security.v1beta1.Source;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentIndex;
import io.meshgate.intent.ServiceClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Traffic management of an InboundService, rendered into the objects of the main renderer's plan:
 * its versions as DestinationRule subsets, its routes as a VirtualService per host callers use, its
 * {@code authorization.deny} as a DENY AuthorizationPolicy, and {@code tls.mode: DISABLE} toward
 * workloads without sidecar. Every piece is applied by the caller's proxy (routes, subsets, TLS) or
 * the service's (DENY), so each object goes where Istio looks for it (docs/rendering.md).
 */
final class TrafficRouting {

  /** The DENY AuthorizationPolicy of a service: {@code meshgate-<service>-deny}. */
  static final String DENY_SUFFIX = "-deny";
  /** The DestinationRule of a namespace without sidecars: {@code meshgate-no-sidecar}. */
  static final String NO_SIDECAR = Renderer.NAME_PREFIX + "no-sidecar";

  private TrafficRouting() {}

  // ---- subsets ---------------------------------------------------------------------------------

  /**
   * The service's versions as DestinationRule subsets. {@code labelled}: where the host's endpoints
   * are the pods themselves (the Kubernetes Service, or the hosting cluster's {@code .global}
   * ServiceEntry that selects them), each subset selects its version's labels. Otherwise the
   * endpoint is a cluster's mesh gateway: a subset without labels keeps it (a subset's labels filter
   * the host's endpoints, and the gateway's carry none), and Istio mTLS names the subset in the SNI
   * ({@code outbound_.<port>_.<subset>_.<host>}), which the gateway routes to the hosting cluster's
   * labelled subset. https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset
   * and https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSmode
   */
  static List<Subset> subsets(InboundService.Spec spec, boolean labelled) {
    List<Subset> subsets = new ArrayList<>();
    for (InboundService.Version version : spec.versions()) {
      Subset subset = new Subset();
      subset.setName(version.name());
      if (labelled) {
        subset.setLabels(new TreeMap<>(version.labels()));
      }
      subsets.add(subset);
    }
    return subsets;
  }

  /** Adds the service's subsets to a DestinationRule (none when it declares no versions). */
  static void addSubsets(DestinationRule rule, InboundService.Spec spec, boolean labelled) {
    if (!spec.versions().isEmpty()) {
      rule.setSubsets(subsets(spec, labelled));
    }
  }

  /**
   * {@code tls.mode: DISABLE}: callers' sidecars send plain text, as a workload without sidecar
   * expects, whatever a mesh-wide or namespace-wide DestinationRule says (the rule of the service's
   * namespace is found before the root namespace's).
   * https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/ and
   * https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/#sidecars
   */
  static ClientTLSSettings disable() {
    ClientTLSSettings tls = new ClientTLSSettings();
    tls.setMode(ClientTLSSettingsTLSmode.DISABLE);
    return tls;
  }

  /**
   * The DestinationRule of a namespace without sidecar injection: every host of the namespace
   * ({@code *.<namespace>.svc.cluster.local}) is called in plain text, also the legacy workloads
   * meshgate does not describe. Exported to every namespace (a DestinationRule in the service's
   * namespace applies to callers of any namespace that has none of its own for the host).
   * https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration
   */
  static DestinationRule namespaceWithoutSidecar(String namespace) {
    DestinationRule rule = new DestinationRule();
    rule.setHost("*." + namespace + ".svc.cluster.local");
    rule.setExportTo(List.of("*"));
    TrafficPolicy policy = new TrafficPolicy();
    policy.setTls(disable());
    rule.setTrafficPolicy(policy);
    return rule;
  }

  // ---- the hosting cluster's .global ServiceEntry for versions ----------------------------------

  /**
   * The hosting cluster's {@code .global} ServiceEntry of a service with versions: it selects the
   * service's pods ({@code workloadSelector}, pods of its own namespace only, so it lives in the
   * service's namespace) instead of naming the Kubernetes Service, so its endpoints carry the pods'
   * labels and the labelled subsets beside it select them. The east-west gateway routes SNI
   * {@code outbound_.<port>_.<subset>_.<host>} to that subset. Resolution STATIC (the pods'
   * addresses); each port reaches the pods' port ({@code targetPort}).
   * https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-workload_selector
   */
  static ServiceEntry selectingServiceEntry(InboundService service, String address) {
    ServiceEntry se = Renderer.globalServiceEntry(service, address, ServiceEntryResolution.STATIC, true);
    se.setWorkloadSelector(new WorkloadSelector(new TreeMap<>(service.spec().selector())));
    return se;
  }

  /** True when the hosting cluster's {@code .global} ServiceEntry selects the pods (see above). */
  static boolean selectsPods(InboundService service) {
    return !service.spec().versions().isEmpty();
  }

  // ---- VirtualService --------------------------------------------------------------------------

  /**
   * The VirtualService callers' sidecars apply for {@code host} (the Kubernetes Service's name in
   * the hosting cluster, or {@code <service>.<namespace>.global}): the service's routes in order, each
   * to the same host's subsets, with their matches, weights, timeout, retries, fault injection and
   * mirrors. No {@code gateways}: it binds to sidecars only ({@code mesh}). Exported to every
   * namespace, like the host. https://istio.io/latest/docs/reference/config/networking/virtual-service/
   */
  static VirtualService virtualService(InboundService service, String host) {
    InboundService.Spec spec = service.spec();
    List<HTTPRoute> http = new ArrayList<>();
    for (InboundService.Route r : spec.routes()) {
      HTTPRoute route = new HTTPRoute();
      route.setName(r.name());
      List<HTTPMatchRequest> matches = new ArrayList<>();
      for (InboundService.Match m : r.match()) {
        matches.add(match(spec, m));
      }
      route.setMatch(matches);
      List<HTTPRouteDestination> destinations = new ArrayList<>();
      // No destination given: the whole service (Istio requires one).
      List<InboundService.Destination> to = r.route().isEmpty() ? List.of(new InboundService.Destination(null, null)) : r.route();
      for (InboundService.Destination d : to) {
        HTTPRouteDestination destination = new HTTPRouteDestination();
        destination.setDestination(destination(host, d.version()));
        destination.setWeight(d.weight());
        destinations.add(destination);
      }
      route.setRoute(destinations);
      route.setTimeout(r.timeout());
      if (r.retries() != null) {
        HTTPRetry retries = new HTTPRetry();
        retries.setAttempts(r.retries().attempts());
        retries.setPerTryTimeout(r.retries().perTryTimeout());
        retries.setRetryOn(r.retries().retryOn());
        route.setRetries(retries);
      }
      if (r.fault() != null) {
        route.setFault(fault(r.fault()));
      }
      if (r.mirror() != null) {
        HTTPMirrorPolicy mirror = new HTTPMirrorPolicy();
        mirror.setDestination(destination(host, r.mirror().version()));
        mirror.setPercentage(percent(r.mirror().percentage() == null ? 100.0 : r.mirror().percentage()));
        route.setMirrors(List.of(mirror));
      }
      http.add(route);
    }
    VirtualService vs = new VirtualService();
    vs.setHosts(List.of(host));
    vs.setExportTo(List.of("*"));
    vs.setHttp(http);
    return vs;
  }

  private static HTTPMatchRequest match(InboundService.Spec spec, InboundService.Match m) {
    HTTPMatchRequest match = new HTTPMatchRequest();
    if (!m.headers().isEmpty()) {
      Map<String, StringMatch> headers = new TreeMap<>();
      m.headers().forEach((name, value) -> headers.put(name, stringMatch(value)));
      match.setHeaders(headers);
    }
    match.setUri(stringMatch(m.uri()));
    match.setMethod(stringMatch(m.method()));
    if (m.port() != null) {
      InboundService.Port port = spec.portFor(m.port());
      // An unknown port is MG-REF-01's to report; the route is kept without it.
      match.setPort(port == null ? null : (long) port.number());
    }
    return match;
  }

  private static Destination destination(String host, String version) {
    Destination destination = new Destination();
    destination.setHost(host);
    destination.setSubset(version);
    return destination;
  }

  private static StringMatch stringMatch(InboundService.StringMatch m) {
    if (m == null) {
      return null;
    }
    StringMatch match = new StringMatch();
    if (m.exact() != null) {
      match.setMatchType(new StringMatchExact(m.exact()));
    } else if (m.prefix() != null) {
      match.setMatchType(new StringMatchPrefix(m.prefix()));
    } else if (m.regex() != null) {
      match.setMatchType(new StringMatchRegex(m.regex()));
    }
    return match;
  }

  private static HTTPFaultInjection fault(InboundService.Fault f) {
    HTTPFaultInjection fault = new HTTPFaultInjection();
    if (f.delay() != null) {
      HTTPFaultInjectionDelay delay = new HTTPFaultInjectionDelay();
      delay.setHttpDelayType(new HTTPFaultInjectionDelayFixedDelay(f.delay().fixedDelay()));
      delay.setPercentage(percent(f.delay().percentage()));
      fault.setDelay(delay);
    }
    if (f.abort() != null) {
      HTTPFaultInjectionAbort abort = new HTTPFaultInjectionAbort();
      abort.setErrorType(f.abort().httpStatus() != null
          ? new HTTPFaultInjectionAbortHttpStatus(f.abort().httpStatus())
          : new HTTPFaultInjectionAbortGrpcStatus(f.abort().grpcStatus()));
      abort.setPercentage(percent(f.abort().percentage()));
      fault.setAbort(abort);
    }
    return fault;
  }

  private static Percent percent(Double value) {
    Percent percent = new Percent();
    percent.setValue(value);
    return percent;
  }

  // ---- DENY AuthorizationPolicy ----------------------------------------------------------------

  /** True when the service has DENY rules and a sidecar to enforce them (MG-AUTHZ-05 refuses the rest). */
  static boolean denies(InboundService service) {
    return service.spec().sidecar() && !service.spec().denyRules().isEmpty();
  }

  /**
   * The DENY AuthorizationPolicy of a service's pods: Istio evaluates DENY before ALLOW, so a
   * request one of these rules matches is refused even when the ALLOW policy admits it. One rule per
   * entry: its callers as {@code from} (a client by its principal), its operations as {@code to}
   * (ports as the pods' ports, which the sidecar matches). An entry whose named clients are all
   * unknown is left out: without a source it would refuse every caller (MG-REF-01 reports them).
   * https://istio.io/latest/docs/reference/config/security/authorization-policy/ and
   * https://istio.io/latest/docs/tasks/security/authorization/authz-deny/
   */
  static AuthorizationPolicy denyPolicy(IntentIndex index, InboundService service) {
    InboundService.Spec spec = service.spec();
    List<Rule> rules = new ArrayList<>();
    for (InboundService.DenyRule entry : spec.denyRules()) {
      Source source = new Source();
      boolean from = false;
      if (entry.clients() != null) {
        List<String> principals = new ArrayList<>();
        for (String name : entry.clients()) {
          ServiceClient client = index.intents().clients().get(name);
          Cluster cluster = client == null ? null : index.clusterOf(client);
          if (cluster != null) {
            principals.add(Renderer.principal(cluster, client));
          }
        }
        if (principals.isEmpty()) {
          continue;
        }
        source.setPrincipals(principals);
        from = true;
      }
      if (entry.namespaces() != null) {
        source.setNamespaces(List.copyOf(entry.namespaces()));
        from = true;
      }
      if (entry.notNamespaces() != null) {
        source.setNotNamespaces(List.copyOf(entry.notNamespaces()));
        from = true;
      }
      Operation operation = new Operation();
      operation.setMethods(entry.methods());
      operation.setNotMethods(entry.notMethods());
      operation.setPaths(entry.paths());
      operation.setNotPaths(entry.notPaths());
      if (entry.ports() != null) {
        LinkedHashSet<String> ports = new LinkedHashSet<>();
        for (String reference : entry.ports()) {
          InboundService.Port port = spec.portFor(reference);
          if (port != null) {
            ports.add(String.valueOf(port.workloadPort()));
          }
        }
        if (ports.isEmpty()) {
          continue; // only unknown ports (MG-REF-01): without them the entry would cover every port
        }
        operation.setPorts(List.copyOf(ports));
      }
      boolean to = entry.methods() != null || entry.notMethods() != null || entry.paths() != null
          || entry.notPaths() != null || entry.ports() != null;
      Rule rule = new Rule();
      rule.setFrom(from ? List.of(new RuleFrom(source)) : null);
      rule.setTo(to ? List.of(new RuleTo(operation)) : null);
      rules.add(rule);
    }
    AuthorizationPolicy policy = new AuthorizationPolicy();
    policy.setSelector(new io.fabric8.istio.api.api.type.v1beta1.WorkloadSelector(new TreeMap<>(spec.selector())));
    policy.setAction(AuthorizationPolicyAction.DENY);
    policy.setRules(rules);
    return policy;
  }

  /** {@code meshgate-<service>-deny}. */
  static String denyPolicyName(InboundService service) {
    return Renderer.serviceObjectName(service) + DENY_SUFFIX;
  }
}
