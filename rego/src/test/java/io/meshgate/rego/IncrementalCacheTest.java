package io.meshgate.rego;

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
 * Evaluations that reuse an {@link IncrementalCache} over a changing input give exactly what full
 * evaluations give, while evaluating again only the elements whose reads changed.
 */
class IncrementalCacheTest {

  /** Rules reading the input through every path the cache must see: functions, lookups, comprehensions. */
  private static final String MODULE = """
      package p
      import rego.v1

      lead(team) := input.teams[team].lead

      # A lookup object built element by element, read by key and iterated.
      by_team[team] contains name if {
        some name, s in input.services
        team := s.team
      }

      owners[name] := lead(s.team) if {
        some name, s in input.services
      }

      deny contains sprintf("%s: team %s has no lead", [name, s.team]) if {
        some name, s in input.services
        not lead(s.team)
      }

      deny contains sprintf("%s: retired but still declared", [name]) if {
        some name, _ in input.services
        input.retired[name]
      }

      deny contains sprintf("%s: team %s is larger than %d", [name, s.team, data.limits.team_size]) if {
        some name, s in input.services
        count(by_team[s.team]) > data.limits.team_size
      }

      warn contains sprintf("%s has %d peers", [name, count(peers)]) if {
        some name, s in input.services
        peers := [other | some other, o in input.services; o.team == s.team; other != name]
        count(peers) > 0
        count(input.services) > 3
      }

      warn contains sprintf("team %s (lead %v) has %d services", [team, lead(team), count(names)]) if {
        some team, names in by_team
        count(names) > 1
      }

      # Never kept: the body replaces the input, and asks for the time.
      flagged contains name if {
        some name, s in input.services
        s.flag with input.teams as {}
        time.now_ns() > 0
      }
      """;

  private static final List<String> QUERIES = List.of("data.p.deny", "data.p.warn", "data.p.owners",
      "data.p.by_team", "data.p.flagged");

  private static Rego rego() {
    return Rego.builder().addModule("p.rego", MODULE)
        .data(Value.of(Map.of("limits", Map.of("team_size", 4)))).build();
  }

  /** A repository-like input whose parts are replaced (not changed) when edited, as the service's are. */
  private static final class World {
    final Map<String, Map<String, Object>> services = new TreeMap<>();
    final Map<String, Map<String, Object>> teams = new TreeMap<>();
    final Map<String, Object> retired = new TreeMap<>();

    Map<String, Object> input(boolean freshMaps) {
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("services", copy(services, freshMaps));
      in.put("teams", copy(teams, freshMaps));
      in.put("retired", new TreeMap<>(retired));
      return in;
    }

    private static Map<String, Object> copy(Map<String, Map<String, Object>> entries, boolean freshMaps) {
      Map<String, Object> out = new TreeMap<>();
      entries.forEach((k, v) -> out.put(k, freshMaps ? new LinkedHashMap<>(v) : v));
      return out;
    }
  }

  private static World world(Random random, int services) {
    World w = new World();
    for (int t = 0; t < 6; t++) {
      w.teams.put("team-" + t, Map.of("lead", "lead-" + t));
    }
    for (int i = 0; i < services; i++) {
      w.services.put("svc-" + i, service("team-" + random.nextInt(7), i % 9 == 0));
    }
    return w;
  }

