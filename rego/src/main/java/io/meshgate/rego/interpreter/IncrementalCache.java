package io.meshgate.rego.interpreter;

import io.meshgate.rego.compiler.CompiledRule;
import io.meshgate.rego.compiler.Policy;
import io.meshgate.rego.compiler.RuleNode;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What evaluations over one changing input found per element, kept for the next evaluation (a
 * service re-checking a repository after each push). A rule whose body starts by iterating a
 * collection named by a constant reference ({@code some name, client in input.clients}) is
 * evaluated element by element; for each element the cache keeps the rule's outputs and every
 * value the evaluation read besides the element itself: paths of the input and of other rules'
 * values, also through functions and comprehensions. The next evaluation reuses an element's
 * outputs when the element is the same and every value it read is the same, and evaluates it
 * again otherwise; rules' values, lookups and findings are therefore exactly those of a full
 * evaluation, which every other rule still gets.
 *
 * <p>An element whose evaluation used {@code with}, {@code print}, {@code trace}, a
 * nondeterministic built-in ({@code time.now_ns}, {@code rand.intn}, ...) or the clock is never
 * reused (it is kept, so that its outputs are known when it changes). One evaluation at a time uses a
 * cache (callers hold its lock); a cache serves one compiled policy and its base data, and starts
 * afresh when given another.
 */
public final class IncrementalCache {
  /** Marks a read that found nothing there. */
  static final Value ABSENT = new io.meshgate.rego.value.StringValue("\u0000absent");
  /** The root of reads of the input document. */
  static final Object INPUT = new Object() {
    @Override public String toString() { return "input"; }
  };

  /**
   * Whether a kept read still holds, decided once per evaluation: {@code checkedIn} is the
   * evaluation that decided {@code holds} (written after it, so a reader that sees the evaluation
   * sees its answer; two threads deciding at once find the same answer).
   */
  abstract static class Checked {
    private boolean holds;
    private volatile int checkedIn;

    /** The answer of evaluation {@code run}, or null when it has not decided yet. */
    final Boolean known(int run) {
      return checkedIn == run ? holds : null;
    }

    final boolean decide(int run, boolean answer) {
      holds = answer;
      checkedIn = run;
      return answer;
    }
  }

  /** One read: the value at {@code path} below {@code root} (INPUT or a RuleNode), or ABSENT. */
  static final class Read extends Checked {
    final Object root;
    final Value[] path;
    final Value value;
    /** The set of reads this one belongs to (set when indexed). */
    Reads owner;

    Read(Object root, Value[] path, Value value) {
      this.root = root;
      this.path = path;
      this.value = value;
    }
  }

  /** What one evaluation (an element, a function call, a comprehension's index) read; shared, immutable. */
  static final class Reads extends Checked {
    static final Reads NONE = new Reads(new Object[0], false);
    /** Read and Reads items, in the order they were first read. */
    final Object[] items;
    /** True when the evaluation used something no read captures (with, print, nondeterminism). */
    final boolean uncacheable;
    // Kept by ReadIndex (under its lock), for finding what includes a read that changed:
    /** The build of the index these reads are indexed in (0: none). */
    int indexedIn;
    /** The sets of reads that include this one: null, one Reads, or an ArrayList of them. */
    Object parents;
    /** For an element's own reads: the rule's kept elements it belongs to, and the element's key. */
    Kept keptBy;
    Value elementKey;
    /** The rule nodes read here or in what this includes (null: none). */
    RuleNode[] nodeRoots;

    Reads(Object[] items, boolean uncacheable) {
      this.items = items;
      this.uncacheable = uncacheable;
    }

    @SuppressWarnings("unchecked")
    void addParent(Reads parent) {
      if (parents == null) {
        parents = parent;
      } else if (parents instanceof Reads one) {
        if (one != parent) {
          ArrayList<Reads> list = new ArrayList<>(4);
          list.add(one);
          list.add(parent);
          parents = list;
        }
      } else {
        ((ArrayList<Reads>) parents).add(parent);
      }
    }
  }

