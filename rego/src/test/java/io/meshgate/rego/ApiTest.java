package io.meshgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.value.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ApiTest {

  @Test
  void onePreparedQueryEvaluatedFromManyThreads() throws Exception {
    Rego r = Rego.builder().addModule("p.rego", """
        package t
        import rego.v1
        total := sum([x | some x in input.xs])
        big contains x if { some x in input.xs; x > input.limit }
        """).build();
    PreparedQuery q = r.prepare("data.t.total");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> futures = new ArrayList<>();
      for (int t = 0; t < 64; t++) {
        int n = t;
        futures.add(pool.submit(() -> {
          List<Integer> xs = new ArrayList<>();
          for (int i = 0; i <= n; i++) {
            xs.add(i);
          }
          Value got = q.evalValue(Value.of(Map.of("xs", xs, "limit", 0)));
          return got.equals(Value.of(n * (n + 1) / 2));
        }));
      }
      for (Future<Boolean> f : futures) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void runawayPolicyStopsWithLimitErrorOnSteps() {
    Rego r = Rego.builder().maxSteps(10_000).addModule("p.rego", """
        package t
        import rego.v1
        n := count([1 | some a in numbers.range(1, 1000); some b in numbers.range(1, 1000)])
        """).build();
    RegoException e = assertThrows(RegoException.class, () -> r.prepare("data.t.n").evalValue(null));
    assertEquals(RegoException.LIMIT, e.code());
  }

  @Test
  void runawayPolicyStopsWithLimitErrorOnTime() {
    Rego r = Rego.builder().timeout(Duration.ofMillis(200)).addModule("p.rego", """
        package t
        import rego.v1
        n := count([1 | some a in numbers.range(1, 100000); some b in numbers.range(1, 100000)])
        """).build();
    long start = System.nanoTime();
    RegoException e = assertThrows(RegoException.class, () -> r.prepare("data.t.n").evalValue(null));
    assertEquals(RegoException.LIMIT, e.code());
    assertTrue(System.nanoTime() - start < 10_000_000_000L);
  }

  @Test
  void deepRuleChainsEvaluateAndAbsurdNestingIsAnErrorNotAStackOverflow() {
    StringBuilder chain = new StringBuilder("package deep\nimport rego.v1\np0 := p1 + 1\n");
    for (int i = 1; i < 3000; i++) {
      chain.append("p").append(i).append(" := p").append(i + 1).append(" + 1\n");
    }
    chain.append("p3000 := 0\n");
    Rego r = Rego.builder().addModule("deep.rego", chain.toString()).build();
    assertEquals(Value.of(3000), r.prepare("data.deep.p0").evalValue(null));

    String nested = "package n\nx := " + "[".repeat(2_000_000) + "1" + "]".repeat(2_000_000) + "\n";
    RegoException e = assertThrows(RegoException.class, () -> Rego.builder().addModule("n.rego", nested).build());
    assertEquals(RegoException.LIMIT, e.code());
  }

  @Test
  void modulesAreListedAndQueriesAreCompiledOnce() {
    Rego r = Rego.builder().addModule("a.rego", "package a\nx := 1\n").addModule("b.rego", "package b\ny := 2\n").build();
    assertEquals(List.of("a.rego", "b.rego"), r.modules());
    PreparedQuery q = r.prepare("z := data.a.x + data.b.y");
    assertEquals(List.of("z"), q.variables());
    assertEquals(Map.of("z", Value.of(3)), q.eval(null).bindings().get(0));
  }

  @Test
  void badQueryIsAParseError() {
    Rego r = Rego.builder().build();
    RegoException e = assertThrows(RegoException.class, () -> r.prepare("data.x["));
    assertEquals(RegoException.PARSE, e.code());
  }
}
