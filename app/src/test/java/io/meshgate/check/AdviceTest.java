package io.meshgate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.meshgate.intent.TestRepos;
import io.meshgate.policy.EmbeddedPolicyEngine;
import io.meshgate.policy.PolicyBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every message that tells the user what to do is followed, by code, on the repository that
 * produced it: the run must then be clean, or show exactly the next finding the case names (never
 * the same finding again, never a surprise). The advice is read from the message itself where it
 * names a value ("did you mean", "set spec.target: x"), so a message that suggests the wrong value
 * fails here.
 */
class AdviceTest {

  /** Three clusters: east and west share a root of trust (lc1), partner has its own (lc2). */
  static final String CLUSTERS = """
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: east}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: west}
      spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.2}}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: Cluster
      metadata: {name: partner}
      spec: {logicalCloud: lc2, meshGateway: {address: 10.0.0.3}}
      """;

  private static Checker checker;

  @TempDir Path work;

  @BeforeAll
  static void policies() throws Exception {
    checker = new Checker(EmbeddedPolicyEngine.create(PolicyBundle.load(TestRepos.root().resolve("policies"))));
  }

  /** A repository of files, the finding whose advice is followed, and what the run shows afterwards. */
  record Case(String name, Map<String, String> files, String rule, String says, Consumer<Repo> advice,
      List<String> after) {}

  /** The files being edited, and the message whose advice is followed. */
  static final class Repo {
    final Map<String, String> files;
    String message;

    Repo(Map<String, String> files) {
      this.files = new LinkedHashMap<>(files);
    }

    void replace(String file, String from, String to) {
      String text = files.get(file);
      if (text == null || !text.contains(from)) {
        throw new AssertionError(file + " does not contain \"" + from + "\":\n" + text);
      }
      files.put(file, text.replace(from, to));
    }

    void append(String file, String text) {
      files.put(file, files.getOrDefault(file, "") + text);
    }

    /** The first group of {@code regex} in the message: the value the advice names. */
    String fromMessage(String regex) {
      Matcher m = Pattern.compile(regex).matcher(message);
      if (!m.find()) {
        throw new AssertionError("the message does not say /" + regex + "/: " + message);
      }
      return m.group(1);
    }
  }

