package io.meshgate.rego.interpreter;

import io.meshgate.rego.RegoException;
import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Loc;
import io.meshgate.rego.ast.Term;
import io.meshgate.rego.builtins.Builtin;
import io.meshgate.rego.builtins.BuiltinContext;
import io.meshgate.rego.builtins.BuiltinException;
import io.meshgate.rego.compiler.CompiledRule;
import io.meshgate.rego.compiler.FunctionGroup;
import io.meshgate.rego.compiler.Policy;
import io.meshgate.rego.compiler.RuleNode;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Top-down evaluation with backtracking, in continuation-passing style: every step calls its
 * continuation once per solution; a continuation returns true to stop the search. One Evaluator
 * serves one query evaluation and is not thread-safe; the Policy it reads is immutable.
 */
public final class Evaluator {
  interface K { boolean run(); }

  interface VK { boolean run(Value v); }

  // The continuations made at every step are classes, not lambdas. With C1, the compiler the
  // command-line runs use, a capturing lambda is made through a method handle that calls
  // Unsafe.allocateInstance, a native method, where `new` of a class is a few inline instructions
  // (in a 10,000-service render, making lambdas was 5% of all CPU, most of it here).

  /** Notes that there is a solution and stops at the first. */
  private static final class AnySolution implements K {
    boolean found;

    @Override
    public boolean run() {
      found = true;
      return true;
    }
  }

  /** Evaluates the rest of a body. */
  private record NextLiteral(Evaluator ev, List<Literal> body, int next, Env env, K k) implements K {
    @Override
    public boolean run() { return ev.evalBody(body, next, env, k); }
  }

  /** Unifies {@code pattern} with each value it is given. */
  private record UnifyWith(Evaluator ev, Term pattern, Env env, K k) implements VK {
    @Override
    public boolean run(Value v) { return ev.unifyValue(pattern, v, env, k); }
  }

  /** Unifies two terms. */
  private record UnifyTerms(Evaluator ev, Term left, Term right, Env env, K k) implements K {
    @Override
    public boolean run() { return ev.unifyTerms(left, right, env, k); }
  }

  /** Walks {@code path} from position {@code at} on each value it is given. */
  private record WalkFrom(Evaluator ev, List<Term> path, int at, Env env, VK k) implements VK {
    @Override
    public boolean run(Value v) { return ev.walk(v, path, at, env, k); }
  }

  /**
   * Limits and options of one evaluation. {@code optimise} turns on comprehension indexing, rule
   * indexing and the memo of function calls; results are the same without them (only slower).
   */
  public record Options(boolean strictBuiltinErrors, long deadlineNanos, long maxSteps, Consumer<String> print,
      Consumer<String> trace, boolean optimise) {
    public Options(boolean strictBuiltinErrors, long deadlineNanos, long maxSteps, Consumer<String> print) {
      this(strictBuiltinErrors, deadlineNanos, maxSteps, print, line -> { }, true);
    }
  }

  private record Overlay(List<String> path, Value value) {}

  private record Found(Value value) {}

  /** Per-with-scope memo of rule and function values. */
  private static final class Memo {
    final Map<RuleNode, Value> nodes;
    final Set<RuleNode> undefinedNodes;
    final Map<FunctionGroup, CallMemo> calls;
    /** This evaluator's view of {@link #calls}: an identity lookup, where the shared map is concurrent. */
    final IdentityHashMap<FunctionGroup, CallMemo> callMemos = new IdentityHashMap<>();
    /** Comprehension indexes built in this scope, by identity of the comprehension; never shared. */
    final IdentityHashMap<Term, Map<List<Value>, List<Object>>> comprehensions = new IdentityHashMap<>();
    /** What building each comprehension index read, when evaluating incrementally. */
    final IdentityHashMap<Term, IncrementalCache.Reads> comprehensionReads = new IdentityHashMap<>();
    /** The values several evaluations share, when this is their root scope; else null. */
    final SharedMemo shared;

    Memo() {
      nodes = new IdentityHashMap<>();
      undefinedNodes = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      calls = callMemos; // not shared: the scope's own identity table is the memo
      shared = null;
    }

    /** A root scope over {@code shared}: rule values found there are remembered here too. */
    Memo(SharedMemo shared) {
      nodes = new IdentityHashMap<>();
      undefinedNodes = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      calls = shared.calls;
      this.shared = shared;
    }
  }

  /**
   * Rule values and function results that evaluations of several queries over one input share, so
   * that queries evaluated on several threads (one per package's {@code deny}, say) compute each
   * lookup object once. Only the root scope is shared: a {@code with} scope keeps a memo of its own.
   * A rule one thread is computing is awaited by the others, not computed twice; rule dependencies
   * are acyclic (recursion is a compile error), so a wait cannot close a cycle.
   */
  public static final class SharedMemo {
    /** Each rule's value (UNDEFINED_RESULT when undefined), by the thread that computes it first. */
    final java.util.concurrent.ConcurrentHashMap<RuleNode, java.util.concurrent.CompletableFuture<Value>> rules =
        new java.util.concurrent.ConcurrentHashMap<>();
    final Map<FunctionGroup, CallMemo> calls = new java.util.concurrent.ConcurrentHashMap<>();
    /** Kept results of earlier evaluations over a changed input, or null. */
    final IncrementalCache incremental;
    /** What each memoised call read, when evaluating incrementally (stored before its value). */
    final Map<FunctionGroup, Map<Object, IncrementalCache.Reads>> callReads = new java.util.concurrent.ConcurrentHashMap<>();

    public SharedMemo() {
      this(null);
    }

    /** @param incremental results kept from earlier evaluations, reused where still valid; or null */
    public SharedMemo(IncrementalCache incremental) {
      this.incremental = incremental;
    }
  }

  private static final Value UNDEFINED_RESULT = new StringValue("\u0000undefined");

  private final Policy policy;
  private final ObjectValue baseData;
  private final Options options;
  private final long nowNanos;
  private final Map<String, Object> builtinCache = new HashMap<>();
  private final Map<String, Value> nondeterministicResults = new HashMap<>();
  private final Set<RuleNode> inProgress = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<FunctionGroup> functionsInProgress = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final BuiltinContext context;
  // Keyed by the name strings of the compiled policy (one instance per call site): identity lookups,
  // where a map by string value would compare names of thirty characters at every call.
  private final IdentityHashMap<String, Integer> arities = new IdentityHashMap<>();
  private final IdentityHashMap<String, Object> callees = new IdentityHashMap<>();
  /** The names each {@code some ... in} declares, by identity of the expression (its patterns never change). */
  private final IdentityHashMap<Expr.SomeIn, List<String>> someInNames = new IdentityHashMap<>();
  private static final Object NO_CALLEE = new Object();
  private long steps;

  private Value input;
  private List<Overlay> overlays = List.of();
  private Map<String, Term> mocks = Map.of();
  private Memo memo;
  private IdentityHashMap<Expr, Value> recorded;
  /** The reads of the element, function call or index being evaluated incrementally, or null. */
  private IncrementalCache.Recorder recorder;
  /** Set while a rule that failed incrementally is evaluated again as a full evaluation would. */
  private boolean plainAfterError;
  /** A single-expression query reports a false value instead of failing, as OPA does. */
  private Expr captureFalse;

  public Evaluator(Policy policy, ObjectValue baseData, Value input, Options options) {
    this(policy, baseData, input, options, null);
  }

  /** @param shared rule values and function results shared with evaluations of other queries over {@code input}, or null */
  public Evaluator(Policy policy, ObjectValue baseData, Value input, Options options, SharedMemo shared) {
    this.memo = shared == null ? new Memo() : new Memo(shared);
    this.policy = policy;
    this.baseData = baseData;
    this.input = input;
    this.options = options;
    this.nowNanos = System.currentTimeMillis() * 1_000_000L;
    this.context = new BuiltinContext() {
      @Override
      public long nowNanos() {
        if (recorder != null) {
          recorder.uncacheable = true; // a kept result would not see the clock move
        }
        return nowNanos;
      }

      @Override public void print(String line) { options.print().accept(line); }

      @Override
      public void trace(String note) {
        if (recorder != null) {
          recorder.uncacheable = true; // a kept result would not trace again
        }
        options.trace().accept(note);
      }
      @Override public boolean strictBuiltinErrors() { return options.strictBuiltinErrors(); }

      @Override
      @SuppressWarnings("unchecked")
      public <T> T cached(String key, Supplier<T> compute) {
        Object v = builtinCache.get(key);
        if (v == null) {
          v = compute.get();
          builtinCache.put(key, v);
        }
        return (T) v;
      }
    };
  }

  /** One solution of a query: bindings of the query variables and the value of each expression. */
  public record Solution(Map<String, Value> bindings, List<Value> expressions) {}

  /** Runs a compiled query; {@code exprs} are the query's expressions in written order. */
  public List<Solution> query(List<Literal> body, List<Expr> exprs, List<String> vars) {
    recorded = new IdentityHashMap<>();
    if (body.size() == 1 && !body.get(0).negated() && body.get(0).expr() instanceof Expr.TermExpr te
        && !hasIteration(te.term())) {
      captureFalse = te;
    }
    for (Expr e : exprs) {
      recorded.put(e, BoolValue.TRUE);
    }
    List<Solution> out = new ArrayList<>();
    Env env = new Env(null);
    evalBody(body, 0, env, () -> {
      Map<String, Value> b = new java.util.LinkedHashMap<>();
      for (String v : vars) {
        Value val = env.get(v);
        if (val != null) {
          b.put(v, val);
        }
      }
      List<Value> ev = new ArrayList<>(exprs.size());
      for (Expr e : exprs) {
        ev.add(recorded.get(e));
      }
      out.add(new Solution(b, ev));
      return false;
    });
    return out;
  }

  private static boolean hasIteration(Term t) {
    if (t instanceof Term.Ref r) {
      for (Term p : r.path()) {
        if (!(p instanceof Term.Scalar) || hasIteration(p)) {
          return true;
        }
      }
      return hasIteration(r.head());
    }
    if (t instanceof Term.Call c) {
      return c.args().stream().anyMatch(Evaluator::hasIteration);
    }
    if (t instanceof Term.ArrayLit a) {
      return a.items().stream().anyMatch(Evaluator::hasIteration);
    }
    if (t instanceof Term.ObjectLit o) {
      return o.values().stream().anyMatch(Evaluator::hasIteration) || o.keys().stream().anyMatch(Evaluator::hasIteration);
    }
    if (t instanceof Term.SetLit s) {
      return s.items().stream().anyMatch(Evaluator::hasIteration);
    }
    return false;
  }

  // ---------------------------------------------------------------- bodies and literals

  private void step() {
    long s = ++steps;
    if (s > options.maxSteps()) {
      throw new RegoException(RegoException.LIMIT, "evaluation exceeded the step limit of " + options.maxSteps());
    }
    if ((s & 1023) == 0) {
      if (System.nanoTime() - options.deadlineNanos() > 0) {
        throw new RegoException(RegoException.LIMIT, "evaluation exceeded the time limit");
      }
      if (Thread.currentThread().isInterrupted()) {
        // so that a caller giving up waits a moment, not until the end (LargeStack, ConcurrentQueries)
        throw new RegoException(RegoException.LIMIT, "evaluation interrupted");
      }
    }
  }

