package io.meshgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.rego.interpreter.IncrementalCache;
import io.meshgate.rego.value.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers of the tests that compare evaluations through an {@link IncrementalCache} with full ones. */
final class IncrementalTestSupport {
  private IncrementalTestSupport() {}

  /** A full evaluation's values, or the error code of its first failing query. */
  static Object full(Rego rego, List<String> queries, Value input) {
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

  /** An evaluation through {@code cache}: its values, or the error code. */
  static Object cached(List<PreparedQuery> queries, Value input, Duration timeout, int threads, IncrementalCache cache) {
    try {
      return ConcurrentQueries.evalValues(queries, input, timeout, threads, cache).values();
    } catch (RegoException e) {
      return "error " + e.code();
    }
  }

  /** Evaluates the inputs in order through one cache and compares each evaluation with a full one. */
  static IncrementalCache assertSameAsFull(Rego rego, List<String> queries, int threads, List<? extends Object> inputs) {
    return assertSameAsFull(rego, queries, threads, inputs, new IncrementalCache());
  }

  /** As above, through the given cache. */
  static IncrementalCache assertSameAsFull(Rego rego, List<String> queries, int threads, List<? extends Object> inputs,
      IncrementalCache cache) {
    List<PreparedQuery> prepared = queries.stream().map(rego::prepare).toList();
    for (int i = 0; i < inputs.size(); i++) {
      Object in = inputs.get(i);
      Object expected = full(rego, queries, in == null ? null : Value.wrap(in));
      Object actual = cached(prepared, in == null ? null : Value.wrap(in), Duration.ofMinutes(1), threads, cache);
      assertEquals(expected, actual, "evaluation " + i + " over " + in);
    }
    return cache;
  }

  static Rego rego(String module) {
    return Rego.builder().addModule("p.rego", module).build();
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
