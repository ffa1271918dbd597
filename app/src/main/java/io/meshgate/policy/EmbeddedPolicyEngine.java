package io.meshgate.policy;

import io.meshgate.rego.ConcurrentQueries;
import io.meshgate.rego.PreparedQuery;
import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.compiler.RuleNode;
import io.meshgate.rego.interpreter.IncrementalCache;
import io.meshgate.rego.value.Json;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a {@link PolicyBundle} with meshgate's own Rego engine (the {@code rego} module). The
 * modules are compiled once, when the engine is created; each evaluation queries
 * {@code data.meshgate} with the input and a time limit ({@link PolicyTimeout}: by default it grows
 * with the input).
 */
public final class EmbeddedPolicyEngine implements PolicyEngine {
  static final String QUERY = "data.meshgate";

  private final PreparedQuery query;
  /** One query per {@code deny} and {@code warn} rule under {@code data.meshgate}, by its path; empty: {@link #query}. */
  private final List<FindingQuery> findingQueries;
  private final PolicyTimeout timeLimit;

  /** A {@code deny} or {@code warn} rule's path below {@code data.meshgate} and its query. */
  private record FindingQuery(List<String> path, PreparedQuery query) {}

  /** How long each finding query took last time, to start the longest first. */
  private volatile long[] lastNanos;

  private EmbeddedPolicyEngine(PreparedQuery query, List<FindingQuery> findingQueries, PolicyTimeout timeLimit) {
    this.query = query;
    this.findingQueries = findingQueries;
    this.timeLimit = timeLimit;
    this.lastNanos = new long[findingQueries.size()];
  }

  /** Compiles the bundle with the default time limit (scaled to each input). */
  public static EmbeddedPolicyEngine create(PolicyBundle bundle) throws PolicyEngineException {
    return create(bundle, PolicyTimeout.AUTO);
  }

  /** Compiles the bundle; every evaluation may take at most {@code timeLimit}. */
  public static EmbeddedPolicyEngine create(PolicyBundle bundle, Duration timeLimit) throws PolicyEngineException {
    return create(bundle, PolicyTimeout.of(timeLimit));
  }