  private static Map<String, Object> service(String team, boolean flag) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("team", team);
    s.put("flag", flag);
    return s;
  }

  /** One random edit of the kinds a push makes. */
  private static void edit(World w, Random random) {
    List<String> names = new ArrayList<>(w.services.keySet());
    String name = names.get(random.nextInt(names.size()));
    switch (random.nextInt(7)) {
      case 0 -> w.services.put(name, service("team-" + random.nextInt(7), random.nextBoolean()));
      case 1 -> w.services.remove(name);
      case 2 -> w.services.put("svc-new-" + random.nextInt(1000), service("team-" + random.nextInt(7), false));
      case 3 -> {
        String team = "team-" + random.nextInt(7);
        if (random.nextBoolean()) {
          w.teams.put(team, Map.of("lead", "lead-" + random.nextInt(100)));
        } else {
          w.teams.remove(team);
        }
      }
      case 4 -> w.retired.put(name, true);
      case 5 -> w.retired.clear();
      default -> { } // nothing changed: everything is reused
    }
  }

  private static List<Value> full(Rego rego, Map<String, Object> input) {
    List<Value> out = new ArrayList<>();
    for (String q : QUERIES) {
      out.add(rego.prepare(q).evalValue(Value.wrap(input)));
    }
    return out;
  }

  private static List<Value> incremental(Rego rego, List<PreparedQuery> queries, Map<String, Object> input,
      IncrementalCache cache) {
    return ConcurrentQueries.evalValues(queries, Value.wrap(input), Duration.ofMinutes(1), 2, cache).values();
  }

  @Test
  void everyEvaluationEqualsAFullOneAcrossRandomEdits() {
    Rego rego = rego();
    List<PreparedQuery> queries = QUERIES.stream().map(rego::prepare).toList();
    for (long seed = 1; seed <= 4; seed++) {
      Random random = new Random(seed);
      World w = world(random, 40);
      IncrementalCache cache = new IncrementalCache();
      for (int step = 0; step < 60; step++) {
        // Mostly the same maps for unchanged parts (as the service gives), sometimes all new ones.
        Map<String, Object> input = w.input(step % 5 == 4);
        assertEquals(full(rego, input), incremental(rego, queries, input, cache), "seed " + seed + ", step " + step);
        edit(w, random);
      }
      assertTrue(cache.reusedElements() > cache.evaluatedElements(),
          "reused " + cache.reusedElements() + ", evaluated " + cache.evaluatedElements());
    }
  }

  @Test
  void onlyTheElementsWhoseReadsChangedAreEvaluatedAgain() {
    Rego rego = rego();
    List<PreparedQuery> queries = QUERIES.stream().map(rego::prepare).toList();
    World w = new World();
    w.teams.put("a", Map.of("lead", "ann"));
    w.teams.put("b", Map.of("lead", "bob"));
    for (int i = 0; i < 20; i++) {
      w.services.put("svc-" + i, service(i < 10 ? "a" : "b", false));
    }
    IncrementalCache cache = new IncrementalCache();
    incremental(rego, queries, w.input(false), cache);
    long first = cache.evaluatedElements();

    incremental(rego, queries, w.input(false), cache);
    // Unchanged input: only the rule that uses `with` and time.now_ns evaluates its 20 elements again.
    assertEquals(first + 20, cache.evaluatedElements());

    w.teams.put("b", Map.of("lead", "bea"));
    long before = cache.evaluatedElements();
    List<Value> values = incremental(rego, queries, w.input(false), cache);
    assertEquals(full(rego, w.input(false)), values);
    // Team b's lead is read through lead() by owners and the first deny (10 services each), and by the
    // team warning (1 element); plus the 20 never kept. The peers warning and the other rules read no lead.
    assertEquals(10 + 10 + 1 + 20, cache.evaluatedElements() - before);
  }

  @Test
  void anEvaluationStoppedHalfWayLeavesNothingStale() {
    Rego rego = Rego.builder().addModule("q.rego", """
        package q
        import rego.v1

        names contains value if {
          some _, value in input.items
        }
        """).build();
    List<PreparedQuery> query = List.of(rego.prepare("data.q.names"));
    Map<String, Object> items = new TreeMap<>();
    for (int i = 0; i < 3000; i++) {
      items.put(String.format("k%04d", i), "v" + i);
    }
    IncrementalCache cache = new IncrementalCache();
    ConcurrentQueries.evalValues(query, Value.wrap(Map.of("items", items)), Duration.ofMinutes(1), 1, cache);

    // The first element changes and is evaluated again; the time limit stops the evaluation a
    // thousand elements later, before the rule's value is assembled.
    items.put("k0000", "changed");
    Value changed = Value.wrap(Map.of("items", new TreeMap<>(items)));
    RegoException stopped = org.junit.jupiter.api.Assertions.assertThrows(RegoException.class,
        () -> ConcurrentQueries.evalValues(query, changed, Duration.ZERO, 1, cache));
    assertEquals(RegoException.LIMIT, stopped.code());

    Value after = ConcurrentQueries.evalValues(query, Value.wrap(Map.of("items", new TreeMap<>(items))),
        Duration.ofMinutes(1), 1, cache).values().get(0);
    assertEquals(query.get(0).evalValue(Value.wrap(Map.of("items", items))), after);
  }

  @Test
  void aChangedPolicyStartsAfresh() {
    Rego one = rego();
    Rego other = rego();
    IncrementalCache cache = new IncrementalCache();
    Map<String, Object> input = world(new Random(3), 10).input(false);
    incremental(one, List.of(one.prepare("data.p.owners")), input, cache);
    long evaluated = cache.evaluatedElements();
    assertEquals(full(other, input).get(2),
        incremental(other, List.of(other.prepare("data.p.owners")), input, cache).get(0));
    assertEquals(2 * evaluated, cache.evaluatedElements(), "nothing of the first policy is reused by the second");
  }
}