  /**
   * Collects the reads of one evaluation; discarded once frozen. Most hold a handful of items, so
   * repeats are found by scanning them; a recorder that grows large indexes them.
   */
  static final class Recorder {
    private static final int SCAN = 16;
    private final List<Object> items = new ArrayList<>(4);
    private java.util.Set<Object> index;
    boolean uncacheable;

    void read(Object root, List<Value> path, Value value) {
      if (index != null ? index.contains(new ReadKey(root, path)) : scanFinds(root, path)) {
        return;
      }
      Read r = new Read(root, path.toArray(new Value[0]), value == null ? ABSENT : value);
      add(r, new ReadKey(root, List.copyOf(path)));
    }

    private boolean scanFinds(Object root, List<Value> path) {
      for (Object item : items) {
        if (item instanceof Read r && r.root == root && r.path.length == path.size()) {
          boolean same = true;
          for (int i = 0; i < r.path.length && same; i++) {
            same = r.path[i].equals(path.get(i));
          }
          if (same) {
            return true;
          }
        }
      }
      return false;
    }

    void include(Reads other) {
      if (other == null) {
        uncacheable = true; // a result whose reads are unknown
        return;
      }
      uncacheable |= other.uncacheable;
      if (other.items.length == 0) {
        return;
      }
      if (index != null ? index.contains(other) : items.stream().anyMatch(i -> i == other)) {
        return;
      }
      add(other, other);
    }

    private void add(Object item, Object key) {
      items.add(item);
      if (index != null) {
        index.add(key);
      } else if (items.size() > SCAN) {
        index = new java.util.HashSet<>();
        for (Object i : items) {
          index.add(i instanceof Read r ? new ReadKey(r.root, List.of(r.path)) : i);
        }
      }
    }

    Reads freeze() {
      return items.isEmpty() && !uncacheable ? Reads.NONE : new Reads(items.toArray(), uncacheable);
    }
  }

  /** A read's place, for finding repeats (Reads, compared by identity, are their own keys). */
  private record ReadKey(Object root, List<Value> path) {}

  /** One element of a driven rule: its key and value, what evaluating it read, and its outputs. */
  record Element(Value key, Value value, Reads reads, List<List<Value>> outputs) {}

