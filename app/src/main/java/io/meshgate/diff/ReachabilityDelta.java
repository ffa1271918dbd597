package io.meshgate.diff;

import io.meshgate.verify.HopResult;
import io.meshgate.verify.ObjectRef;
import io.meshgate.verify.Request;
import io.meshgate.verify.Simulator;
import io.meshgate.verify.Trace;
import io.meshgate.verify.Verifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a change does to reachability, from the verify simulator: every request either side's
 * {@code verify} makes (declared edges and probes) is answered on both sides (a request only one
 * side makes is simulated on the other), and the requests whose answer differs are grouped by
 * caller and destination.
 */
public record ReachabilityDelta(List<Pair> pairs) {

  /** How one caller's reach of one destination changed. */
  public enum Verdict {
    /** Nothing was allowed before, something is now. */
    GAINED,
    /** Something was allowed before, nothing is now. */
    LOST,
    /** Still reachable, with fewer requests allowed. */
    NARROWED,
    /** Still reachable, with more requests allowed. */
    WIDENED,
    /** Still reachable, some requests gained and some lost. */
    CHANGED,
    /** Same requests allowed, but some reach another workload. */
    REROUTED;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A request's answer on one side. */
  public record Outcome(boolean allowed, String reached, String hop, String reason, ObjectRef object) {
    static final Outcome NOT_RENDERED = new Outcome(false, null, null, "that side does not render", null);

    static Outcome of(Trace trace) {
      HopResult failure = trace.failure();
      HopResult deciding = failure != null ? failure : trace.last();
      return new Outcome(trace.allowed(), trace.reached(), failure == null ? null : failure.hop().id(),
          failure == null ? null : failure.detail(), deciding == null ? null : deciding.object());
    }

    /** {@code denied at authorization-policy: reason [object]} or {@code allowed, reaches c/ns/svc}. */
    public String describe() {
      if (allowed) {
        return "allowed, reaches " + reached;
      }
      return "denied" + (hop == null ? "" : " at " + hop) + (reason == null ? "" : ": " + reason)
          + (object == null ? "" : " [" + object + "]");
    }
  }

  /**
   * One request whose answer differs.
   *
   * @param origin {@code edge <client>} or {@code probe <kind> of <client>}: why verify makes the request
   */
  public record Change(Request request, String origin, Outcome before, Outcome after) {
    public boolean gained() {
      return !before.allowed() && after.allowed();
    }

    public boolean lost() {
      return before.allowed() && !after.allowed();
    }

    /** {@code GET /status}, or {@code TCP} for a request without method. */
    public String operation() {
      if (request.method() == null) {
        return "TCP";
      }
      return request.method() + (request.path() == null ? "" : " " + request.path());
    }

    /** {@code newly allowed}, {@code no longer allowed: denied at ...}, {@code now reaches X instead of Y}. */
    public String what() {
      if (gained()) {
        return "newly allowed";
      }
      if (lost()) {
        return "no longer allowed: " + after.describe();
      }
      return "now reaches " + after.reached() + " instead of " + before.reached();
    }
  }

  /**
   * One caller (cluster/namespace/serviceAccount) and one destination (host:port) whose reach changed.
   *
   * @param allowedBefore how many of the pair's requests were allowed before
   * @param allowedAfter how many are allowed after
   */
  public record Pair(String from, String to, Verdict verdict, int allowedBefore, int allowedAfter,
      List<Change> changes) {
    public Pair {
      changes = List.copyOf(changes);
    }

    /** {@code west/shop/checkout -> ledger.pay.global:8080}. */
    public String describe(String arrow) {
      return from + " " + arrow + " " + to;
    }
  }

  public ReachabilityDelta {
    pairs = List.copyOf(pairs);
  }

  public boolean isEmpty() {
    return pairs.isEmpty();
  }

  public long count(Verdict verdict) {
    return pairs.stream().filter(p -> p.verdict() == verdict).count();
  }

  /** One side as verify saw it: its checks and the simulator that answered them (null when it does not render). */
  record Side(Verifier.Result result, Simulator simulator) {}

