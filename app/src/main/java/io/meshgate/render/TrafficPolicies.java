package io.meshgate.render;

import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsHTTPSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsTCPSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.IsLoadBalancerSettingsConsistentHashLBHashKey;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHash;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLB;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHTTPCookie_;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpCookie;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpHeaderName;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpQueryParameterName;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBUseSourceIp;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimple;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimpleLB;
import io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.meshgate.intent.InboundService;
import io.meshgate.intent.TlsMode;

/**
 * The {@code trafficPolicy} blocks of meshgate's DestinationRules, built from an InboundService's
 * loadBalancing, connectionPool and outlierDetection.
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */
final class TrafficPolicies {

  private TrafficPolicies() {}

  /** True when the service configures any traffic setting a caller's proxy applies. */
  static boolean configuresTraffic(InboundService.Spec spec) {
    return spec.loadBalancing() != null || spec.connectionPool() != null || spec.outlierDetection() != null;
  }

  /**
   * For callers inside the hosting cluster ({@code <service>.<ns>.svc.cluster.local}): every
   * setting, hash-based load balancing included (the caller's proxy picks a pod directly); plain
   * text ({@code DISABLE}) toward a service without sidecar.
   */
  static TrafficPolicy inCluster(InboundService.Spec spec) {
    TrafficPolicy policy = new TrafficPolicy();
    if (spec.mutualTLS() == TlsMode.ISTIO_MUTUAL && spec.sidecar()) {
      policy.setTls(istioMutual());
    } else if (!spec.sidecar()) {
      policy.setTls(TrafficRouting.disable());
    }
    if (spec.loadBalancing() != null) {
      policy.setLoadBalancer(loadBalancer(spec.loadBalancing(), true));
    }
    addCircuitBreaking(policy, spec);
    return policy;
  }

  /**
   * For the {@code .global} host: the caller's proxy applies connection limits and ejection (so
   * circuit breaking belongs here), and simple load balancing. A hash would pick one east-west
   * gateway address, not a pod, so hash-based load balancing is left out (MG-LB-02 warns).
   */
  static TrafficPolicy global(InboundService.Spec spec, ClientTLSSettings tls) {
    TrafficPolicy policy = new TrafficPolicy();
    policy.setTls(tls);
    if (spec.loadBalancing() != null && spec.loadBalancing().simple() != null) {
      policy.setLoadBalancer(loadBalancer(spec.loadBalancing(), false));
    }
    addCircuitBreaking(policy, spec);
    return policy;
  }

  /** {@code tls: {mode: ISTIO_MUTUAL}}: Istio's own certificates, SNI set by Istio. */
  static ClientTLSSettings istioMutual() {
    ClientTLSSettings tls = new ClientTLSSettings();
    tls.setMode(ClientTLSSettingsTLSmode.ISTIO_MUTUAL);
    return tls;
  }

  /**
   * SIMPLE or MUTUAL originated by the client's sidecar: {@code credentialName} is read by
   * sidecars only when the DestinationRule has a workloadSelector (the caller makes sure it has),
   * and the Secret must live in the client's namespace.
   * https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings
   */
  static ClientTLSSettings originated(TlsMode mode, String credentialName, String sni) {
    ClientTLSSettings tls = new ClientTLSSettings();
    tls.setMode(ClientTLSSettingsTLSmode.valueOf(mode.name()));
    tls.setCredentialName(credentialName);
    tls.setSni(sni);
    return tls;
  }

  private static void addCircuitBreaking(TrafficPolicy policy, InboundService.Spec spec) {
    if (spec.connectionPool() != null) {
      policy.setConnectionPool(connectionPool(spec.connectionPool()));
    }
    if (spec.outlierDetection() != null) {
      InboundService.OutlierDetection od = spec.outlierDetection();
      OutlierDetection outlier = new OutlierDetection();
      outlier.setConsecutive5xxErrors(od.consecutive5xxErrors());
      outlier.setInterval(od.interval());
      outlier.setBaseEjectionTime(od.baseEjectionTime());
      policy.setOutlierDetection(outlier);
    }
  }

  private static LoadBalancerSettings loadBalancer(InboundService.LoadBalancing lb, boolean withHash) {
    LoadBalancerSettings settings = new LoadBalancerSettings();
    if (lb.simple() != null) {
      settings.setLbPolicy(new LoadBalancerSettingsSimple(simpleLb(lb.simple())));
    } else if (lb.consistentHash() != null && withHash) {
      InboundService.ConsistentHash ch = lb.consistentHash();
      LoadBalancerSettingsConsistentHashLB hash = new LoadBalancerSettingsConsistentHashLB();
      hash.setHashKey(hashKey(ch));
      // The Fabric8 7.5.2 model cannot express ringHash.minimumRingSize (its RingHash type is
      // self-referential), so the top-level field every Istio release accepts is used.
      hash.setMinimumRingSize(ch.minimumRingSize());
      settings.setLbPolicy(new LoadBalancerSettingsConsistentHash(hash));
    }
    return settings;
  }

  private static LoadBalancerSettingsSimpleLB simpleLb(String name) {
    try {
      return LoadBalancerSettingsSimpleLB.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown loadBalancing.simple value '" + name + "'");
    }
  }

  private static IsLoadBalancerSettingsConsistentHashLBHashKey hashKey(InboundService.ConsistentHash ch) {
    if (ch.httpCookie() != null) {
      var cookie = new LoadBalancerSettingsConsistentHashLBHTTPCookie_();
      cookie.setName(ch.httpCookie().name());
      cookie.setPath(ch.httpCookie().path());
      cookie.setTtl(ch.httpCookie().ttl());
      return new LoadBalancerSettingsConsistentHashLBHttpCookie(cookie);
    }
    if (ch.httpHeaderName() != null) {
      return new LoadBalancerSettingsConsistentHashLBHttpHeaderName(ch.httpHeaderName());
    }
    if (ch.useSourceIp() != null) {
      return new LoadBalancerSettingsConsistentHashLBUseSourceIp(ch.useSourceIp());
    }
    if (ch.httpQueryParameterName() != null) {
      return new LoadBalancerSettingsConsistentHashLBHttpQueryParameterName(ch.httpQueryParameterName());
    }
    return null;
  }

  private static ConnectionPoolSettings connectionPool(InboundService.ConnectionPool cp) {
    ConnectionPoolSettings pool = new ConnectionPoolSettings();
    if (cp.maxConnections() != null) {
      ConnectionPoolSettingsTCPSettings tcp = new ConnectionPoolSettingsTCPSettings();
      tcp.setMaxConnections(cp.maxConnections());
      pool.setTcp(tcp);
    }
    if (cp.http2MaxRequests() != null || cp.maxRequestsPerConnection() != null) {
      ConnectionPoolSettingsHTTPSettings http = new ConnectionPoolSettingsHTTPSettings();
      http.setHttp2MaxRequests(cp.http2MaxRequests());
      http.setMaxRequestsPerConnection(cp.maxRequestsPerConnection());
      pool.setHttp(http);
    }
    return pool;
  }
}
