package io.meshgate.rego.cli;

import io.meshgate.rego.PreparedQuery;
import io.meshgate.rego.Rego;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.Value;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * {@code bench}: evaluates meshgate-like policies over inputs of growing size, with the engine's
 * optimisations (comprehension indexing, rule indexing, memoised function calls) and without them,
 * and prints the median and minimum of several timed runs after warm-up. Both engines must give
 * the same answer; a run without optimisations that would take minutes is left out and marked.
 */
final class Bench {
  private Bench() {}

  static final String DENY_POLICY = """
      package meshgate.bench
      import rego.v1

      clusters := {c.name: c | some c in input.clusters}
      services := {s.name: s | some s in input.services}

      deny contains msg if {
        some c in input.clients
        not services[c.service]
        msg := sprintf("client %s: unknown service %s", [c.name, c.service])
      }

      deny contains msg if {
        some c in input.clients
        not clusters[c.cluster]
        msg := sprintf("client %s: unknown cluster %s", [c.name, c.cluster])
      }

      deny contains msg if {
        some c in input.clients
        svc := services[c.service]
        clusters[c.cluster].cloud != clusters[svc.cluster].cloud
        msg := sprintf("client %s: cluster %s is not in the logical cloud of %s", [c.name, c.cluster, svc.name])
      }

      deny contains msg if {
        some s in input.services
        s.port > 65535
        msg := sprintf("service %s: port %d out of range", [s.name, s.port])
      }
      """;

  /** The lookup pattern of issue 10: the services answering to a host, asked for every host. */
  static final String HOSTS_POLICY = """
      package meshgate.hosts
      import rego.v1

      global_host(s) := sprintf("%s.%s.global", [s.name, s.namespace])

      services_with_host(host) := {name | some name, s in input.services; global_host(s) == host}

      deny contains msg if {
        some host in input.hosts
        count(services_with_host(host)) > 1
        msg := sprintf("host %s is served by %d services", [host, count(services_with_host(host))])
      }
      """;

  /** The pairwise pattern: for each object, the others sharing its address. */
  static final String PEERS_POLICY = """
      package meshgate.peers
      import rego.v1

      deny contains msg if {
        some o in input.objects
        others := {p.name | some p in input.objects; p.address == o.address; p.name != o.name}
        count(others) > 0
        msg := sprintf("%s shares address %s with %v", [o.name, o.address, others])
      }
      """;

  static int run(PrintStream out) {
    out.println("bench: median and minimum of 7 runs after 5 warm-up runs, milliseconds;"
        + " optimised = comprehension indexing, rule indexing, memoised calls; plain = without");
    out.println(String.format(Locale.ROOT, "%-34s %8s %8s %12s %10s %12s %10s %8s", "policy", "objects",
        "denials", "optimised", "min", "plain", "min", "speed-up"));
    scenario(out, "deny set (joins by key)", DENY_POLICY, "data.meshgate.bench.deny", new int[] {1_000, 10_000},
        Bench::denyInput, 10_000);
    scenario(out, "services_with_host per host", HOSTS_POLICY, "data.meshgate.hosts.deny",
        new int[] {1_000, 10_000}, Bench::hostsInput, 2_000);
    scenario(out, "others sharing an address", PEERS_POLICY, "data.meshgate.peers.deny",
        new int[] {1_000, 10_000}, Bench::peersInput, 2_000);
    scenario(out, "200 rules testing input.kind", kindPolicy(200), "data.meshgate.kinds.deny",
        new int[] {100, 1_000}, Bench::kindInput, 1_000);
    return 0;
  }

