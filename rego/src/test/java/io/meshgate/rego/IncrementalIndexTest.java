package io.meshgate.rego;

import static io.meshgate.rego.IncrementalTestSupport.assertSameAsFull;
import static io.meshgate.rego.IncrementalTestSupport.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.interpreter.IncrementalCache;
import io.meshgate.rego.value.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The index of kept reads ({@code ReadIndex}): an evaluation re-decides only the elements whose
 * reads lie on parts of the input or of rules' values that changed, and still gives exactly what a
 * full evaluation gives, across random edits at every depth of the input.
 */
class IncrementalIndexTest {

  private static final String MODULE = """
      package q
      import rego.v1

      # a lookup object built element by element
      port_of[name] := s.spec.port if {
        some name, s in input.services
      }

      # rule values read by key by other driven rules; the key may be absent, then appear
      clash contains [name, c.target] if {
        some name, c in input.clients
        port_of[c.target] == c.port
      }

      missing contains name if {
        some name, c in input.clients
        not port_of[c.target]
      }

      # a read of an input path that is absent, then appears
      labelled contains name if {
        some name, s in input.services
        input.labels[name].team == s.team
      }

      # a function memoised across elements
      lead(t) := input.teams[t].lead

      led contains [name, lead(s.team)] if {
        some name, s in input.services
      }

      # a comprehension inside an element (indexed by the team)
      same_team contains [name, count(ns)] if {
        some name, s in input.services
        ns := [n | some n, o in input.services; o.team == s.team]
      }

      # driven over a rule's value, which reads another rule's value
      team_ports[t] := ps if {
        some t, _ in input.teams
        ps := {p | some n, p in port_of; input.services[n].team == t}
      }

      team_port_count contains [t, count(ps)] if {
        some t, ps in data.q.team_ports
      }

      # reads four levels down
      strict contains name if {
        some name, s in input.services
        s.spec.tls.mode == "strict"
      }

      # a read of a whole collection
      above contains name if {
        some name, s in input.services
        s.spec.port > count(input.clients)
      }

      # a read of the whole input
      whole contains name if {
        some name, _ in input.clients
        count(input) > 4
      }

      # a package node read by a computed key
      via_package contains name if {
        some name, s in input.services
        data.kinds[s.kind][name]
      }

      # driven over an array
      listed contains [i, x * 2] if {
        some i, x in input.list
        x > input.threshold
      }

      # never reused: with, and a nondeterministic built-in
      mocked contains name if {
        some name, s in input.services
        lead(s.team) == "m" with input.teams as {"a": {"lead": "m"}}
      }

      timed contains name if {
        some name, s in input.services
        time.now_ns() > 0
        s.spec.port > 8000
      }
      """;

  private static final String KINDS = """
      package kinds
      import rego.v1

      web[name] := true if {
        some name, s in input.services
        s.kind == "web"
      }
      """;

  private static final List<String> QUERIES = List.of("data.q.port_of", "data.q.clash", "data.q.missing",
      "data.q.labelled", "data.q.led", "data.q.same_team", "data.q.team_ports", "data.q.team_port_count",
      "data.q.strict", "data.q.above", "data.q.whole", "data.q.via_package", "data.q.listed", "data.q.mocked",
      "data.q.timed");

  private static Rego rego(boolean optimise) {
    return Rego.builder().addModule("q.rego", MODULE).addModule("kinds.rego", KINDS).optimise(optimise).build();
  }

  /**
   * A repository-like input kept as Java maps that are replaced, never changed: an edit makes new
   * maps along the path it changes and keeps every other map, as the service's input does.
   */
  private static final class World {
    Map<String, Object> services = new TreeMap<>();
    Map<String, Object> clients = new TreeMap<>();
    Map<String, Object> teams = new TreeMap<>();
    Map<String, Object> labels = new TreeMap<>();
    List<Object> list = new ArrayList<>();
    Object threshold = 3;
    Map<String, Object> extra = null;