  /**
   * @throws PolicyEngineException naming file:line when a module does not parse or compile
   */
  public static EmbeddedPolicyEngine create(PolicyBundle bundle, PolicyTimeout timeLimit) throws PolicyEngineException {
    // Module names as users see them: policies/tls.rego, so errors point at the file to fix.
    String prefix = bundle.root().getFileName() == null ? "" : bundle.root().getFileName() + "/";
    // Each module is read as it is written (v1, or v0 as policy libraries still ship it), exactly as
    // `meshgate policy test` reads them, so a rule that passes its tests also runs in validate.
    Rego.Builder builder = Rego.builder().regoV1(false);
    for (PolicyBundle.PolicyFile module : bundle.modules()) {
      builder.addModule(prefix + module.path(), module.text());
    }
    try {
      builder.data(Value.of(bundle.data()));
      Rego rego = builder.build();
      return new EmbeddedPolicyEngine(rego.prepare(QUERY), findingQueries(rego, bundle), timeLimit);
    } catch (RegoException e) {
      throw new PolicyEngineException("policies do not compile: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new PolicyEngineException("policies cannot be loaded: " + describe(e), e);
    }
  }

  @Override
  public String name() {
    return "embedded";
  }

  /**
   * The {@code deny} and {@code warn} rules of every package under {@code meshgate}, each queried on
   * its own: what {@link FindingCollector} reads of {@code data.meshgate}, without computing the
   * packages' other rules for nothing, and on as many threads as there are cores. Empty (query
   * {@code data.meshgate} whole) when the bundle's data has a {@code meshgate} document, which the
   * rules' values would be merged with.
   */
  private static List<FindingQuery> findingQueries(Rego rego, PolicyBundle bundle) {
    RuleNode meshgate = rego.policy().root().children.get("meshgate");
    if (meshgate == null || bundle.data().containsKey("meshgate")) {
      return List.of();
    }
    List<FindingQuery> queries = new ArrayList<>();
    collectFindingRules(meshgate, rego, queries);
    return List.copyOf(queries);
  }

  private static void collectFindingRules(RuleNode node, Rego rego, List<FindingQuery> out) {
    node.children.forEach((name, child) -> {
      if ((FindingCollector.DENY.equals(name) || FindingCollector.WARN.equals(name))
          && (child.hasRules() || !child.children.isEmpty())) {
        // Rules below a deny (deny.x contains ... if ...) make it an object, which the collector
        // refuses as when data.meshgate is read whole: queried, not skipped.
        out.add(new FindingQuery(child.path.subList(1, child.path.size()), rego.prepare(
            "data" + child.path.stream().map(Json::quote).map(p -> "[" + p + "]").reduce("", String::concat))));
      } else {
        collectFindingRules(child, rego, out);
      }
    });
  }

  @Override
  public PolicyDecision evaluate(Map<String, Object> input) throws PolicyEngineException {
    return evaluate(input, null);
  }

  @Override
  public PolicyDecision evaluate(Map<String, Object> input, PolicyMemory memory) throws PolicyEngineException {
    Object document;
    Duration limit = timeLimit.forInput(input);
    IncrementalCache cache = memory == null ? null : memory.cacheFor(this);
    try {
      // Converted as the rules read it: most rendered objects are only ever asked for their kind.
      document = findingQueries.isEmpty()
          ? findingsOnly(ConcurrentQueries.evalValues(List.of(query), Value.wrap(input), limit, 1, cache).values().get(0))
          : evaluateFindingRules(Value.wrap(input), limit, cache);
    } catch (RegoException e) {
      if (RegoException.LIMIT.equals(e.code())) {
        throw new PolicyEngineException(timeLimit.exceeded(limit), e);
      }
      throw new PolicyEngineException("policy evaluation failed: " + e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new PolicyEngineException("policy evaluation failed: " + describe(e), e);
    }
    if (memory != null) {
      memory.endRun(cache);
    }
    if (document == null) {
      throw new PolicyEngineException(QUERY + " is undefined: no policy module in package meshgate?");
    }
    return FindingCollector.collect(document);
  }

  /** data.meshgate as {@link FindingCollector} reads it, from the finding rules evaluated concurrently. */
  private Map<String, Object> evaluateFindingRules(Value input, Duration limit, IncrementalCache cache) {
    // The longest first (by the last run), so the threads finish together.
    long[] previous = lastNanos;
    Integer[] order = new Integer[findingQueries.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Long.compare(previous[b], previous[a]));
    List<PreparedQuery> queries = new ArrayList<>();
    for (int i : order) {
      queries.add(findingQueries.get(i).query());
    }
    ConcurrentQueries.Outcome outcome = ConcurrentQueries.evalValues(queries, input, limit,
        Runtime.getRuntime().availableProcessors(), cache);
    long[] took = new long[order.length];
    Map<String, Object> document = new LinkedHashMap<>();
    for (int at = 0; at < order.length; at++) {
      FindingQuery finding = findingQueries.get(order[at]);
      took[order[at]] = outcome.nanos()[at];
      Value value = outcome.values().get(at);
      if (value == null) {
        continue; // an undefined deny (a complete rule whose body failed) is absent from data.meshgate too
      }
      Map<String, Object> parent = document;
      for (String segment : finding.path().subList(0, finding.path().size() - 1)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> child = (Map<String, Object>) parent.computeIfAbsent(segment, k -> new LinkedHashMap<>());
        parent = child;
      }
      parent.put(finding.path().get(finding.path().size() - 1), value.toJava());
    }
    lastNanos = took;
    return document;
  }

  /**
   * The document as Java values, keeping only what {@link FindingCollector} reads: the objects on
   * the way to every {@code deny} and {@code warn}, and those sets whole. A package's other rules
   * (lookup objects of tens of thousands of entries at scale) are left out rather than converted and
   * walked for nothing; a value that is not an object is kept as it is, so a malformed document is
   * still refused.
   */
  static Object findingsOnly(Value document) {
    if (document == null) {
      return null;
    }
    if (!(document instanceof ObjectValue object)) {
      return document.toJava();
    }
    Map<String, Object> kept = new LinkedHashMap<>();
    object.entries().forEach((key, value) -> {
      String name = String.valueOf(key.toJava());
      if (FindingCollector.DENY.equals(name) || FindingCollector.WARN.equals(name)) {
        kept.put(name, value.toJava());
      } else if (value instanceof ObjectValue) {
        kept.put(name, findingsOnly(value));
      }
    });
    return kept;
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