  /** A driven rule's kept elements: by key, and by position in the collection of the last evaluation. */
  static final class Kept {
    final Map<Value, Element> byKey = new HashMap<>();
    /** The elements of the last (completed) evaluation in the order it met them (null: not kept). */
    Element[] byPosition;
    /** The evaluation that last completed this rule's elements (0: none), and in which build of the index. */
    int completedIn;
    int completedInGeneration;
    /** The collection that evaluation iterated. */
    Value collection;
    /** How many of those elements are never reused (their reads are unknown). */
    int uncacheable;
    /** The last evaluation in which a read of one of the elements was found changed. */
    volatile int dirtyIn;
    /** The element reads marked in that evaluation (null: too many to list); under ReadIndex's lock. */
    List<Reads> marked;
    /** The rule nodes the indexed elements read (some perhaps no longer): computed before the elements are checked. */
    final java.util.Set<RuleNode> nodeRoots = java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());
  }

  /**
   * How many elements give each output of a node's rules (a set's members, or an object's
   * key-value pairs), so that a change can be applied to the node's last value: an output leaves
   * the value when the last element giving it changes.
   */
  static final class Counts {
    private final Map<Value, Map<Value, Integer>> counts = new HashMap<>();
    private final boolean byEntry;

    private Counts(boolean byEntry) {
      this.byEntry = byEntry;
    }

    /** @param byEntry outputs are [key, value] pairs of an object, else members of a set */
    static Counts of(java.util.stream.Stream<List<Value>> outputs, boolean byEntry) {
      Counts c = new Counts(byEntry);
      outputs.forEach(vals -> c.add(vals.get(0), byEntry ? vals.get(1) : null));
      return c;
    }

    boolean byEntry() { return byEntry; }

    /** Counts one more; true when the output is new. */
    boolean add(Value key, Value value) {
      return counts.computeIfAbsent(key, k -> new HashMap<>(2)).merge(value == null ? key : value, 1, Integer::sum) == 1;
    }

    /**
     * True when every output the changes remove is counted (as many times as it is removed), as
     * it is when the counts and the kept elements come from the same evaluations; checked before
     * changing anything, so a mismatch means assembling the value again, never a wrong value.
     */
    boolean covers(List<Evaluator.Driven> driven) {
      Map<List<Value>, Integer> removals = new HashMap<>();
      for (Evaluator.Driven d : driven) {
        for (List<Value> vals : d.removed()) {
          removals.merge(List.of(vals.get(0), byEntry ? vals.get(1) : vals.get(0)), 1, Integer::sum);
        }
      }
      for (Map.Entry<List<Value>, Integer> r : removals.entrySet()) {
        Map<Value, Integer> values = counts.get(r.getKey().get(0));
        Integer n = values == null ? null : values.get(r.getKey().get(1));
        if (n == null || n < r.getValue()) {
          return false;
        }
      }
      return true;
    }

    /** Counts one less (the output is counted: see {@link #covers}); true when no element gives it any more. */
    boolean remove(Value key, Value value) {
      Map<Value, Integer> values = counts.get(key);
      Value v = value == null ? key : value;
      int n = values.get(v);
      if (n > 1) {
        values.put(v, n - 1);
        return false;
      }
      values.remove(v);
      if (values.isEmpty()) {
        counts.remove(key);
      }
      return true;
    }

    /** The values an object key has (empty when none). */
    java.util.Set<Value> valuesOf(Value key) {
      Map<Value, Integer> values = counts.get(key);
      return values == null ? java.util.Set.of() : values.keySet();
    }
  }

  private Policy policy;
  private ObjectValue baseData;
  private Value input;
  /** Per rule body evaluated element by element: element key → what it found. */
  final Map<CompiledRule, Kept> elements = new ConcurrentHashMap<>();
  /** Each rule's last value, so that an unchanged value stays the same object across evaluations. */
  final Map<RuleNode, Value> nodeValues = new ConcurrentHashMap<>();
  /** Each rule node's rules' own value (before merging children and base data), for nodes of driven rules. */
  final Map<RuleNode, Value> ruleValues = new ConcurrentHashMap<>();
  /** For nodes whose value is patched rather than assembled again: how many elements give each output. */
  final Map<RuleNode, Counts> counts = new ConcurrentHashMap<>();
  /** Where each rule body starts iterating (Evaluator's analysis, kept with the policy). */
  final Map<CompiledRule, Evaluator.Driver> drivers = new ConcurrentHashMap<>();
  /** Numbers the evaluations, for {@link Checked}. */
  int run;
  /** The kept reads by where they read. */
  final ReadIndex index = new ReadIndex();
  /** Reads indexed when the index was last settled (its second evaluation), to see when dead ones dominate. */
  private long settledEntries = -1;
  private int runsInGeneration;
  /** Dead reads the index may hold beyond the live ones before it is built afresh. */
  private final long indexSlack;

  public IncrementalCache() {
    this(100_000);
  }

  /**
   * @param indexSlack how many reads of elements since evaluated again the index may hold beyond
   *     twice those it held when settled, before it is built afresh (which costs one evaluation
   *     checking every element's reads)
   */
  public IncrementalCache(long indexSlack) {
    this.indexSlack = indexSlack;
  }
  private final AtomicLong reused = new AtomicLong();
  private final AtomicLong evaluated = new AtomicLong();
  private final AtomicLong checkedReadByRead = new AtomicLong();

  /**
   * Starts an evaluation of {@code policy} over {@code fresh}: forgets everything if the policy or
   * base data changed, and returns the input to evaluate, in which every part equal to the last
   * input's is that input's object (so unchanged elements are recognised by identity).
   */
  public synchronized Value begin(Policy policy, ObjectValue baseData, Value fresh) {
    if (this.policy != policy || this.baseData != baseData) {
      clear();
      this.policy = policy;
      this.baseData = baseData;
    }
    run++;
    if (runsInGeneration == 1) {
      settledEntries = index.entries();
    } else if (runsInGeneration > 1 && index.entries() > 2 * settledEntries + indexSlack) {
      index.startGeneration(); // reads of elements evaluated again have come to outnumber the live ones
      runsInGeneration = 0;
    }
    runsInGeneration++;
    Value canonical = fresh == null ? null : canonical(input, fresh, 2);
    index.changed(INPUT, input, canonical, run);
    input = canonical;
    return canonical;
  }

  /** Forgets every kept result. */
  public synchronized void clear() {
    elements.clear();
    nodeValues.clear();
    ruleValues.clear();
    counts.clear();
    drivers.clear();
    input = null;
    index.startGeneration();
    runsInGeneration = 0;
  }

  /** Elements whose outputs were reused since the cache was made (for tests and logs). */
  public long reusedElements() { return reused.get(); }

  /** Elements evaluated, not reused, since the cache was made. */
  public long evaluatedElements() { return evaluated.get(); }

  void countReused(int elements) { reused.addAndGet(elements); }

  void countEvaluated() { evaluated.incrementAndGet(); }

  /**
   * Elements reused after checking their reads one by one (when the index could not say which
   * changed: the first evaluations, after a failed one, after the index was built afresh).
   */
  public long checkedElements() { return checkedReadByRead.get(); }

  void countChecked() { checkedReadByRead.incrementAndGet(); }

  /** The rule's value as the last evaluation's object when equal to it (entries too, one level down). */
  Value canonicalNode(RuleNode node, Value value) {
    if (value == null) {
      Value before = nodeValues.remove(node);
      index.changed(node, before, null, run);
      return null;
    }
    Value before = nodeValues.get(node);
    Value canonical = canonical(before, value, 1);
    nodeValues.put(node, canonical);
    index.changed(node, before, canonical, run);
    return canonical;
  }

  /**
   * {@code fresh}, with every part equal to the corresponding part of {@code old} replaced by that
   * part, down {@code depth} levels of objects (arrays: their elements, matched by value). Linear:
   * each part of the input is compared once.
   */
  static Value canonical(Value old, Value fresh, int depth) {
    if (old == null || old == fresh) {
      return old == null ? fresh : old;
    }
    if (depth > 0 && old instanceof ObjectValue oldObject && fresh instanceof ObjectValue freshObject) {
      int[] kept = {0};
      ObjectValue merged = freshObject.mapValues((key, value) -> {
        Value before = oldObject.get(key);
        Value chosen = canonical(before, value, depth - 1);
        if (chosen == before) {
          kept[0]++;
        }
        return chosen;
      });
      return kept[0] == oldObject.size() && kept[0] == freshObject.size() ? old : merged;
    }
    if (old instanceof ArrayValue oldArray && fresh instanceof ArrayValue freshArray) {
      if (oldArray.equals(freshArray)) {
        return old;
      }
      // Rendered objects of a cluster: most are unchanged, some move when one is added or removed.
      // An element made from the Java map an old one was made from is that one, without converting
      // it to compare or hash it; the others are matched by value.
      Map<Object, Value> byOrigin = new IdentityHashMap<>();
      for (Value v : oldArray.elements()) {
        if (v instanceof ObjectValue object && object.wrapped() != null) {
          byOrigin.putIfAbsent(object.wrapped(), v);
        }
      }
      Map<Value, Value> byValue = null;
      List<Value> out = new ArrayList<>(freshArray.size());
      for (Value v : freshArray.elements()) {
        Value match = v instanceof ObjectValue object && object.wrapped() != null ? byOrigin.get(object.wrapped()) : null;
        if (match == null) {
          if (byValue == null) {
            byValue = new HashMap<>();
            for (Value before : oldArray.elements()) {
              byValue.putIfAbsent(before, before);
            }
          }
          match = byValue.getOrDefault(v, v);
        }
        out.add(match);
      }
      return ArrayValue.of(out);
    }
    return old.equals(fresh) ? old : fresh;
  }
}