  boolean evalBody(List<Literal> body, int i, Env env, K k) {
    if (i == body.size()) {
      return k.run();
    }
    return evalLiteral(body.get(i), env, new NextLiteral(this, body, i + 1, env, k));
  }

  private boolean evalLiteral(Literal l, Env env, K k) {
    step();
    if (!l.withs().isEmpty()) {
      return evalWith(l, env, k);
    }
    return evalLiteralPlain(l, env, k);
  }

  private boolean evalLiteralPlain(Literal l, Env env, K k) {
    if (l.negated()) {
      AnySolution any = new AnySolution();
      evalExpr(l.expr(), env, any);
      return !any.found && k.run();
    }
    return evalExpr(l.expr(), env, k);
  }

  private boolean evalExpr(Expr e, Env env, K k) {
    if (e instanceof Expr.TermExpr te) {
      Term t = te.term();
      if (t instanceof Term.Call c && isRelationCall(c)) {
        Term out = c.args().get(c.args().size() - 1);
        return evalCall(c, c.args().size() - 1, env, new UnifyWith(this, out, env, k));
      }
      return evalTerm(t, env, new VK() {
        @Override
        public boolean run(Value v) {
          if (v instanceof BoolValue b && !b.value() && e != captureFalse) {
            return false;
          }
          if (recorded != null && recorded.containsKey(e)) {
            recorded.put(e, v);
          }
          return k.run();
        }
      });
    }
    if (e instanceof Expr.Unify u) {
      return unifyTerms(u.left(), u.right(), env, k);
    }
    if (e instanceof Expr.Assign a) {
      if (a.left() instanceof Term.Var v) {
        // x := ...: the usual assignment declares one name (no list of names to make)
        return declaringOne(v.name(), env, new UnifyTerms(this, a.left(), a.right(), env, k));
      }
      return declaring(patternVarNames(a.left()), env, new UnifyTerms(this, a.left(), a.right(), env, k));
    }
    if (e instanceof Expr.SomeDecl d) {
      if (d.vars().size() == 1) {
        return declaringOne(d.vars().get(0).name(), env, k);
      }
      List<String> names = new ArrayList<>();
      d.vars().forEach(v -> names.add(v.name()));
      return declaring(names, env, k);
    }
    if (e instanceof Expr.SomeIn in) {
      List<String> names = declaredBy(in);
      return evalTerm(in.collection(), env, new VK() {
        @Override
        public boolean run(Value coll) {
          return declaring(names, env, new K() {
            @Override
            public boolean run() { return someIn(in, coll, env, k); }
          });
        }
      });
    }
    if (e instanceof Expr.Every ev) {
      boolean[] defined = {false};
      boolean[] all = {true};
      evalTerm(ev.domain(), env, dom -> {
        if (!(dom instanceof ArrayValue || dom instanceof SetValue || dom instanceof ObjectValue)) {
          return true;
        }
        defined[0] = true;
        iterate(dom, (key, val) -> {
          Env child = new Env(env);
          if (ev.key() != null) {
            child.put(((Term.Var) ev.key()).name(), key);
          }
          child.put(((Term.Var) ev.value()).name(), val);
          boolean[] ok = {false};
          evalBody(ev.body(), 0, child, () -> {
            ok[0] = true;
            return true;
          });
          if (!ok[0]) {
            all[0] = false;
            return true;
          }
          return false;
        });
        return !all[0];
      });
      return defined[0] && all[0] && k.run();
    }
    throw new IllegalStateException("unknown expression " + e);
  }

  /** Binds the key (if any) and value patterns of {@code some k, v in coll} to each element. */
  private boolean someIn(Expr.SomeIn in, Value coll, Env env, K k) {
    return iterate(coll, new EntryK() {
      @Override
      public boolean run(Value key, Value val) {
        return in.key() == null ? unifyValue(in.value(), val, env, k)
            : unifyValue(in.key(), key, env, new K() {
              @Override
              public boolean run() { return unifyValue(in.value(), val, env, k); }
            });
      }
    });
  }

  /** The names {@code some k, v in ...} declares: worked out once per expression (no lambda per look-up). */
  private List<String> declaredBy(Expr.SomeIn in) {
    List<String> names = someInNames.get(in);
    if (names == null) {
      List<String> declared = new ArrayList<>();
      if (in.key() != null) {
        declared.addAll(patternVarNames(in.key()));
      }
      declared.addAll(patternVarNames(in.value()));
      names = List.copyOf(declared);
      someInNames.put(in, names);
    }
    return names;
  }

  /** As {@link #declaring} for one name. */
  private boolean declaringOne(String name, Env env, K k) {
    Object previous = env.put(name, Env.DECLARED);
    try {
      return k.run();
    } finally {
      env.restore(name, previous);
    }
  }

  private boolean declaring(List<String> names, Env env, K k) {
    Object[] previous = new Object[names.size()];
    for (int i = 0; i < names.size(); i++) {
      previous[i] = env.put(names.get(i), Env.DECLARED);
    }
    try {
      return k.run();
    } finally {
      for (int i = names.size() - 1; i >= 0; i--) {
        env.restore(names.get(i), previous[i]);
      }
    }
  }

  private static List<String> patternVarNames(Term t) {
    List<String> out = new ArrayList<>();
    collectPatternVarNames(t, out);
    return out;
  }

  private static void collectPatternVarNames(Term t, List<String> out) {
    if (t instanceof Term.Var v) {
      out.add(v.name());
    } else if (t instanceof Term.ArrayLit a) {
      a.items().forEach(i -> collectPatternVarNames(i, out));
    } else if (t instanceof Term.ObjectLit o) {
      o.values().forEach(i -> collectPatternVarNames(i, out));
    }
  }

  // ---------------------------------------------------------------- with

  private record State(Value input, List<Overlay> overlays, Map<String, Term> mocks, Memo memo) {}

  private State state() { return new State(input, overlays, mocks, memo); }

  private void restore(State s) {
    input = s.input;
    overlays = s.overlays;
    mocks = s.mocks;
    memo = s.memo;
  }

  private boolean evalWith(Literal l, Env env, K k) {
    if (recorder != null) {
      recorder.uncacheable = true; // a replaced input or rule is not among the reads
    }
    State outer = state();
    Value newInput = input;
    List<Overlay> newOverlays = new ArrayList<>(overlays);
    Map<String, Term> newMocks = new HashMap<>(mocks);
    for (Literal.With w : l.withs()) {
      Term target = w.target();
      if (target instanceof Term.Call c) {
        Term replacement = w.value();
        if (!(replacement instanceof Term.Call rc && rc.args().isEmpty() && isFunctionName(rc.name()))) {
          // a value replacement is evaluated here, where its variables are bound
          Value v = firstValue(replacement, env);
          if (v == null) {
            return false;
          }
          replacement = new Term.Scalar(v, replacement.loc());
        }
        newMocks.put(c.name(), replacement);
        continue;
      }
      Value v = firstValue(w.value(), env);
      if (v == null) {
        return false;
      }
      if (target instanceof Term.Var tv && tv.name().equals("input")) {
        newInput = v;
      } else if (target instanceof Term.Ref r && r.head() instanceof Term.Var hv) {
        List<Value> path = new ArrayList<>();
        for (Term p : r.path()) {
          Value pv = firstValue(p, env);
          if (pv == null) {
            return false;
          }
          path.add(pv);
        }
        if (hv.name().equals("input")) {
          newInput = upsert(newInput, path, 0, v);
        } else {
          List<String> sp = new ArrayList<>();
          for (Value pv : path) {
            if (!(pv instanceof StringValue s)) {
              throw new RegoException(RegoException.COMPILE, w.loc().file(), w.loc().line(), w.loc().column(),
                  "with target data path must contain strings");
            }
            sp.add(s.value());
          }
          newOverlays.add(new Overlay(List.copyOf(sp), v));
        }
      } else if (target instanceof Term.Var tv && tv.name().equals("data")) {
        newOverlays.add(new Overlay(List.of(), v));
      }
    }
    State inner = new State(newInput, List.copyOf(newOverlays), Map.copyOf(newMocks), new Memo());
    restore(inner);
    try {
      return evalLiteralPlain(l, env, () -> {
        State here = state();
        restore(outer);
        try {
          return k.run();
        } finally {
          restore(here);
        }
      });
    } finally {
      restore(outer);
    }
  }

  private boolean isFunctionName(String name) {
    return policy.functions().containsKey(name) || policy.builtins().lookup(name).isPresent()
        || name.equals("print") || name.startsWith("internal.");
  }

  private static Value upsert(Value base, List<Value> path, int i, Value v) {
    if (i == path.size()) {
      return v;
    }
    Map<Value, Value> m = new TreeMap<>();
    if (base instanceof ObjectValue o) {
      m.putAll(o.entries());
    }
    m.put(path.get(i), upsert(m.get(path.get(i)), path, i + 1, v));
    return ObjectValue.of(m);
  }

  private Value firstValue(Term t, Env env) {
    Value[] out = {null};
    evalTerm(t, env, v -> {
      out[0] = v;
      return true;
    });
    return out[0];
  }

  // ---------------------------------------------------------------- terms