  /** Compares the two sides' answers. */
  static ReachabilityDelta compare(Side base, Side head) {
    Map<Request, Verifier.Check> before = checks(base);
    Map<Request, Verifier.Check> after = checks(head);
    // Every request of either side, in a stable order: grouped by pair, then by operation.
    Map<String, Map<String, Request>> byPair = new TreeMap<>();
    for (Map<Request, Verifier.Check> side : List.of(before, after)) {
      for (Request request : side.keySet()) {
        byPair.computeIfAbsent(pairKey(request), k -> new TreeMap<>())
            .putIfAbsent(requestKey(request), request);
      }
    }
    List<Pair> pairs = new ArrayList<>();
    for (Map<String, Request> requests : byPair.values()) {
      int allowedBefore = 0;
      int allowedAfter = 0;
      List<Change> changes = new ArrayList<>();
      for (Request request : requests.values()) {
        Outcome was = answer(request, before, base);
        Outcome now = answer(request, after, head);
        allowedBefore += was.allowed() ? 1 : 0;
        allowedAfter += now.allowed() ? 1 : 0;
        boolean rerouted = was.allowed() && now.allowed() && !Objects.equals(was.reached(), now.reached());
        if (was.allowed() != now.allowed() || rerouted) {
          Verifier.Check check = after.containsKey(request) ? after.get(request) : before.get(request);
          changes.add(new Change(request, origin(check), was, now));
        }
      }
      if (changes.isEmpty()) {
        continue;
      }
      Request any = changes.get(0).request();
      pairs.add(new Pair(caller(any), destination(any), verdict(allowedBefore, allowedAfter, changes),
          allowedBefore, allowedAfter, changes));
    }
    pairs.sort(Comparator.comparing((Pair p) -> p.verdict().ordinal()).thenComparing(p -> p.from() + " " + p.to()));
    return new ReachabilityDelta(pairs);
  }

  private static Verdict verdict(int before, int after, List<Change> changes) {
    boolean gained = changes.stream().anyMatch(Change::gained);
    boolean lost = changes.stream().anyMatch(Change::lost);
    if (before == 0 && after > 0) {
      return Verdict.GAINED;
    }
    if (before > 0 && after == 0) {
      return Verdict.LOST;
    }
    if (gained && lost) {
      return Verdict.CHANGED;
    }
    if (lost) {
      return Verdict.NARROWED;
    }
    return gained ? Verdict.WIDENED : Verdict.REROUTED;
  }

  private static Map<Request, Verifier.Check> checks(Side side) {
    Map<Request, Verifier.Check> out = new LinkedHashMap<>();
    if (side.result() == null) {
      return out;
    }
    // Declared edges first: a request both an edge and a probe make is named after the edge.
    side.result().edges().forEach(c -> out.putIfAbsent(c.trace().request(), c));
    side.result().probes().forEach(c -> out.putIfAbsent(c.trace().request(), c));
    return out;
  }

  /** The side's own answer when it made the request, else the simulator's on that side. */
  private static Outcome answer(Request request, Map<Request, Verifier.Check> checks, Side side) {
    Verifier.Check check = checks.get(request);
    if (check != null) {
      return Outcome.of(check.trace());
    }
    if (side.simulator() == null) {
      return Outcome.NOT_RENDERED;
    }
    return Outcome.of(side.simulator().explain(request));
  }

  private static String origin(Verifier.Check check) {
    return check.isEdge() ? "edge " + check.client() : "probe " + check.probe() + " of " + check.client();
  }

  static String caller(Request request) {
    return request.from().toString();
  }

  static String destination(Request request) {
    return request.host() + (request.port() == null ? "" : ":" + request.port());
  }

  private static String pairKey(Request request) {
    return caller(request) + "\u0000" + destination(request);
  }

  /** Requests of one pair that differ only in labels are one request. */
  private static String requestKey(Request request) {
    return Objects.toString(request.method(), "") + " " + Objects.toString(request.path(), "")
        + " " + new TreeMap<>(request.from().labels()) + " " + request.from().sidecar();
  }
}
