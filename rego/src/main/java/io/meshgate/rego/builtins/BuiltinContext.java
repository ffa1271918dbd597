package io.meshgate.rego.builtins;

import java.util.Map;
import java.util.function.Supplier;

/** What a built-in may know about the evaluation it runs in. One context per query evaluation. */
public interface BuiltinContext {

  /** Wall clock of this evaluation in nanoseconds since the epoch; fixed for one evaluation. */
  long nowNanos();

  /** Where {@code print} writes its line. */
  void print(String line);

  /** Where {@code trace} notes go: OPA's Note events, shown by {@code opa test -v}. */
  default void trace(String note) { }

  /** True when built-in errors must abort evaluation instead of being undefined. */
  boolean strictBuiltinErrors();

  /**
   * A per-evaluation cache, e.g. compiled regular expressions or {@code rand.intn} answers that must
   * not change within one evaluation.
   */
  <T> T cached(String key, Supplier<T> compute);

  /** A context for calls outside an evaluation (tests, constant folding). */
  static BuiltinContext standalone() {
    long now = System.currentTimeMillis() * 1_000_000L;
    Map<String, Object> cache = new java.util.concurrent.ConcurrentHashMap<>();
    return new BuiltinContext() {
      @Override public long nowNanos() { return now; }
      @Override public void print(String line) { System.err.println(line); }
      @Override public boolean strictBuiltinErrors() { return true; }

      @Override
      @SuppressWarnings("unchecked")
      public <T> T cached(String key, Supplier<T> compute) {
        return (T) cache.computeIfAbsent(key, k -> compute.get());
      }
    };
  }
}
