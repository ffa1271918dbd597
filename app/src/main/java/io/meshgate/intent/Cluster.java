package io.meshgate.intent;

import java.util.List;
import java.util.Map;

/** A Kubernetes cluster with its own Istio control plane. Defaults are filled in by the loader. */
public record Cluster(Metadata metadata, Spec spec) implements Intent {

  /**
   * @param istioApiVersion meshgate extension: {@code v1} (default), {@code v1beta1} or
   *     {@code v1alpha3}, the Istio API version rendered for this cluster
   * @param syncNamespace where the objects for {@code .global} hosts live (contract v2)
   * @param trustDomainAliases other trust domains this cluster's mesh config accepts (contract v2)
   * @param dnsProxying sidecar DNS proxying is on, so {@code .global} names resolve (contract v2)
   * @param peerAuthentication the mesh's and namespaces' mTLS defaults in this cluster, or null
   * @param ingressGateway the ingress gateway IngressRoutes of this cluster use (defaults: Istio's)
   * @param egressGateway the egress gateway ExternalServices with {@code egressGateway: true} use
   * @param outboundTrafficPolicy the mesh's {@code outboundTrafficPolicy.mode}: ALLOW_ANY (Istio's
   *     default: hosts without a ServiceEntry pass through) or REGISTRY_ONLY
   * @param locality where the cluster's nodes are ({@code region[/zone[/subzone]]}), or null
   * @param namespacesWithoutSidecar namespaces without sidecar injection (legacy workloads), empty when none
   */
  public record Spec(String logicalCloud, String trustDomain, String network, MeshGateway meshGateway,
      String istioApiVersion, String syncNamespace, List<String> trustDomainAliases, boolean dnsProxying,
      PeerAuthenticationDefaults peerAuthentication, IngressGateway ingressGateway, EgressGateway egressGateway,
      String outboundTrafficPolicy, String locality, List<String> namespacesWithoutSidecar) {

    public Spec {
      trustDomain = trustDomain == null ? "cluster.local" : trustDomain;
      syncNamespace = syncNamespace == null ? "istio-system" : syncNamespace;
      trustDomainAliases = trustDomainAliases == null ? List.of() : List.copyOf(trustDomainAliases);
      ingressGateway = ingressGateway == null ? new IngressGateway(null, null, null, 0, 0) : ingressGateway;
      egressGateway = egressGateway == null ? new EgressGateway(null, null, null, null) : egressGateway;
      outboundTrafficPolicy = outboundTrafficPolicy == null ? ALLOW_ANY : outboundTrafficPolicy;
      namespacesWithoutSidecar = namespacesWithoutSidecar == null ? List.of() : List.copyOf(namespacesWithoutSidecar);
    }

    /** Without the mesh edge's and traffic management's fields: Istio's default gateways, ALLOW_ANY. */
    public Spec(String logicalCloud, String trustDomain, String network, MeshGateway meshGateway,
        String istioApiVersion, String syncNamespace, List<String> trustDomainAliases, boolean dnsProxying,
        PeerAuthenticationDefaults peerAuthentication) {
      this(logicalCloud, trustDomain, network, meshGateway, istioApiVersion, syncNamespace, trustDomainAliases,
          dnsProxying, peerAuthentication, null, null, null, null, null);
    }

    /** True when a host without ServiceEntry is refused (BlackHoleCluster) rather than passed through. */
    public boolean registryOnly() {
      return REGISTRY_ONLY.equals(outboundTrafficPolicy);
    }

    /** Without mTLS defaults and the mesh edge's fields. */
    public Spec(String logicalCloud, String trustDomain, String network, MeshGateway meshGateway,
        String istioApiVersion, String syncNamespace, List<String> trustDomainAliases, boolean dnsProxying) {
      this(logicalCloud, trustDomain, network, meshGateway, istioApiVersion, syncNamespace, trustDomainAliases,
          dnsProxying, null);
    }

    /**
     * The mTLS mode a namespace gets from this cluster's defaults (its own entry, else the mesh's),
     * or null when neither is set (Istio's default, PERMISSIVE).
     */
    public String defaultMtlsMode(String namespace) {
      if (peerAuthentication == null) {
        return null;
      }
      String own = peerAuthentication.namespaces().get(namespace);
      return own != null ? own : peerAuthentication.mesh();
    }

    /** A v1 cluster: the contract's v2 defaults for every field v1 did not have. */
    public Spec(String logicalCloud, String trustDomain, String network, MeshGateway meshGateway,
        String istioApiVersion) {
      this(logicalCloud, trustDomain, network, meshGateway, istioApiVersion, null, null, true);
    }
  }