    Map<String, Object> input() {
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("services", services);
      in.put("clients", clients);
      in.put("teams", teams);
      in.put("labels", labels);
      in.put("list", list);
      in.put("threshold", threshold);
      if (extra != null) {
        in.put("extra", extra);
      }
      return in;
    }

    /** Every map new (equal where unchanged): what a service restarted on the same repository builds. */
    Map<String, Object> freshInput() {
      @SuppressWarnings("unchecked")
      Map<String, Object> copy = (Map<String, Object>) deepCopy(input());
      return copy;
    }
  }

  private static Object deepCopy(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, deepCopy(v)));
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(e -> out.add(deepCopy(e)));
      return out;
    }
    return o;
  }

  private static Map<String, Object> service(Random r) {
    return map("team", "t" + r.nextInt(4), "kind", r.nextBoolean() ? "web" : "db",
        "spec", map("port", 7990 + r.nextInt(20), "tls", map("mode", r.nextBoolean() ? "strict" : "off")));
  }

  private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
    Map<String, Object> out = new TreeMap<>(m);
    if (value == null) {
      out.remove(key);
    } else {
      out.put(key, value);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void edit(World w, Random r) {
    List<String> names = new ArrayList<>(w.services.keySet());
    String name = names.isEmpty() ? "s0" : names.get(r.nextInt(names.size()));
    Map<String, Object> s = (Map<String, Object>) w.services.getOrDefault(name, service(r));
    Map<String, Object> spec = (Map<String, Object>) s.get("spec");
    switch (r.nextInt(16)) {
      // one field deep inside one service: new maps along its path only
      case 0, 1 -> w.services = with(w.services, name, with(s, "spec", with(spec, "port", 7990 + r.nextInt(20))));
      case 2 -> w.services = with(w.services, name, with(s, "spec",
          with(spec, "tls", map("mode", r.nextBoolean() ? "strict" : "off"))));
      case 3 -> w.services = with(w.services, name, with(s, "team", "t" + r.nextInt(5)));
      case 4 -> w.services = with(w.services, name, null);
      case 5 -> w.services = with(w.services, "s" + r.nextInt(30), service(r));
      case 6 -> w.clients = with(w.clients, "c" + r.nextInt(20),
          map("target", "s" + r.nextInt(30), "port", 7990 + r.nextInt(20)));
      case 7 -> w.clients = with(w.clients, "c" + r.nextInt(20), null);
      case 8 -> w.teams = with(w.teams, "t" + r.nextInt(5),
          r.nextInt(4) == 0 ? null : map("lead", List.of("m", "l1", "l2").get(r.nextInt(3))));
      case 9 -> w.labels = with(w.labels, name, r.nextBoolean() ? map("team", s.get("team")) : null);
      case 10 -> {
        List<Object> list = new ArrayList<>(w.list);
        if (!list.isEmpty() && r.nextBoolean()) {
          list.remove(r.nextInt(list.size()));
        } else {
          list.add(r.nextInt(list.size() + 1), r.nextInt(8));
        }
        w.list = list;
      }
      case 11 -> w.threshold = r.nextInt(6);
      case 12 -> w.extra = w.extra == null ? map("x", 1) : null; // the whole input's size changes
      case 13 -> w.services = with(w.services, name, with(s, "kind", r.nextBoolean() ? "web" : "db"));
      default -> { } // nothing changed
    }
  }

  private static World world(Random r) {
    World w = new World();
    for (int i = 0; i < 14; i++) {
      w.services.put("s" + i, service(r));
    }
    for (int i = 0; i < 10; i++) {
      w.clients.put("c" + i, map("target", "s" + r.nextInt(20), "port", 7990 + r.nextInt(20)));
    }
    for (int i = 0; i < 3; i++) {
      w.teams.put("t" + i, map("lead", "l" + i));
    }
    for (int i = 0; i < 5; i++) {
      w.list.add(r.nextInt(8));
    }
    return w;
  }

  @Test
  void everyEvaluationEqualsAFullOneAcrossRandomEditsAtEveryDepth() {
    for (int threads : new int[] {1, 3}) {
      for (long seed = 1; seed <= 4; seed++) {
        Rego rego = rego(seed != 4); // the last without function memo and comprehension indexes
        Random r = new Random(seed * 17 + threads);
        World w = world(r);
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (int step = 0; step < 60; step++) {
          inputs.add(step % 13 == 12 ? w.freshInput() : w.input());
          edit(w, r);
        }
        IncrementalCache cache = assertSameAsFull(rego, QUERIES, threads, inputs);
        assertTrue(cache.reusedElements() > cache.evaluatedElements(),
            "reused " + cache.reusedElements() + ", evaluated " + cache.evaluatedElements());
        // after the first evaluations (and any that failed), the index decides
        assertTrue(cache.checkedElements() * 4 < cache.reusedElements(),
            "checked " + cache.checkedElements() + ", reused " + cache.reusedElements());
      }
    }
  }

  @Test
  void anIndexBuiltAfreshOftenGivesTheSameValues() {
    Random r = new Random(99);
    World w = world(r);
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (int step = 0; step < 50; step++) {
      inputs.add(w.input());
      edit(w, r);
    }
    IncrementalCache cache = assertSameAsFull(rego(true), QUERIES, 2, inputs, new IncrementalCache(0));
    assertTrue(cache.checkedElements() > 0, "elements were checked read by read after the index was built afresh");
  }

  /** Rules of the shape the shipped policies have: each element reads its own parts and a few lookups. */
  private static final String LOCAL = """
      package q
      import rego.v1

      port_of[name] := s.spec.port if {
        some name, s in input.services
      }

      clash contains [name, c.target] if {
        some name, c in input.clients
        port_of[c.target] == c.port
      }

      lead(t) := input.teams[t].lead

      led contains [name, lead(s.team)] if {
        some name, s in input.services
      }

      strict contains name if {
        some name, s in input.services
        s.spec.tls.mode == "strict"
      }

      timed contains name if {
        some name, s in input.services
        time.now_ns() > 0
      }
      """;

  @Test
  void anEditDeepInOneServiceReDecidesOnlyTheElementsThatReadIt() {
    Rego rego = Rego.builder().addModule("q.rego", LOCAL).build();
    List<String> queries = List.of("data.q.port_of", "data.q.clash", "data.q.led", "data.q.strict", "data.q.timed");
    List<PreparedQuery> prepared = queries.stream().map(rego::prepare).toList();
    World w = new World();
    for (int i = 0; i < 200; i++) {
      w.services.put("s" + i, map("team", "t" + (i % 4), "kind", i % 2 == 0 ? "web" : "db",
          "spec", map("port", 7000 + i, "tls", map("mode", "off"))));
    }
    for (int i = 0; i < 100; i++) {
      w.clients.put("c" + i, map("target", "s" + i, "port", 7000 + i));
    }
    w.teams.put("t1", map("lead", "l1"));
    IncrementalCache cache = new IncrementalCache();
    for (int round = 0; round < 2; round++) { // the second completes every rule with the index
      evaluate(prepared, w, cache);
    }
    long checked = cache.checkedElements();
    long evaluated = cache.evaluatedElements();

    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) w.services.get("s7");
    w.services = with(w.services, "s7", with(s, "spec", map("port", 7000, "tls", map("mode", "strict"))));
    w.teams = with(w.teams, "t3", map("lead", "l3"));
    List<Value> values = evaluate(prepared, w, cache);

    assertEquals(IncrementalTestSupport.full(rego, queries, Value.wrap(w.input())), values);
    assertEquals(checked, cache.checkedElements(), "no element's reads were visited one by one");
    // s7's three elements (port_of, led, strict), c7 (its target's port changed), the 50 services
    // of team t3 (whose lead appeared) in led, and the elements never reused (timed: 200)
    assertEquals(3 + 1 + 49 + 200, cache.evaluatedElements() - evaluated);
  }

  private static List<Value> evaluate(List<PreparedQuery> prepared, World w, IncrementalCache cache) {
    return ConcurrentQueries.evalValues(prepared, Value.wrap(w.input()), Duration.ofMinutes(1), 2, cache).values();
  }
}
