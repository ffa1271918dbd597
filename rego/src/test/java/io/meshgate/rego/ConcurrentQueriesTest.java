package io.meshgate.rego;

import static io.meshgate.rego.RegoTestSupport.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.value.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Queries evaluated on several threads with one shared memo give what one-by-one evaluation gives. */
class ConcurrentQueriesTest {

  private static final String MODULE = """
      package p
      import rego.v1

      # A lookup object both packages' rules read: computed once per evaluation, whichever thread needs it first.
      by_team := {team: names |
        some team in {s.team | some s in input.services}
        names := {name | some name, s in input.services; s.team == team}
      } if print("computing by_team")

      owner(name) := input.services[name].team

      deny contains sprintf("%s has no team", [name]) if {
        some name, s in input.services
        not s.team
      }

      warn contains sprintf("%s shares team %s", [name, owner(name)]) if {
        some name, _ in input.services
        count(by_team[owner(name)]) > 1
      }

      crowded contains team if {
        some team, names in by_team
        count(names) > 2
      }

      absent := 1 if false
      """;

  private static Map<String, Object> input(int services) {
    Map<String, Object> list = new java.util.TreeMap<>();
    IntStream.range(0, services).forEach(i -> list.put("svc-" + i,
        i % 7 == 0 ? Map.of("port", 80) : Map.of("team", "team-" + (i % 5))));
    return Map.of("services", list);
  }

  @Test
  void theValuesAreThoseOfEvaluatingEachQueryAlone() {
    List<String> printed = Collections.synchronizedList(new ArrayList<>());
    Rego rego = Rego.builder().addModule("p.rego", MODULE).print(printed::add).build();
    List<PreparedQuery> queries = List.of(rego.prepare("data.p.deny"), rego.prepare("data.p.warn"),
        rego.prepare("data.p.crowded"), rego.prepare("data.p.absent"));
    Value in = v(input(200));

    ConcurrentQueries.Outcome outcome = ConcurrentQueries.evalValues(queries, in, Duration.ofMinutes(1), 3);

    for (int i = 0; i < queries.size(); i++) {
      assertEquals(queries.get(i).evalValue(in), outcome.values().get(i), queries.get(i).query());
    }
    assertNull(outcome.values().get(3), "an undefined rule stays undefined");
    assertEquals(200 / 7 + 1, ((io.meshgate.rego.value.SetValue) outcome.values().get(0)).size());
    // Once for the shared evaluation; the three one-by-one evaluations above compute it for themselves.
    assertEquals(1 + 2, printed.stream().filter("computing by_team"::equals).count(), printed.toString());
  }

  @Test
  void aLookupTwoThreadsNeedIsComputedOnce() {
    List<String> printed = Collections.synchronizedList(new ArrayList<>());
    Rego rego = Rego.builder().addModule("p.rego", MODULE).print(printed::add).build();
    List<PreparedQuery> queries = List.of(rego.prepare("data.p.warn"), rego.prepare("data.p.crowded"));

    for (int run = 0; run < 20; run++) {
      printed.clear();
      ConcurrentQueries.evalValues(queries, v(input(500)), Duration.ofMinutes(1), 2);
      assertEquals(List.of("computing by_team"), printed, "run " + run);
    }
  }

  @Test
  void aFailingQueryFailsTheWholeEvaluation() {
    Rego rego = Rego.builder().addModule("p.rego", MODULE + """

        conflict := x if { some x in [1, 2] }
        """).build();
    List<PreparedQuery> queries = List.of(rego.prepare("data.p.warn"), rego.prepare("data.p.conflict"),
        rego.prepare("data.p.deny"));

    RegoException error = assertThrows(RegoException.class,
        () -> ConcurrentQueries.evalValues(queries, v(input(50)), Duration.ofMinutes(1), 2));
    assertEquals(RegoException.CONFLICT, error.code());
  }

  @Test
  void aRuleThatFailsIsAFailureForEveryQueryThatNeedsIt() {
    Rego rego = Rego.builder().addModule("p.rego", """
        package p
        import rego.v1
        shared := x if { some x in [1, 2] }
        a := shared + 1
        b := shared + 2
        """).build();
    for (int run = 0; run < 10; run++) {
      RegoException error = assertThrows(RegoException.class, () -> ConcurrentQueries.evalValues(
          List.of(rego.prepare("data.p.a"), rego.prepare("data.p.b")), null, Duration.ofMinutes(1), 2));
      assertEquals(RegoException.CONFLICT, error.code());
    }
  }

  @Test
  void theTimeLimitHoldsForAllQueriesTogether() {
    Rego rego = Rego.builder().addModule("p.rego", """
        package p
        import rego.v1
        slow contains n if {
          some a in numbers.range(1, 3000)
          some b in numbers.range(1, 3000)
          n := a * b
          n < 0
        }
        waits := count(slow)
        """).build();
    RegoException error = assertThrows(RegoException.class, () -> ConcurrentQueries.evalValues(
        List.of(rego.prepare("data.p.slow"), rego.prepare("data.p.waits")), null, Duration.ofMillis(300), 2));
    assertEquals(RegoException.LIMIT, error.code());
    assertTrue(error.getMessage().contains("time limit"), error.getMessage());
  }
}
