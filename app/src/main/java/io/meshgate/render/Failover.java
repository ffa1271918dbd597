package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LocalityLoadBalancerSetting;
import io.fabric8.istio.api.api.networking.v1alpha3.LocalityLoadBalancerSettingDistribute;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry;
import io.fabric8.istio.api.api.type.v1beta1.WorkloadSelector;
import io.meshgate.intent.Cluster;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.IntentIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Service hosted in several clusters ({@code spec.alsoIn}): the {@code .global} endpoints of each
 * cluster carry the locality of the cluster they lead to, and the DestinationRules turn on locality
 * load balancing, so a caller's proxy prefers endpoints of its own locality (its own cluster's copy)
 * and, once outlier detection ejects them, fails over to another cluster's mesh gateway. This is the
 * shape Admiral generates for a service deployed in several clusters (the local Kubernetes Service
 * and the other clusters' gateways as endpoints of one {@code .global} host).
 * https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/ and
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting
 */
final class Failover {

  /** The DestinationRule that keeps a hosting cluster's east-west gateway on its own copy. */
  static final String GATEWAY_SUFFIX = "-gateway";

  private Failover() {}

  /**
   * A hosting cluster's {@code .global} endpoints: the Kubernetes Service itself (with the cluster's
   * locality when the service is hosted elsewhere too), then each other hosting cluster's mesh
   * gateway with that cluster's locality (Istio mTLS through AUTO_PASSTHROUGH: every port to
   * {@code meshGateway.port}).
   */
  static List<WorkloadEntry> hostedEndpoints(IntentIndex index, InboundService service, Cluster host) {
    List<WorkloadEntry> endpoints = new ArrayList<>();
    WorkloadEntry local = new WorkloadEntry();
    local.setAddress(Renderer.localHost(service));
    local.setPorts(ports(service, null));
    if (service.spec().multiCluster()) {
      local.setLocality(host.spec().locality());
    }
    endpoints.add(local);
    for (Cluster other : otherHosts(index, service, host.name())) {
      endpoints.add(gatewayEndpoint(service, other, other.spec().meshGateway().port()));
    }
    return endpoints;
  }

  /**
   * A client cluster's {@code .global} endpoints: every hosting cluster's mesh gateway on
   * {@code gatewayPort(cluster)}, with its locality when there are several.
   */
  static List<WorkloadEntry> remoteEndpoints(IntentIndex index, InboundService service, boolean istioMutual) {
    List<WorkloadEntry> endpoints = new ArrayList<>();
    for (String name : service.spec().hostingClusters()) {
      Cluster host = index.cluster(name);
      if (host != null) {
        Cluster.MeshGateway gw = host.spec().meshGateway();
        endpoints.add(gatewayEndpoint(service, host, istioMutual ? gw.port() : gw.tlsPort()));
      }
    }
    return endpoints;
  }

  private static WorkloadEntry gatewayEndpoint(InboundService service, Cluster host, int port) {
    WorkloadEntry endpoint = new WorkloadEntry();
    endpoint.setAddress(host.spec().meshGateway().address());
    endpoint.setPorts(ports(service, port));
    if (service.spec().multiCluster()) {
      endpoint.setLocality(host.spec().locality());
    }
    return endpoint;
  }

  /** The known hosting clusters other than {@code self}, in the service's order. */
  static List<Cluster> otherHosts(IntentIndex index, InboundService service, String self) {
    List<Cluster> others = new ArrayList<>();
    for (String name : service.spec().hostingClusters()) {
      Cluster cluster = index.cluster(name);
      if (cluster != null && !name.equals(self)) {
        others.add(cluster);
      }
    }
    return others;
  }

  /**
   * Each port name to {@code endpointPort}, or to the port itself when null (the Kubernetes Service
   * in the hosting cluster).
   */
  private static Map<String, Long> ports(InboundService service, Integer endpointPort) {
    Map<String, Long> ports = new TreeMap<>();
    for (InboundService.Port port : service.spec().ports()) {
      ports.put(port.name(), (long) (endpointPort != null ? endpointPort : port.number()));
    }
    return ports;
  }

  /**
   * Locality load balancing on a {@code .global} DestinationRule of a service hosted in several
   * clusters. Failover to a lower priority needs outlier detection, which ejects the failing local
   * endpoints (MG-FAILOVER-01 requires {@code outlierDetection}, rendered beside it).
   */
  static void addLocalityLoadBalancing(TrafficPolicy policy, InboundService.Spec spec) {
    if (!spec.multiCluster()) {
      return;
    }
    LoadBalancerSettings lb = policy.getLoadBalancer() != null ? policy.getLoadBalancer() : new LoadBalancerSettings();
    LocalityLoadBalancerSetting locality = new LocalityLoadBalancerSetting();
    locality.setEnabled(true);
    lb.setLocalityLbSetting(locality);
    policy.setLoadBalancer(lb);
  }

  /**
   * In a hosting cluster, its east-west gateway forwards {@code .global} connections from other
   * clusters to this cluster's copy only: 100% of its traffic to its own locality. Without it the
   * gateway, whose cluster also lists the other gateways as endpoints, would pass a connection on to
   * another cluster's gateway once the local copy fails, and two gateways could hand it back and forth.
   * The caller's proxy fails over instead (outlier detection ejects this gateway). The rule selects
   * the gateway's pods in the gateway's namespace (a DestinationRule with a workloadSelector applies
   * there only and takes precedence over one without) and is not exported.
   * https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting-Distribute
   * https://istio.io/latest/docs/reference/config/networking/destination-rule/#DestinationRule-workload_selector
   */
  static DestinationRule gatewayPinning(InboundService service, Cluster host) {
    String locality = localityPattern(host.spec().locality());
    LocalityLoadBalancerSettingDistribute distribute = new LocalityLoadBalancerSettingDistribute();
    distribute.setFrom(locality);
    distribute.setTo(new TreeMap<>(Map.of(locality, 100L)));
    LocalityLoadBalancerSetting setting = new LocalityLoadBalancerSetting();
    setting.setEnabled(true);
    setting.setDistribute(List.of(distribute));
    LoadBalancerSettings lb = new LoadBalancerSettings();
    lb.setLocalityLbSetting(setting);
    TrafficPolicy policy = new TrafficPolicy();
    policy.setLoadBalancer(lb);
    DestinationRule rule = new DestinationRule();
    rule.setHost(Renderer.globalHost(service));
    rule.setWorkloadSelector(new WorkloadSelector(new TreeMap<>(host.spec().meshGateway().selector())));
    rule.setExportTo(List.of("."));
    rule.setTrafficPolicy(policy);
    return rule;
  }

  /** {@code <region>/*} for a region, {@code <region>/<zone>/*} for a zone, a subzone as it is. */
  static String localityPattern(String locality) {
    if (locality == null) {
      return "*";
    }
    return locality.split("/").length >= 3 ? locality : locality + "/*";
  }

  /** {@code meshgate-<service>-<namespace>-global-gateway}. */
  static String gatewayPinningName(InboundService service) {
    return Renderer.globalObjectName(service) + GATEWAY_SUFFIX;
  }
}
