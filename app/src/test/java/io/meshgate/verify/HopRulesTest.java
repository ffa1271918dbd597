package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each hop's Istio rule as a table of small cases: a good two-cluster mesh (client c in cluster a,
 * service s in cluster b behind an AUTO_PASSTHROUGH gateway), changed in one place, and the hop that
 * must fail (or none) with the object that decides.
 */
class HopRulesTest {

  static final String INTENTS = """
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: a}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: b}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.2}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: s}
      spec: {service: s, cluster: b, protocol: HTTP, port: 80, mutualTLS: ISTIO_MUTUAL}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: t}
      spec: {service: t, cluster: b, protocol: TCP, port: 5000, mutualTLS: ISTIO_MUTUAL}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: ServiceClient
      metadata: {name: c-to-s}
      spec: {service: c, cluster: a, target: s, access: [{methods: [GET], paths: ["/ok*"]}]}
      """;

  static final String CLIENT_SE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: se, namespace: istio-system}
      spec:
        hosts: [s.default.global]
        addresses: [240.0.0.10]
        exportTo: ["*"]
        location: MESH_INTERNAL
        resolution: DNS
        ports: [{number: 80, name: http-80, protocol: HTTP}]
        endpoints: [{address: 10.0.0.2, ports: {http-80: 15443}}]
      """;
  static final String CLIENT_DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: dr, namespace: istio-system}
      spec: {host: s.default.global, exportTo: ["*"], trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
      """;
  static final String GATEWAY = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: istio-system}
      spec:
        selector: {istio: eastwestgateway}
        servers: [{port: {number: 15443, name: tls, protocol: TLS}, tls: {mode: AUTO_PASSTHROUGH}, hosts: ["*.global"]}]
      """;
  static final String HOSTED_SE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: hosted, namespace: istio-system}
      spec:
        hosts: [s.default.global]
        addresses: [240.0.0.10]
        exportTo: ["*"]
        location: MESH_INTERNAL
        resolution: DNS
        ports: [{number: 80, name: http-80, protocol: HTTP}]
        endpoints: [{address: s.default.svc.cluster.local, ports: {http-80: 80}}]
      """;
  static final String PA = """
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: pa, namespace: default}
      spec: {selector: {matchLabels: {app: s}}, mtls: {mode: STRICT}}
      """;
  static final String AP = """
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: ap, namespace: default}
      spec:
        selector: {matchLabels: {app: s}}
        action: ALLOW
        rules:
        - from: [{source: {principals: [cluster.local/ns/default/sa/c]}}]
          to: [{operation: {methods: [GET], paths: ["/ok*"]}}]
      """;

  /** A Sidecar named scope in {@code namespace}, with a workloadSelector (or none) and one egress listener. */
  static String sidecar(String namespace, String workloadSelector, String hosts) {
    return "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: scope, namespace: " + namespace + "}\nspec:\n"
        + (workloadSelector == null ? "" : "  workloadSelector: " + workloadSelector + "\n")
        + "  egress:\n  - hosts: " + hosts + "\n";
  }

  static TestMesh base(String intents) {
    return new TestMesh(intents)
        .put("a", "se", CLIENT_SE).put("a", "dr", CLIENT_DR)
        .put("b", "gw", GATEWAY).put("b", "hosted", HOSTED_SE).put("b", "pa", PA).put("b", "ap", AP);
  }

  static final Request GOOD = TestMesh.request("a/default/c", "s.default.global", 80, "GET", "/ok", true);

  record Case(String name, Consumer<TestMesh> change, String intents, Request request, Hop failsAt, String decidedBy) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case ok(String name, Consumer<TestMesh> change) {
    return new Case(name, change, INTENTS, GOOD, null, null);
  }

  static Case fails(String name, Consumer<TestMesh> change, Hop hop, String decidedBy) {
    return new Case(name, change, INTENTS, GOOD, hop, decidedBy);
  }

  static Case fails(String name, Consumer<TestMesh> change, Request request, Hop hop, String decidedBy) {
    return new Case(name, change, INTENTS, request, hop, decidedBy);
  }

  static Case withIntents(String name, String intents, Consumer<TestMesh> change, Request request, Hop hop, String decidedBy) {
    return new Case(name, change, intents, request, hop, decidedBy);
  }

  /** A SIMPLE client of an HTTPS service in b, reaching b's gateway on 15444 where a server terminates the TLS. */
  static void terminatingGatewayForHttps(TestMesh m) {
    m.put("a", "se", CLIENT_SE.replace("http-80", "https-80").replace("protocol: HTTP", "protocol: HTTPS").replace("15443", "15444"))
        .drop("a", "dr")
        .put("a", "client", CLIENT_DR.replace("name: dr, namespace: istio-system", "name: client, namespace: default")
            .replace("{mode: ISTIO_MUTUAL}", "{mode: SIMPLE, credentialName: ca, sni: s.default.global}")
            .replace("spec: {", "spec: {workloadSelector: {matchLabels: {app: c}}, "))
        .put("b", "gw", GATEWAY.replace("servers: [", "servers: [{port: {number: 15444, name: tls-t, protocol: TLS}, "
            + "tls: {mode: SIMPLE, credentialName: s-tls}, hosts: [s.default.global]}, "))
        .put("b", "vs", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs, namespace: istio-system}\n"
            + "spec: {hosts: [s.default.global], gateways: [gw], tcp: [{route: [{destination: {host: s.default.svc.cluster.local, port: {number: 80}}}]}]}\n")
        .put("b", "pa", PA.replace("STRICT", "PERMISSIVE")).drop("b", "ap");
  }

  static Consumer<TestMesh> none() {
    return m -> { };
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        ok("the good mesh is allowed", none()),
        // DNS: .global names resolve only through the sidecar's DNS proxy, from a visible ServiceEntry with an address.
        fails("dns: no sidecar, no DNS proxy", none(),
            TestMesh.request("a/default/c", "s.default.global", 80, "GET", "/ok", false), Hop.DNS, null),
        withIntents("dns: dnsProxying off in the client cluster",
            INTENTS.replace("meshGateway: {address: 10.0.0.1}", "meshGateway: {address: 10.0.0.1}, dnsProxying: false"),
            none(), GOOD, Hop.DNS, "a//Cluster/a"),
        fails("dns: ServiceEntry exported elsewhere", m -> m.put("a", "se", CLIENT_SE.replace("exportTo: [\"*\"]", "exportTo: [other]")),
            Hop.DNS, "a/istio-system/ServiceEntry/se"),
        fails("dns: ServiceEntry exported to '.' only, client in another namespace",
            m -> m.put("a", "se", CLIENT_SE.replace("exportTo: [\"*\"]", "exportTo: [\".\"]")), Hop.DNS, "a/istio-system/ServiceEntry/se"),
        // A Sidecar (an overlay) scopes what the client's proxy knows: its egress hosts must import the ServiceEntry.
        fails("dns: the namespace's Sidecar imports only its own namespace",
            m -> m.put("a", "sidecar", sidecar("default", null, "[\"./*\"]")), Hop.DNS, "a/default/Sidecar/scope"),
        ok("dns: the namespace's Sidecar imports istio-system/*",
            m -> m.put("a", "sidecar", sidecar("default", null, "[\"./*\", \"istio-system/*\"]"))),
        ok("dns: the Sidecar imports the host by name from any namespace",
            m -> m.put("a", "sidecar", sidecar("default", null, "[\"*/s.default.global\"]"))),
        fails("dns: the mesh-wide Sidecar in the root namespace applies where a namespace has none ('.' is the client's namespace)",
            m -> m.put("a", "sidecar", sidecar("istio-system", null, "[\"./*\"]")), Hop.DNS, "a/istio-system/Sidecar/scope"),
        ok("dns: the mesh-wide Sidecar imports istio-system/*",
            m -> m.put("a", "sidecar", sidecar("istio-system", null, "[\"./*\", \"istio-system/*\"]"))),
        ok("dns: a Sidecar selecting the client beats the namespace's default",
            m -> m.put("a", "sidecar", sidecar("default", null, "[\"./*\"]"))
                .put("a", "own", sidecar("default", "{labels: {app: c}}", "[\"istio-system/*\"]").replace("name: scope", "name: own"))),
        fails("dns: a Sidecar's listener for another port does not import the host for this one",
            m -> m.put("a", "sidecar", sidecar("default", null, "[\"istio-system/*\"]")
                .replace("- hosts:", "- port: {number: 9999, protocol: HTTP, name: other}\n    hosts:")), Hop.DNS, "a/default/Sidecar/scope"),
        fails("dns: ServiceEntry without addresses", m -> m.put("a", "se", CLIENT_SE.replace("  addresses: [240.0.0.10]\n", "")),
            Hop.DNS, "a/istio-system/ServiceEntry/se"),
        fails("dns: a Service of another cluster is not in this cluster's DNS", none(),
            TestMesh.request("a/default/c", "s.default.svc.cluster.local", 80, "GET", "/ok", true), Hop.DNS, null),
        // Outbound cluster: the port must be one the ServiceEntry declares; one TCP listener per address:port.
        fails("outbound-cluster: port not declared", none(),
            TestMesh.request("a/default/c", "s.default.global", 81, "GET", "/ok", true), Hop.OUTBOUND_CLUSTER, "a/istio-system/ServiceEntry/se"),
        fails("outbound-cluster: two TCP hosts on one address",
            m -> m.put("a", "se", CLIENT_SE.replace("protocol: HTTP", "protocol: TCP"))
                .put("a", "other", CLIENT_SE.replace("protocol: HTTP", "protocol: TCP").replace("name: se", "name: other")
                    .replace("s.default.global", "x.default.global")),
            Hop.OUTBOUND_CLUSTER, "a/istio-system/ServiceEntry/other"),
        // DestinationRule: client namespace first, then the service's, then the root; exportTo; workloadSelector.
        fails("destination-rule: a rule in the client's namespace wins (DISABLE: plain text to the gateway)",
            m -> m.put("a", "local", CLIENT_DR.replace("name: dr, namespace: istio-system", "name: local, namespace: default")
                .replace("ISTIO_MUTUAL", "DISABLE")), Hop.GATEWAY_SERVER, "b/istio-system/Gateway/gw"),
        fails("destination-rule: exported to '.' only, invisible from the client's namespace (auto mTLS: plain text)",
            m -> m.put("a", "dr", CLIENT_DR.replace("exportTo: [\"*\"]", "exportTo: [\".\"]")), Hop.GATEWAY_SERVER, "b/istio-system/Gateway/gw"),
        fails("destination-rule: a workloadSelector rule that does not select the client stops the search",
            m -> m.put("a", "local", CLIENT_DR.replace("name: dr, namespace: istio-system", "name: local, namespace: default")
                .replace("spec: {", "spec: {workloadSelector: {matchLabels: {app: other}}, ")), Hop.GATEWAY_SERVER, "b/istio-system/Gateway/gw"),
        ok("destination-rule: a wildcard host in the root namespace applies",
            m -> m.put("a", "dr", CLIENT_DR.replace("host: s.default.global", "host: \"*.global\""))),
        ok("destination-rule: a workloadSelector rule in the root namespace is not exported, the catch-all applies",
            m -> m.put("a", "sel", CLIENT_DR.replace("name: dr", "name: a-sel").replace("ISTIO_MUTUAL", "DISABLE")
                .replace("spec: {", "spec: {workloadSelector: {matchLabels: {app: c}}, "))),
        // TLS: credentialName counts on a sidecar only with workloadSelector; SIMPLE/MUTUAL cannot pass AUTO_PASSTHROUGH.
        fails("tls: SIMPLE credentialName without workloadSelector is ignored",
            m -> m.put("a", "dr", CLIENT_DR.replace("{mode: ISTIO_MUTUAL}", "{mode: SIMPLE, credentialName: ca}")),
            Hop.TLS, "a/istio-system/DestinationRule/dr"),
        fails("tls: MUTUAL with workloadSelector passes the client, not AUTO_PASSTHROUGH",
            m -> m.drop("a", "dr").put("a", "local", CLIENT_DR.replace("name: dr, namespace: istio-system", "name: local, namespace: default")
                .replace("{mode: ISTIO_MUTUAL}", "{mode: MUTUAL, credentialName: cert, sni: s.default.global}")
                .replace("spec: {", "spec: {workloadSelector: {matchLabels: {app: c}}, ")),
            Hop.GATEWAY_SERVER, "b/istio-system/Gateway/gw"),
        fails("tls: an explicit ISTIO_MUTUAL sni that names no destination",
            m -> m.put("a", "dr", CLIENT_DR.replace("{mode: ISTIO_MUTUAL}", "{mode: ISTIO_MUTUAL, sni: s.default.global}")),
            Hop.GATEWAY_SERVER, "b/istio-system/Gateway/gw"),
        // Endpoint: a gateway address or a Service of the cluster; the ports map picks the target port.
        fails("endpoint: an address nobody owns", m -> m.put("a", "se", CLIENT_SE.replace("address: 10.0.0.2", "address: 10.9.9.9")),
            Hop.ENDPOINT, "a/istio-system/ServiceEntry/se"),
        fails("endpoint: without the ports map the service port is used (80, not 15443)",
            m -> m.put("a", "se", CLIENT_SE.replace(", ports: {http-80: 15443}", "")), Hop.GATEWAY_SERVER, "b/istio-system/Gateway/gw"),
        // Gateway server: selector against the gateway pods, port, TLS mode, hosts.
        fails("gateway-server: the Gateway selects other pods", m -> m.put("b", "gw", GATEWAY.replace("eastwestgateway", "ingressgateway")),
            Hop.GATEWAY_SERVER, "b//Cluster/b"),
        withIntents("gateway-server: a Cluster with its own gateway selector",
            INTENTS.replace("meshGateway: {address: 10.0.0.2}", "meshGateway: {address: 10.0.0.2, selector: {app: gw}}"),
            m -> m.put("b", "gw", GATEWAY.replace("istio: eastwestgateway", "app: gw")), GOOD, null, null),
        fails("gateway-server: no server on the port", m -> m.put("b", "gw", GATEWAY.replace("15443", "15440")),
            Hop.GATEWAY_SERVER, "b/istio-system/Gateway/gw"),
        fails("gateway-server: hosts narrowed to another service", m -> m.put("b", "gw", GATEWAY.replace("\"*.global\"", "x.default.global")),
            Hop.GATEWAY_SERVER, "b/istio-system/Gateway/gw"),
        // Gateway route: AUTO_PASSTHROUGH needs a mesh-internal service the gateway can see, with the port.
        fails("gateway-route: no hosting ServiceEntry", m -> m.drop("b", "hosted"), Hop.GATEWAY_ROUTE, "b/istio-system/Gateway/gw"),
        fails("gateway-route: hosting ServiceEntry not exported to the gateway's namespace",
            m -> m.put("b", "hosted", HOSTED_SE.replace("namespace: istio-system", "namespace: default").replace("exportTo: [\"*\"]", "exportTo: [\".\"]")),
            Hop.GATEWAY_ROUTE, "b/default/ServiceEntry/hosted"),
        fails("gateway-route: hosting ServiceEntry MESH_EXTERNAL", m -> m.put("b", "hosted", HOSTED_SE.replace("MESH_INTERNAL", "MESH_EXTERNAL")),
            Hop.GATEWAY_ROUTE, "b/istio-system/ServiceEntry/hosted"),
        // Hosted endpoint: the .global ServiceEntry's endpoint must be the Service on its port.
        fails("hosted-endpoint: wrong port", m -> m.put("b", "hosted", HOSTED_SE.replace("{http-80: 80}", "{http-80: 81}")),
            Hop.HOSTED_ENDPOINT, "b/istio-system/ServiceEntry/hosted"),
        fails("hosted-endpoint: another Service", m -> m.put("b", "hosted", HOSTED_SE.replace("s.default.svc", "x.default.svc")),
            Hop.HOSTED_ENDPOINT, "b/istio-system/ServiceEntry/hosted"),
        // What the application receives must be what its port speaks.
        withIntents("hosted-endpoint: an HTTPS application behind a TLS-terminating gateway server gets plain text",
            INTENTS.replace("protocol: HTTP, port: 80, mutualTLS: ISTIO_MUTUAL", "protocol: HTTPS, port: 80, mutualTLS: SIMPLE, tls: {credentialName: s-tls}")
                .replace("target: s, access: [{methods: [GET], paths: [\"/ok*\"]}]", "target: s, mutualTLS: SIMPLE, tls: {credentialName: ca}"),
            HopRulesTest::terminatingGatewayForHttps,
            TestMesh.request("a/default/c", "s.default.global", 80, null, null, true), Hop.HOSTED_ENDPOINT, "b/default/Service/s"),
        withIntents("hosted-endpoint: the same through a PASSTHROUGH server routing by SNI reaches the application's TLS",
            INTENTS.replace("protocol: HTTP, port: 80, mutualTLS: ISTIO_MUTUAL", "protocol: HTTPS, port: 80, mutualTLS: SIMPLE, tls: {credentialName: s-tls}")
                .replace("target: s, access: [{methods: [GET], paths: [\"/ok*\"]}]", "target: s, mutualTLS: SIMPLE, tls: {credentialName: ca}"),
            m -> {
              terminatingGatewayForHttps(m);
              m.put("b", "gw", GATEWAY.replace("servers: [", "servers: [{port: {number: 15444, name: tls-t, protocol: TLS}, "
                      + "tls: {mode: PASSTHROUGH}, hosts: [s.default.global]}, "))
                  .put("b", "vs", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs, namespace: istio-system}\n"
                      + "spec: {hosts: [s.default.global], gateways: [gw], tls: [{match: [{port: 15444, sniHosts: [s.default.global]}], "
                      + "route: [{destination: {host: s.default.svc.cluster.local, port: {number: 80}}}]}]}\n");
            },
            TestMesh.request("a/default/c", "s.default.global", 80, null, null, true), null, null),
        fails("endpoint: a sidecar's SIMPLE TLS straight to an HTTP application in the same cluster",
            m -> m.put("b", "tls", CLIENT_DR.replace("host: s.default.global", "host: s.default.svc.cluster.local")
                .replace("name: dr, namespace: istio-system", "name: tls, namespace: default")
                .replace("{mode: ISTIO_MUTUAL}", "{mode: SIMPLE, insecureSkipVerify: true}")).put("b", "pa", PA.replace("STRICT", "PERMISSIVE")),
            TestMesh.request("b/default/c", "s.default.svc.cluster.local", 80, "GET", "/ok", true), Hop.ENDPOINT,
            "b/default/Service/s"),
        // Several ports: each its own outbound cluster and SNI; AuthorizationPolicy ports are the pods'.
        withIntents("authorization-policy: a second port the client's rule does not name",
            INTENTS.replace("spec: {service: s, cluster: b, protocol: HTTP, port: 80, mutualTLS: ISTIO_MUTUAL}",
                "spec: {service: s, cluster: b, mutualTLS: ISTIO_MUTUAL, ports: [{number: 80, protocol: HTTP}, {number: 90, protocol: TCP, targetPort: 9090}]}"),
            m -> m.put("a", "se", CLIENT_SE.replace("ports: [{number: 80, name: http-80, protocol: HTTP}]",
                    "ports: [{number: 80, name: http-80, protocol: HTTP}, {number: 90, name: tcp-90, protocol: TCP}]")
                    .replace("{http-80: 15443}", "{http-80: 15443, tcp-90: 15443}"))
                .put("b", "hosted", HOSTED_SE.replace("ports: [{number: 80, name: http-80, protocol: HTTP}]",
                    "ports: [{number: 80, name: http-80, protocol: HTTP}, {number: 90, name: tcp-90, protocol: TCP}]")
                    .replace("{http-80: 80}", "{http-80: 80, tcp-90: 90}"))
                .put("b", "ap", AP.replace("to: [{operation: {methods: [GET], paths: [\"/ok*\"]}}]", "to: [{operation: {ports: [\"90\"]}}]")),
            TestMesh.request("a/default/c", "s.default.global", 90, null, null, true), Hop.AUTHORIZATION_POLICY,
            "b/default/AuthorizationPolicy/ap"),
        // PeerAuthentication: workload beats namespace beats root; STRICT; DISABLE; root CA and trust domain.
        fails("peer-authentication: DISABLE against Istio mTLS", m -> m.put("b", "pa", PA.replace("STRICT", "DISABLE")),
            Hop.PEER_AUTHENTICATION, "b/default/PeerAuthentication/pa"),
        ok("peer-authentication: the workload's PERMISSIVE beats a namespace DISABLE",
            m -> m.put("b", "pa", PA.replace("STRICT", "PERMISSIVE"))
                .put("b", "ns", "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: ns, namespace: default}\n"
                    + "spec: {mtls: {mode: DISABLE}}\n")),
        fails("peer-authentication: root-namespace STRICT rejects a plain-text caller in the same cluster",
            m -> m.drop("b", "pa").put("b", "root", "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n"
                + "metadata: {name: root, namespace: istio-system}\nspec: {mtls: {mode: STRICT}}\n")
                .put("b", "plain", CLIENT_DR.replace("host: s.default.global", "host: s.default.svc.cluster.local").replace("ISTIO_MUTUAL", "DISABLE")),
            TestMesh.request("b/default/c", "s.default.svc.cluster.local", 80, "GET", "/ok", true),
            Hop.PEER_AUTHENTICATION, "b/istio-system/PeerAuthentication/root"),
        withIntents("peer-authentication: another logical cloud has another root CA",
            INTENTS.replace("metadata: {name: a}\nspec: {logicalCloud: lc1", "metadata: {name: a}\nspec: {logicalCloud: lc9")
                .replace("target: s,", "target: s, mutualTLS: ISTIO_MUTUAL,"),
            none(), GOOD, Hop.PEER_AUTHENTICATION, "b//Cluster/b"),
        withIntents("peer-authentication: a trust domain that is not an alias",
            INTENTS.replace("meshGateway: {address: 10.0.0.1}", "meshGateway: {address: 10.0.0.1}, trustDomain: a.example"),
            none(), GOOD, Hop.PEER_AUTHENTICATION, "b//Cluster/b"),
        withIntents("peer-authentication: the alias admits it, and cluster.local principals stand for the alias too",
            INTENTS.replace("meshGateway: {address: 10.0.0.1}", "meshGateway: {address: 10.0.0.1}, trustDomain: a.example")
                .replace("meshGateway: {address: 10.0.0.2}", "meshGateway: {address: 10.0.0.2}, trustDomainAliases: [a.example]"),
            none(), GOOD, null, null),
        // AuthorizationPolicy: methods, paths, DENY first, no ALLOW policy, empty rules, TCP.
        fails("authorization-policy: another method", none(),
            TestMesh.request("a/default/c", "s.default.global", 80, "DELETE", "/ok", true), Hop.AUTHORIZATION_POLICY, "b/default/AuthorizationPolicy/ap"),
        fails("authorization-policy: another path", none(),
            TestMesh.request("a/default/c", "s.default.global", 80, "GET", "/nope", true), Hop.AUTHORIZATION_POLICY, "b/default/AuthorizationPolicy/ap"),
        fails("authorization-policy: another service account", none(),
            TestMesh.request("a/default/d", "s.default.global", 80, "GET", "/ok", true), Hop.AUTHORIZATION_POLICY, "b/default/AuthorizationPolicy/ap"),
        fails("authorization-policy: DENY beats ALLOW",
            m -> m.put("b", "deny", AP.replace("name: ap", "name: deny").replace("ALLOW", "DENY")),
            Hop.AUTHORIZATION_POLICY, "b/default/AuthorizationPolicy/deny"),
        fails("authorization-policy: CUSTOM is decided outside (counted as denied)",
            m -> m.put("b", "custom", AP.replace("name: ap", "name: custom").replace("action: ALLOW", "action: CUSTOM\n  provider: {name: ext}")),
            Hop.AUTHORIZATION_POLICY, "b/default/AuthorizationPolicy/custom"),
        ok("authorization-policy: no ALLOW policy allows", m -> m.drop("b", "ap")),
        ok("authorization-policy: a rule {} allows everyone", m -> m.put("b", "ap", AP.replace("rules:\n", "rules:\n  - {}\n"))),
        fails("authorization-policy: an ALLOW policy without rules denies everyone",
            m -> m.put("b", "ap", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ap, namespace: default}\nspec: {}\n"),
            Hop.AUTHORIZATION_POLICY, "b/default/AuthorizationPolicy/ap"),
        fails("authorization-policy: a root-namespace ALLOW policy applies to every workload",
            m -> m.drop("b", "ap").put("b", "root", AP.replace("name: ap, namespace: default", "name: root, namespace: istio-system")
                .replace("  selector: {matchLabels: {app: s}}\n", "").replace("/ok*", "/admin")),
            Hop.AUTHORIZATION_POLICY, "b/istio-system/AuthorizationPolicy/root"),
        ok("authorization-policy: suffix and presence matches",
            m -> m.put("b", "ap", AP.replace("[cluster.local/ns/default/sa/c]", "[\"*/sa/c\"]").replace("[\"/ok*\"]", "[\"*ok\"]"))),
        fails("authorization-policy: HTTP-only fields on TCP: the ALLOW rule never matches",
            m -> m.put("b", "tse", HOSTED_SE.replace("name: hosted", "name: tse").replace("s.default", "t.default")
                    .replace("80", "5000").replace("http-", "tcp-").replace("HTTP", "TCP").replace("240.0.0.10", "240.0.0.11"))
                .put("b", "tap", AP.replace("name: ap", "name: tap").replace("app: s", "app: t"))
                .put("a", "tse", CLIENT_SE.replace("name: se", "name: tse").replace("s.default", "t.default")
                    .replace("number: 80", "number: 5000").replace("http-80", "tcp-5000").replace("HTTP", "TCP").replace("240.0.0.10", "240.0.0.11"))
                .put("a", "tdr", CLIENT_DR.replace("name: dr", "name: tdr").replace("s.default", "t.default")),
            TestMesh.request("a/default/c", "t.default.global", 5000, null, null, true), Hop.AUTHORIZATION_POLICY, "b/default/AuthorizationPolicy/tap"),
        fails("authorization-policy: HTTP-only fields on TCP: a DENY rule matches more broadly",
            m -> m.put("b", "tse", HOSTED_SE.replace("name: hosted", "name: tse").replace("s.default", "t.default")
                    .replace("80", "5000").replace("http-", "tcp-").replace("HTTP", "TCP").replace("240.0.0.10", "240.0.0.11"))
                .put("b", "tap", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: tap, namespace: default}\n"
                    + "spec: {selector: {matchLabels: {app: t}}, action: DENY, rules: [{to: [{operation: {methods: [DELETE]}}]}]}\n")
                .put("a", "tse", CLIENT_SE.replace("name: se", "name: tse").replace("s.default", "t.default")
                    .replace("number: 80", "number: 5000").replace("http-80", "tcp-5000").replace("HTTP", "TCP").replace("240.0.0.10", "240.0.0.11"))
                .put("a", "tdr", CLIENT_DR.replace("name: dr", "name: tdr").replace("s.default", "t.default")),
            TestMesh.request("a/default/c", "t.default.global", 5000, null, null, true), Hop.AUTHORIZATION_POLICY, "b/default/AuthorizationPolicy/tap")
    ).map(Arguments::of);
  }

  @Test
  void aPeerAuthenticationWithASelectorInTheRootNamespaceIsIgnored() {
    // "PeerAuthentication policies with workload selectors are ignored when deployed in the root
    // namespace" (https://istio.io/latest/docs/reference/config/security/peer_authentication/): a
    // service living in istio-system keeps the mesh's mode (none here: PERMISSIVE), so plain text gets in.
    TestMesh mesh = new TestMesh(INTENTS.replace("spec: {service: s, cluster: b,", "spec: {service: s, namespace: istio-system, cluster: b,"))
        .put("b", "pa", PA.replace("namespace: default", "namespace: istio-system"));
    Trace trace = mesh.simulator().explain(TestMesh.request("b/default/c", "s.istio-system.svc.cluster.local", 80, "GET", "/ok", false));
    String shown = io.meshgate.report.VerifyReport.explainText(trace);
    assertTrue(trace.allowed(), shown);
    assertEquals("b/istio-system/s", trace.reached(), shown);
    assertTrue(shown.contains("no PeerAuthentication applies, so PERMISSIVE"), shown);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hopRule(Case c) {
    TestMesh mesh = base(c.intents());
    c.change().accept(mesh);
    Trace trace = mesh.simulator().explain(c.request());
    String shown = io.meshgate.report.VerifyReport.explainText(trace);
    if (c.failsAt() == null) {
      assertTrue(trace.allowed(), () -> "expected allowed:\n" + shown);
      assertEquals("b/default/s", trace.reached(), shown);
      return;
    }
    HopResult failure = trace.failure();
    assertNotNull(failure, () -> "expected a failure at " + c.failsAt().id() + ":\n" + shown);
    assertEquals(c.failsAt(), failure.hop(), shown);
    if (c.decidedBy() == null) {
      assertNull(failure.object(), shown);
    } else {
      assertNotNull(failure.object(), shown);
      assertEquals(c.decidedBy(), failure.object().toString(), shown);
    }
  }
}
