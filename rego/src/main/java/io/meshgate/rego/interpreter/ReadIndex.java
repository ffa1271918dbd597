package io.meshgate.rego.interpreter;

import io.meshgate.rego.compiler.RuleNode;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kept reads by where they read (the input or a rule's value, then the path below it), so that
 * an evaluation over a changed input finds the reads that no longer hold by walking only the parts
 * of the input and of rules' values that changed, and marks them, the sets of reads that include
 * them and the elements those belong to as not holding in this evaluation ({@link IncrementalCache.Checked}).
 * An element of a driven rule that nothing marked then keeps its outputs without its reads being
 * visited (see {@code Evaluator.drivenOutputs} for when that is allowed).
 *
 * <p>Parts are compared by reference (or by the Java map an object was made from): the input's
 * unchanged documents are the last input's objects ({@link IncrementalCache#canonical}), as are a
 * rule's unchanged value and entries. A read below a part that is not the same object is compared
 * with its recorded value, as a full check would.
 *
 * <p>Reads of elements evaluated again stay indexed (harmless: they are marked in vain) until the
 * index is built afresh ({@link #startGeneration}), which the cache does when they have come to
 * outnumber the live ones; elements are then checked read by read once and indexed again.
 */
final class ReadIndex {
  /** The reads at one path, and the paths below it. */
  private static final class PathNode {
    HashMap<Value, PathNode> children;
    /** null, one Read, or an ArrayList of them. */
    Object reads;
  }

  private final Map<Object, PathNode> roots = new IdentityHashMap<>();
  /** Numbers the builds of the index; a Reads is indexed in the build whose number it holds. */
  private int generation = 1;
  /** Reads indexed since this build started. */
  private long entries;

  private static final int MARKED_LIMIT = 4096;

  /** The element reads of {@code kept} marked in evaluation {@code run} (a copy), or null when not listed. */
  synchronized List<IncrementalCache.Reads> marked(IncrementalCache.Kept kept, int run) {
    if (kept.dirtyIn != run) {
      return List.of();
    }
    return kept.marked == null ? null : new ArrayList<>(kept.marked);
  }

  synchronized int generation() {
    return generation;
  }

  synchronized long entries() {
    return entries;
  }

  /** Forgets every indexed read: each element is indexed again when it is next checked in full. */
  synchronized void startGeneration() {
    generation++;
    roots.clear();
    entries = 0;
  }

  /**
   * Indexes an element's reads (and the sets of reads they include, once each per build); the rule
   * nodes they read are added to {@code kept}'s. Does nothing when already indexed in this build.
   */
  synchronized void index(IncrementalCache.Kept kept, IncrementalCache.Reads reads, Value key) {
    if (reads.items.length == 0 || reads.indexedIn == generation) {
      return;
    }
    reads.keptBy = kept;
    reads.elementKey = key;
    indexItems(reads);
    if (reads.nodeRoots != null) {
      for (RuleNode n : reads.nodeRoots) {
        kept.nodeRoots.add(n);
      }
    }
  }

  private void indexItems(IncrementalCache.Reads reads) {
    reads.indexedIn = generation;
    reads.parents = null;
    Roots nodeRoots = null;
    for (Object item : reads.items) {
      if (item instanceof IncrementalCache.Read r) {
        r.owner = reads;
        add(r);
        if (r.root instanceof RuleNode n) {
          nodeRoots = withRoot(nodeRoots, n);
        }
      } else {
        IncrementalCache.Reads nested = (IncrementalCache.Reads) item;
        if (nested.items.length == 0) {
          continue;
        }
        if (nested.indexedIn != generation) {
          indexItems(nested);
        }
        nested.addParent(reads);
        if (nested.nodeRoots != null) {
          for (RuleNode n : nested.nodeRoots) {
            nodeRoots = withRoot(nodeRoots, n);
          }
        }
      }
    }
    reads.nodeRoots = nodeRoots == null ? null : nodeRoots.list.toArray(new RuleNode[0]);
  }

  /**
   * Distinct rule nodes: most sets of reads name one or two (found by scanning them), an element
   * over a cluster's objects reads thousands of entries of a few dozen (found by a set).
   */
  private static final class Roots {
    final ArrayList<RuleNode> list = new ArrayList<>(2);
    java.util.Set<RuleNode> set;

    void add(RuleNode n) {
      if (set != null) {
        if (set.add(n)) {
          list.add(n);
        }
        return;
      }
      for (RuleNode r : list) {
        if (r == n) {
          return;
        }
      }
      list.add(n);
      if (list.size() > 8) {
        set = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(list);
      }
    }
  }

  private static Roots withRoot(Roots roots, RuleNode n) {
    Roots r = roots != null ? roots : new Roots();
    r.add(n);
    return r;
  }

  @SuppressWarnings("unchecked")
  private void add(IncrementalCache.Read r) {
    PathNode node = roots.computeIfAbsent(r.root, x -> new PathNode());
    for (Value step : r.path) {
      if (node.children == null) {
        node.children = new HashMap<>(4);
      }
      node = node.children.computeIfAbsent(step, x -> new PathNode());
    }
    if (node.reads == null) {
      node.reads = r;
    } else if (node.reads instanceof ArrayList<?> list) {
      ((ArrayList<IncrementalCache.Read>) list).add(r);
    } else {
      ArrayList<IncrementalCache.Read> list = new ArrayList<>(4);
      list.add((IncrementalCache.Read) node.reads);
      list.add(r);
      node.reads = list;
    }
    entries++;
  }

  /**
   * The value below {@code root} went from {@code old} to {@code fresh}: marks every indexed read
   * there that no longer finds its value as not holding in evaluation {@code run}, with whatever
   * includes it. Visits only the paths where the two differ.
   */
  synchronized void changed(Object root, Value old, Value fresh, int run) {
    PathNode node = roots.get(root);
    if (node != null) {
      walk(node, old, fresh, run);
    }
  }

  @SuppressWarnings("unchecked")
  private void walk(PathNode node, Value old, Value fresh, int run) {
    if (same(old, fresh)) {
      return;
    }
    if (node.reads instanceof IncrementalCache.Read r) {
      if (!holds(r.value, fresh)) {
        mark(r, run);
      }
    } else if (node.reads != null) {
      // Many reads at one path mostly found one object: compare each object found once.
      IdentityHashMap<Value, Boolean> answers = new IdentityHashMap<>();
      for (IncrementalCache.Read r : (List<IncrementalCache.Read>) node.reads) {
        if (!answers.computeIfAbsent(r.value, v -> holds(v, fresh))) {
          mark(r, run);
        }
      }
    }
    if (node.children != null) {
      for (Map.Entry<Value, PathNode> e : node.children.entrySet()) {
        walk(e.getValue(), old == null ? null : Evaluator.lookup(old, e.getKey()),
            fresh == null ? null : Evaluator.lookup(fresh, e.getKey()), run);
      }
    }
  }

  private static boolean same(Value old, Value fresh) {
    return old == fresh || old instanceof ObjectValue o && fresh instanceof ObjectValue f
        && o.wrapped() != null && o.wrapped() == f.wrapped();
  }

  /** As a full check of a read: it found {@code found} (ABSENT: nothing) and now there is {@code now}. */
  static boolean holds(Value found, Value now) {
    return found == IncrementalCache.ABSENT ? now == null : now != null && (now == found || now.equals(found));
  }

  private static void mark(IncrementalCache.Read r, int run) {
    if (r.known(run) != null) {
      return; // decided already (a read is decided once per evaluation; the answers agree)
    }
    r.decide(run, false);
    markReads(r.owner, run);
  }

  private static void markReads(IncrementalCache.Reads reads, int run) {
    if (reads == null || Boolean.FALSE.equals(reads.known(run))) {
      return;
    }
    reads.decide(run, false);
    if (reads.keptBy != null) {
      IncrementalCache.Kept kept = reads.keptBy;
      if (kept.dirtyIn != run) {
        kept.marked = new ArrayList<>();
        kept.dirtyIn = run;
      }
      if (kept.marked != null) {
        kept.marked.add(reads);
        if (kept.marked.size() > MARKED_LIMIT) {
          kept.marked = null; // too many to list: the rule iterates its collection
        }
      }
    }
    Object parents = reads.parents;
    if (parents instanceof IncrementalCache.Reads p) {
      markReads(p, run);
    } else if (parents != null) {
      for (Object p : (List<?>) parents) {
        markReads((IncrementalCache.Reads) p, run);
      }
    }
  }
}