  private static void scenario(PrintStream out, String name, String policy, String query, int[] sizes,
      IntFunction<Value> inputs, int plainUpTo) {
    PreparedQuery fast = Rego.builder().addModule("bench.rego", policy).build().prepare(query);
    PreparedQuery plain = Rego.builder().optimise(false).addModule("bench.rego", policy).build().prepare(query);
    for (int n : sizes) {
      Value input = inputs.apply(n);
      boolean withPlain = n <= plainUpTo;
      // both engines warm up first, then their timed runs alternate, so neither profits from the other's JIT
      for (int i = 0; i < 5; i++) {
        fast.evalValue(input);
        if (withPlain) {
          plain.evalValue(input);
        }
      }
      double[] f = new double[7];
      double[] p = new double[7];
      for (int i = 0; i < 7; i++) {
        f[i] = millis(fast, input);
        if (withPlain) {
          p[i] = millis(plain, input);
        }
      }
      Arrays.sort(f);
      Arrays.sort(p);
      Value result = fast.evalValue(input);
      String plainMedian = "(skipped)";
      String plainMin = "";
      String speedUp = "";
      if (withPlain) {
        if (!String.valueOf(plain.evalValue(input)).equals(String.valueOf(result))) {
          throw new IllegalStateException(name + ": optimised and plain evaluation disagree");
        }
        plainMedian = String.format(Locale.ROOT, "%.2f", p[3]);
        plainMin = String.format(Locale.ROOT, "%.2f", p[0]);
        speedUp = String.format(Locale.ROOT, "%.1fx", p[3] / Math.max(f[3], 0.001));
      }
      int denials = result instanceof SetValue s ? s.size() : result instanceof ObjectValue o ? o.size() : -1;
      out.println(String.format(Locale.ROOT, "%-34s %8d %8d %12.2f %10.2f %12s %10s %8s", name, n, denials, f[3], f[0],
          plainMedian, plainMin, speedUp));
    }
  }

  private static double millis(PreparedQuery q, Value input) {
    long start = System.nanoTime();
    q.evalValue(input);
    return (System.nanoTime() - start) / 1e6;
  }

  /** n objects in all: a few clusters, and services and clients in equal parts. */
  static Value denyInput(int n) {
    int clusters = Math.max(2, n / 50);
    int services = (n - clusters) / 2;
    int clients = n - clusters - services;
    List<Object> cl = new ArrayList<>();
    for (int i = 0; i < clusters; i++) {
      cl.add(Map.of("name", "cluster" + i, "cloud", "lc" + (i % 3)));
    }
    List<Object> sv = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      sv.add(Map.of("name", "svc" + i, "cluster", "cluster" + (i % clusters), "port", i % 97 == 0 ? 70000 : 8080));
    }
    List<Object> cli = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      String service = i % 89 == 0 ? "missing" + i : "svc" + (i % Math.max(1, services));
      cli.add(Map.of("name", "client" + i, "service", service, "cluster", "cluster" + ((i * 7) % clusters)));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("clusters", cl);
    doc.put("services", sv);
    doc.put("clients", cli);
    return Value.of(doc);
  }

  /** n services keyed by name (every 100th sharing a host with the next) and their n hosts. */
  static Value hostsInput(int n) {
    Map<String, Object> services = new LinkedHashMap<>();
    List<Object> hosts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String ns = "ns" + (i % 100 == 1 ? i - 1 : i);
      String name = i % 100 == 1 ? "svc" + (i - 1) + "-copy" : "svc" + i;
      services.put(name, Map.of("name", i % 100 == 1 ? "svc" + (i - 1) : name, "namespace", ns));
      hosts.add("svc" + i + ".ns" + i + ".global");
    }
    return Value.of(Map.of("services", services, "hosts", hosts));
  }

  /** n objects, every 50th sharing its address with the one before. */
  static Value peersInput(int n) {
    List<Object> objects = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      objects.add(Map.of("name", "obj" + i, "address", "10.0." + ((i % 50 == 1 ? i - 1 : i) / 250) + "."
          + ((i % 50 == 1 ? i - 1 : i) % 250)));
    }
    return Value.of(Map.of("objects", objects));
  }

  /**
   * Many rules, each looping over the containers and testing {@code input.kind == "KindN"}, as
   * admission policies are written: rule indexing runs only the rules of the input's kind.
   */
  static String kindPolicy(int rules) {
    StringBuilder sb = new StringBuilder("package meshgate.kinds\nimport rego.v1\n");
    for (int i = 0; i < rules; i++) {
      sb.append("deny contains msg if {\n  some c in input.containers\n  input.kind == \"Kind").append(i)
          .append("\"\n  c.privileged\n  msg := sprintf(\"kind ").append(i).append(": %s\", [c.name])\n}\n");
    }
    return sb.toString();
  }

  /** A Kind150 object with n containers, every 10th privileged. */
  static Value kindInput(int n) {
    List<Object> containers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      containers.add(Map.of("name", "c" + i, "privileged", i % 10 == 0));
    }
    return Value.of(Map.of("kind", "Kind150", "containers", containers));
  }
}