  /**
   * The east-west gateway other clusters reach this cluster's services through.
   *
   * @param port the AUTO_PASSTHROUGH server (Istio mTLS, routed by SNI)
   * @param tlsPort the TLS-terminating server for SIMPLE and MUTUAL clients (contract v2)
   * @param selector the gateway pods' labels (contract v2)
   * @param namespace the gateway's namespace (contract v2)
   */
  public record MeshGateway(String address, int port, int tlsPort, Map<String, String> selector, String namespace) {

    public static final int DEFAULT_PORT = 15443;
    public static final int DEFAULT_TLS_PORT = 15444;

    public MeshGateway {
      port = port == 0 ? DEFAULT_PORT : port;
      tlsPort = tlsPort == 0 ? DEFAULT_TLS_PORT : tlsPort;
      selector = selector == null || selector.isEmpty() ? Map.of("istio", "eastwestgateway") : Map.copyOf(selector);
      namespace = namespace == null ? "istio-system" : namespace;
    }

    public MeshGateway(String address, int port) {
      this(address, port, 0, null, null);
    }
  }

  public static final String ALLOW_ANY = "ALLOW_ANY";
  public static final String REGISTRY_ONLY = "REGISTRY_ONLY";

  /**
   * The ingress gateway: its pods' labels and namespace (its Secrets live there), the service account
   * its pods run as (AuthorizationPolicies admit that identity) and the ports of its Service. The
   * defaults are those of {@code istioctl install} (the default profile).
   * https://istio.io/latest/docs/setup/additional-setup/gateway/
   */
  public record IngressGateway(Map<String, String> selector, String namespace, String serviceAccount, int httpPort,
      int httpsPort) {

    public IngressGateway {
      selector = selector == null || selector.isEmpty() ? Map.of("istio", "ingressgateway") : Map.copyOf(selector);
      namespace = namespace == null ? "istio-system" : namespace;
      serviceAccount = serviceAccount == null ? "istio-ingressgateway-service-account" : serviceAccount;
      httpPort = httpPort == 0 ? 80 : httpPort;
      httpsPort = httpsPort == 0 ? 443 : httpsPort;
    }
  }

  /**
   * The egress gateway: its pods' labels, namespace, Kubernetes Service (what sidecars route to) and
   * service account; defaults of {@code istioctl install} with {@code egressGateways} enabled.
   * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
   */
  public record EgressGateway(Map<String, String> selector, String namespace, String service, String serviceAccount) {

    public EgressGateway {
      selector = selector == null || selector.isEmpty() ? Map.of("istio", "egressgateway") : Map.copyOf(selector);
      namespace = namespace == null ? "istio-system" : namespace;
      service = service == null ? "istio-egressgateway" : service;
      serviceAccount = serviceAccount == null ? "istio-egressgateway-service-account" : serviceAccount;
    }

    /** {@code <service>.<namespace>.svc.cluster.local}. */
    public String host() {
      return service + "." + namespace + ".svc.cluster.local";
    }
  }

  /**
   * Namespace-wide and mesh-wide PeerAuthentication modes (STRICT, PERMISSIVE or DISABLE), rendered
   * as PeerAuthentications without selector: in the root namespace for {@code mesh}, in each listed
   * namespace for {@code namespaces}. https://istio.io/latest/docs/reference/config/security/peer_authentication/
   *
   * @param mesh the root namespace's mode, or null
   * @param namespaces namespace to mode, sorted
   */
  public record PeerAuthenticationDefaults(String mesh, Map<String, String> namespaces) {
    public PeerAuthenticationDefaults {
      namespaces = namespaces == null ? Map.of() : java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(namespaces));
    }
  }

  @Override
  public Kind kind() {
    return Kind.Cluster;
  }
}
