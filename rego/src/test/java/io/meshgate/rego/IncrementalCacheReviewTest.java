package io.meshgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
 * Review of incremental evaluation: sequences of inputs where every evaluation through an
 * {@link IncrementalCache} must equal a full evaluation of the same input (value, or the same
 * error code). Tests marked "finding" failed on the reviewed code; the others are regression
 * tests for tricky cases that passed.
 */
class IncrementalCacheReviewTest {

  /** A full evaluation's values, or the error code of its first failing query. */
  private static Object full(Rego rego, List<String> queries, Value input) {
    List<Value> out = new ArrayList<>();
    try {
      for (String q : queries) {
        out.add(rego.prepare(q).evalValue(input));
      }
    } catch (RegoException e) {
      return "error " + e.code();
    }
    return out;
  }

  private static Object cached(List<PreparedQuery> queries, Value input, int threads, IncrementalCache cache) {
    try {
      return ConcurrentQueries.evalValues(queries, input, Duration.ofMinutes(1), threads, cache).values();
    } catch (RegoException e) {
      return "error " + e.code();
    }
  }

  /** Evaluates the inputs in order through one cache and compares each evaluation with a full one. */
  private static IncrementalCache assertSameAsFull(Rego rego, List<String> queries, int threads,
      List<? extends Object> inputs) {
    List<PreparedQuery> prepared = queries.stream().map(rego::prepare).toList();
    IncrementalCache cache = new IncrementalCache();
    for (int i = 0; i < inputs.size(); i++) {
      Object in = inputs.get(i);
      Object expected = full(rego, queries, in == null ? null : Value.wrap(in));
      Object actual = cached(prepared, in == null ? null : Value.wrap(in), threads, cache);
      assertEquals(expected, actual, "evaluation " + i + " over " + in);
    }
    return cache;
  }

