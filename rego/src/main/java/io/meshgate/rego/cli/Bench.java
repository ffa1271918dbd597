package io.meshgate.rego.cli;

import io.meshgate.rego.PreparedQuery;
import io.meshgate.rego.Rego;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.Value;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench}: evaluates a meshgate-like deny policy (services, their clients and the clusters
 * they run in) over inputs of growing size and prints the median of several timed runs.
 */
final class Bench {
  private Bench() {}

  static final String POLICY = """
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

  static int run(PrintStream out) {
    Rego rego = Rego.builder().addModule("bench.rego", POLICY).build();
    PreparedQuery q = rego.prepare("data.meshgate.bench.deny");
    out.println("bench: meshgate-like deny set (clients joined to services and clusters)");
    out.println(String.format(Locale.ROOT, "%10s %10s %12s %12s", "objects", "denials", "median ms", "min ms"));
    for (int n : new int[] {100, 1_000, 10_000}) {
      Value input = input(n);
      Value result = null;
      for (int i = 0; i < 3; i++) {
        result = q.evalValue(input);
      }
      int runs = 7;
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        result = q.evalValue(input);
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(ms);
      int denials = result instanceof SetValue s ? s.size() : -1;
      out.println(String.format(Locale.ROOT, "%10d %10d %12.2f %12.2f", n, denials, ms[runs / 2], ms[0]));
    }
    return 0;
  }

  /** n objects in all: a few clusters, and services and clients in equal parts. */
  static Value input(int n) {
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
}