  static Case of(String name, String rule, String says, Consumer<Repo> advice, List<String> after, String... files) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("clusters.yaml", CLUSTERS);
    for (int i = 0; i + 1 < files.length; i += 2) {
      map.put(files[i], files[i + 1]);
    }
    return new Case(name, map, rule, says, advice, after);
  }

  static final String HTTPBIN = """
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: httpbin}
      spec: {service: httpbin, cluster: east, protocol: HTTP, port: 8000, mutualTLS: ISTIO_MUTUAL}
      ---
      """;

  static Stream<Case> cases() {
    return Stream.of(
        of("MG-REF-01: target names the Kubernetes Service; the message names the InboundService", "MG-REF-01",
            "spec.target takes the metadata.name",
            r -> r.replace("a.yaml", "target: httpbin}", "target: " + r.fromMessage("set spec\\.target: ([a-z0-9-]+)") + "}"),
            List.of(), "a.yaml", HTTPBIN.replace("name: httpbin}", "name: httpbin-api}") + """
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: sleep-to-httpbin}
                spec: {service: sleep, cluster: west, target: httpbin}
                """),
        of("MG-REF-01: a misspelt target; did you mean", "MG-REF-01", "did you mean",
            r -> r.replace("a.yaml", "target: httbin", "target: " + r.fromMessage("did you mean \"([^\"]+)\"")),
            List.of(), "a.yaml", HTTPBIN + """
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: sleep-to-httpbin}
                spec: {service: sleep, cluster: west, target: httbin}
                """),
        of("MG-REF-01: a misspelt cluster; did you mean", "MG-REF-01", "which no Cluster intent declares",
            r -> r.replace("a.yaml", "cluster: wset", "cluster: " + r.fromMessage("did you mean \"([^\"]+)\"")),
            List.of(), "a.yaml", HTTPBIN + """
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: sleep-to-httpbin}
                spec: {service: sleep, cluster: wset, target: httpbin}
                """),
        of("MG-REF-01: a misspelt port; did you mean", "MG-REF-01", "names port grcp",
            r -> r.replace("a.yaml", "ports: [grcp]", "ports: [" + r.fromMessage("did you mean \"([^\"]+)\"") + "]"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: orders}
                spec:
                  service: orders
                  cluster: east
                  mutualTLS: ISTIO_MUTUAL
                  ports: [{number: 8080, name: http, protocol: HTTP}, {number: 9090, name: grpc, protocol: GRPC}]
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: web-to-orders}
                spec: {service: web, cluster: west, target: orders, access: [{ports: [grcp]}]}
                """),
        of("MG-REF-01: a namespace outside allowedNamespaces; add it", "MG-REF-01", "does not allow",
            r -> r.replace("a.yaml", "allowedNamespaces: [ops]",
                "allowedNamespaces: [ops, " + r.fromMessage("add ([a-z0-9-]+) to spec\\.allowedNamespaces") + "]"),
            List.of(), "a.yaml", HTTPBIN.replace("mutualTLS: ISTIO_MUTUAL}", "mutualTLS: ISTIO_MUTUAL, allowedNamespaces: [ops]}") + """
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: sleep-to-httpbin}
                spec: {service: sleep, namespace: tools, cluster: west, target: httpbin}
                """),
        of("MG-TLS-01: a client without sidecar cannot use Istio mTLS; run it with the sidecar", "MG-TLS-01",
            "run it with the istio-proxy sidecar",
            r -> r.replace("a.yaml", "sidecar: false", "sidecar: true"),
            List.of(), "a.yaml", HTTPBIN + """
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: job-to-httpbin}
                spec: {service: job, cluster: east, target: httpbin, sidecar: false}
                """),
        of("MG-TLS-01: SIMPLE without sidecar to an ISTIO_MUTUAL target; sidecar and ISTIO_MUTUAL", "MG-TLS-01",
            "run the client with the sidecar and set spec.mutualTLS: ISTIO_MUTUAL",
            r -> r.replace("a.yaml", "sidecar: false, mutualTLS: SIMPLE", "sidecar: true, mutualTLS: ISTIO_MUTUAL"),
            List.of(), "a.yaml", HTTPBIN + """
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: job-to-httpbin}
                spec: {service: job, cluster: east, target: httpbin, sidecar: false, mutualTLS: SIMPLE}
                """),
        // The issue's case: "choose SIMPLE like the target" used to lead to "SIMPLE needs credentialName".
        of("MG-SIDECAR-01: a client without sidecar asking for Istio mTLS; or the target's SIMPLE", "MG-SIDECAR-01",
            "or set spec.mutualTLS: SIMPLE like its target",
            r -> r.replace("a.yaml", "mutualTLS: ISTIO_MUTUAL, sidecar: false",
                "mutualTLS: " + r.fromMessage("set spec\\.mutualTLS: ([A-Z_]+) like its target") + ", sidecar: false"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: reports}
                spec: {service: reports, cluster: east, protocol: HTTP, port: 8080, mutualTLS: SIMPLE, tls: {credentialName: reports-tls}}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: job-to-reports}
                spec: {service: job, cluster: east, target: reports, mutualTLS: ISTIO_MUTUAL, sidecar: false}
                """),
        of("MG-AUTHZ-02: says what is rendered; ISTIO_MUTUAL proves every namespace", "MG-AUTHZ-02",
            "admitted as the gateway",
            r -> {
              r.replace("a.yaml", "mutualTLS: SIMPLE, tls: {credentialName: reports-tls}, ", "mutualTLS: ISTIO_MUTUAL, ");
              r.replace("a.yaml", ", mutualTLS: SIMPLE, tls: {credentialName: reports-ca}", "");
            },
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: reports}
                spec: {service: reports, cluster: east, protocol: HTTP, port: 8080, mutualTLS: SIMPLE, tls: {credentialName: reports-tls}, allowedNamespaces: [default]}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: viewer-to-reports}
                spec: {service: viewer, cluster: west, target: reports, mutualTLS: SIMPLE, tls: {credentialName: reports-ca}}
                """),
        of("MG-AUTHZ-03: methods on a TCP service; remove them", "MG-AUTHZ-03", "remove the methods and paths",
            r -> r.replace("a.yaml", ", access: [{methods: [GET]}]", ""),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: redis}
                spec: {service: redis, cluster: east, protocol: TCP, port: 6379, mutualTLS: ISTIO_MUTUAL}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: app-to-redis}
                spec: {service: app, cluster: west, target: redis, access: [{methods: [GET]}]}
                """),
        of("MG-AUTHZ-03: methods on an entry covering a TCP port; limit it to the HTTP ports", "MG-AUTHZ-03",
            "limit this entry to the HTTP ports",
            r -> r.replace("a.yaml", "{methods: [GET]}",
                "{methods: [GET], ports: [" + r.fromMessage("\\.ports: \\[([^\\]]+)\\]") + "]}"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: orders}
                spec:
                  service: orders
                  cluster: east
                  mutualTLS: ISTIO_MUTUAL
                  ports: [{number: 8080, name: http-api, protocol: HTTP}, {number: 5432, name: tcp-db, protocol: TCP}]
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: web-to-orders}
                spec: {service: web, cluster: west, target: orders, access: [{methods: [GET]}]}
                """),
        of("MG-AUTHZ-06: one identity in two clusters; a service account of its own", "MG-AUTHZ-06",
            "give one of them a service account of its own (spec.serviceAccount)",
            r -> r.replace("a.yaml", "cluster: west, target: reports", "cluster: west, serviceAccount: web-west, target: reports"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: reports}
                spec: {service: reports, cluster: east, protocol: HTTP, port: 8080, mutualTLS: ISTIO_MUTUAL}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: east-web-to-reports}
                spec: {service: web, cluster: east, target: reports}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: west-web-to-reports}
                spec: {service: web, cluster: west, target: reports, access: [{methods: [GET]}]}
                """),
        of("MG-REACH-01: DNS proxying off in the client's cluster; turn it on", "MG-REACH-01",
            "remove dnsProxying: false from Cluster west",
            r -> r.replace("clusters.yaml", "meshGateway: {address: 10.0.0.2}, dnsProxying: false", "meshGateway: {address: 10.0.0.2}"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: reports}
                spec: {service: reports, cluster: east, protocol: HTTP, port: 8080, mutualTLS: ISTIO_MUTUAL}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: viewer-to-reports}
                spec: {service: viewer, cluster: west, target: reports}
                """, "clusters.yaml", CLUSTERS.replace("meshGateway: {address: 10.0.0.2}", "meshGateway: {address: 10.0.0.2}, dnsProxying: false")),
        of("MG-LB-01: a cookie hash on TCP; useSourceIp leads to the MG-LB-02 warning it names", "MG-LB-01",
            "use consistentHash.useSourceIp",
            r -> r.replace("a.yaml", "httpCookie: {name: u}", "useSourceIp: true"),
            List.of("MG-LB-02"), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: redis}
                spec: {service: redis, cluster: east, protocol: TCP, port: 6379, mutualTLS: ISTIO_MUTUAL, loadBalancing: {consistentHash: {httpCookie: {name: u}}}}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: app-to-redis}
                spec: {service: app, cluster: west, target: redis}
                """),
        of("MG-TLS-04: several ports through the gateway's TLS server; one port per InboundService", "MG-TLS-04",
            "give each further port its own Kubernetes Service and InboundService",
            r -> {
              String kept = r.fromMessage("keeping port (\\d+) here");
              assertEquals("8080", kept);
              r.replace("a.yaml", "\n    - {number: 9090, protocol: GRPC}", "");
              r.append("a.yaml", """
                  ---
                  apiVersion: meshgate.io/v1alpha1
                  kind: InboundService
                  metadata: {name: ledger-grpc}
                  spec: {service: ledger-grpc, cluster: east, protocol: GRPC, port: 9090, mutualTLS: SIMPLE, tls: {credentialName: ledger-tls}}
                  """);
            },
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: ledger}
                spec:
                  service: ledger
                  cluster: east
                  mutualTLS: SIMPLE
                  tls: {credentialName: ledger-tls}
                  ports:
                    - {number: 8080, protocol: HTTP}
                    - {number: 9090, protocol: GRPC}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: partner-to-ledger}
                spec: {service: portal, cluster: partner, target: ledger, mutualTLS: SIMPLE, tls: {credentialName: ledger-ca}}
                """),
        of("MG-TLS-05: an unused credentialName; remove spec.tls", "MG-TLS-05", "remove spec.tls",
            r -> r.replace("a.yaml", ", tls: {credentialName: statements-tls}", ""),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: statements}
                spec: {service: statements, cluster: east, protocol: HTTPS, port: 8443, mutualTLS: SIMPLE, tls: {credentialName: statements-tls}}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: portal-to-statements}
                spec: {service: portal, cluster: partner, target: statements, mutualTLS: SIMPLE, tls: {credentialName: bank-ca}}
                """),
        of("MG-HEADLESS-01: a headless port with another targetPort; set it to the number", "MG-HEADLESS-01",
            "set targetPort to",
            r -> r.replace("a.yaml", "targetPort: 9200", "targetPort: " + r.fromMessage("set targetPort to (\\d+)")),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: search}
                spec: {service: search, cluster: east, headless: true, mutualTLS: ISTIO_MUTUAL, ports: [{number: 80, protocol: HTTP, targetPort: 9200}]}
                """),
        of("MG-HEADLESS-01: pod hostnames need a headless Service; set headless", "MG-HEADLESS-01",
            "set spec.headless: true",
            r -> r.replace("a.yaml", "podHostnames: true", "podHostnames: true, headless: true"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: zk}
                spec: {service: zk, cluster: east, podHostnames: true, protocol: TCP, port: 2181, mutualTLS: ISTIO_MUTUAL}
                """),
        of("MG-HEADLESS-01: one pod from another cluster; a Service and InboundService of its own", "MG-HEADLESS-01",
            "give that pod its own Kubernetes Service",
            r -> {
              String selector = r.fromMessage("\\(selector (statefulset\\.kubernetes\\.io/pod-name): <pod>\\)");
              r.replace("a.yaml", "target: kafka}", "target: kafka-0}");
              r.append("a.yaml", """
                  ---
                  apiVersion: meshgate.io/v1alpha1
                  kind: InboundService
                  metadata: {name: kafka-0}
                  spec: {service: kafka-0, namespace: data, cluster: east, protocol: TCP, port: 9092, mutualTLS: ISTIO_MUTUAL, selector: {%s: kafka-0}}
                  """.formatted(selector));
            },
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: kafka}
                spec: {service: kafka, namespace: data, cluster: east, headless: true, podHostnames: true, protocol: TCP, port: 9092, mutualTLS: ISTIO_MUTUAL}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: ingest-to-kafka}
                spec: {service: ingest, namespace: data, cluster: west, target: kafka}
                """),
        of("MG-MTLS-01: DISABLE over an ISTIO_MUTUAL service; STRICT or PERMISSIVE", "MG-MTLS-01",
            "to STRICT or PERMISSIVE",
            r -> r.replace("clusters.yaml", "payments: DISABLE", "payments: PERMISSIVE"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: accounts}
                spec: {service: accounts, namespace: payments, cluster: east, protocol: HTTP, port: 8080, mutualTLS: ISTIO_MUTUAL}
                """, "clusters.yaml", CLUSTERS.replace("spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}",
                "spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}, peerAuthentication: {namespaces: {payments: DISABLE}}}")),
        of("MG-MTLS-01: the root namespace as a namespace; write it as mesh", "MG-MTLS-01",
            "write it as spec.peerAuthentication.mesh",
            r -> r.replace("clusters.yaml", "{namespaces: {istio-system: STRICT}}",
                "{mesh: " + r.fromMessage("spec\\.peerAuthentication\\.mesh: ([A-Z]+)") + "}"),
            List.of(), "clusters.yaml", CLUSTERS.replace("spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}",
                "spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}, peerAuthentication: {namespaces: {istio-system: STRICT}}}")),
        of("MG-MTLS-03: an ISTIO_MUTUAL service in the root namespace; a STRICT mesh", "MG-MTLS-03",
            "set spec.peerAuthentication.mesh: STRICT on cluster east",
            r -> r.replace("clusters.yaml", "spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}",
                "spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}, peerAuthentication: {mesh: "
                    + r.fromMessage("spec\\.peerAuthentication\\.mesh: ([A-Z]+)") + "}}"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: collector}
                spec: {service: collector, namespace: istio-system, cluster: east, protocol: GRPC, port: 4317, mutualTLS: ISTIO_MUTUAL}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: app-to-collector}
                spec: {service: app, cluster: west, target: collector}
                """),
        of("MG-MTLS-03: an ISTIO_MUTUAL service in the root namespace; a namespace of its own", "MG-MTLS-03",
            "run it in a namespace of its own",
            r -> r.replace("a.yaml", "namespace: istio-system", "namespace: telemetry"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: collector}
                spec: {service: collector, namespace: istio-system, cluster: east, protocol: GRPC, port: 4317, mutualTLS: ISTIO_MUTUAL}
                """),
        of("MG-MTLS-02: a caller without sidecar under a STRICT default; run it with the sidecar", "MG-MTLS-02",
            "spec.sidecar: true and spec.tls.credentialName",
            r -> r.replace("a.yaml", "sidecar: false}", "sidecar: true, tls: {credentialName: reports-ca}}"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: reports}
                spec: {service: reports, cluster: east, protocol: HTTP, port: 8080, mutualTLS: SIMPLE, tls: {credentialName: reports-tls}}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: job-to-reports}
                spec: {service: job, cluster: east, target: reports, sidecar: false}
                """, "clusters.yaml", CLUSTERS.replace("spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}",
                "spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}, peerAuthentication: {mesh: STRICT}}")),
        of("MG-SCHEMA: port and ports; keep one", "MG-SCHEMA", "keep one of them",
            r -> r.replace("a.yaml", "  protocol: HTTP\n  port: 8000\n", ""),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: httpbin}
                spec:
                  service: httpbin
                  cluster: east
                  protocol: HTTP
                  port: 8000
                  ports: [{number: 8000, protocol: HTTP}]
                  mutualTLS: ISTIO_MUTUAL
                """),
        of("MG-SCHEMA: neither port nor ports; add port with protocol", "MG-SCHEMA",
            "missing required field \"port\" in spec; add it (with protocol)",
            r -> r.replace("a.yaml", "cluster: east,", "cluster: east, port: 8000, protocol: HTTP,"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: httpbin}
                spec: {service: httpbin, cluster: east, mutualTLS: ISTIO_MUTUAL}
                """),
        of("MG-SCHEMA: ports with a top-level protocol; remove it", "MG-SCHEMA", "remove spec.protocol",
            r -> r.replace("a.yaml", "protocol: HTTP, ports", "ports"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: httpbin}
                spec: {service: httpbin, cluster: east, mutualTLS: ISTIO_MUTUAL, protocol: HTTP, ports: [{number: 8000, protocol: HTTP}]}
                """),
        of("MG-SCHEMA: a port written the Kubernetes way; number", "MG-SCHEMA", "write number:",
            r -> r.replace("a.yaml", "{port: 8080,", "{number: " + r.fromMessage("write number: (\\d+)") + ","),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: web}
                spec: {service: web, cluster: east, mutualTLS: ISTIO_MUTUAL, ports: [{port: 8080, protocol: HTTP}]}
                """),
        of("MG-SCHEMA: a port as a bare number; a mapping", "MG-SCHEMA", "must be a mapping",
            r -> r.replace("a.yaml", "ports: [8080]", "ports: [" + r.fromMessage("write (\\{number: \\d+, protocol: HTTP\\})") + "]"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: web}
                spec: {service: web, cluster: east, mutualTLS: ISTIO_MUTUAL, ports: [8080]}
                """),
        of("MG-SCHEMA: several numbers under port; ports", "MG-SCHEMA", "several ports are written ports:",
            r -> r.replace("a.yaml", "protocol: HTTP, port: [8080, 9090]", r.fromMessage("written (ports: \\[.*\\]) \\(each")),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: web}
                spec: {service: web, cluster: east, mutualTLS: ISTIO_MUTUAL, protocol: HTTP, port: [8080, 9090]}
                """),
        of("MG-SCHEMA: a port entry without protocol; the protocols to choose from", "MG-SCHEMA", "TCP, TLS or HTTPS",
            r -> r.replace("a.yaml", "{number: 8080}", "{number: 8080, protocol: " + r.fromMessage("add it \\(protocol: ([A-Z0-9]+),") + "}"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: web}
                spec: {service: web, cluster: east, mutualTLS: ISTIO_MUTUAL, ports: [{number: 8080}]}
                """),
        of("MG-SCHEMA: clusterIP: None; headless: true", "MG-SCHEMA", "is written headless: true",
            r -> r.replace("a.yaml", "clusterIP: None", "headless: true"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: web}
                spec: {service: web, cluster: east, clusterIP: None, protocol: TCP, port: 9300, mutualTLS: ISTIO_MUTUAL}
                """),
        of("MG-SCHEMA: a cluster's mtls; peerAuthentication", "MG-SCHEMA", "are written peerAuthentication:",
            r -> r.replace("clusters.yaml", "mtls: {mode: STRICT}", "peerAuthentication: {mesh: STRICT}"),
            List.of(), "clusters.yaml", CLUSTERS.replace("spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}}",
                "spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}, mtls: {mode: STRICT}}")),
        of("MG-SCHEMA: an Istio object in the intents folder; move it to the cluster's overlays", "MG-SCHEMA",
            "put hand-written Istio objects under overlays/<cluster>/",
            r -> r.files.put("overlays/east/vs.yaml", r.files.remove("vs.yaml")),
            List.of(), "a.yaml", HTTPBIN, "vs.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: httpbin, namespace: default}
                spec: {hosts: [httpbin], http: [{route: [{destination: {host: httpbin}}]}]}
                """),
        of("MG-SCHEMA (warning): a file of another type; rename it if it holds intents", "MG-SCHEMA",
            "is not read: intents are .yaml, .yml or .json files",
            r -> r.files.put("b.yaml", r.files.remove("b.yaml.txt")),
            List.of(), "a.yaml", HTTPBIN, "b.yaml.txt", """
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: sleep-to-httpbin}
                spec: {service: sleep, cluster: west, target: httpbin}
                """),
        of("MG-SCHEMA: one Service as two InboundServices; list its ports in one", "MG-SCHEMA",
            "list all its ports under spec.ports of web",
            r -> r.files.put("a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: web}
                spec: {service: web, cluster: east, mutualTLS: ISTIO_MUTUAL, ports: [{number: 8080, protocol: HTTP}, {number: 9090, protocol: GRPC}]}
                """),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: web}
                spec: {service: web, cluster: east, protocol: HTTP, port: 8080, mutualTLS: ISTIO_MUTUAL}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: web-grpc}
                spec: {service: web, cluster: east, protocol: GRPC, port: 9090, mutualTLS: ISTIO_MUTUAL}
                """),
        // Traffic management: versions, routes, DENY rules, services in several clusters, DISABLE.
        of("MG-ROUTE-01: weights summing to 110; make them add up to 100", "MG-ROUTE-01", "make the weights add up to 100",
            r -> r.replace("a.yaml", "weight: 20", "weight: 10"),
            List.of(), "a.yaml", REVIEWS + """
                  routes: [{route: [{version: v1, weight: 90}, {version: v2, weight: 20}]}]
                """),
        of("MG-ROUTE-02: a route to an undeclared version; did you mean", "MG-ROUTE-02", "did you mean",
            r -> r.replace("a.yaml", "version: v3", "version: " + r.fromMessage("did you mean \"([^\"]+)\"")),
            List.of(), "a.yaml", REVIEWS + """
                  routes: [{route: [{version: v3}]}]
                """),
        of("MG-ROUTE-03: retries beyond the timeout; raise the timeout", "MG-ROUTE-03", "raise timeout to at least",
            r -> r.replace("a.yaml", "timeout: 10s", "timeout: " + r.fromMessage("raise timeout to at least (\\S+),")),
            List.of(), "a.yaml", REVIEWS + """
                  routes: [{route: [{version: v1}], timeout: 10s, retries: {attempts: 3, perTryTimeout: 4s}}]
                """),
        of("MG-ROUTE-04: a fault in production; remove it", "MG-ROUTE-04", "remove spec.routes[0].fault",
            r -> r.replace("a.yaml", ", fault: {delay: {fixedDelay: 2s, percentage: 10}}", ""),
            List.of(), "clusters.yaml", CLUSTERS.replace("lc1", "prod"), "a.yaml", REVIEWS.replace("lc1", "prod") + """
                  routes: [{route: [{version: v1}], fault: {delay: {fixedDelay: 2s, percentage: 10}}}]
                """),
        of("MG-ROUTE-05: a shadowed route; move it above", "MG-ROUTE-05", "move it above route api",
            r -> r.replace("a.yaml", "{name: api, match: [{uri: {prefix: /api}}], route: [{version: v1}]}, "
                + "{name: api-v2, match: [{uri: {prefix: /api/v2}}], route: [{version: v2}]}",
                "{name: api-v2, match: [{uri: {prefix: /api/v2}}], route: [{version: v2}]}, "
                + "{name: api, match: [{uri: {prefix: /api}}], route: [{version: v1}]}"),
            List.of(), "a.yaml", REVIEWS + """
                  routes: [{name: api, match: [{uri: {prefix: /api}}], route: [{version: v1}]}, {name: api-v2, match: [{uri: {prefix: /api/v2}}], route: [{version: v2}]}, {route: [{version: v1}]}]
                """),
        of("MG-ROUTE-07: no default route; end with one", "MG-ROUTE-07", "end spec.routes with a route without match",
            r -> r.replace("a.yaml", "route: [{version: v2}]}]", "route: [{version: v2}]}, {route: [{version: v1}]}]"),
            List.of(), "a.yaml", REVIEWS + """
                  routes: [{match: [{headers: {end-user: {exact: jason}}}], route: [{version: v2}]}]
                """),
        of("MG-VERSION-01: two versions with one label; give each its own", "MG-VERSION-01", "e.g. version: v2",
            r -> r.replace("a.yaml", "{name: v2, labels: {version: v1}}", "{name: v2, labels: {version: v2}}"),
            List.of(), "a.yaml", REVIEWS.replace("{name: v2, labels: {version: v2}}", "{name: v2, labels: {version: v1}}")),
        of("MG-AUTHZ-05: DENY methods over a TCP port; limit it to the HTTP ports", "MG-AUTHZ-05", "with ports: [http]",
            r -> r.replace("a.yaml", "methods: [DELETE]", "methods: [DELETE], ports: [http]"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: orders}
                spec:
                  service: orders
                  cluster: east
                  mutualTLS: ISTIO_MUTUAL
                  ports: [{number: 8080, name: http, protocol: HTTP}, {number: 5432, name: db, protocol: TCP}]
                  authorization: {deny: [{namespaces: [guests], methods: [DELETE]}]}
                """),
        of("MG-FAILOVER-01: several clusters without outlier detection; add it", "MG-FAILOVER-01", "add outlierDetection",
            r -> r.append("a.yaml", "  outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}\n"
                + "  connectionPool: {maxConnections: 100}\n"),
            List.of(), "clusters.yaml", LOCATED, "a.yaml", CHECKOUT),
        of("MG-FAILOVER-02: a hosting cluster without locality; set it", "MG-FAILOVER-02", "set spec.locality",
            r -> r.replace("clusters.yaml", "metadata: {name: west}\nspec: {logicalCloud: lc1,",
                "metadata: {name: west}\nspec: {logicalCloud: lc1, locality: us-west1,"),
            List.of(), "clusters.yaml", LOCATED.replace(" locality: us-west1,", ""), "a.yaml", CHECKOUT + """
                  outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
                  connectionPool: {maxConnections: 100}
                """),
        of("MG-FAILOVER-03: SIMPLE in several clusters; ISTIO_MUTUAL without spec.tls", "MG-FAILOVER-03", "use ISTIO_MUTUAL (and remove spec.tls)",
            r -> r.replace("a.yaml", "mutualTLS: SIMPLE\n  tls: {credentialName: checkout-tls}", "mutualTLS: ISTIO_MUTUAL"),
            List.of(), "clusters.yaml", LOCATED, "a.yaml", CHECKOUT.replace("mutualTLS: ISTIO_MUTUAL",
                "mutualTLS: SIMPLE\n  tls: {credentialName: checkout-tls}") + """
                  outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
                  connectionPool: {maxConnections: 100}
                """),
        of("MG-TLS-06: DISABLE with a sidecar; say it has none", "MG-TLS-06", "set spec.sidecar: false",
            r -> r.replace("a.yaml", "mutualTLS: DISABLE", "mutualTLS: DISABLE, sidecar: false"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: legacy}
                spec: {service: legacy, cluster: east, protocol: HTTP, port: 8000, mutualTLS: DISABLE}
                """),
        of("MG-TLS-01: Istio mTLS to a target without sidecar; DISABLE", "MG-TLS-01", "set spec.mutualTLS: DISABLE",
            r -> r.replace("a.yaml", "target: legacy, mutualTLS: ISTIO_MUTUAL", "target: legacy, mutualTLS: DISABLE"),
            List.of(), "a.yaml", """
                apiVersion: meshgate.io/v1alpha1
                kind: InboundService
                metadata: {name: legacy}
                spec: {service: legacy, cluster: east, protocol: HTTP, port: 8000, sidecar: false, mutualTLS: DISABLE}
                ---
                apiVersion: meshgate.io/v1alpha1
                kind: ServiceClient
                metadata: {name: sleep-to-legacy}
                spec: {service: sleep, cluster: east, target: legacy, mutualTLS: ISTIO_MUTUAL}
                """)
    );
  }

  /** reviews in east with versions v1 and v2, called from west; a case appends its routes. */
  static final String REVIEWS = """
      apiVersion: meshgate.io/v1alpha1
      kind: ServiceClient
      metadata: {name: productpage-to-reviews}
      spec: {service: productpage, cluster: west, target: reviews}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: reviews}
      spec:
        service: reviews
        cluster: east
        protocol: HTTP
        port: 9080
        mutualTLS: ISTIO_MUTUAL
        versions: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
      """;

  /** east and west with localities. */
  static final String LOCATED = CLUSTERS.replace("metadata: {name: east}\nspec: {logicalCloud: lc1,",
      "metadata: {name: east}\nspec: {logicalCloud: lc1, locality: us-east1,").replace(
      "metadata: {name: west}\nspec: {logicalCloud: lc1,", "metadata: {name: west}\nspec: {logicalCloud: lc1, locality: us-west1,");

  /** checkout in east and west, called from east; a case appends what it needs. */
  static final String CHECKOUT = """
      apiVersion: meshgate.io/v1alpha1
      kind: ServiceClient
      metadata: {name: cart-to-checkout}
      spec: {service: cart, cluster: east, target: checkout}
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata: {name: checkout}
      spec:
        service: checkout
        cluster: east
        alsoIn: [west]
        protocol: HTTP
        port: 8080
        mutualTLS: ISTIO_MUTUAL
      """;

  @TestFactory
  Stream<DynamicTest> followingTheAdviceLeadsToACleanRunOrTheNamedNextFinding() {
    return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  private void check(Case c) throws Exception {
    Path dir = Files.createTempDirectory(work, "case");
    Repo repo = new Repo(c.files());
    CheckResult before = run(dir.resolve("before"), repo.files);
    Violation finding = before.violations().stream()
        .filter(v -> v.rule().equals(c.rule()) && v.message().contains(c.says())).findFirst().orElse(null);
    assertNotNull(finding, "expected " + c.rule() + " saying \"" + c.says() + "\", got:\n" + describe(before));
    repo.message = finding.message();
    c.advice().accept(repo);
    CheckResult after = run(dir.resolve("after"), repo.files);
    assertEquals(new TreeSet<>(c.after()), new TreeSet<>(rules(after)),
        "after following \"" + finding.message() + "\":\n" + describe(after));
  }

  /**
   * JSON bodies of the seed system's API saved into the intents folder: the message says to move them
   * out and run {@code meshgate import emco} on them, which is done here through the CLI; the seed's
   * intents then validate with the seed's one known warning.
   */
  @org.junit.jupiter.api.Test
  void emcoBodiesInTheIntentsFolderLeadToTheImport() throws Exception {
    Path intents = Files.createDirectories(work.resolve("emco/intents"));
    Files.copy(TestRepos.root().resolve("repo-fixtures/seed/intents/clusters/clusters.yaml"), intents.resolve("clusters.yaml"));
    Path bodies = TestRepos.root().resolve("repo-fixtures/seed-emco/bodies");
    copyTree(bodies, intents.resolve("bodies"));
    CheckResult before = checker.check(intents);
    Violation finding = before.violations().stream().filter(v -> v.message().contains("meshgate import emco")).findFirst()
        .orElseThrow(() -> new AssertionError(describe(before)));
    assertEquals("MG-SCHEMA", finding.rule());
    // "move such bodies out of the intents folder and run `meshgate import emco <their folder> --out <intents folder> --placement <file>`"
    Path movedOut = work.resolve("emco/bodies");
    copyTree(intents.resolve("bodies"), movedOut);
    deleteTree(intents.resolve("bodies"));
    int exit = io.meshgate.cli.Main.run("import", "emco", movedOut.toString(), "--out", intents.toString(),
        "--placement", TestRepos.root().resolve("repo-fixtures/seed-emco/placement.yaml").toString());
    assertEquals(0, exit);
    CheckResult after = checker.check(intents);
    assertEquals(List.of("MG-LB-02"), rules(after), describe(after));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static CheckResult run(Path dir, Map<String, String> files) throws IOException, Exception {
    Path intents = dir.resolve("intents");
    Files.createDirectories(intents);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = intents.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }
    return checker.check(intents);
  }

  private static List<String> rules(CheckResult result) {
    List<String> rules = new ArrayList<>();
    result.violations().forEach(v -> rules.add(v.rule()));
    return rules;
  }

  private static String describe(CheckResult result) {
    return result.violations().stream().map(v -> v.file() + ":" + v.line() + ": " + v.rule() + ": " + v.message())
        .collect(Collectors.joining("\n"));
  }
}