  boolean evalTerm(Term t, Env env, VK k) {
    if (t instanceof Term.Scalar s) {
      return k.run(s.value());
    }
    if (t instanceof Term.Var v) {
      Value bound = env.get(v.name());
      if (bound != null) {
        return k.run(bound);
      }
      if (v.name().equals("input")) {
        if (recorder != null) {
          recorder.read(IncrementalCache.INPUT, List.of(), input);
        }
        return input != null && k.run(input);
      }
      if (v.name().equals("data")) {
        Value d = dataAt(policy.root(), List.of());
        if (recorder != null) {
          recorder.read(policy.root(), List.of(), d);
        }
        return d != null && k.run(d);
      }
      throw new RegoException(RegoException.UNSAFE_VAR, v.loc().file(), v.loc().line(), v.loc().column(),
          "var " + (v.isWildcard() ? "_" : v.name()) + " is unsafe");
    }
    if (t instanceof Term.Ref r) {
      return evalRef(r, env, k);
    }
    if (t instanceof Term.ArrayLit a) {
      return evalList(a.items(), 0, new Value[a.items().size()], env, new ListK() {
        @Override
        public boolean run(List<Value> vals) { return k.run(ArrayValue.of(vals)); }
      });
    }
    if (t instanceof Term.SetLit s) {
      return evalList(s.items(), 0, new Value[s.items().size()], env, new ListK() {
        @Override
        public boolean run(List<Value> vals) { return k.run(SetValue.of(vals)); }
      });
    }
    if (t instanceof Term.ObjectLit o) {
      List<Term> all = new ArrayList<>(o.keys());
      all.addAll(o.values());
      int n = o.keys().size();
      return evalList(all, 0, new Value[all.size()], env, vals -> {
        Map<Value, Value> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
          m.put(vals.get(i), vals.get(n + i));
        }
        return k.run(ObjectValue.of(m));
      });
    }
    if (t instanceof Term.Call c) {
      return evalCall(c, c.args().size(), env, k);
    }
    if (options.optimise() && (t instanceof Term.ArrayCompr || t instanceof Term.SetCompr
        || t instanceof Term.ObjectCompr)) {
      io.meshgate.rego.compiler.ComprehensionIndex plan = policy.comprehensionIndexes().get(t);
      if (plan != null) {
        return k.run(indexedComprehension(t, plan, env));
      }
    }
    if (t instanceof Term.ArrayCompr c) {
      List<Value> out = new ArrayList<>();
      Env child = new Env(env);
      evalBody(c.body(), 0, child, () -> evalTerm(c.head(), child, v -> {
        out.add(v);
        return false;
      }));
      return k.run(ArrayValue.of(out));
    }
    if (t instanceof Term.SetCompr c) {
      SetValue.Builder out = new SetValue.Builder();
      Env child = new Env(env);
      evalBody(c.body(), 0, child, () -> evalTerm(c.head(), child, v -> {
        out.add(v);
        return false;
      }));
      return k.run(out.build());
    }
    if (t instanceof Term.ObjectCompr c) {
      TreeMap<Value, Value> out = new TreeMap<>();
      Env child = new Env(env);
      evalBody(c.body(), 0, child, () -> evalTerm(c.key(), child, key -> evalTerm(c.value(), child, val -> {
        Value prev = out.put(key, val);
        if (prev != null && !prev.equals(val)) {
          throw new RegoException(RegoException.CONFLICT, c.loc().file(), c.loc().line(), c.loc().column(),
              "object keys must be unique");
        }
        return false;
      })));
      return k.run(ObjectValue.of(out));
    }
    throw new IllegalStateException("unknown term " + t);
  }

  interface ListK { boolean run(List<Value> vals); }

  private boolean evalList(List<Term> ts, int from, Value[] acc, Env env, ListK k) {
    // Constants and bound variables (most arguments of a call) have exactly the one value evalTerm
    // would pass on: taken in a loop, without a continuation allocated for each.
    int i = from;
    while (i < ts.size()) {
      Term t = ts.get(i);
      Value single = t instanceof Term.Scalar s ? s.value() : t instanceof Term.Var v ? env.get(v.name()) : null;
      if (single == null) {
        break;
      }
      acc[i++] = single;
    }
    if (i == ts.size()) {
      // From the first term (every caller passes a fresh array) nothing writes acc again: no copy.
      // Inside a continuation, backtracking overwrites it, so k gets a copy it may keep.
      return k.run(java.util.Arrays.asList(from == 0 ? acc : acc.clone()));
    }
    int at = i;
    return evalTerm(ts.get(at), env, new VK() {
      @Override
      public boolean run(Value v) {
        acc[at] = v;
        return evalList(ts, at + 1, acc, env, k);
      }
    });
  }

  // ---------------------------------------------------------------- references

  private boolean evalRef(Term.Ref r, Env env, VK k) {
    if (r.head() instanceof Term.Var hv && env.get(hv.name()) == null) {
      if (hv.name().equals("data")) {
        return dataWalk(policy.root(), new ArrayList<>(), r.path(), 0, env, k);
      }
      if (hv.name().equals("input")) {
        if (recorder != null) {
          if (input == null) {
            recorder.read(IncrementalCache.INPUT, List.of(), null);
            return false;
          }
          return walkRecorded(IncrementalCache.INPUT, input, r.path(), 0, env, new ArrayList<>(), k);
        }
        return input != null && walk(input, r.path(), 0, env, k);
      }
    }
    return evalTerm(r.head(), env, new WalkFrom(this, r.path(), 0, env, k));
  }

  interface EntryK { boolean run(Value key, Value value); }

  private boolean iterate(Value coll, EntryK k) {
    // every element visited is a step, so that the limits also stop wide loops
    if (coll instanceof ArrayValue a) {
      List<Value> els = a.elements();
      for (int i = 0; i < els.size(); i++) {
        step();
        if (k.run(NumberValue.of(i), els.get(i))) {
          return true;
        }
      }
    } else if (coll instanceof ObjectValue o) {
      for (int i = 0, n = o.size(); i < n; i++) {
        step();
        if (k.run(o.keyAt(i), o.valueAt(i))) {
          return true;
        }
      }
    } else if (coll instanceof SetValue s) {
      for (Value v : s) {
        step();
        if (k.run(v, v)) {
          return true;
        }
      }
    }
    return false;
  }

  static Value lookup(Value coll, Value key) {
    if (coll instanceof ObjectValue o) {
      return o.get(key);
    }
    if (coll instanceof ArrayValue a) {
      if (key instanceof NumberValue n) {
        var i = n.asInt();
        if (i.isPresent() && i.get() >= 0 && i.get() < a.size()) {
          return a.get(i.get());
        }
      }
      return null;
    }
    if (coll instanceof SetValue s) {
      return s.contains(key) ? key : null;
    }
    return null;
  }

  private boolean walk(Value cur, List<Term> path, int i, Env env, VK k) {
    if (i == path.size()) {
      return k.run(cur);
    }
    Term e = path.get(i);
    if (e instanceof Term.Scalar s) {
      Value next = lookup(cur, s.value());
      return next != null && walk(next, path, i + 1, env, k);
    }
    if (e instanceof Term.Var v) {
      Value bound = env.get(v.name());
      if (bound == null && !v.name().equals("input") && !v.name().equals("data")) {
        String name = v.name();
        return iterate(cur, new EntryK() {
          @Override
          public boolean run(Value key, Value val) {
            Object prev = env.put(name, key);
            try {
              return walk(val, path, i + 1, env, k);
            } finally {
              env.restore(name, prev);
            }
          }
        });
      }
    }
    if ((e instanceof Term.ArrayLit || e instanceof Term.ObjectLit) && !runtimeReady(e, env)) {
      return iterate(cur, (key, val) -> unifyValue(e, key, env, () -> walk(val, path, i + 1, env, k)));
    }
    return evalTerm(e, env, new VK() {
      @Override
      public boolean run(Value key) {
        Value next = lookup(cur, key);
        return next != null && walk(next, path, i + 1, env, k);
      }
    });
  }

  private Found overlayAt(List<String> path) {
    for (int j = overlays.size() - 1; j >= 0; j--) {
      Overlay o = overlays.get(j);
      if (o.path.size() <= path.size() && path.subList(0, o.path.size()).equals(o.path)) {
        Value v = o.value;
        for (int i = o.path.size(); i < path.size() && v != null; i++) {
          v = lookup(v, new StringValue(path.get(i)));
        }
        return new Found(v);
      }
    }
    return null;
  }

  private Value baseAt(List<String> path) {
    Value v = baseData;
    for (String p : path) {
      v = lookup(v, new StringValue(p));
      if (v == null) {
        return null;
      }
    }
    return v;
  }

  private boolean dataWalk(RuleNode node, List<String> prefix, List<Term> path, int i, Env env, VK k) {
    if (!overlays.isEmpty()) {
      Found f = overlayAt(prefix);
      if (f != null) {
        return f.value() != null && walk(f.value(), path, i, env, k);
      }
    }
    if (node == null) {
      Value base = overlays.isEmpty() ? baseAt(prefix) : dataAt(null, prefix);
      return base != null && walkBase(base, path, i, env, k);
    }
    if (node.hasRules() || i == path.size()) {
      return walkNode(node, prefix, path, i, env, k);
    }
    Term e = path.get(i);
    Value key = null;
    if (e instanceof Term.Scalar s) {
      key = s.value();
    } else if (e instanceof Term.Var v) {
      key = env.get(v.name());
    }
    if (key == null) {
      return walkNode(node, prefix, path, i, env, k);
    }
    key = documentKey(key);
    if (key instanceof StringValue s) {
      RuleNode child = node.children.get(s.value());
      prefix.add(s.value());
      try {
        return dataWalk(child, prefix, path, i + 1, env, k);
      } finally {
        prefix.remove(prefix.size() - 1);
      }
    }
    return false;
  }

  /** Walks the rest of a reference from a node's value (recording the read when incremental). */
  private boolean walkNode(RuleNode node, List<String> prefix, List<Term> path, int i, Env env, VK k) {
    Value v = dataAt(node, prefix);
    if (recorder != null) {
      if (v == null) {
        recorder.read(node, List.of(), null);
        return false;
      }
      return walkRecorded(node, v, path, i, env, new ArrayList<>(), k);
    }
    return v != null && walk(v, path, i, env, k);
  }

  /**
   * As {@link #walk}, recording what it reads below {@code root} (the input or a rule node): the
   * value at the end of the path, or the collection where the path starts to iterate, or that a key
   * is absent.
   */
  private boolean walkRecorded(Object root, Value cur, List<Term> path, int i, Env env, List<Value> at, VK k) {
    if (i == path.size()) {
      recorder.read(root, at, cur);
      return k.run(cur);
    }
    Term e = path.get(i);
    Value key = null;
    if (e instanceof Term.Scalar s) {
      key = s.value();
    } else if (e instanceof Term.Var v) {
      key = env.get(v.name());
      if (key == null && !v.name().equals("input") && !v.name().equals("data")) {
        recorder.read(root, at, cur);
        return walk(cur, path, i, env, k);
      }
    } else if ((e instanceof Term.ArrayLit || e instanceof Term.ObjectLit) && !runtimeReady(e, env)) {
      recorder.read(root, at, cur);
      return walk(cur, path, i, env, k);
    }
    if (key != null) {
      return stepRecorded(root, cur, key, path, i, env, at, k);
    }
    return evalTerm(e, env, kv -> stepRecorded(root, cur, kv, path, i, env, at, k));
  }

  private boolean stepRecorded(Object root, Value cur, Value key, List<Term> path, int i, Env env, List<Value> at, VK k) {
    Value next = lookup(cur, key);
    at.add(key);
    try {
      if (next == null) {
        recorder.read(root, at, null);
        return false;
      }
      return walkRecorded(root, next, path, i + 1, env, at, k);
    } finally {
      at.remove(at.size() - 1);
    }
  }

  /**
   * A constant key of a reference into data names a document by its text, as OPA's storage paths
   * do: {@code data.nested[2]} reads key "2". A value read into a variable is not affected.
   */
  private static Value documentKey(Value key) {
    return key instanceof NumberValue || key instanceof BoolValue || key instanceof io.meshgate.rego.value.NullValue
        ? new StringValue(key.toString()) : key;
  }

  /** Walks base data below the rule tree: constant scalar keys of objects are document keys. */
  private boolean walkBase(Value cur, List<Term> path, int i, Env env, VK k) {
    if (i == path.size()) {
      return k.run(cur);
    }
    Term e = path.get(i);
    Value key = e instanceof Term.Scalar s ? s.value() : e instanceof Term.Var v ? env.get(v.name()) : null;
    if (key == null || !(cur instanceof ObjectValue o)
        || key instanceof ArrayValue || key instanceof ObjectValue || key instanceof SetValue) {
      return walk(cur, path, i, env, k);
    }
    Value next = o.get(key);
    if (next == null && !(key instanceof StringValue)) {
      next = o.get(documentKey(key));
    }
    return next != null && walkBase(next, path, i + 1, env, k);
  }

  /** The value of the document at a node's path, honouring {@code with} overlays. */
  private Value dataAt(RuleNode node, List<String> path) {
    if (!overlays.isEmpty()) {
      Found f = overlayAt(path);
      if (f != null) {
        return f.value();
      }
    }
    Value v = node == null ? baseAt(path) : nodeValue(node);
    if (!overlays.isEmpty()) {
      for (Overlay o : overlays) {
        if (o.path.size() > path.size() && o.path.subList(0, path.size()).equals(path)) {
          List<Value> rest = new ArrayList<>();
          for (String p : o.path.subList(path.size(), o.path.size())) {
            rest.add(new StringValue(p));
          }
          v = upsert(v, rest, 0, o.value);
        }
      }
    }
    return v;
  }

  private Value nodeValue(RuleNode node) {
    Value cached = memo.nodes.get(node);
    if (cached != null) {
      return cached;
    }
    if (memo.undefinedNodes.contains(node)) {
      return null;
    }
    if (memo.shared != null) {
      return sharedNodeValue(node, memo.shared);
    }
    return computeAndRemember(node);
  }

  private Value computeAndRemember(RuleNode node) {
    if (!inProgress.add(node)) {
      CompiledRule r = node.rules.isEmpty() ? node.defaultRule : node.rules.get(0);
      Loc loc = r == null ? null : r.loc();
      throw new RegoException(RegoException.RECURSION, loc == null ? null : loc.file(), loc == null ? 0 : loc.line(),
          loc == null ? 0 : loc.column(), "rule data." + String.join(".", node.path) + " is recursive");
    }
    Value v;
    // A rule's value is one read of whoever needs it: what computing it reads is not theirs.
    IncrementalCache.Recorder outer = recorder;
    recorder = null;
    try {
      v = computeNode(node);
      if (memo.shared != null && memo.shared.incremental != null) {
        // also after an error (plainAfterError): the kept value is what the next evaluation's changes are found from
        v = memo.shared.incremental.canonicalNode(node, v);
      }
    } finally {
      inProgress.remove(node);
      recorder = outer;
    }
    if (v == null) {
      memo.undefinedNodes.add(node);
    } else {
      memo.nodes.put(node, v);
    }
    return v;
  }

  /** The rule's value computed by this thread, or awaited from the thread that computes it. */
  private Value sharedNodeValue(RuleNode node, SharedMemo shared) {
    java.util.concurrent.CompletableFuture<Value> mine = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Value> running = shared.rules.putIfAbsent(node, mine);
    if (running != null) {
      Value v = await(running);
      if (v == UNDEFINED_RESULT) {
        memo.undefinedNodes.add(node);
        return null;
      }
      memo.nodes.put(node, v);
      return v;
    }
    try {
      Value v = computeAndRemember(node);
      mine.complete(v == null ? UNDEFINED_RESULT : v);
      return v;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private Value await(java.util.concurrent.CompletableFuture<Value> running) {
    try {
      long left = options.deadlineNanos() - System.nanoTime();
      return running.get(Math.max(0, left), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RegoException(RegoException.LIMIT, "evaluation exceeded the time limit");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegoException(RegoException.LIMIT, "evaluation interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      // The other thread's failure is this evaluation's too (it needed the same rule).
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new RegoException(RegoException.UNSUPPORTED, "internal error: " + e.getCause());
    }
  }

  private Value computeNode(RuleNode node) {
    Value base = baseAt(node.path);
    if (node.hasRules()) {
      Value v = evalRules(node);
      if (v instanceof ObjectValue vo && !node.children.isEmpty()) {
        Value kids = childrenObject(node, base);
        if (kids instanceof ObjectValue ko) {
          for (Map.Entry<Value, Value> e : ko.entries().entrySet()) {
            Value other = vo.get(e.getKey());
            if (other != null && !other.equals(e.getValue())
                && !(other instanceof ObjectValue && e.getValue() instanceof ObjectValue)) {
              CompiledRule r = node.rules.get(0);
              throw conflict(r.loc(), "object keys must be unique: rule data." + String.join(".", node.path)
                  + " produces key " + e.getKey() + " with two values");
            }
          }
          return merge(ko, vo);
        }
        return vo;
      }
      if (v instanceof ObjectValue vo && base instanceof ObjectValue bo) {
        return merge(bo, vo);
      }
      return v != null ? v : (node.children.isEmpty() ? null : childrenObject(node, base));
    }
    return childrenObject(node, base);
  }

  private Value childrenObject(RuleNode node, Value base) {
    Map<Value, Value> m = new TreeMap<>();
    if (base instanceof ObjectValue bo) {
      m.putAll(bo.entries());
    } else if (base != null) {
      return base;
    }
    for (Map.Entry<String, RuleNode> c : node.children.entrySet()) {
      Value cv = dataAt(c.getValue(), c.getValue().path);
      if (cv != null) {
        StringValue key = new StringValue(c.getKey());
        Value existing = m.get(key);
        // as OPA's mergeObjects: objects merge, otherwise the base document wins
        m.put(key, existing == null ? cv
            : existing instanceof ObjectValue eo && cv instanceof ObjectValue co ? merge(eo, co) : existing);
      }
    }
    return ObjectValue.of(m);
  }

  /** Merges b into a; for a key in both that are not both objects, a's value stays (OPA's mergeObjects). */
  private static ObjectValue merge(ObjectValue a, ObjectValue b) {
    Map<Value, Value> m = new TreeMap<>(a.entries());
    for (Map.Entry<Value, Value> e : b.entries().entrySet()) {
      Value existing = m.get(e.getKey());
      m.put(e.getKey(), existing == null ? e.getValue()
          : existing instanceof ObjectValue eo && e.getValue() instanceof ObjectValue vo ? merge(eo, vo) : existing);
    }
    return ObjectValue.of(m);
  }

  // ---------------------------------------------------------------- rules

  private Value evalRules(RuleNode node) {
    if (!incremental()) {
      return evalRulesOnce(node);
    }
    try {
      return evalRulesOnce(node);
    } catch (RegoException e) {
      if (RegoException.LIMIT.equals(e.code())) {
        throw e;
      }
      // Elements are evaluated before their outputs are put together, where a full evaluation puts
      // each output in as it comes: a key conflict may come before the error thrown here. Evaluated
      // again as a full evaluation would, the rule fails as it does (what it keeps stays valid: the
      // node's kept value and counts were taken out, and the elements are checked before use).
      plainAfterError = true;
      try {
        return evalRulesOnce(node);
      } finally {
        plainAfterError = false;
      }
    }
  }

  private Value evalRulesOnce(RuleNode node) {
    boolean objectRules = !node.keyedDefaults.isEmpty();
    boolean multi = false;
    for (CompiledRule r : node.rules) {
      objectRules |= !r.keys().isEmpty();
      multi |= r.multi();
    }
    List<CompiledRule> rules = candidates(node);
    if (objectRules) {
      return evalObjectRules(node);
    }
    if (multi) {
      SetValue.Builder out = new SetValue.Builder();
      Value previous = takeRuleValue(node);
      IncrementalCache.Counts counts = takeCounts(node);
      List<Driven> driven = new ArrayList<>();
      for (CompiledRule r : rules) {
        Driver driver = driver(r, List.of(r.value()));
        if (driver != null) {
          driven.add(drivenOutputs(r, driver, List.of(r.value())));
          continue;
        }
        driven.add(null);
        Env env = new Env(null);
        boolean constant = r.value() instanceof Term.Scalar;
        evalBody(r.body(), 0, env, () -> evalTerm(r.value(), env, v -> {
          out.add(v);
          return constant;
        }));
      }
      Value same = keptOrPatched(node, rules, driven, previous, counts, false);
      if (same != null) {
        return same;
      }
      for (Driven d : driven) {
        if (d != null) {
          d.outputs().forEach(vals -> out.add(vals.get(0)));
        }
      }
      return keepRuleValue(node, out.build());
    }
    Value result = null;
    for (CompiledRule r : rules) {
      Value v = evalComplete(r, "complete rules must not produce multiple outputs");
      if (v != null) {
        if (result != null && !result.equals(v)) {
          throw conflict(r.loc(), "complete rules must not produce multiple outputs");
        }
        result = v;
      }
    }
    if (result == null && node.defaultRule != null) {
      result = firstValue(node.defaultRule.value(), new Env(null));
    }
    return result;
  }

  private RegoException conflict(Loc loc, String msg) {
    return new RegoException(RegoException.CONFLICT, loc.file(), loc.line(), loc.column(), msg);
  }

  /** The single value of a complete rule (following its else chain), or null. */
  private Value evalComplete(CompiledRule r, String conflictMessage) {
    Value[] found = {null};
    Env env = new Env(null);
    boolean constant = r.value() instanceof Term.Scalar;
    evalBody(r.body(), 0, env, () -> evalTerm(r.value(), env, v -> {
      if (found[0] != null && !found[0].equals(v)) {
        throw conflict(r.loc(), conflictMessage);
      }
      found[0] = v;
      return constant;
    }));
    if (found[0] == null && r.elseRule() != null) {
      return evalComplete(r.elseRule(), conflictMessage);
    }
    return found[0];
  }

  /**
   * The rules of a node that can hold for the current input: all of them, or with rule indexing
   * those whose {@code input.x == constant} test matches the input.
   */
  private List<CompiledRule> candidates(RuleNode node) {
    if (!options.optimise() || node.index == null) {
      return node.rules;
    }
    Value v = input;
    for (String p : node.index.path()) {
      v = v == null ? null : lookup(v, new StringValue(p));
    }
    return node.index.candidates(v);
  }

  /**
   * A comprehension evaluated through its index: the independent part of its body is evaluated
   * once in this memo scope and its solutions grouped by their inner key values; this evaluation
   * takes the group of the outer keys' values and applies the remaining filters and the head.
   */
  private Value indexedComprehension(Term t, io.meshgate.rego.compiler.ComprehensionIndex plan, Env env) {
    List<Value> key = new ArrayList<>(plan.outerKeys().size());
    for (Term o : plan.outerKeys()) {
      Value kv = firstValue(o, env);
      if (kv == null) {
        return emptyLike(t); // the equality fails for every solution
      }
      key.add(kv);
    }
    Map<List<Value>, List<Object>> index = memo.comprehensions.get(t);
    if (index == null) {
      IncrementalCache.Recorder outer = recorder;
      IncrementalCache.Recorder mine = incremental() ? new IncrementalCache.Recorder() : outer;
      recorder = mine;
      try {
        index = buildIndex(t, plan);
      } finally {
        recorder = outer;
      }
      memo.comprehensions.put(t, index);
      if (incremental()) {
        memo.comprehensionReads.put(t, mine.freeze());
      }
    }
    if (incremental() && recorder != null) {
      recorder.include(memo.comprehensionReads.get(t));
    }
    List<Object> group = index.getOrDefault(key, List.of());
    if (plan.filters().isEmpty()) {
      return collect(t, group, null);
    }
    // each member is a snapshot of the comprehension's own variables; filters and head run per member
    List<Object> heads = new ArrayList<>();
    for (Object member : group) {
      @SuppressWarnings("unchecked")
      Map<String, Value> vars = (Map<String, Value>) member;
      Env child = new Env(env);
      vars.forEach(child::put);
      evalBody(plan.filters(), 0, child, () -> {
        heads.add(headValues(t, child));
        return false;
      });
    }
    return collect(t, heads, null);
  }

  private Map<List<Value>, List<Object>> buildIndex(Term t, io.meshgate.rego.compiler.ComprehensionIndex plan) {
    Map<List<Value>, List<Object>> index = new HashMap<>();
    Env e0 = new Env(null);
    boolean filtered = !plan.filters().isEmpty();
    evalBody(plan.independent(), 0, e0, () -> {
      keyValues(plan.innerKeys(), 0, new Value[plan.innerKeys().size()], e0, key -> {
        index.computeIfAbsent(key, x -> new ArrayList<>()).add(filtered ? e0.snapshot() : headValues(t, e0));
        return false;
      });
      return false;
    });
    return index;
  }

  private boolean keyValues(List<Term> terms, int i, Value[] acc, Env env, ListK k) {
    if (i == terms.size()) {
      return k.run(List.of(acc.clone()));
    }
    return evalTerm(terms.get(i), env, v -> {
      acc[i] = v;
      return keyValues(terms, i + 1, acc, env, k);
    });
  }

  /** The head's value(s) for the current solution: a list of values, or of [key, value] pairs. */
  private Object headValues(Term t, Env env) {
    List<Value> out = new ArrayList<>();
    if (t instanceof Term.ObjectCompr c) {
      evalTerm(c.key(), env, key -> evalTerm(c.value(), env, val -> {
        out.add(ArrayValue.of(List.of(key, val)));
        return false;
      }));
    } else {
      Term head = t instanceof Term.ArrayCompr a ? a.head() : ((Term.SetCompr) t).head();
      evalTerm(head, env, v -> {
        out.add(v);
        return false;
      });
    }
    return out;
  }

  /** Builds the comprehension's value from per-solution head values, as evaluating it in full would. */
  private static Value collect(Term t, List<Object> solutions, Object unused) {
    if (t instanceof Term.ArrayCompr) {
      List<Value> out = new ArrayList<>();
      for (Object s : solutions) {
        @SuppressWarnings("unchecked")
        List<Value> vs = (List<Value>) s;
        out.addAll(vs);
      }
      return ArrayValue.of(out);
    }
    if (t instanceof Term.SetCompr) {
      TreeSet<Value> out = new TreeSet<>();
      for (Object s : solutions) {
        @SuppressWarnings("unchecked")
        List<Value> vs = (List<Value>) s;
        out.addAll(vs);
      }
      return SetValue.of(out);
    }
    Term.ObjectCompr c = (Term.ObjectCompr) t;
    TreeMap<Value, Value> out = new TreeMap<>();
    for (Object s : solutions) {
      @SuppressWarnings("unchecked")
      List<Value> pairs = (List<Value>) s;
      for (Value pair : pairs) {
        ArrayValue kv = (ArrayValue) pair;
        Value prev = out.put(kv.get(0), kv.get(1));
        if (prev != null && !prev.equals(kv.get(1))) {
          throw new RegoException(RegoException.CONFLICT, c.loc().file(), c.loc().line(), c.loc().column(),
              "object keys must be unique");
        }
      }
    }
    return ObjectValue.of(out);
  }

  private static Value emptyLike(Term t) {
    return t instanceof Term.ArrayCompr ? ArrayValue.EMPTY : t instanceof Term.SetCompr ? SetValue.of(List.of())
        : ObjectValue.EMPTY;
  }

  private Value evalObjectRules(RuleNode node) {
    TreeMap<Value, Object> root = new TreeMap<>();
    List<CompiledRule> rules = candidates(node);
    Value previous = takeRuleValue(node);
    IncrementalCache.Counts counts = takeCounts(node);
    List<Driven> driven = new ArrayList<>();
    for (CompiledRule r : rules) {
      Env env = new Env(null);
      List<Term> terms = new ArrayList<>(r.keys());
      terms.add(r.value());
      Driver driver = driver(r, terms);
      if (driver != null) {
        driven.add(drivenOutputs(r, driver, terms));
        continue;
      }
      driven.add(null);
      boolean constant = terms.stream().allMatch(t -> t instanceof Term.Scalar);
      evalBody(r.body(), 0, env, () -> evalList(terms, 0, new Value[terms.size()], env, vals -> {
        insert(root, vals, r);
        return constant;
      }));
    }
    Value same = keptOrPatched(node, rules, driven, previous, counts, true);
    if (same != null) {
      return same;
    }
    for (int i = 0; i < rules.size(); i++) {
      CompiledRule r = rules.get(i);
      if (driven.get(i) != null) {
        driven.get(i).outputs().forEach(vals -> insert(root, vals, r));
      }
    }
    for (CompiledRule d : node.keyedDefaults) {
      List<Value> path = new ArrayList<>();
      for (Term t : d.keys()) {
        path.add(((Term.Scalar) t).value());
      }
      Object cur = root;
      for (Value key : path) {
        cur = cur instanceof TreeMap<?, ?> tm ? tm.get(key) : null;
      }
      if (cur == null) {
        path.add(firstValue(d.value(), new Env(null)));
        insert(root, path, d);
      }
    }
    return keepRuleValue(node, toValue(root));
  }

  @SuppressWarnings("unchecked")
  private void insert(TreeMap<Value, Object> root, List<Value> vals, CompiledRule r) {
    TreeMap<Value, Object> cur = root;
    int keys = vals.size() - 1;
    for (int i = 0; i < keys - 1; i++) {
      Object next = cur.get(vals.get(i));
      if (next == null) {
        next = new TreeMap<Value, Object>();
        cur.put(vals.get(i), next);
      } else if (!(next instanceof TreeMap)) {
        throw conflict(r.loc(), "object keys must be unique: key " + vals.get(i) + " holds both a value and an object");
      }
      cur = (TreeMap<Value, Object>) next;
    }
    Value value = vals.get(keys);
    if (r.multi()) {
      // the set lives under the last key
      Value setKey = vals.get(keys - 1);
      Object existing = cur.get(setKey);
      SetValue.Builder set;
      if (existing == null) {
        set = new SetValue.Builder();
        cur.put(setKey, set);
      } else if (existing instanceof SetValue.Builder members) {
        set = members;
      } else {
        throw conflict(r.loc(), "object keys must be unique");
      }
      set.add(value);
      return;
    }
    Value key = vals.get(keys - 1);
    Object existing = cur.get(key);
    if (existing != null && !(existing instanceof Value ev && ev.equals(value))) {
      throw conflict(r.loc(), "object keys must be unique");
    }
    cur.put(key, value);
  }

  @SuppressWarnings("unchecked")
  private static Value toValue(Object o) {
    if (o instanceof Value v) {
      return v;
    }
    if (o instanceof SetValue.Builder members) {
      return members.build();
    }
    // In place (the tree is this evaluation's own scratch): already sorted, so ObjectValue.of copies
    // it in one pass, where putting each entry into a new tree compared keys n log n times.
    TreeMap<Value, Object> tree = (TreeMap<Value, Object>) o;
    tree.replaceAll((k, v) -> toValue(v));
    return ObjectValue.of((Map<Value, Value>) (Map<Value, ?>) tree);
  }

  // ---------------------------------------------------------------- incremental evaluation

  /** True in the root scope of an evaluation that keeps results for the next one. */
  private boolean incremental() {
    return !plainAfterError && memo.shared != null && memo.shared.incremental != null;
  }

  /**
   * Where a rule body starts iterating a collection named by a constant reference
   * ({@code some name, client in input.clients}, after {@code some} declarations only).
   */
  record Driver(int at, Expr.SomeIn in, List<String> names) {}

  private static final Driver NO_DRIVER = new Driver(-1, null, List.of());

  /** The rule's driver when it is evaluated element by element here, else null. */
  private Driver driver(CompiledRule r, List<Term> heads) {
    if (!incremental()) {
      return null;
    }
    Driver d = memo.shared.incremental.drivers.computeIfAbsent(r, x -> findDriver(r, heads));
    return d == NO_DRIVER ? null : d;
  }

  private static Driver findDriver(CompiledRule r, List<Term> heads) {
    if (heads.stream().allMatch(t -> t instanceof Term.Scalar)) {
      return NO_DRIVER; // a constant head stops at the first solution: nothing to gain
    }
    List<Literal> body = r.body();
    for (int i = 0; i < body.size(); i++) {
      Literal l = body.get(i);
      if (l.negated() || !l.withs().isEmpty()) {
        return NO_DRIVER;
      }
      if (l.expr() instanceof Expr.SomeDecl d) {
        if (d.vars().stream().anyMatch(v -> v.name().equals("input") || v.name().equals("data"))) {
          return NO_DRIVER;
        }
        continue;
      }
      if (l.expr() instanceof Expr.SomeIn in && in.collection() instanceof Term.Ref ref
          && ref.head() instanceof Term.Var head && (head.name().equals("input") || head.name().equals("data"))
          && ref.path().stream().allMatch(p -> p instanceof Term.Scalar)) {
        List<String> names = new ArrayList<>();
        if (in.key() != null) {
          names.addAll(patternVarNames(in.key()));
        }
        names.addAll(patternVarNames(in.value()));
        return new Driver(i, in, List.copyOf(names));
      }
      return NO_DRIVER;
    }
    return NO_DRIVER;
  }

  /**
   * The outputs (values of {@code heads}) of a driven rule, element by element: an element that is
   * the same as last time, and for which every value it read then is the same now, gives its kept
   * outputs; any other is evaluated (its reads recorded) and kept for the next evaluation.
   */
  private Driven drivenOutputs(CompiledRule r, Driver d, List<Term> heads) {
    IncrementalCache cache = memo.shared.incremental;
    Env env = new Env(null);
    for (int i = 0; i < d.at(); i++) {
      step();
      for (Term.Var v : ((Expr.SomeDecl) r.body().get(i).expr()).vars()) {
        env.put(v.name(), Env.DECLARED);
      }
    }
    step();
    Value collection = firstValue(d.in().collection(), env);
    // Updated in place (only this evaluation's thread computes this rule): an entry is used only
    // after checking it, so one left by an interrupted evaluation is harmless.
    IncrementalCache.Kept kept = cache.elements.computeIfAbsent(r, x -> new IncrementalCache.Kept());
    int run = cache.run;
    int generation = cache.index.generation();
    boolean indexed = indexedCheck(kept, run, generation);
    if (indexed && collection == kept.collection && kept.byPosition != null && kept.uncacheable == 0) {
      if (kept.dirtyIn != run) {
        // the same collection, and no read of any element changed: the same elements
        cache.countReused(kept.byPosition.length);
        kept.completedIn = run;
        return new Driven(kept.byPosition, true, List.of(), List.of());
      }
      Driven few = reDecideMarked(r, d, heads, env, kept, run);
      if (few != null) {
        return few;
      }
    }
    // Elements are looked for first at their position in last time's collection (the same keys in
    // the same order, when one element of a thousand changed), then by key.
    IncrementalCache.Element[] aligned = collection != null ? kept.byPosition : null;
    IncrementalCache.Element[] positions = new IncrementalCache.Element[sizeOf(collection)];
    kept.byPosition = null;
    int[] seen = {0};
    int[] uncacheable = {0};
    int[] reused = {0}; // counted once: threads that count each element contend for the counter
    boolean[] changed = {false};
    List<List<Value>> removed = new ArrayList<>();
    List<List<Value>> added = new ArrayList<>();
    if (collection != null) {
      for (String name : d.names()) {
        env.put(name, Env.DECLARED);
      }
      iterate(collection, (key, val) -> {
        int at = seen[0]++;
        IncrementalCache.Element last = aligned != null && at < aligned.length ? aligned[at] : null;
        if (last == null || (last.key() != key && !last.key().equals(key))) {
          last = kept.byKey.get(key);
        }
        if (last != null && (last.value() == val || last.value().equals(val))
            && (indexed ? unmarked(last.reads(), run) : allHold(last.reads()))) {
          reused[0]++;
          positions[at] = last;
          if (!indexed) {
            cache.countChecked();
            cache.index.index(kept, last.reads(), last.key());
          }
          return false; // reused reads are never uncacheable (unmarked and allHold refuse them)
        }
        changed[0] = true;
        positions[at] = evaluateElement(r, d, heads, env, kept, key, val, removed, added);
        if (positions[at].reads().uncacheable) {
          uncacheable[0]++;
        }
        return false;
      });
    }
    if (kept.byKey.size() > seen[0]) {
      // elements gone from the collection
      Value all = collection;
      kept.byKey.values().removeIf(e -> {
        boolean gone = all == null || lookup(all, e.key()) == null;
        if (gone) {
          removed.addAll(e.outputs());
        }
        return gone;
      });
      changed[0] = true;
    }
    cache.countReused(reused[0]);
    kept.byPosition = positions;
    kept.collection = collection;
    kept.uncacheable = uncacheable[0];
    kept.completedIn = run;
    kept.completedInGeneration = generation;
    return new Driven(positions, !changed[0], removed, added);
  }

  /**
   * Whether the rule's kept elements can be checked by the index ({@link ReadIndex}): only the
   * elements it marked are evaluated again. That needs the elements to have been completed (all
   * checked and indexed) in the last evaluation, so that every read of theirs held then, and the
   * rule values they read to be computed now, so that their changes have been marked. Else (or
   * when computing one of those rules fails: the element check finds the error where a full
   * evaluation would) each element's reads are checked.
   */
  private boolean indexedCheck(IncrementalCache.Kept kept, int run, int generation) {
    if (kept.completedIn != run - 1 || kept.completedInGeneration != generation) {
      return false;
    }
    IncrementalCache.Recorder outer = recorder;
    recorder = null;
    try {
      for (RuleNode n : kept.nodeRoots) {
        dataAt(n, n.path);
      }
    } catch (RegoException e) {
      if (RegoException.LIMIT.equals(e.code())) {
        throw e;
      }
      return false;
    } finally {
      recorder = outer;
    }
    return true;
  }

  /** An indexed element's reads all hold unless the index marked one changed in this evaluation. */
  private static boolean unmarked(IncrementalCache.Reads reads, int run) {
    return !reads.uncacheable && !Boolean.FALSE.equals(reads.known(run));
  }

  /**
   * Evaluates one element of a driven rule, recording its reads, and keeps it (in place of the
   * element of that key, whose outputs go to {@code removed}; the new ones to {@code added}).
   */
  private IncrementalCache.Element evaluateElement(CompiledRule r, Driver d, List<Term> heads, Env env,
      IncrementalCache.Kept kept, Value key, Value val, List<List<Value>> removed, List<List<Value>> added) {
    IncrementalCache cache = memo.shared.incremental;
    List<List<Value>> outputs = new ArrayList<>();
    IncrementalCache.Recorder outer = recorder;
    IncrementalCache.Recorder mine = new IncrementalCache.Recorder();
    recorder = mine;
    try {
      K body = () -> evalBody(r.body(), d.at() + 1, env, () -> evalList(heads, 0, new Value[heads.size()], env, vals -> {
        outputs.add(vals);
        return false;
      }));
      if (d.in().key() == null) {
        unifyValue(d.in().value(), val, env, body);
      } else {
        unifyValue(d.in().key(), key, env, () -> unifyValue(d.in().value(), val, env, body));
      }
    } finally {
      recorder = outer;
    }
    cache.countEvaluated();
    IncrementalCache.Element before = kept.byKey.get(key);
    if (before != null) {
      removed.addAll(before.outputs());
    }
    added.addAll(outputs);
    // Kept also when its reads are unknown (with, print, the clock): never reused, but its
    // outputs are known when it changes or goes, and the kept keys are the collection's.
    IncrementalCache.Element e = new IncrementalCache.Element(key, val, mine.freeze(),
        outputs.isEmpty() ? List.of() : List.copyOf(outputs));
    kept.byKey.put(key, e);
    cache.index.index(kept, e.reads(), key);
    return e;
  }

  /**
   * The elements of a driven rule whose collection is the very one of the last evaluation, when
   * the index marked a few of them: those are evaluated again at their positions (found by key:
   * a collection is iterated in the order of its keys), the others kept without visiting them.
   * Null when that cannot be done (a marked element not found where expected): the caller then
   * iterates the collection. The elements of the last evaluation are left as they were until
   * every marked one is found.
   */
  private Driven reDecideMarked(CompiledRule r, Driver d, List<Term> heads, Env env, IncrementalCache.Kept kept,
      int run) {
    IncrementalCache cache = memo.shared.incremental;
    IncrementalCache.Element[] last = kept.byPosition;
    List<IncrementalCache.Reads> marked = cache.index.marked(kept, run);
    if (marked == null || marked.size() > last.length / 8 + 16) {
      return null; // unknown, or so many that iterating is as cheap
    }
    java.util.TreeMap<Integer, Value> atPositions = new java.util.TreeMap<>();
    for (IncrementalCache.Reads reads : marked) {
      Value key = reads.elementKey;
      IncrementalCache.Element e = key == null ? null : kept.byKey.get(key);
      if (e == null || e.reads() != reads) {
        continue; // the reads of an element since evaluated again, or gone
      }
      int at = positionOf(last, key);
      if (at < 0) {
        return null;
      }
      atPositions.put(at, key);
    }
    IncrementalCache.Element[] positions = last.clone();
    kept.byPosition = null;
    for (String name : d.names()) {
      env.put(name, Env.DECLARED);
    }
    List<List<Value>> removed = new ArrayList<>();
    List<List<Value>> added = new ArrayList<>();
    for (Map.Entry<Integer, Value> p : atPositions.entrySet()) {
      step();
      positions[p.getKey()] = evaluateElement(r, d, heads, env, kept, p.getValue(), last[p.getKey()].value(), removed,
          added);
      if (positions[p.getKey()].reads().uncacheable) {
        kept.uncacheable++;
      }
    }
    cache.countReused(positions.length - atPositions.size());
    kept.byPosition = positions;
    kept.completedIn = run;
    return new Driven(positions, atPositions.isEmpty(), removed, added);
  }

  /** The position of the element of {@code key} among elements in the order of their keys, or -1. */
  private static int positionOf(IncrementalCache.Element[] elements, Value key) {
    int lo = 0;
    int hi = elements.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = elements[mid].key().compareTo(key);
      if (c == 0) {
        return mid;
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  private static int sizeOf(Value collection) {
    return collection instanceof ObjectValue o ? o.size() : collection instanceof ArrayValue a ? a.size()
        : collection instanceof SetValue s ? s.size() : 0;
  }

  /**
   * A driven rule's outputs; whether every element was the same as last time with the same reads;
   * and what changed: the outputs of the elements evaluated again or gone as they were
   * ({@code removed}) and as they are ({@code added}).
   */
  record Driven(IncrementalCache.Element[] elements, boolean unchanged, List<List<Value>> removed,
      List<List<Value>> added) {
    /** Every element's outputs, in the collection's order (only when the value is assembled again). */
    List<List<Value>> outputs() {
      List<List<Value>> out = new ArrayList<>();
      for (IncrementalCache.Element e : elements) {
        if (e != null) {
          out.addAll(e.outputs());
        }
      }
      return out;
    }
  }

  /**
   * True when the node's value can be had by applying its rules' changes to {@code previous}
   * (when given): every rule is driven with a known change, and the node is a set or an object of
   * one key level without defaults; {@code counts} say how many elements give each output.
   */
  private boolean patchable(RuleNode node, List<CompiledRule> rules, List<Driven> driven, Value previous,
      IncrementalCache.Counts counts) {
    if (!incremental() || rules != node.rules || rules.isEmpty() || !node.keyedDefaults.isEmpty()) {
      return false;
    }
    boolean object = !rules.get(0).keys().isEmpty();
    for (int i = 0; i < rules.size(); i++) {
      CompiledRule r = rules.get(i);
      Driven d = driven.get(i);
      if (d == null || r.keys().size() != (object ? 1 : 0) || r.multi() != rules.get(0).multi()) {
        return false;
      }
    }
    if (previous == null) {
      return true;
    }
    return counts != null && counts.byEntry() == object
        && (object ? previous instanceof ObjectValue : previous instanceof SetValue);
  }

  /** The set with its rules' changes applied; null (assemble it again) if the counts do not match. */
  private Value patchedSet(SetValue previous, IncrementalCache.Counts counts, List<Driven> driven) {
    if (!counts.covers(driven)) {
      return null;
    }
    java.util.Set<Value> left = new java.util.HashSet<>();
    java.util.Set<Value> joined = new java.util.HashSet<>();
    for (Driven d : driven) {
      for (List<Value> vals : d.removed()) {
        if (counts.remove(vals.get(0), null)) {
          left.add(vals.get(0));
        }
      }
    }
    for (Driven d : driven) {
      for (List<Value> vals : d.added()) {
        if (counts.add(vals.get(0), null) && !left.remove(vals.get(0))) {
          joined.add(vals.get(0));
        }
      }
    }
    if (left.isEmpty() && joined.isEmpty()) {
      return previous; // the same members: the same object, which later checks compare by reference
    }
    TreeSet<Value> set = new TreeSet<>(previous.elements());
    set.removeAll(left);
    set.addAll(joined);
    return SetValue.of(set);
  }

  /** The object with its rules' changes applied; null (assemble it again) if the counts do not match. */
  private Value patchedObject(ObjectValue previous, IncrementalCache.Counts counts, List<Driven> driven,
      List<CompiledRule> rules) {
    if (!counts.covers(driven)) {
      return null;
    }
    java.util.Set<Value> touched = new java.util.HashSet<>();
    // The members that left and joined each key's set (a grouping rule: key -> set of members).
    Map<Value, List<Value>> left = new HashMap<>();
    Map<Value, List<Value>> joined = new HashMap<>();
    for (Driven d : driven) {
      for (List<Value> vals : d.removed()) {
        counts.remove(vals.get(0), vals.get(1));
        touched.add(vals.get(0));
        left.computeIfAbsent(vals.get(0), k -> new ArrayList<>()).add(vals.get(1));
      }
    }
    for (Driven d : driven) {
      for (List<Value> vals : d.added()) {
        counts.add(vals.get(0), vals.get(1));
        touched.add(vals.get(0));
        joined.computeIfAbsent(vals.get(0), k -> new ArrayList<>()).add(vals.get(1));
      }
    }
    boolean multi = rules.get(0).multi();
    TreeMap<Value, Value> put = new TreeMap<>();
    TreeSet<Value> removed = new TreeSet<>();
    for (Value key : touched) {
      java.util.Set<Value> values = counts.valuesOf(key);
      Value was = previous.get(key);
      if (values.isEmpty()) {
        if (was != null) {
          removed.add(key);
        }
        continue;
      }
      if (!multi && values.size() > 1) {
        throw conflict(rules.get(0).loc(), "object keys must be unique");
      }
      if (multi && was instanceof SetValue members) {
        Value now = patchedMembers(members, values, left.get(key), joined.get(key));
        if (now != members) {
          put.put(key, now);
        }
        continue;
      }
      Value now = multi ? SetValue.of(values) : values.iterator().next();
      if (!now.equals(was)) {
        put.put(key, now);
      }
    }
    // Nothing to change: the same object, which later checks compare by reference.
    return previous.patched(put, removed);
  }

  /**
   * A group's members after a push: last evaluation's set (the members counted then) with those no
   * longer counted taken out and the new ones put in; the same set when neither happened. A group
   * of 30,000 members is copied in order once, instead of being sorted again from the counts and
   * compared with the old set member by member.
   *
   * @param values the members counted now
   * @param left members some element no longer gives (null: none)
   * @param joined members some element now gives (null: none)
   */
  private static Value patchedMembers(SetValue was, java.util.Set<Value> values, List<Value> left, List<Value> joined) {
    List<Value> leaving = new ArrayList<>();
    if (left != null) {
      for (Value v : left) {
        if (!values.contains(v) && was.contains(v)) {
          leaving.add(v);
        }
      }
    }
    List<Value> joining = new ArrayList<>();
    if (joined != null) {
      for (Value v : joined) {
        if (values.contains(v) && !was.contains(v)) {
          joining.add(v);
        }
      }
    }
    if (leaving.isEmpty() && joining.isEmpty()) {
      return was;
    }
    TreeSet<Value> members = new TreeSet<>(was.elements()); // in order already: copied without comparing
    leaving.forEach(members::remove);
    members.addAll(joining);
    // The old set was these counts' members; should it not have been, sort them as before.
    return members.size() == values.size() ? SetValue.of(members) : SetValue.of(values);
  }

  /**
   * The node's value without assembling it: last evaluation's when none of its elements changed,
   * else last evaluation's patched with the changes when the node allows it; null to assemble it
   * again. Keeps the counts of outputs for the next evaluation either way (new ones from every
   * element's outputs when the value is assembled again).
   *
   * @param object the node is an object of one key level, else a set
   */
  private Value keptOrPatched(RuleNode node, List<CompiledRule> rules, List<Driven> driven, Value previous,
      IncrementalCache.Counts counts, boolean object) {
    Value same = unchangedValue(node, rules, driven, previous);
    if (same == null && previous != null && patchable(node, rules, driven, previous, counts)) {
      // the counts are changed only when the patch applies (covers() is checked first)
      same = object ? patchedObject((ObjectValue) previous, counts, driven, rules)
          : patchedSet((SetValue) previous, counts, driven);
    }
    if (same != null) {
      keepCounts(node, counts);
      return keepRuleValue(node, same);
    }
    if (patchable(node, rules, driven, null, null)) {
      keepCounts(node, IncrementalCache.Counts.of(driven.stream().flatMap(d -> d.outputs().stream()), object));
    }
    return null;
  }

  private IncrementalCache.Counts takeCounts(RuleNode node) {
    return incremental() ? memo.shared.incremental.counts.remove(node) : null;
  }

  private void keepCounts(RuleNode node, IncrementalCache.Counts counts) {
    if (counts != null && incremental()) {
      memo.shared.incremental.counts.put(node, counts);
    }
  }

  /**
   * The node's value of the last evaluation when every rule of the node is driven and none of
   * their elements changed: assembling a lookup object of tens of thousands of entries again
   * would give the same value. Else null.
   */
  private Value unchangedValue(RuleNode node, List<CompiledRule> rules, List<Driven> driven, Value previous) {
    if (previous == null || rules != node.rules || driven.isEmpty()) {
      return null;
    }
    for (Driven d : driven) {
      if (d == null || !d.unchanged()) {
        return null;
      }
    }
    return previous;
  }

  /**
   * The node's rules' value of the last evaluation, forgotten until this one ends: elements are
   * updated in place, so after an evaluation that failed half-way the old value no longer matches them.
   */
  private Value takeRuleValue(RuleNode node) {
    return incremental() ? memo.shared.incremental.ruleValues.remove(node) : null;
  }

  /** Remembers a node's rules' value for {@link #unchangedValue}. */
  private Value keepRuleValue(RuleNode node, Value value) {
    if (incremental()) {
      memo.shared.incremental.ruleValues.put(node, value);
    }
    return value;
  }

  /**
   * True when every read of {@code reads} still finds its value; not remembered (an element's own
   * reads are checked once per evaluation), the shared sets of reads inside are ({@link #stillHolds}).
   */
  private boolean allHold(IncrementalCache.Reads reads) {
    if (reads.uncacheable) {
      return false;
    }
    for (Object item : reads.items) {
      if (!(item instanceof IncrementalCache.Reads nested ? stillHolds(nested) : stillHolds((IncrementalCache.Read) item))) {
        return false;
      }
    }
    return true;
  }

  /** True when every value the kept reads found is still there (each checked once per evaluation). */
  private boolean stillHolds(IncrementalCache.Reads reads) {
    if (reads.items.length == 0) {
      return !reads.uncacheable;
    }
    int run = memo.shared.incremental.run;
    Boolean k = reads.known(run);
    return k != null ? k : reads.decide(run, allHold(reads));
  }

  private boolean stillHolds(IncrementalCache.Read read) {
    int run = memo.shared.incremental.run;
    Boolean k = read.known(run);
    if (k != null) {
      return k;
    }
    Value cur = read.root == IncrementalCache.INPUT ? input : dataAt((RuleNode) read.root, ((RuleNode) read.root).path);
    for (int i = 0; i < read.path.length && cur != null; i++) {
      cur = lookup(cur, read.path[i]);
    }
    return read.decide(run, ReadIndex.holds(read.value, cur));
  }

  // ---------------------------------------------------------------- calls

  private boolean isRelationCall(Term.Call c) {
    Integer n = arities.get(c.name());
    if (n == null) {
      FunctionGroup g = policy.functions().get(c.name());
      if (g != null) {
        n = g.arity;
      } else {
        n = switch (c.name()) {
          case "print", "internal.print" -> -1;
          case "internal.member_2" -> 2;
          case "internal.member_3" -> 3;
          default -> policy.builtins().lookup(c.name()).map(Builtin::arity).orElse(-1);
        };
      }
      arities.put(c.name(), n);
    }
    return n >= 0 && c.args().size() == n + 1;
  }

  /** Evaluates a call on its first {@code nargs} arguments, calling k with each result. */
  private boolean evalCall(Term.Call c, int nargs, Env env, VK k) {
    String name = c.name();
    if (name.equals("print") || name.equals("internal.print")) {
      if (recorder != null) {
        recorder.uncacheable = true; // a kept result would not print again
      }
      print(c, env);
      return k.run(BoolValue.TRUE);
    }
    List<Term> args = nargs == c.args().size() ? c.args() : c.args().subList(0, nargs);
    if (!mocks.isEmpty()) {
      Term mock = mocks.get(name);
      if (mock != null) {
        if (mock instanceof Term.Call mc && mc.args().isEmpty() && !mc.name().equals(name)) {
          // inside a replacement function no mock applies (it may call the original), as in OPA;
          // `with` clauses inside it start afresh
          Map<String, Term> saved = mocks;
          Map<String, Term> without = Map.of();
          Term.Call replaced = new Term.Call(mc.name(), c.args(), c.loc());
          return evalList(args, 0, new Value[args.size()], env, vals -> {
            Value[] result = {null};
            mocks = Map.copyOf(without);
            try {
              List<Term> literalArgs = new ArrayList<>();
              for (Value v : vals) {
                literalArgs.add(new Term.Scalar(v, c.loc()));
              }
              evalCall(new Term.Call(replaced.name(), literalArgs, c.loc()), literalArgs.size(), env, r -> {
                result[0] = r;
                return true;
              });
            } finally {
              mocks = saved;
            }
            return result[0] != null && k.run(result[0]);
          });
        }
        if (!(mock instanceof Term.Call mc2 && mc2.name().equals(name))) {
          return evalList(args, 0, new Value[args.size()], env, vals -> evalTerm(mock, env, k));
        }
      }
    }
    Value[] acc = new Value[args.size()];
    if (singleValues(args, acc, env)) {
      // The usual call (constants and bound variables): no continuation, and acc is this call's alone.
      return applyCall(c, java.util.Arrays.asList(acc), k);
    }
    return evalList(args, 0, acc, env, new ListK() {
      @Override
      public boolean run(List<Value> vals) { return applyCall(c, vals, k); }
    });
  }

  /**
   * Fills {@code acc} with the values of {@code ts} when each is a constant or a bound variable
   * (exactly the one value {@link #evalTerm} would give); false when one is not.
   */
  private static boolean singleValues(List<Term> ts, Value[] acc, Env env) {
    for (int i = 0; i < ts.size(); i++) {
      Term t = ts.get(i);
      Value single = t instanceof Term.Scalar s ? s.value() : t instanceof Term.Var v ? env.get(v.name()) : null;
      if (single == null) {
        return false;
      }
      acc[i] = single;
    }
    return true;
  }

  /** Calls {@code c}'s function or built-in on the argument values {@code vals}, calling k with each result. */
  private boolean applyCall(Term.Call c, List<Value> vals, VK k) {
    String name = c.name();
    if (name.equals("internal.member_2")) {
      return k.run(BoolValue.of(member(vals.get(0), vals.get(1))));
    }
    if (name.equals("internal.member_3")) {
      Value found = lookup(vals.get(2), vals.get(0));
      return k.run(BoolValue.of(found != null && !(vals.get(2) instanceof SetValue) && found.equals(vals.get(1))));
    }
    if (name.startsWith("data.")) {
      Value r = callFunction(name, vals, c.loc());
      return r != null && k.run(r);
    }
    Builtin b = callee(name) instanceof Builtin found ? found : null;
    if (b == null) {
      throw new RegoException(RegoException.TYPE, c.loc().file(), c.loc().line(), c.loc().column(), "undefined function " + name);
    }
    Value r = callBuiltin(b, vals, c.loc());
    if (r == null) {
      return false;
    }
    if (b.relation()) {
      if (!(r instanceof ArrayValue outs)) {
        return false;
      }
      for (Value o : outs) {
        if (k.run(o)) {
          return true;
        }
      }
      return false;
    }
    return k.run(r);
  }

  private static boolean member(Value x, Value coll) {
    if (coll instanceof SetValue s) {
      return s.contains(x);
    }
    if (coll instanceof ArrayValue a) {
      return a.elements().contains(x);
    }
    if (coll instanceof ObjectValue o) {
      return o.entries().containsValue(x);
    }
    return false;
  }

  private Value callBuiltin(Builtin b, List<Value> args, Loc loc) {
    String cacheKey = null;
    if (b.nondeterministic() && recorder != null) {
      recorder.uncacheable = true; // its result is not a read of the input
    }
    if (b.nondeterministic()) {
      cacheKey = b.name() + args;
      Value cached = nondeterministicResults.get(cacheKey);
      if (cached != null) {
        return cached == UNDEFINED_RESULT ? null : cached;
      }
    }
    Value r;
    try {
      r = b.call(context, args);
    } catch (BuiltinException e) {
      if (options.strictBuiltinErrors()) {
        throw new RegoException(e.kind() == BuiltinException.Kind.TYPE ? RegoException.EVAL_TYPE : RegoException.EVAL_BUILTIN,
            loc.file(), loc.line(), loc.column(), e.getMessage());
      }
      r = null;
    } catch (RegoException e) {
      throw e;
    } catch (StackOverflowError e) {
      throw e;
    } catch (RuntimeException e) {
      if (options.strictBuiltinErrors()) {
        throw new RegoException(RegoException.EVAL_BUILTIN, loc.file(), loc.line(), loc.column(),
            b.name() + ": " + e.getMessage());
      }
      r = null;
    }
    if (cacheKey != null) {
      nondeterministicResults.put(cacheKey, r == null ? UNDEFINED_RESULT : r);
    }
    return r;
  }

  /** The FunctionGroup or Builtin a name calls, looked up once per name instance. */
  private Object callee(String name) {
    Object found = callees.get(name);
    if (found == null) {
      FunctionGroup g = policy.functions().get(name);
      found = g != null ? g : policy.builtins().lookup(name).map(b -> (Object) b).orElse(NO_CALLEE);
      callees.put(name, found);
    }
    return found;
  }

  private Value callFunction(String name, List<Value> args, Loc loc) {
    FunctionGroup g = callee(name) instanceof FunctionGroup found ? found : null;
    if (g == null) {
      throw new RegoException(RegoException.TYPE, loc.file(), loc.line(), loc.column(), "undefined function " + name);
    }
    CallMemo cache = options.optimise() ? callMemo(g) : null;
    Object key = cache == null ? null : CallMemo.keyOf(args);
    boolean incremental = options.optimise() && incremental();
    Value cached = cache == null ? null : cache.get(key);
    if (cached != null) {
      if (incremental && recorder != null) {
        Map<Object, IncrementalCache.Reads> reads = memo.shared.callReads.get(g);
        recorder.include(reads == null ? null : reads.get(key));
      }
      return cached == UNDEFINED_RESULT ? null : cached;
    }
    if (!functionsInProgress.add(g)) {
      throw new RegoException(RegoException.RECURSION, loc.file(), loc.line(), loc.column(),
          "function " + name + " is recursive");
    }
    Value result;
    // What the call reads is kept with its result, for every later caller that gets it from the memo.
    IncrementalCache.Recorder outer = recorder;
    IncrementalCache.Recorder mine = incremental ? new IncrementalCache.Recorder() : outer;
    recorder = mine;
    try {
      result = evalFunctionGroup(g, args);
    } finally {
      functionsInProgress.remove(g);
      recorder = outer;
    }
    if (incremental) {
      IncrementalCache.Reads reads = mine.freeze();
      memo.shared.callReads.computeIfAbsent(g, x -> new java.util.concurrent.ConcurrentHashMap<>()).put(key, reads);
      if (outer != null) {
        outer.include(reads);
      }
    }
    if (cache != null) {
      cache.put(key, result == null ? UNDEFINED_RESULT : result);
    }
    return result;
  }

  /** The memo of {@code g}'s calls in this scope; looked up by identity in the scope's own table first. */
  private CallMemo callMemo(FunctionGroup g) {
    CallMemo found = memo.callMemos.get(g);
    if (found == null) {
      found = memo.calls.computeIfAbsent(g, n -> new CallMemo(memo.shared != null));
      memo.callMemos.put(g, found);
    }
    return found;
  }

  private Value evalFunctionGroup(FunctionGroup g, List<Value> args) {
    Value result = null;
    for (CompiledRule def : g.definitions) {
      Value v = evalFunctionDefinition(def, args);
      if (v != null) {
        if (result != null && !result.equals(v)) {
          throw conflict(def.loc(), "functions must not produce multiple outputs for same inputs");
        }
        result = v;
      }
    }
    if (result == null && g.defaultDefinition != null) {
      result = firstValue(g.defaultDefinition.value(), new Env(null));
    }
    return result;
  }

  private Value evalFunctionDefinition(CompiledRule def, List<Value> args) {
    Value[] found = {null};
    Env env = new Env(null);
    boolean constant = def.value() instanceof Term.Scalar;
    VK output = new VK() {
      @Override
      public boolean run(Value v) {
        if (found[0] != null && !found[0].equals(v)) {
          throw conflict(def.loc(), "functions must not produce multiple outputs for same inputs");
        }
        found[0] = v;
        return constant;
      }
    };
    unifyValueList(def.args(), args, 0, env, new K() {
      @Override
      public boolean run() {
        return evalBody(def.body(), 0, env, new K() {
          @Override
          public boolean run() { return evalTerm(def.value(), env, output); }
        });
      }
    });
    if (found[0] == null && def.elseRule() != null) {
      return evalFunctionDefinition(new CompiledRule(def.elseRule().loc(), List.of(), def.args(), def.elseRule().value(),
          false, false, def.elseRule().body(), def.elseRule().elseRule()), args);
    }
    return found[0];
  }

  private boolean print(Term.Call c, Env env) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < c.args().size(); i++) {
      List<Value> vals = new ArrayList<>();
      try {
        evalTerm(c.args().get(i), env, v -> {
          vals.add(v);
          return false;
        });
      } catch (RegoException e) {
        if (!e.code().equals(RegoException.UNSAFE_VAR)) {
          throw e;
        }
      }
      if (i > 0) {
        sb.append(' ');
      }
      if (vals.isEmpty()) {
        sb.append("<undefined>");
      } else {
        for (int j = 0; j < vals.size(); j++) {
          if (j > 0) {
            sb.append(' ');
          }
          Value v = vals.get(j);
          sb.append(v instanceof StringValue s ? s.value() : v.toString());
        }
      }
    }
    options.print().accept(sb.toString());
    return true;
  }

  // ---------------------------------------------------------------- unification

  private boolean runtimeReady(Term t, Env env) {
    if (t instanceof Term.Scalar) {
      return true;
    }
    if (t instanceof Term.Var v) {
      return env.get(v.name()) != null || v.name().equals("input") || v.name().equals("data");
    }
    if (t instanceof Term.Ref r) {
      if (!runtimeReady(r.head(), env)) {
        return false;
      }
      List<Term> path = r.path();
      for (int i = 0; i < path.size(); i++) {
        Term p = path.get(i);
        if (!(p instanceof Term.Var) && !(p instanceof Term.ArrayLit) && !(p instanceof Term.ObjectLit) && !runtimeReady(p, env)) {
          return false;
        }
      }
      return true;
    }
    if (t instanceof Term.Call c) {
      return allRuntimeReady(c.args(), env);
    }
    if (t instanceof Term.ArrayLit a) {
      return allRuntimeReady(a.items(), env);
    }
    if (t instanceof Term.SetLit s) {
      return allRuntimeReady(s.items(), env);
    }
    if (t instanceof Term.ObjectLit o) {
      return allRuntimeReady(o.keys(), env) && allRuntimeReady(o.values(), env);
    }
    return true;
  }

  // An index loop: asked at every unification, where an iterator or a stream per list was a good
  // part of what an evaluation allocated (the term lists are the parser's array-backed lists).
  private boolean allRuntimeReady(List<Term> terms, Env env) {
    for (int i = 0; i < terms.size(); i++) {
      if (!runtimeReady(terms.get(i), env)) {
        return false;
      }
    }
    return true;
  }

  private boolean unifyTerms(Term a, Term b, Env env, K k) {
    if (runtimeReady(a, env)) {
      return evalTerm(a, env, new UnifyWith(this, b, env, k));
    }
    if (runtimeReady(b, env)) {
      return evalTerm(b, env, new UnifyWith(this, a, env, k));
    }
    if (a instanceof Term.ArrayLit x && b instanceof Term.ArrayLit y) {
      return x.items().size() == y.items().size() && unifyPairs(x.items(), y.items(), 0, env, k);
    }
    if (a instanceof Term.ObjectLit x && b instanceof Term.ObjectLit y && x.keys().size() == y.keys().size()) {
      List<Term> xs = new ArrayList<>();
      List<Term> ys = new ArrayList<>();
      for (int i = 0; i < x.keys().size(); i++) {
        int j = keyIndex(y.keys(), x.keys().get(i), env);
        if (j < 0) {
          return false;
        }
        xs.add(x.values().get(i));
        ys.add(y.values().get(j));
      }
      return unifyPairs(xs, ys, 0, env, k);
    }
    Loc loc = a.loc();
    throw new RegoException(RegoException.UNSAFE_VAR, loc.file(), loc.line(), loc.column(),
        "cannot unify two unbound terms");
  }

  /** Where an object literal has the key: keys are compared by value, not by source location. */
  private int keyIndex(List<Term> keys, Term key, Env env) {
    Value wanted = firstValue(key, env);
    for (int i = 0; i < keys.size(); i++) {
      if (wanted != null && wanted.equals(firstValue(keys.get(i), env))) {
        return i;
      }
    }
    return -1;
  }

  private boolean unifyPairs(List<Term> xs, List<Term> ys, int i, Env env, K k) {
    if (i == xs.size()) {
      return k.run();
    }
    return unifyTerms(xs.get(i), ys.get(i), env, new K() {
      @Override
      public boolean run() { return unifyPairs(xs, ys, i + 1, env, k); }
    });
  }

  boolean unifyValue(Term p, Value v, Env env, K k) {
    if (p instanceof Term.Var var) {
      Value cur = env.get(var.name());
      if (cur != null) {
        return cur.equals(v) && k.run();
      }
      if (var.name().equals("input") || var.name().equals("data")) {
        Value root = firstValue(var, env);
        return root != null && root.equals(v) && k.run();
      }
      Object prev = env.put(var.name(), v);
      try {
        return k.run();
      } finally {
        env.restore(var.name(), prev);
      }
    }
    if (p instanceof Term.Scalar s) {
      return s.value().equals(v) && k.run();
    }
    if (p instanceof Term.ArrayLit a && !runtimeReady(p, env)) {
      return v instanceof ArrayValue av && av.size() == a.items().size()
          && unifyValueList(a.items(), av.elements(), 0, env, k);
    }
    if (p instanceof Term.ObjectLit o && !runtimeReady(p, env)) {
      if (!(v instanceof ObjectValue ov) || ov.size() != o.keys().size()) {
        return false;
      }
      List<Value> vals = new ArrayList<>();
      for (Term kt : o.keys()) {
        Value key = firstValue(kt, env);
        Value val = key == null ? null : ov.get(key);
        if (val == null) {
          return false;
        }
        vals.add(val);
      }
      return unifyValueList(o.values(), vals, 0, env, k);
    }
    return evalTerm(p, env, new VK() {
      @Override
      public boolean run(Value pv) { return pv.equals(v) && k.run(); }
    });
  }

  private boolean unifyValueList(List<Term> ps, List<Value> vs, int i, Env env, K k) {
    if (i == ps.size()) {
      return k.run();
    }
    return unifyValue(ps.get(i), vs.get(i), env, new K() {
      @Override
      public boolean run() { return unifyValueList(ps, vs, i + 1, env, k); }
    });
  }
}