  private static Rego rego(String module) {
    return Rego.builder().addModule("p.rego", module).build();
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  // ------------------------------------------------------------------ findings (failed on review)

  /**
   * Finding: io.jwt.decode_verify without a "time" constraint reads the clock but is not marked
   * nondeterministic, so a kept element keeps saying "valid" after the token expired.
   */
  @Test
  void findingJwtDecodeVerifyReadsTheClock() throws Exception {
    Rego rego = rego("""
        package j
        import rego.v1

        valid contains name if {
          some name, token in input.tokens
          [ok, _, _] := io.jwt.decode_verify(token, {"secret": "secret"})
          ok
        }
        """);
    double exp = System.currentTimeMillis() / 1000.0 + 0.5;
    Value token = rego.prepare("io.jwt.encode_sign({\"alg\": \"HS256\", \"typ\": \"JWT\"}, {\"exp\": "
        + exp + "}, {\"kty\": \"oct\", \"k\": \"c2VjcmV0\"})").evalValue(null);
    assertNotNull(token);
    Map<String, Object> input = map("tokens", map("deploy-bot", token));
    List<PreparedQuery> q = List.of(rego.prepare("data.j.valid"));
    IncrementalCache cache = new IncrementalCache();
    Value before = ConcurrentQueries.evalValues(q, Value.wrap(input), Duration.ofMinutes(1), 1, cache).values().get(0);
    assertEquals(Value.of(java.util.Set.of("deploy-bot")), before, "the token is valid before it expires");
    while (System.currentTimeMillis() / 1000.0 <= exp + 0.05) {
      Thread.sleep(50);
    }
    assertEquals(full(rego, List.of("data.j.valid"), Value.wrap(input)), cached(q, Value.wrap(input), 1, cache),
        "an expired token must not stay valid");
  }

  /**
   * Finding: a reference into the input while there is no input ({@code input.allowed[name]} with a
   * null input) records no read, so the element is reused once an input is given.
   */
  @Test
  void findingAnInputReferenceWithoutInputRecordsNoRead() {
    Rego rego = Rego.builder().addModule("p.rego", """
        package n
        import rego.v1

        allowed contains name if {
          some name, _ in data.services
          input.allowed[name]
        }
        """).data(Value.of(Map.of("services", Map.of("web", 1)))).build();
    assertSameAsFull(rego, List.of("data.n.allowed"), 1,
        java.util.Arrays.asList(null, map("allowed", map("web", true))));
  }

  /**
   * Finding: ObjectValue's origin fast path treats two unconverted wrapped Java maps as equal when
   * the Java maps are equal, but Java-equal maps can convert to different Rego objects: keys 1
   * (Integer) and 1L (Long) are two Java keys and one Rego key, the later one winning. The
   * canonical input then keeps the last input's element, and the cached result is stale.
   */
  @Test
  void findingJavaEqualMapsThatConvertToDifferentObjects() {
    Map<Object, Object> intFirst = new LinkedHashMap<>();
    intFirst.put(1, "int");
    intFirst.put(1L, "long");
    Map<Object, Object> longFirst = new LinkedHashMap<>();
    longFirst.put(1L, "long");
    longFirst.put(1, "int");
    assertEquals(intFirst, longFirst, "equal Java maps");
    Rego rego = rego("""
        package c
        import rego.v1

        seen contains x if {
          some _, m in input.items
          x := m[1]
        }
        """);
    assertSameAsFull(rego, List.of("data.c.seen"), 1,
        List.of(map("items", map("a", intFirst)), map("items", map("a", longFirst))));
  }

  /** Finding (same cause, no cache involved): == on two such unconverted objects says true. */
  @Test
  void findingJavaEqualMapsCompareEqualWithoutTheCache() {
    Map<Object, Object> intFirst = new LinkedHashMap<>();
    intFirst.put(1, "int");
    intFirst.put(1L, "long");
    Map<Object, Object> longFirst = new LinkedHashMap<>();
    longFirst.put(1L, "long");
    longFirst.put(1, "int");
    Rego rego = rego("""
        package c
        import rego.v1

        same if input.a == input.b
        """);
    Value input = Value.wrap(map("a", intFirst, "b", longFirst));
    // As Rego objects they are {1: "long"} and {1: "int"}.
    assertEquals(Value.of(Map.of(1, "long")), rego.prepare("input.a").evalValue(Value.wrap(map("a", intFirst))));
    assertEquals(Value.of(Map.of(1, "int")), rego.prepare("input.b").evalValue(Value.wrap(map("b", longFirst))));
    assertEquals(null, rego.prepare("data.c.same").evalValue(input), "{1: long} == {1: int} must not hold");
  }

  /**
   * Finding (side effect, values unaffected): trace notes are a side effect like print, but an
   * element calling trace is kept, so the second evaluation records no note where a full one does.
   */
  @Test
  void findingTraceOfAKeptElementIsNotRecordedAgain() {
    List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    Rego rego = Rego.builder().addModule("p.rego", """
        package t
        import rego.v1

        names contains name if {
          some name, _ in input.items
          trace(sprintf("checked %s", [name]))
        }
        """).trace(notes::add).build();
    Value input = Value.wrap(map("items", map("a", 1, "b", 2)));
    List<PreparedQuery> q = List.of(rego.prepare("data.t.names"));
    IncrementalCache cache = new IncrementalCache();
    ConcurrentQueries.evalValues(q, input, Duration.ofMinutes(1), 1, cache);
    notes.clear();
    rego.prepare("data.t.names").evalValue(input);
    List<String> fullNotes = List.copyOf(notes);
    notes.clear();
    ConcurrentQueries.evalValues(q, input, Duration.ofMinutes(1), 1, cache);
    assertEquals(fullNotes, List.copyOf(notes), "a full evaluation traces each element");
  }

  /**
   * Finding (thread safety): when the calling thread is interrupted, evalValues throws at once
   * (LargeStack.run and the helper join give up waiting) while the evaluation thread it started
   * goes on with the cache, so the cache's lock is released while the cache is still being
   * updated and the next evaluation can run at the same time (per-rule Kept maps are plain
   * HashMaps; kept.collection and kept.byPosition can be left from two different evaluations).
   */
  @Test
  void findingAnInterruptedEvaluationReleasesTheCacheWhileItStillRuns() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch printed = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean ranAfterReturn = new java.util.concurrent.atomic.AtomicBoolean();
    Rego rego = Rego.builder().addModule("p.rego", """
        package i
        import rego.v1

        names contains name if {
          some name, _ in input.items
          print("checking", name)
        }
        """).print(line -> {
          boolean done = false;
          while (!done) {
            try {
              done = release.await(30, java.util.concurrent.TimeUnit.SECONDS) || true;
            } catch (InterruptedException e) {
              // the evaluation goes on after an interrupt
            }
          }
          ranAfterReturn.set(returned.get());
          printed.countDown();
        }).build();
    List<PreparedQuery> queries = List.of(rego.prepare("data.i.names"));
    IncrementalCache cache = new IncrementalCache();
    // Lets the evaluation go on after a while in any case (a correct evalValues waits for it).
    Thread releaser = new Thread(() -> {
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        return;
      }
      release.countDown();
    });
    releaser.setDaemon(true);
    releaser.start();
    Thread.currentThread().interrupt();
    try {
      ConcurrentQueries.evalValues(queries, Value.wrap(map("items", map("x", 1))), Duration.ofMinutes(1), 1, cache);
    } catch (RegoException e) {
      // interrupted: fine, as long as nothing of this evaluation still runs
    } finally {
      Thread.interrupted();
      returned.set(true);
    }
    release.countDown();
    assertTrue(printed.await(30, java.util.concurrent.TimeUnit.SECONDS));
    assertFalse(ranAfterReturn.get(), "evalValues returned (releasing the cache) while its evaluation still ran");
  }
}
