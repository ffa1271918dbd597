package io.meshgate.rego;

import io.meshgate.rego.interpreter.Evaluator;
import io.meshgate.rego.interpreter.IncrementalCache;
import io.meshgate.rego.value.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Evaluates several queries over one input on several threads, as one evaluation: they share rule
 * values and function results ({@link Evaluator.SharedMemo}), so a lookup object that two queries
 * need is computed once, and the results are exactly those of evaluating the queries one by one.
 * Each thread takes the next query not yet started, so the caller orders them by expected cost
 * (longest first) to finish together.
 */
public final class ConcurrentQueries {
  private ConcurrentQueries() {}

  /** How long each query took, in the order given (for the next run's ordering). */
  public record Outcome(List<Value> values, long[] nanos) {}

  /**
   * @param threads how many queries run at once (at least 1)
   * @return each query's value (null where undefined), in the order given
   * @throws RegoException the first failure of any query (the others are still waited for)
   */
  public static Outcome evalValues(List<PreparedQuery> queries, Value input, Duration timeout, int threads) {
    return run(queries, input, timeout, threads, new Evaluator.SharedMemo());
  }

  /**
   * As {@link #evalValues(List, Value, Duration, int)}, reusing what earlier evaluations kept in
   * {@code cache} wherever the input they read is unchanged, and keeping this evaluation's results
   * for the next one; the values are exactly those of a full evaluation. One evaluation at a time
   * uses the cache (others wait). The queries must come from one {@link Rego}.
   *
   * @param cache kept results, or null to evaluate in full
   */
  public static Outcome evalValues(List<PreparedQuery> queries, Value input, Duration timeout, int threads,
      IncrementalCache cache) {
    if (cache == null) {
      return evalValues(queries, input, timeout, threads);
    }
    if (queries.isEmpty()) {
      return new Outcome(List.of(), new long[0]);
    }
    Rego rego = queries.get(0).rego();
    for (PreparedQuery q : queries) {
      if (q.rego() != rego) {
        throw new IllegalArgumentException("queries of several policies cannot share one cache");
      }
    }
    synchronized (cache) {
      Value canonical = cache.begin(rego.policy(), rego.baseData(), input);
      return run(queries, canonical, timeout, threads, new Evaluator.SharedMemo(cache));
    }
  }

  private static Outcome run(List<PreparedQuery> queries, Value input, Duration timeout, int threads,
      Evaluator.SharedMemo shared) {
    Value[] values = new Value[queries.size()];
    long[] nanos = new long[queries.size()];
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    AtomicInteger next = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    AtomicReference<Error> error = new AtomicReference<>();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < values.length && failure.get() == null && error.get() == null;
          i = next.getAndIncrement()) {
        long started = System.nanoTime();
        try {
          values[i] = queries.get(i).evalValue(input, Duration.ofNanos(Math.max(0, deadline - started)), shared);
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        } catch (Error e) {
          error.compareAndSet(null, e);
        }
        nanos[i] = System.nanoTime() - started;
      }
    };
    int count = Math.max(1, Math.min(threads, queries.size()));
    List<Thread> helpers = new ArrayList<>();
    for (int t = 1; t < count; t++) {
      Thread helper = new Thread(worker, "rego-queries-" + t);
      helper.setDaemon(true);
      helper.start();
      helpers.add(helper);
    }
    worker.run();
    try {
      for (Thread helper : helpers) {
        helper.join();
      }
    } catch (InterruptedException e) {
      // Each stops at its next check of the interrupt; all have ended before the caller goes on
      // (and releases a cache they share).
      helpers.forEach(Thread::interrupt);
      helpers.forEach(io.meshgate.rego.interpreter.LargeStack::joinUninterruptibly);
      Thread.currentThread().interrupt();
      throw new RegoException(RegoException.LIMIT, "evaluation interrupted");
    }
    if (error.get() != null) {
      throw error.get();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return new Outcome(Arrays.asList(values), nanos);
  }
}
