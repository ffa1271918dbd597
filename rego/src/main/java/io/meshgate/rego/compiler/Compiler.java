package io.meshgate.rego.compiler;

import io.meshgate.rego.RegoException;
import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Loc;
import io.meshgate.rego.ast.Module;
import io.meshgate.rego.ast.Rule;
import io.meshgate.rego.ast.Term;
import io.meshgate.rego.builtins.Builtin;
import io.meshgate.rego.builtins.BuiltinTable;
import io.meshgate.rego.value.StringValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns parsed modules into a {@link Policy}: resolves names (rules of the package, imports,
 * built-ins), checks safety and reorders bodies so every variable is bound before it is needed.
 */
public final class Compiler {
  /** Calls the evaluator implements itself rather than through the built-in table. */
  public static final Set<String> LANGUAGE_CALLS = Set.of("print", "internal.member_2", "internal.member_3",
      "internal.print");

  private final BuiltinTable builtins;
  private final RuleNode root = new RuleNode(List.of());
  private final Map<String, FunctionGroup> functions = new TreeMap<>();
  private final Map<String, Set<String>> packageNames = new HashMap<>();

  private Compiler(BuiltinTable builtins) { this.builtins = builtins; }

  // METADATA annotations by scope: document (by rule path), package and subpackages (by package)
  private final Map<String, io.meshgate.rego.value.Value> documentAnnotations = new HashMap<>();
  private final Map<String, io.meshgate.rego.value.Value> packageAnnotations = new HashMap<>();
  private final Map<String, io.meshgate.rego.value.Value> subpackagesAnnotations = new HashMap<>();
  /** What rego.metadata.chain() and rego.metadata.rule() are in the rule being compiled. */
  private io.meshgate.rego.value.Value metadataChain = io.meshgate.rego.value.ArrayValue.EMPTY;
  private io.meshgate.rego.value.Value metadataRule = io.meshgate.rego.value.ObjectValue.EMPTY;

  public static Policy compile(List<Module> modules, BuiltinTable builtins) {
    Compiler c = new Compiler(builtins);
    c.declare(modules);
    c.indexAnnotations(modules);
    for (Module m : modules) {
      c.compileModule(m);
    }
    c.checkRuleKinds(c.root);
    new RecursionCheck(c.root, c.functions).run();
    RuleIndex.build(c.root);
    return new Policy(c.root, Map.copyOf(c.functions), builtins,
        java.util.Collections.unmodifiableMap(c.comprehensionIndexes));
  }

  /** One path must not mix complete, partial set and partial object definitions, or be a function too. */
  private void checkRuleKinds(RuleNode node) {
    Set<String> kinds = new java.util.TreeSet<>();
    for (CompiledRule r : node.rules) {
      kinds.add(!r.keys().isEmpty() ? "object" : r.multi() ? "set" : "complete");
    }
    if (node.defaultRule != null) {
      kinds.add("complete");
    }
    if (!node.keyedDefaults.isEmpty()) {
      kinds.add("object");
    }
    String path = "data." + String.join(".", node.path);
    if (kinds.size() > 1 || (!kinds.isEmpty() && functions.containsKey(path))) {
      CompiledRule r = node.rules.isEmpty() ? node.defaultRule : node.rules.get(0);
      Loc loc = r != null ? r.loc() : null;
      throw new RegoException(RegoException.TYPE, loc == null ? null : loc.file(), loc == null ? 0 : loc.line(),
          loc == null ? 0 : loc.column(), "conflicting rules " + path + " found ("
          + (functions.containsKey(path) ? "function and rule" : String.join(" and ", kinds)) + " definitions)");
    }
    for (RuleNode child : node.children.values()) {
      checkRuleKinds(child);
    }
  }

  /** Compiles an ad-hoc query (no package: only data, input and built-ins are known). */
  public static List<Literal> compileQuery(Policy policy, List<Literal> query) {
    Compiler c = new Compiler(policy.builtins());
    c.functions.putAll(policy.functions());
    Scope scope = new Scope(List.of(), Set.of(), Map.of(), new HashSet<>(), "query", false);
    collectDeclared(query, scope.declared);
    List<Literal> resolved = c.resolveBody(query, scope);
    c.checkAssignedBeforeUse(resolved, new HashSet<>());
    return c.reorder(resolved, new HashSet<>(), new HashSet<>()).body;
  }

  // ---------------------------------------------------------------- declaration pass

  private void declare(List<Module> modules) {
    for (Module m : modules) {
      Set<String> names = packageNames.computeIfAbsent(String.join(".", m.packagePath()), k -> new HashSet<>());
      for (Rule r : m.rules()) {
        if (m.strict() && (r.name().equals("data") || r.name().equals("input"))) {
          throw new RegoException(RegoException.COMPILE, m.file(), r.loc().line(), r.loc().column(),
              r.name() + " cannot be shadowed by a rule");
        }
        names.add(r.name());
        if (r.isFunction()) {
          String path = functionPath(m, r);
          FunctionGroup g = functions.computeIfAbsent(path, FunctionGroup::new);
          if (g.arity >= 0 && g.arity != r.args().size()) {
            throw new RegoException(RegoException.TYPE, m.file(), r.loc().line(), r.loc().column(),
                "function " + path + " has arity " + g.arity + ", got argument count " + r.args().size());
          }
          g.arity = r.args().size();
        }
      }
    }
  }

  private static String functionPath(Module m, Rule r) {
    StringBuilder sb = new StringBuilder("data");
    for (String p : m.packagePath()) {
      sb.append('.').append(p);
    }
    for (Term t : r.ref()) {
      if (t instanceof Term.Var v) {
        sb.append('.').append(v.name());
      } else if (t instanceof Term.Scalar s && s.value() instanceof StringValue str) {
        sb.append('.').append(str.value());
      } else {
        throw new RegoException(RegoException.PARSE, m.file(), r.loc().line(), r.loc().column(),
            "function names must be plain references");
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- rules

  /** {@code strict}: the module must be v1, so OPA's deprecated built-ins are refused. */
  record Scope(List<String> pkg, Set<String> ruleNames, Map<String, Term> imports, Set<String> declared,
      String file, boolean strict) {}

  private void compileModule(Module m) {
    Map<String, Term> imports = new HashMap<>();
    for (Module.Import imp : m.imports()) {
      String root0 = imp.path().get(0);
      if (!root0.equals("data") && !root0.equals("input")) {
        continue;
      }
      String alias = imp.alias() != null ? imp.alias() : imp.path().get(imp.path().size() - 1);
      if (imports.containsKey(alias)) {
        throw new RegoException(RegoException.COMPILE, m.file(), imp.loc().line(), imp.loc().column(),
            "import must not shadow import " + alias);
      }
      if (alias.equals("input") && imp.path().size() > 1 || alias.equals("data") && imp.path().size() > 1) {
        throw new RegoException(RegoException.COMPILE, m.file(), imp.loc().line(), imp.loc().column(),
            "import alias must not be " + alias);
      }
      Term head = new Term.Var(root0, imp.loc());
      List<Term> path = new ArrayList<>();
      for (String p : imp.path().subList(1, imp.path().size())) {
        path.add(new Term.Scalar(new StringValue(p), imp.loc()));
      }
      imports.put(alias, path.isEmpty() ? head : new Term.Ref(head, List.copyOf(path), imp.loc()));
    }
    Set<String> names = packageNames.get(String.join(".", m.packagePath()));
    RuleNode pkgNode = root;
    for (String p : m.packagePath()) {
      pkgNode = pkgNode.child(p);
    }
    for (Rule r : m.rules()) {
      compileRule(m, r, names, imports);
    }
  }

  private void indexAnnotations(List<Module> modules) {
    for (Module m : modules) {
      String pkg = String.join(".", m.packagePath());
      io.meshgate.rego.value.Value p = m.annotations().pkg();
      if (p != null) {
        (scopeOf(p).equals("subpackages") ? subpackagesAnnotations : packageAnnotations).putIfAbsent(pkg, p);
      }
      for (Rule r : m.rules()) {
        io.meshgate.rego.value.Value a = m.annotations().rules().get(r);
        if (a != null && scopeOf(a).equals("document")) {
          documentAnnotations.putIfAbsent(String.join(".", annotationPath(m, r)), a);
        }
      }
    }
  }

  private static String scopeOf(io.meshgate.rego.value.Value annotation) {
    return ((StringValue) ((io.meshgate.rego.value.ObjectValue) annotation).get("scope")).value();
  }

  /** The package path and the ground (string) prefix of the rule's reference. */
  private static List<String> annotationPath(Module m, Rule r) {
    List<String> path = new ArrayList<>(m.packagePath());
    path.add(r.name());
    for (int i = 1; i < r.ref().size(); i++) {
      if (r.ref().get(i) instanceof Term.Scalar sc && sc.value() instanceof StringValue str) {
        path.add(str.value());
      } else {
        break;
      }
    }
    return path;
  }

  private static io.meshgate.rego.value.Value chainEntry(List<String> path, io.meshgate.rego.value.Value annotations) {
    Map<io.meshgate.rego.value.Value, io.meshgate.rego.value.Value> m = new java.util.LinkedHashMap<>();
    m.put(new StringValue("path"), io.meshgate.rego.value.Value.of(path));
    if (annotations != null) {
      m.put(new StringValue("annotations"), annotations);
    }
    return io.meshgate.rego.value.ObjectValue.of(m);
  }

  /**
   * OPA's annotation chain of a rule: its own rule-scoped annotation (or just its path), the
   * document-scoped one of its path, its package's, then subpackages-scoped ones upwards.
   */
  private void enterRuleMetadata(Module m, Rule r) {
    io.meshgate.rego.value.Value own = m.annotations().rules().get(r);
    if (own != null && !scopeOf(own).equals("rule")) {
      own = null;
    }
    List<String> path = annotationPath(m, r);
    List<io.meshgate.rego.value.Value> chain = new ArrayList<>();
    chain.add(chainEntry(path, own));
    io.meshgate.rego.value.Value doc = documentAnnotations.get(String.join(".", path));
    if (doc != null) {
      chain.add(chainEntry(path, doc));
    }
    io.meshgate.rego.value.Value pkg = packageAnnotations.get(String.join(".", m.packagePath()));
    if (pkg != null) {
      chain.add(chainEntry(m.packagePath(), pkg));
    }
    for (int n = m.packagePath().size(); n >= 0; n--) {
      List<String> prefix = m.packagePath().subList(0, n);
      io.meshgate.rego.value.Value sub = subpackagesAnnotations.get(String.join(".", prefix));
      if (sub != null) {
        chain.add(chainEntry(prefix, sub));
      }
    }
    metadataChain = io.meshgate.rego.value.ArrayValue.of(chain);
    metadataRule = own != null ? own : io.meshgate.rego.value.ObjectValue.EMPTY;
  }

  private void compileRule(Module m, Rule r, Set<String> names, Map<String, Term> imports) {
    enterRuleMetadata(m, r);
    CompiledRule compiled;
    try {
      compiled = compileDefinition(m, r, names, imports, r.args());
    } finally {
      metadataChain = io.meshgate.rego.value.ArrayValue.EMPTY;
      metadataRule = io.meshgate.rego.value.ObjectValue.EMPTY;
    }
    if (r.isFunction()) {
      FunctionGroup g = functions.get(functionPath(m, r));
      if (r.isDefault()) {
        if (g.defaultDefinition != null) {
          throw error(m, r.loc(), RegoException.COMPILE, "multiple default rules " + g.path + " found");
        }
        g.defaultDefinition = compiled;
      } else {
        g.definitions.add(compiled);
      }
      // the path above a ref-head function is part of the package's extent, as an (empty) object
      RuleNode n = root;
      for (String p : m.packagePath()) {
        n = n.child(p);
      }
      for (int i = 0; i < r.ref().size() - 1; i++) {
        Term t = r.ref().get(i);
        n = n.child(t instanceof Term.Var v ? v.name() : ((StringValue) ((Term.Scalar) t).value()).value());
      }
      return;
    }
    RuleNode node = root;
    for (String p : m.packagePath()) {
      node = node.child(p);
    }
    node = node.child(r.name());
    int i = 1;
    for (; i < r.ref().size(); i++) {
      Term t = r.ref().get(i);
      if (t instanceof Term.Scalar s && s.value() instanceof StringValue str) {
        node = node.child(str.value());
      } else {
        break;
      }
    }
    List<Term> keys = compiled.keys().subList(i - 1, compiled.keys().size());
    CompiledRule placed = new CompiledRule(compiled.loc(), List.copyOf(keys), null, compiled.value(),
        compiled.multi(), compiled.isDefault(), compiled.body(), compiled.elseRule());
    if (r.isDefault() && !keys.isEmpty()) {
      if (!keys.stream().allMatch(k -> k instanceof Term.Scalar)) {
        throw error(m, r.loc(), RegoException.COMPILE, "default rules must not have variables in their reference");
      }
      node.keyedDefaults.add(placed);
    } else if (r.isDefault()) {
      if (node.defaultRule != null) {
        throw error(m, r.loc(), RegoException.COMPILE, "multiple default rules " + String.join(".", node.path) + " found");
      }
      if (!keys.stream().allMatch(k -> k instanceof Term.Scalar)) {
        throw error(m, r.loc(), RegoException.COMPILE, "default rules must not have variables in their reference");
      }
      node.defaultRule = placed;
    } else {
      node.rules.add(placed);
    }
  }

  private CompiledRule compileDefinition(Module m, Rule r, Set<String> names, Map<String, Term> imports,
      List<Term> args) {
    if (args != null && args.stream().anyMatch(a -> a instanceof Term.Call)) {
      // a call as an argument pattern (e.g. a template string) may use variables the body binds:
      // match the argument with a fresh variable and compare it with the call's value in the body
      List<Term> plainArgs = new ArrayList<>();
      List<Literal> body = new ArrayList<>(r.body());
      for (Term a : args) {
        if (a instanceof Term.Call) {
          Term.Var v = new Term.Var("__fnarg" + (renameCounter++) + "__", a.loc());
          plainArgs.add(v);
          body.add(new Literal(false, new Expr.Unify(v, a), List.of(), a.loc()));
        } else {
          plainArgs.add(a);
        }
      }
      Rule rewritten = new Rule(r.loc(), r.ref(), List.copyOf(plainArgs), r.value(), r.multi(), r.isDefault(),
          List.copyOf(body), r.elseRule());
      return compileDefinition(m, rewritten, names, imports, rewritten.args());
    }
    Set<String> declared = new HashSet<>();
    if (args != null) {
      for (Term a : args) {
        collectAllVars(a, declared);
      }
    }
    collectDeclared(r.body(), declared);
    List<Term> headTerms = new ArrayList<>(r.ref().subList(1, r.ref().size()));
    headTerms.add(r.value());
    for (Term h : headTerms) {
      forEachComprehensionBody(new Literal(false, new Expr.TermExpr(h), List.of(), r.loc()),
          b -> collectDeclared(b, declared));
    }
    Scope scope = new Scope(m.packagePath(), names, imports, declared, m.file(), m.strict());
    capturingNegation = capturesNegation(m);
    if (r.isDefault()) {
      Set<String> vars = new HashSet<>();
      collectSurfaceVars(r.value(), vars);
      if (containsRefOrCall(r.value())) {
        throw error(m, r.loc(), RegoException.COMPILE, "invalid `ref` in default value: default rule values must be constant");
      }
      if (!vars.isEmpty()) {
        throw error(m, r.loc(), RegoException.COMPILE, "invalid `var` in default value: default rule values must be constant");
      }
    }
    List<Term> resolvedArgs = null;
    Set<String> bound = new HashSet<>();
    if (args != null) {
      resolvedArgs = new ArrayList<>();
      for (Term a : args) {
        Term ra = resolve(a, scope);
        resolvedArgs.add(ra);
        collectPatternVars(ra, bound);
      }
    }
    List<Literal> body = resolveBody(r.body(), scope);
    checkAssignedBeforeUse(body, new HashSet<>(bound));
    BodyResult reordered;
    try {
      reordered = reorder(body, bound, new HashSet<>(bound));
    } catch (RegoException e) {
      throw e;
    }
    List<Term> keys = new ArrayList<>();
    for (int i = 1; i < r.ref().size(); i++) {
      keys.add(resolve(r.ref().get(i), scope));
    }
    Term value = resolve(r.value(), scope);
    if (value != null) {
      TypeCheck.checkHead(body, value, scope.file());
    }
    Set<String> headVars = new LinkedHashSet<>();
    // variables in reference keys of the head iterate (OPA moves them into the body)
    for (Term k : keys) {
      inputVars(k, headVars, Set.of());
    }
    inputVars(value, headVars, Set.of());
    headVars.remove("data");
    headVars.remove("input");
    for (String v : headVars) {
      if (!reordered.bound.contains(v)) {
        throw error(m, r.loc(), RegoException.UNSAFE_VAR, "var " + display(v) + " is unsafe");
      }
    }
    value = rewriteNested(value, reordered.bound, reordered.bound);
    CompiledRule elseRule = null;
    if (r.elseRule() != null) {
      CompiledRule e = compileDefinition(m, r.elseRule(), names, imports, args);
      elseRule = new CompiledRule(e.loc(), List.of(), e.args(), e.value(), false, false, e.body(), e.elseRule());
    }
    return new CompiledRule(r.loc(), keys, resolvedArgs, value, r.multi(), r.isDefault(), reordered.body, elseRule);
  }

  private static boolean containsRefOrCall(Term t) {
    if ((t) instanceof Term.Ref r) { return true; }
    else if ((t) instanceof Term.Call c) { return true; }
    else if ((t) instanceof Term.ArrayLit a) { return a.items().stream().anyMatch(Compiler::containsRefOrCall); }
    else if ((t) instanceof Term.SetLit s) { return s.items().stream().anyMatch(Compiler::containsRefOrCall); }
    else if ((t) instanceof Term.ObjectLit o) { return o.keys().stream().anyMatch(Compiler::containsRefOrCall)
          || o.values().stream().anyMatch(Compiler::containsRefOrCall); }
    else { return false; }
  }

  /** OPA rejects a variable used in a body before the expression that assigns it with {@code :=}. */
  private void checkAssignedBeforeUse(List<Literal> body, Set<String> seen) {
    Set<String> used = new HashSet<>();
    for (Literal l : body) {
      if (l.expr() instanceof Expr.Assign a) {
        Set<String> lhs = new HashSet<>();
        collectPatternVars(a.left(), lhs);
        for (String v : lhs) {
          if (v.equals("input") || v.equals("data")) {
            throw new RegoException(RegoException.COMPILE, l.loc().file(), l.loc().line(), l.loc().column(),
                "variables must not shadow " + v + " (use a different variable name)");
          }
          if (used.contains(v) && !v.startsWith("_$")) {
            throw new RegoException(RegoException.COMPILE, l.loc().file(), l.loc().line(), l.loc().column(),
                "var " + v + " referenced above");
          }
          if (seen.contains(v) && !v.startsWith("_$")) {
            throw new RegoException(RegoException.COMPILE, l.loc().file(), l.loc().line(), l.loc().column(),
                "var " + v + " assigned above");
          }
        }
        seen.addAll(lhs);
        Set<String> rhs = new HashSet<>();
        collectSurfaceVars(a.right(), rhs);
        used.addAll(rhs);
      } else if (l.expr() instanceof Expr.SomeIn || l.expr() instanceof Expr.SomeDecl) {
        Set<String> declared = new HashSet<>();
        collectDeclared(List.of(l), declared);
        for (String v : declared) {
          if ((used.contains(v) || seen.contains(v)) && !v.startsWith("_$")) {
            throw new RegoException(RegoException.COMPILE, l.loc().file(), l.loc().line(), l.loc().column(),
                "var " + v + " referenced above");
          }
        }
        seen.addAll(declared);
        Set<String> vs = new HashSet<>();
        collectLiteralSurfaceVars(l, vs);
        vs.removeAll(declared);
        used.addAll(vs);
      } else {
        Set<String> vs = new HashSet<>();
        collectLiteralSurfaceVars(l, vs);
        used.addAll(vs);
      }
    }
  }

  private static RegoException error(Module m, Loc loc, String code, String msg) {
    return new RegoException(code, m.file(), loc.line(), loc.column(), msg);
  }

  static String display(String var) { return var.startsWith("_$") ? "_" : var; }

  // ---------------------------------------------------------------- name resolution

  static void collectDeclared(List<Literal> body, Set<String> out) {
    for (Literal l : body) {
      if ((l.expr()) instanceof Expr.SomeDecl s) { s.vars().forEach(v -> out.add(v.name())); }
      else if ((l.expr()) instanceof Expr.Assign a) { collectPatternVars(a.left(), out); }
      else if ((l.expr()) instanceof Expr.SomeIn s) {
          if (s.key() != null) {
            collectPatternVars(s.key(), out);
          }
          collectPatternVars(s.value(), out);
        }
      else if ((l.expr()) instanceof Expr.Every e) {
          if (e.key() != null) {
            collectPatternVars(e.key(), out);
          }
          collectPatternVars(e.value(), out);
          collectDeclared(e.body(), out);
        }
      else { }
      forEachComprehensionBody(l, b -> collectDeclared(b, out));
    }
  }

  private static void forEachComprehensionBody(Literal l, java.util.function.Consumer<List<Literal>> f) {
    java.util.function.Consumer<Term> visit = new java.util.function.Consumer<>() {
      @Override
      public void accept(Term t) {
        if ((t) instanceof Term.ArrayCompr c) { f.accept(c.body()); accept(c.head()); }
        else if ((t) instanceof Term.SetCompr c) { f.accept(c.body()); accept(c.head()); }
        else if ((t) instanceof Term.ObjectCompr c) { f.accept(c.body()); accept(c.key()); accept(c.value()); }
        else if ((t) instanceof Term.Ref r) { accept(r.head()); r.path().forEach(this); }
        else if ((t) instanceof Term.Call c) { c.args().forEach(this); }
        else if ((t) instanceof Term.ArrayLit a) { a.items().forEach(this); }
        else if ((t) instanceof Term.SetLit s) { s.items().forEach(this); }
        else if ((t) instanceof Term.ObjectLit o) { o.keys().forEach(this); o.values().forEach(this); }
        else { }
      }
    };
    exprTerms(l.expr()).forEach(visit);
  }

  private static List<Term> exprTerms(Expr e) {
    List<Term> out = new ArrayList<>();
    if ((e) instanceof Expr.TermExpr t) { out.add(t.term()); }
    else if ((e) instanceof Expr.Unify u) { out.add(u.left()); out.add(u.right()); }
    else if ((e) instanceof Expr.Assign a) { out.add(a.left()); out.add(a.right()); }
    else if ((e) instanceof Expr.SomeDecl s) { }
    else if ((e) instanceof Expr.SomeIn s) {
        if (s.key() != null) {
          out.add(s.key());
        }
        out.add(s.value());
        out.add(s.collection());
      }
    else if ((e) instanceof Expr.Every ev) { out.add(ev.domain()); }
    return out;
  }

  private int renameCounter;

  /**
   * A variable declared with {@code :=} or {@code some} is in scope only after its declaration: a
   * comprehension written before it has its own variable of that name, so rename it there.
   */
  private List<Literal> scopeComprehensionVars(List<Literal> body) {
    List<Set<String>> declaredAt = new ArrayList<>();
    for (Literal l : body) {
      Set<String> d = new HashSet<>();
      collectDeclared(List.of(l), d);
      declaredAt.add(d);
    }
    List<Literal> out = new ArrayList<>(body.size());
    Set<String> before = new HashSet<>();
    for (int i = 0; i < body.size(); i++) {
      Set<String> later = new HashSet<>();
      for (int j = i + 1; j < body.size(); j++) {
        later.addAll(declaredAt.get(j));
      }
      later.removeAll(before);
      Set<String> surface = new HashSet<>();
      collectLiteralSurfaceVars(body.get(i), surface);
      later.removeAll(surface);
      Literal l = body.get(i);
      if (!later.isEmpty()) {
        Map<String, String> renames = new HashMap<>();
        for (String v : later) {
          renames.put(v, v + "$c" + (renameCounter++));
        }
        l = renameInComprehensions(l, renames);
      }
      out.add(l);
      before.addAll(declaredAt.get(i));
      before.addAll(surface);
    }
    return out;
  }

  private Literal renameInComprehensions(Literal l, Map<String, String> renames) {
    java.util.function.UnaryOperator<Term> inCompr = t -> renameTerm(t, renames, false);
    Expr e = l.expr();
    Expr ne;
    if (e instanceof Expr.TermExpr t) {
      ne = new Expr.TermExpr(inCompr.apply(t.term()));
    } else if (e instanceof Expr.Unify u) {
      ne = new Expr.Unify(inCompr.apply(u.left()), inCompr.apply(u.right()));
    } else if (e instanceof Expr.Assign a) {
      ne = new Expr.Assign(a.left(), inCompr.apply(a.right()));
    } else if (e instanceof Expr.SomeIn in) {
      ne = new Expr.SomeIn(in.key(), in.value(), inCompr.apply(in.collection()));
    } else {
      ne = e;
    }
    return new Literal(l.negated(), ne, l.withs(), l.loc());
  }

  /** Renames variables; {@code all} is false outside comprehensions (only their insides are renamed). */
  private Term renameTerm(Term t, Map<String, String> renames, boolean all) {
    if (t instanceof Term.Var v) {
      return all && renames.containsKey(v.name()) ? new Term.Var(renames.get(v.name()), v.loc()) : v;
    }
    if (t instanceof Term.Ref r) {
      List<Term> path = new ArrayList<>();
      r.path().forEach(p -> path.add(renameTerm(p, renames, all)));
      return new Term.Ref(renameTerm(r.head(), renames, all), List.copyOf(path), r.loc());
    }
    if (t instanceof Term.Call c) {
      List<Term> args = new ArrayList<>();
      c.args().forEach(a -> args.add(renameTerm(a, renames, all)));
      return new Term.Call(c.name(), List.copyOf(args), c.loc());
    }
    if (t instanceof Term.ArrayLit a) {
      List<Term> items = new ArrayList<>();
      a.items().forEach(i -> items.add(renameTerm(i, renames, all)));
      return new Term.ArrayLit(List.copyOf(items), a.loc());
    }
    if (t instanceof Term.SetLit a) {
      List<Term> items = new ArrayList<>();
      a.items().forEach(i -> items.add(renameTerm(i, renames, all)));
      return new Term.SetLit(List.copyOf(items), a.loc());
    }
    if (t instanceof Term.ObjectLit o) {
      List<Term> ks = new ArrayList<>();
      List<Term> vs = new ArrayList<>();
      o.keys().forEach(i -> ks.add(renameTerm(i, renames, all)));
      o.values().forEach(i -> vs.add(renameTerm(i, renames, all)));
      return new Term.ObjectLit(List.copyOf(ks), List.copyOf(vs), o.loc());
    }
    if (t instanceof Term.ArrayCompr c) {
      return new Term.ArrayCompr(renameTerm(c.head(), renames, true), renameBody(c.body(), renames), c.loc());
    }
    if (t instanceof Term.SetCompr c) {
      return new Term.SetCompr(renameTerm(c.head(), renames, true), renameBody(c.body(), renames), c.loc());
    }
    if (t instanceof Term.ObjectCompr c) {
      return new Term.ObjectCompr(renameTerm(c.key(), renames, true), renameTerm(c.value(), renames, true),
          renameBody(c.body(), renames), c.loc());
    }
    return t;
  }

  private List<Literal> renameBody(List<Literal> body, Map<String, String> renames) {
    List<Literal> out = new ArrayList<>();
    for (Literal l : body) {
      Expr e = l.expr();
      Expr ne;
      if (e instanceof Expr.TermExpr t) {
        ne = new Expr.TermExpr(renameTerm(t.term(), renames, true));
      } else if (e instanceof Expr.Unify u) {
        ne = new Expr.Unify(renameTerm(u.left(), renames, true), renameTerm(u.right(), renames, true));
      } else if (e instanceof Expr.Assign a) {
        ne = new Expr.Assign(renameTerm(a.left(), renames, true), renameTerm(a.right(), renames, true));
      } else if (e instanceof Expr.SomeDecl d) {
        List<Term.Var> vs = new ArrayList<>();
        d.vars().forEach(v -> vs.add((Term.Var) renameTerm(v, renames, true)));
        ne = new Expr.SomeDecl(List.copyOf(vs));
      } else if (e instanceof Expr.SomeIn in) {
        ne = new Expr.SomeIn(in.key() == null ? null : renameTerm(in.key(), renames, true),
            renameTerm(in.value(), renames, true), renameTerm(in.collection(), renames, true));
      } else {
        Expr.Every ev = (Expr.Every) e;
        ne = new Expr.Every(ev.key() == null ? null : renameTerm(ev.key(), renames, true),
            renameTerm(ev.value(), renames, true), renameTerm(ev.domain(), renames, true),
            renameBody(ev.body(), renames));
      }
      List<Literal.With> withs = new ArrayList<>();
      for (Literal.With w : l.withs()) {
        withs.add(new Literal.With(w.target(), renameTerm(w.value(), renames, true), w.loc()));
      }
      out.add(new Literal(l.negated(), ne, List.copyOf(withs), l.loc()));
    }
    return out;
  }

  List<Literal> resolveBody(List<Literal> rawBody, Scope s) {
    List<Literal> body = scopeComprehensionVars(rawBody);
    List<Literal> out = new ArrayList<>(body.size());
    for (Literal l : body) {
      Expr e;
      if ((l.expr()) instanceof Expr.TermExpr t) {
        // only a call written as a whole expression may carry an output argument: count(xs, n)
        e = new Expr.TermExpr(t.term() instanceof Term.Call c && !c.name().startsWith("rego.metadata.")
            && zeroArgumentRule(c, s) == null
            ? new Term.Call(resolveCall(c, s, true), resolveAll(c.args(), s), c.loc()) : resolve(t.term(), s));
      }
      else if ((l.expr()) instanceof Expr.Unify u) { e = new Expr.Unify(resolve(u.left(), s), resolve(u.right(), s)); }
      else if ((l.expr()) instanceof Expr.Assign a) {
          if (!(a.left() instanceof Term.Var || a.left() instanceof Term.ArrayLit || a.left() instanceof Term.ObjectLit)) {
            throw new RegoException(RegoException.PARSE, s.file(), l.loc().line(), l.loc().column(),
                "cannot assign to " + describe(a.left()));
          }
          checkArrayArity(a.left(), a.right(), l, s);
          e = new Expr.Assign(resolve(a.left(), s), resolve(a.right(), s));
        }
      else if ((l.expr()) instanceof Expr.SomeDecl d) { e = d; }
      else if ((l.expr()) instanceof Expr.SomeIn in) { e = new Expr.SomeIn(in.key() == null ? null : resolve(in.key(), s),
            resolve(in.value(), s), resolve(in.collection(), s)); }
      else if ((l.expr()) instanceof Expr.Every ev) { e = new Expr.Every(ev.key(), ev.value(), resolve(ev.domain(), s), resolveBody(ev.body(), s)); }
      else { throw new IllegalStateException(); }
      if (l.expr() instanceof Expr.Unify u) {
        checkArrayArity(u.left(), u.right(), l, s);
      }
      List<Literal.With> withs = new ArrayList<>();
      for (Literal.With w : l.withs()) {
        withs.add(new Literal.With(resolveWithTarget(w, s), resolveWithValue(w.value(), s), w.loc()));
      }
      out.add(new Literal(l.negated(), e, List.copyOf(withs), l.loc()));
    }
    TypeCheck.checkBody(out, s.file());
    return out;
  }

  private static void checkArrayArity(Term a, Term b, Literal l, Scope s) {
    if ((a instanceof Term.ArrayLit && b instanceof Term.ObjectLit) || (a instanceof Term.ObjectLit && b instanceof Term.ArrayLit)) {
      throw new RegoException(RegoException.TYPE, s.file(), l.loc().line(), l.loc().column(),
          "match error: cannot unify an array with an object");
    }
    if (a instanceof Term.ObjectLit x && b instanceof Term.ObjectLit y
        && x.keys().stream().allMatch(k -> k instanceof Term.Scalar) && y.keys().stream().allMatch(k -> k instanceof Term.Scalar)
        && !new HashSet<>(x.keys().stream().map(k -> ((Term.Scalar) k).value()).toList())
            .equals(new HashSet<>(y.keys().stream().map(k -> ((Term.Scalar) k).value()).toList()))) {
      throw new RegoException(RegoException.TYPE, s.file(), l.loc().line(), l.loc().column(),
          "match error: object keys do not match");
    }
    if (a instanceof Term.ArrayLit x && b instanceof Term.ArrayLit y && x.items().size() != y.items().size()) {
      throw new RegoException(RegoException.TYPE, s.file(), l.loc().line(), l.loc().column(),
          "match error: array length mismatch " + x.items().size() + " != " + y.items().size());
    }
  }

  private static String describe(Term t) {
    if ((t) instanceof Term.Ref r) { return "reference"; }
    else if ((t) instanceof Term.Call c) { return "call"; }
    else if ((t) instanceof Term.Scalar s) { return s.value().typeName(); }
    else { return "term"; }
  }

  private Term resolveWithTarget(Literal.With w, Scope s) {
    Term t = resolve(w.target(), s);
    String name = dottedName(t);
    if (name == null) {
      throw new RegoException(RegoException.COMPILE, s.file(), w.loc().line(), w.loc().column(),
          "with keyword target must reference existing input, data, or a function");
    }
    if (name.equals("input") || name.startsWith("input.") || name.equals("data") && false) {
      return t;
    }
    if (functions.containsKey(name) || LANGUAGE_CALLS.contains(name) || builtins.lookup(name).isPresent()) {
      return new Term.Call(name, List.of(), t.loc());
    }
    if (name.startsWith("data.")) {
      return t;
    }
    throw new RegoException(RegoException.COMPILE, s.file(), w.loc().line(), w.loc().column(),
        "with keyword target must reference existing input, data, or a function: " + name);
  }

  private Term resolveWithValue(Term v, Scope s) {
    Term t = resolve(v, s);
    String name = dottedName(t);
    if (name != null && (functions.containsKey(name) || (!(t instanceof Term.Var tv && isLocalVar(tv, s))
        && builtins.lookup(name).isPresent()))) {
      return new Term.Call(name, List.of(), t.loc());
    }
    return t;
  }

  private static boolean isLocalVar(Term.Var v, Scope s) { return s.declared().contains(v.name()); }

  /** {@code data.a.b} / {@code input.x} / {@code count} as dotted text, or null. */
  static String dottedName(Term t) {
    if (t instanceof Term.Var v) {
      return v.name();
    }
    if (t instanceof Term.Ref r && r.head() instanceof Term.Var v) {
      StringBuilder sb = new StringBuilder(v.name());
      for (Term p : r.path()) {
        if (!(p instanceof Term.Scalar sc) || !(sc.value() instanceof StringValue str)) {
          return null;
        }
        sb.append('.').append(str.value());
      }
      return sb.toString();
    }
    return null;
  }

  Term resolve(Term t, Scope s) {
    if ((t) instanceof Term.Scalar sc) { return sc; }
    else if ((t) instanceof Term.Var v) { return resolveVar(v, s); }
    else if ((t) instanceof Term.Ref r) {
        Term head = resolve(r.head(), s);
        List<Term> path = new ArrayList<>();
        for (Term p : r.path()) {
          path.add(resolve(p, s));
        }
        if (head instanceof Term.Ref hr) {
          List<Term> merged = new ArrayList<>(hr.path());
          merged.addAll(path);
          return new Term.Ref(hr.head(), List.copyOf(merged), r.loc());
        }
        return new Term.Ref(head, List.copyOf(path), r.loc());
      }
    else if ((t) instanceof Term.ArrayLit a) { return new Term.ArrayLit(resolveAll(a.items(), s), a.loc()); }
    else if ((t) instanceof Term.SetLit a) { return new Term.SetLit(resolveAll(a.items(), s), a.loc()); }
    else if ((t) instanceof Term.ObjectLit o) { return new Term.ObjectLit(resolveAll(o.keys(), s), resolveAll(o.values(), s), o.loc()); }
    else if ((t) instanceof Term.Call c && c.args().isEmpty() && c.name().equals("rego.metadata.chain")) {
      return new Term.Scalar(metadataChain, c.loc());
    }
    else if ((t) instanceof Term.Call c && c.args().isEmpty() && c.name().equals("rego.metadata.rule")) {
      return new Term.Scalar(metadataRule, c.loc());
    }
    else if ((t) instanceof Term.Call c && zeroArgumentRule(c, s) != null) { return zeroArgumentRule(c, s); }
    else if ((t) instanceof Term.Call c) { return new Term.Call(resolveCall(c, s, false), resolveAll(c.args(), s), c.loc()); }
    else if ((t) instanceof Term.ArrayCompr c) { return new Term.ArrayCompr(resolve(c.head(), s), resolveBody(c.body(), s), c.loc()); }
    else if ((t) instanceof Term.SetCompr c) { return new Term.SetCompr(resolve(c.head(), s), resolveBody(c.body(), s), c.loc()); }
    else if ((t) instanceof Term.ObjectCompr c) { return new Term.ObjectCompr(resolve(c.key(), s), resolve(c.value(), s),
          resolveBody(c.body(), s), c.loc()); }
    else { throw new IllegalStateException(); }
  }

  private List<Term> resolveAll(List<Term> ts, Scope s) {
    List<Term> out = new ArrayList<>(ts.size());
    for (Term t : ts) {
      out.add(resolve(t, s));
    }
    return List.copyOf(out);
  }

  private Term resolveVar(Term.Var v, Scope s) {
    String n = v.name();
    if (n.equals("input") || n.equals("data") || s.declared().contains(n)) {
      return v;
    }
    Term imp = s.imports().get(n);
    if (imp != null) {
      return relocate(imp, v.loc());
    }
    if (s.ruleNames().contains(n)) {
      List<Term> path = new ArrayList<>();
      for (String p : s.pkg()) {
        path.add(new Term.Scalar(new StringValue(p), v.loc()));
      }
      path.add(new Term.Scalar(new StringValue(n), v.loc()));
      return new Term.Ref(new Term.Var("data", v.loc()), List.copyOf(path), v.loc());
    }
    return v;
  }

  private static Term relocate(Term t, Loc loc) {
    if (t instanceof Term.Ref r) {
      return new Term.Ref(new Term.Var(((Term.Var) r.head()).name(), loc), r.path(), loc);
    }
    return new Term.Var(((Term.Var) t).name(), loc);
  }

  /**
   * {@code f()} where {@code f} is a rule of the package (declared {@code f() = x { ... }}, which
   * OPA reads as a rule without arguments): the reference to the rule, or null when the call is
   * anything else. OPA evaluates such a call as the rule's value.
   */
  private Term zeroArgumentRule(Term.Call c, Scope s) {
    String name = c.name();
    if (!c.args().isEmpty() || name.startsWith(io.meshgate.rego.parser.Parser.OP) || name.contains(".")
        || !s.ruleNames().contains(name) || s.imports().containsKey(name) || s.declared().contains(name)) {
      return null;
    }
    String path = "data." + (s.pkg().isEmpty() ? "" : String.join(".", s.pkg()) + ".") + name;
    if (functions.containsKey(path)) {
      return null;
    }
    return resolve(new Term.Var(name, c.loc()), s);
  }

  private String resolveCall(Term.Call c, Scope s, boolean statement) {
    String name = c.name();
    if (name.startsWith(io.meshgate.rego.parser.Parser.OP)) {
      String op = name.substring(io.meshgate.rego.parser.Parser.OP.length());
      if (!LANGUAGE_CALLS.contains(op) && builtins.lookup(op).isEmpty()) {
        throw new RegoException(RegoException.TYPE, s.file(), c.loc().line(), c.loc().column(),
            "undefined function " + op);
      }
      return op;
    }
    String first = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    String rest = name.contains(".") ? name.substring(name.indexOf('.')) : "";
    String resolved = null;
    if (s.imports().containsKey(first)) {
      resolved = dottedName(s.imports().get(first)) + rest;
    } else if (first.equals("data")) {
      resolved = name;
    } else if (s.ruleNames().contains(first)) {
      resolved = "data." + (s.pkg().isEmpty() ? "" : String.join(".", s.pkg()) + ".") + name;
      if (!functions.containsKey(resolved) && (builtins.lookup(name).isPresent() || LANGUAGE_CALLS.contains(name))) {
        // a rule (not a function) of that name does not hide the built-in
        resolved = null;
      }
    }
    if (resolved != null) {
      if (!functions.containsKey(resolved)) {
        throw new RegoException(RegoException.TYPE, s.file(), c.loc().line(), c.loc().column(),
            "undefined function " + resolved);
      }
      FunctionGroup g = functions.get(resolved);
      if (c.args().size() != g.arity && !(statement && c.args().size() == g.arity + 1)) {
        throw new RegoException(RegoException.TYPE, s.file(), c.loc().line(), c.loc().column(),
            resolved + ": arity mismatch: expects " + g.arity + " arguments, got " + c.args().size());
      }
      return resolved;
    }
    if (LANGUAGE_CALLS.contains(name)) {
      return name;
    }
    Builtin b = builtins.lookup(name).orElse(null);
    if (b != null && s.strict() && io.meshgate.rego.builtins.DeprecatedBuiltins.NAMES.containsKey(name)) {
      throw new RegoException(RegoException.TYPE, s.file(), c.loc().line(), c.loc().column(),
          "deprecated built-in function calls in expression: " + name + " (use "
          + io.meshgate.rego.builtins.DeprecatedBuiltins.NAMES.get(name) + ", or read the module as Rego v0)");
    }
    if (b == null && BuiltinTable.REFUSED.containsKey(name)) {
      throw new RegoException(RegoException.COMPILE, s.file(), c.loc().line(), c.loc().column(),
          name + " is not available in meshgate: " + BuiltinTable.REFUSED.get(name));
    }
    if (b == null) {
      throw new RegoException(RegoException.TYPE, s.file(), c.loc().line(), c.loc().column(),
          "undefined function " + name);
    }
    if (c.args().size() != b.arity() && !(statement && c.args().size() == b.arity() + 1)) {
      throw new RegoException(RegoException.TYPE, s.file(), c.loc().line(), c.loc().column(),
          name + ": arity mismatch: expects " + b.arity() + " arguments, got " + c.args().size());
    }
    return name;
  }

  /** Number of arguments a call takes as inputs (the output, if any, not counted); -1 when variadic. */
  int arity(String name) {
    FunctionGroup g = functions.get(name);
    if (g != null) {
      return g.arity;
    }
    return switch (name) {
      case "print", "internal.print" -> -1;
      case "internal.member_2" -> 2;
      case "internal.member_3" -> 3;
      default -> builtins.lookup(name).map(Builtin::arity).orElse(-1);
    };
  }

  // ---------------------------------------------------------------- safety and reordering

  record BodyResult(List<Literal> body, Set<String> bound) {}

  BodyResult reorder(List<Literal> body, Set<String> bound, Set<String> enclosing) {
    Set<String> outer = new HashSet<>(enclosing);
    outer.addAll(bound);
    for (Literal l : body) {
      collectLiteralSurfaceVars(l, outer);
    }
    List<Literal> remaining = new ArrayList<>(body);
    List<Literal> result = new ArrayList<>(body.size());
    Set<String> b = new HashSet<>(bound);
    while (!remaining.isEmpty()) {
      Literal pick = null;
      for (Literal l : remaining) {
        if (ready(l, b, outer)) {
          pick = l;
          break;
        }
      }
      if (pick == null && hoistRefArguments(remaining, b)) {
        continue;
      }
      if (pick == null) {
        Literal first = remaining.get(0);
        Set<String> missing = new LinkedHashSet<>();
        for (Literal l : remaining) {
          collectLiteralSurfaceVars(l, missing);
        }
        missing.removeAll(b);
        missing.remove("data");
        missing.remove("input");
        Set<String> names = new java.util.TreeSet<>();
        for (String m : missing) {
          names.add(display(m));
        }
        throw new RegoException(RegoException.UNSAFE_VAR, first.loc().file(), first.loc().line(), first.loc().column(),
            "var " + (names.isEmpty() ? "_" : String.join(", ", names)) + " is unsafe");
      }
      remaining.remove(pick);
      Literal rewritten = rewriteLiteral(pick, b, outer);
      if (rewritten.negated()) {
        result.addAll(hoistOutOfNegation(rewritten, b));
      } else {
        result.add(rewritten);
      }
      if (!pick.negated()) {
        outputs(pick, b);
      }
    }
    return new BodyResult(List.copyOf(result), b);
  }

  /**
   * {@code foo == input.foos[foo]}: a call whose only unbound variables are keys of references in
   * its arguments. As OPA's compiler does, each such reference moves into a unification before the
   * call ({@code __ref0__ = input.foos[foo]; foo == __ref0__}), which binds the keys first.
   * Returns false when no remaining literal has that shape.
   */
  private boolean hoistRefArguments(List<Literal> remaining, Set<String> b) {
    for (int i = 0; i < remaining.size(); i++) {
      Literal l = remaining.get(i);
      if (l.negated() || !l.withs().isEmpty() || !(l.expr() instanceof Expr.TermExpr te)
          || !(te.term() instanceof Term.Call c)) {
        continue;
      }
      Set<String> need = new HashSet<>();
      inputVars(c, need, Set.of());
      need.remove("data");
      need.remove("input");
      Set<String> keys = new HashSet<>();
      collectRefKeyVars(c, keys);
      keys.removeAll(b);
      Set<String> covered = new HashSet<>(b);
      covered.addAll(keys);
      if (keys.isEmpty() || !covered.containsAll(need)) {
        continue;
      }
      List<Literal> hoisted = new ArrayList<>();
      Term call = hoistRefs(c, b, hoisted, l.loc());
      if (hoisted.isEmpty()) {
        continue;
      }
      hoisted.add(new Literal(false, new Expr.TermExpr(call), List.of(), l.loc()));
      remaining.remove(i);
      remaining.addAll(i, hoisted);
      return true;
    }
    return false;
  }

  private Term hoistRefs(Term.Call c, Set<String> b, List<Literal> out, Loc loc) {
    List<Term> args = new ArrayList<>(c.args().size());
    for (Term a : c.args()) {
      Set<String> keys = new HashSet<>();
      collectRefKeyVars(a, keys);
      keys.removeAll(b);
      if (a instanceof Term.Ref && !keys.isEmpty()) {
        Term.Var v = new Term.Var("__ref" + (renameCounter++) + "__", a.loc());
        out.add(new Literal(false, new Expr.Unify(v, a), List.of(), loc));
        args.add(v);
      } else if (a instanceof Term.Call inner && !keys.isEmpty()) {
        args.add(hoistRefs(inner, b, out, loc));
      } else {
        args.add(a);
      }
    }
    return new Term.Call(c.name(), List.copyOf(args), c.loc());
  }

  /** The module being compiled opted into OPA's capturing {@code not} (see {@link #capturesNegation}). */
  private boolean capturingNegation;

  /**
   * {@code import future.keywords.not} (also the {@code future.keywords} wildcard, and this engine's
   * {@code rego.v2}) makes {@code not} capture every expression the compiler derives from the
   * negated one, as OPA does since the import exists: {@code not f(x.missing)} is then true.
   */
  static boolean capturesNegation(Module m) {
    for (Module.Import i : m.imports()) {
      List<String> p = i.path();
      if (p.equals(List.of("future", "keywords", "not")) || p.equals(List.of("future", "keywords"))
          || p.equals(List.of("rego", "v2"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * OPA's compiler binds the dynamic terms of an expression (references, comprehensions and nested
   * calls given as call arguments) to generated variables in unifications placed before it
   * (RewriteDynamicTerms). For a negated expression this is visible: the unifications are outside
   * the negation, so {@code not f(x.missing)} is undefined when {@code x.missing} is, instead of
   * true. A negated equality ({@code =}, {@code ==}) or a negated reference keeps its operand
   * references in place and hoists only the dynamic keys inside them ({@code not input.a[input.b]}).
   */
  private List<Literal> hoistOutOfNegation(Literal l, Set<String> b) {
    if (capturingNegation) {
      return List.of(l);
    }
    List<Literal> hoisted = new ArrayList<>();
    Expr e = l.expr();
    Expr ne = e;
    if (e instanceof Expr.TermExpr te && te.term() instanceof Term.Call c) {
      if (LANGUAGE_CALLS.contains(c.name()) && !c.name().startsWith("internal.member")) {
        return List.of(l);
      }
      boolean equality = c.name().equals("equal") && c.args().size() == 2;
      List<Term> args = new ArrayList<>(c.args().size());
      for (Term a : c.args()) {
        args.add(equality ? hoistOperand(a, l, hoisted) : hoistDynamic(a, l, hoisted));
      }
      ne = new Expr.TermExpr(new Term.Call(c.name(), List.copyOf(args), c.loc()));
    } else if (e instanceof Expr.TermExpr te) {
      ne = new Expr.TermExpr(hoistOperand(te.term(), l, hoisted));
    } else if (e instanceof Expr.Unify u) {
      Term left = hoistOperand(u.left(), l, hoisted);
      ne = new Expr.Unify(left, hoistOperand(u.right(), l, hoisted));
    } else if (e instanceof Expr.Every ev) {
      ne = new Expr.Every(ev.key(), ev.value(), hoistDynamic(ev.domain(), l, hoisted), ev.body());
    }
    if (hoisted.isEmpty()) {
      return List.of(l);
    }
    for (Literal h : hoisted) {
      b.add(((Term.Var) ((Expr.Unify) h.expr()).left()).name());
    }
    hoisted.add(new Literal(true, ne, l.withs(), l.loc()));
    return hoisted;
  }

  /** An operand of a negated equality or a negated term: a reference stays, its dynamic keys move out. */
  private Term hoistOperand(Term t, Literal l, List<Literal> out) {
    if (t instanceof Term.Ref r) {
      return new Term.Ref(r.head(), hoistPath(r.path(), l, out), r.loc());
    }
    if (t instanceof Term.ArrayCompr || t instanceof Term.SetCompr || t instanceof Term.ObjectCompr) {
      return t;
    }
    return hoistDynamic(t, l, out);
  }

  private List<Term> hoistPath(List<Term> path, Literal l, List<Literal> out) {
    List<Term> p = new ArrayList<>(path.size());
    for (Term k : path) {
      p.add(hoistDynamic(k, l, out));
    }
    return List.copyOf(p);
  }

  /** A dynamic term becomes a generated variable bound by a unification added to {@code out}. */
  private Term hoistDynamic(Term t, Literal l, List<Literal> out) {
    Term bind;
    if (t instanceof Term.Ref r) {
      bind = new Term.Ref(r.head(), hoistPath(r.path(), l, out), r.loc());
    } else if (t instanceof Term.Call c) {
      if (LANGUAGE_CALLS.contains(c.name()) && !c.name().startsWith("internal.member")) {
        return t;
      }
      List<Term> args = new ArrayList<>(c.args().size());
      for (Term a : c.args()) {
        args.add(hoistDynamic(a, l, out));
      }
      bind = new Term.Call(c.name(), List.copyOf(args), c.loc());
    } else if (t instanceof Term.ArrayCompr || t instanceof Term.SetCompr || t instanceof Term.ObjectCompr) {
      bind = t;
    } else if (t instanceof Term.ArrayLit a) {
      List<Term> items = new ArrayList<>();
      a.items().forEach(i -> items.add(hoistDynamic(i, l, out)));
      return new Term.ArrayLit(List.copyOf(items), a.loc());
    } else if (t instanceof Term.SetLit a) {
      List<Term> items = new ArrayList<>();
      a.items().forEach(i -> items.add(hoistDynamic(i, l, out)));
      return new Term.SetLit(List.copyOf(items), a.loc());
    } else if (t instanceof Term.ObjectLit o) {
      List<Term> ks = new ArrayList<>();
      List<Term> vs = new ArrayList<>();
      for (int i = 0; i < o.keys().size(); i++) {
        ks.add(hoistDynamic(o.keys().get(i), l, out));
        vs.add(hoistDynamic(o.values().get(i), l, out));
      }
      return new Term.ObjectLit(List.copyOf(ks), List.copyOf(vs), o.loc());
    } else {
      return t;
    }
    Term.Var v = new Term.Var("__neg" + (renameCounter++) + "__", t.loc());
    out.add(new Literal(false, new Expr.Unify(v, bind), l.withs(), l.loc()));
    return v;
  }

  private Literal rewriteLiteral(Literal l, Set<String> b, Set<String> outer) {
    Expr e;
    if ((l.expr()) instanceof Expr.TermExpr t) { e = new Expr.TermExpr(rewriteNested(t.term(), b, outer)); }
    else if ((l.expr()) instanceof Expr.Unify u) { e = new Expr.Unify(rewriteNested(u.left(), b, outer), rewriteNested(u.right(), b, outer)); }
    else if ((l.expr()) instanceof Expr.Assign a) { e = new Expr.Assign(rewriteNested(a.left(), b, outer), rewriteNested(a.right(), b, outer)); }
    else if ((l.expr()) instanceof Expr.SomeDecl d) { e = d; }
    else if ((l.expr()) instanceof Expr.SomeIn in) { e = new Expr.SomeIn(in.key(), in.value(), rewriteNested(in.collection(), b, outer)); }
    else if ((l.expr()) instanceof Expr.Every ev) {
        Set<String> inner = new HashSet<>(b);
        if (ev.key() != null) {
          collectPatternVars(ev.key(), inner);
        }
        collectPatternVars(ev.value(), inner);
        BodyResult r = reorder(ev.body(), inner, outer);
        e = new Expr.Every(ev.key(), ev.value(), rewriteNested(ev.domain(), b, outer), r.body);
      }
    else { throw new IllegalStateException(); }
    List<Literal.With> withs = new ArrayList<>();
    for (Literal.With w : l.withs()) {
      withs.add(new Literal.With(w.target(), rewriteNested(w.value(), b, outer), w.loc()));
    }
    return new Literal(l.negated(), e, List.copyOf(withs), l.loc());
  }

  Term rewriteNested(Term t, Set<String> b, Set<String> outer) {
    if ((t) instanceof Term.ArrayCompr c) {
        BodyResult r = reorder(c.body(), b, outer);
        checkHead(c.head(), r.bound, c.loc());
        Term.ArrayCompr out = new Term.ArrayCompr(rewriteNested(c.head(), r.bound, outer), r.body, c.loc());
        return indexed(out, r.body, List.of(out.head()), b);
      }
    else if ((t) instanceof Term.SetCompr c) {
        BodyResult r = reorder(c.body(), b, outer);
        checkHead(c.head(), r.bound, c.loc());
        Term.SetCompr out = new Term.SetCompr(rewriteNested(c.head(), r.bound, outer), r.body, c.loc());
        return indexed(out, r.body, List.of(out.head()), b);
      }
    else if ((t) instanceof Term.ObjectCompr c) {
        BodyResult r = reorder(c.body(), b, outer);
        checkHead(c.key(), r.bound, c.loc());
        checkHead(c.value(), r.bound, c.loc());
        Term.ObjectCompr out = new Term.ObjectCompr(rewriteNested(c.key(), r.bound, outer),
            rewriteNested(c.value(), r.bound, outer), r.body, c.loc());
        return indexed(out, r.body, List.of(out.key(), out.value()), b);
      }
    else if ((t) instanceof Term.Ref r) { return new Term.Ref(rewriteNested(r.head(), b, outer), rewriteAll(r.path(), b, outer), r.loc()); }
    else if ((t) instanceof Term.Call c) { return new Term.Call(c.name(), rewriteAll(c.args(), b, outer), c.loc()); }
    else if ((t) instanceof Term.ArrayLit a) { return new Term.ArrayLit(rewriteAll(a.items(), b, outer), a.loc()); }
    else if ((t) instanceof Term.SetLit a) { return new Term.SetLit(rewriteAll(a.items(), b, outer), a.loc()); }
    else if ((t) instanceof Term.ObjectLit o) { return new Term.ObjectLit(rewriteAll(o.keys(), b, outer), rewriteAll(o.values(), b, outer), o.loc()); }
    else { return t; }
  }

  /** Comprehension index plans, by identity of the compiled comprehension (see {@link ComprehensionIndex}). */
  private final java.util.IdentityHashMap<Term, ComprehensionIndex> comprehensionIndexes = new java.util.IdentityHashMap<>();

  private Term indexed(Term compr, List<Literal> body, List<Term> heads, Set<String> bound) {
    ComprehensionIndex plan = ComprehensionIndex.plan(this, body, heads, bound);
    if (plan != null) {
      comprehensionIndexes.put(compr, plan);
    }
    return compr;
  }

  private List<Term> rewriteAll(List<Term> ts, Set<String> b, Set<String> outer) {
    List<Term> out = new ArrayList<>(ts.size());
    for (Term t : ts) {
      out.add(rewriteNested(t, b, outer));
    }
    return List.copyOf(out);
  }

  private static void checkHead(Term head, Set<String> bound, Loc loc) {
    Set<String> vars = new LinkedHashSet<>();
    inputVars(head, vars, Set.of());
    vars.remove("data");
    vars.remove("input");
    vars.removeAll(bound);
    if (!vars.isEmpty()) {
      throw new RegoException(RegoException.UNSAFE_VAR, loc.file(), loc.line(), loc.column(),
          "var " + display(vars.iterator().next()) + " is unsafe");
    }
  }

  private boolean ready(Literal l, Set<String> b, Set<String> outer) {
    for (Literal.With w : l.withs()) {
      if (!evaluable(w.value(), b, outer)) {
        return false;
      }
    }
    if (l.negated()) {
      Set<String> vs = new HashSet<>();
      for (Term t : exprTerms(l.expr())) {
        collectSurfaceVars(t, vs);
        inputVars(t, vs, outer);
      }
      if (l.expr() instanceof Expr.Every ev) {
        vs.addAll(captured(ev.body(), outer, ev));
      }
      vs.removeIf(v -> v.startsWith("_$") || v.equals("data") || v.equals("input"));
      if (l.expr() instanceof Expr.SomeIn in) {
        Set<String> local = new HashSet<>();
        if (in.key() != null) {
          collectPatternVars(in.key(), local);
        }
        collectPatternVars(in.value(), local);
        vs.removeAll(local);
      }
      return b.containsAll(vs);
    }
    if ((l.expr()) instanceof Expr.TermExpr t) {
        if (t.term() instanceof Term.Call c && isRelationCall(c)) {
          for (int i = 0; i < c.args().size() - 1; i++) {
            if (!evaluable(c.args().get(i), b, outer)) {
              return false;
            }
          }
          return pattern(c.args().get(c.args().size() - 1), b, outer);
        }
        return evaluable(t.term(), b, outer);
      }
    else if ((l.expr()) instanceof Expr.Unify u) { return unifiable(u.left(), u.right(), b, outer); }
    else if ((l.expr()) instanceof Expr.Assign a) { return unifiable(a.left(), a.right(), b, outer); }
    else if ((l.expr()) instanceof Expr.SomeDecl d) { return true; }
    else if ((l.expr()) instanceof Expr.SomeIn in) { return evaluable(in.collection(), b, outer)
          && (in.key() == null || pattern(in.key(), b, outer)) && pattern(in.value(), b, outer); }
    else if ((l.expr()) instanceof Expr.Every ev) { return evaluable(ev.domain(), b, outer) && b.containsAll(captured(ev.body(), outer, ev)); }
    else { throw new IllegalStateException(); }
  }

  private Set<String> captured(List<Literal> body, Set<String> outer, Expr.Every ev) {
    Set<String> vs = new HashSet<>();
    for (Literal l : body) {
      collectLiteralAllVars(l, vs);
    }
    Set<String> declared = new HashSet<>();
    collectDeclared(body, declared);
    if (ev.key() != null) {
      collectPatternVars(ev.key(), declared);
    }
    collectPatternVars(ev.value(), declared);
    vs.removeAll(declared);
    vs.retainAll(outer);
    vs.remove("data");
    vs.remove("input");
    return vs;
  }

  boolean isRelationCall(Term.Call c) {
    int n = arity(c.name());
    return n >= 0 && c.args().size() == n + 1;
  }

  private boolean unifiable(Term a, Term b2, Set<String> b, Set<String> outer) {
    if (evaluable(a, b, outer) && pattern(b2, b, outer) || evaluable(b2, b, outer) && pattern(a, b, outer)) {
      return true;
    }
    if (a instanceof Term.ArrayLit x && b2 instanceof Term.ArrayLit y && x.items().size() == y.items().size()) {
      Set<String> progress = new HashSet<>(b);
      for (int i = 0; i < x.items().size(); i++) {
        if (!unifiable(x.items().get(i), y.items().get(i), progress, outer)) {
          return false;
        }
        collectPatternVars(x.items().get(i), progress);
        collectPatternVars(y.items().get(i), progress);
      }
      return true;
    }
    if (a instanceof Term.ObjectLit x && b2 instanceof Term.ObjectLit y && x.keys().size() == y.keys().size()) {
      Set<String> progress = new HashSet<>(b);
      for (int i = 0; i < x.keys().size(); i++) {
        if (!evaluable(x.keys().get(i), b, outer)) {
          return false;
        }
      }
      for (int i = 0; i < x.values().size(); i++) {
        int j = keyIndex(y.keys(), x.keys().get(i));
        if (j < 0) {
          return evaluable(a, b, outer) || evaluable(b2, b, outer);
        }
        if (!unifiable(x.values().get(i), y.values().get(j), progress, outer)) {
          return false;
        }
        collectPatternVars(x.values().get(i), progress);
        collectPatternVars(y.values().get(j), progress);
      }
      return true;
    }
    return false;
  }

  /** Where an object literal has the key, comparing constant keys by value (not by location). */
  private static int keyIndex(List<Term> keys, Term key) {
    for (int i = 0; i < keys.size(); i++) {
      Term k = keys.get(i);
      if (k instanceof Term.Scalar a && key instanceof Term.Scalar c ? a.value().equals(c.value()) : k.equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private boolean evaluable(Term t, Set<String> b, Set<String> outer) {
    Set<String> need = new HashSet<>();
    inputVars(t, need, outer);
    need.remove("data");
    need.remove("input");
    return b.containsAll(need);
  }

  private boolean pattern(Term t, Set<String> b, Set<String> outer) {
    if ((t) instanceof Term.Var v) { return true; }
    else if ((t) instanceof Term.ArrayLit a) { return a.items().stream().allMatch(i -> pattern(i, b, outer)); }
    else if ((t) instanceof Term.ObjectLit o) { return o.keys().stream().allMatch(k -> evaluable(k, b, outer))
          && o.values().stream().allMatch(v -> pattern(v, b, outer)); }
    else { return evaluable(t, b, outer); }
  }

  private void outputs(Literal l, Set<String> b) {
    if ((l.expr()) instanceof Expr.TermExpr t) {
        if (t.term() instanceof Term.Call c && isRelationCall(c)) {
          collectPatternVars(c.args().get(c.args().size() - 1), b);
        }
        collectRefKeyVars(t.term(), b);
      }
    else if ((l.expr()) instanceof Expr.Unify u) { collectPatternVars(u.left(), b); collectPatternVars(u.right(), b); }
    else if ((l.expr()) instanceof Expr.Assign a) { collectPatternVars(a.left(), b); collectPatternVars(a.right(), b); }
    else if ((l.expr()) instanceof Expr.SomeDecl d) { }
    else if ((l.expr()) instanceof Expr.SomeIn in) {
        if (in.key() != null) {
          collectPatternVars(in.key(), b);
        }
        collectPatternVars(in.value(), b);
        collectRefKeyVars(in.collection(), b);
      }
    else if ((l.expr()) instanceof Expr.Every ev) { collectRefKeyVars(ev.domain(), b); }
  }

  // ---------------------------------------------------------------- variable collection

  /** Variables that must be bound to evaluate {@code t} (ref keys iterate, so they are not needed). */
  static void inputVars(Term t, Set<String> out, Set<String> outer) {
    if ((t) instanceof Term.Scalar s) { }
    else if ((t) instanceof Term.Var v) { out.add(v.name()); }
    else if ((t) instanceof Term.Ref r) {
        inputVars(r.head(), out, outer);
        for (Term p : r.path()) {
          if (!(p instanceof Term.Var || p instanceof Term.ArrayLit || p instanceof Term.ObjectLit)) {
            inputVars(p, out, outer);
          } else if (!(p instanceof Term.Var)) {
            Set<String> ignore = new HashSet<>();
            collectPatternVars(p, ignore);
          }
        }
      }
    else if ((t) instanceof Term.Call c) { c.args().forEach(a -> inputVars(a, out, outer)); }
    else if ((t) instanceof Term.ArrayLit a) { a.items().forEach(i -> inputVars(i, out, outer)); }
    else if ((t) instanceof Term.SetLit a) { a.items().forEach(i -> inputVars(i, out, outer)); }
    else if ((t) instanceof Term.ObjectLit o) {
        o.keys().forEach(i -> inputVars(i, out, outer));
        o.values().forEach(i -> inputVars(i, out, outer));
      }
    else if ((t) instanceof Term.ArrayCompr c) { out.addAll(comprehensionCaptured(t, c.body(), outer)); }
    else if ((t) instanceof Term.SetCompr c) { out.addAll(comprehensionCaptured(t, c.body(), outer)); }
    else if ((t) instanceof Term.ObjectCompr c) { out.addAll(comprehensionCaptured(t, c.body(), outer)); }
  }

  private static Set<String> comprehensionCaptured(Term compr, List<Literal> body, Set<String> outer) {
    Set<String> vs = new HashSet<>();
    collectAllVars(compr, vs);
    Set<String> declared = new HashSet<>();
    collectDeclared(body, declared);
    vs.removeAll(declared);
    vs.retainAll(outer);
    return vs;
  }

  static void collectRefKeyVars(Term t, Set<String> out) {
    if ((t) instanceof Term.Ref r) {
        collectRefKeyVars(r.head(), out);
        for (Term p : r.path()) {
          if (p instanceof Term.Var v) {
            out.add(v.name());
          } else if (p instanceof Term.ArrayLit || p instanceof Term.ObjectLit) {
            collectPatternVars(p, out);
          } else {
            collectRefKeyVars(p, out);
          }
        }
      }
    else if ((t) instanceof Term.Call c) { c.args().forEach(a -> collectRefKeyVars(a, out)); }
    else if ((t) instanceof Term.ArrayLit a) { a.items().forEach(i -> collectRefKeyVars(i, out)); }
    else if ((t) instanceof Term.SetLit a) { a.items().forEach(i -> collectRefKeyVars(i, out)); }
    else if ((t) instanceof Term.ObjectLit o) { o.keys().forEach(i -> collectRefKeyVars(i, out)); o.values().forEach(i -> collectRefKeyVars(i, out)); }
    else { }
  }

  static void collectPatternVars(Term t, Set<String> out) {
    if ((t) instanceof Term.Var v) { out.add(v.name()); }
    else if ((t) instanceof Term.ArrayLit a) { a.items().forEach(i -> collectPatternVars(i, out)); }
    else if ((t) instanceof Term.ObjectLit o) {
        o.keys().forEach(i -> collectRefKeyVars(i, out));
        o.values().forEach(i -> collectPatternVars(i, out));
      }
    else { collectRefKeyVars(t, out); }
  }

  /** All variables outside comprehension bodies. */
  static void collectSurfaceVars(Term t, Set<String> out) {
    if ((t) instanceof Term.Var v) { out.add(v.name()); }
    else if ((t) instanceof Term.Ref r) { collectSurfaceVars(r.head(), out); r.path().forEach(p -> collectSurfaceVars(p, out)); }
    else if ((t) instanceof Term.Call c) { c.args().forEach(a -> collectSurfaceVars(a, out)); }
    else if ((t) instanceof Term.ArrayLit a) { a.items().forEach(i -> collectSurfaceVars(i, out)); }
    else if ((t) instanceof Term.SetLit a) { a.items().forEach(i -> collectSurfaceVars(i, out)); }
    else if ((t) instanceof Term.ObjectLit o) { o.keys().forEach(i -> collectSurfaceVars(i, out)); o.values().forEach(i -> collectSurfaceVars(i, out)); }
    else { }
  }

  private static void collectLiteralSurfaceVars(Literal l, Set<String> out) {
    for (Term t : exprTerms(l.expr())) {
      collectSurfaceVars(t, out);
    }
    if (l.expr() instanceof Expr.SomeDecl d) {
      d.vars().forEach(v -> out.add(v.name()));
    }
    for (Literal.With w : l.withs()) {
      collectSurfaceVars(w.value(), out);
    }
  }

  static void collectLiteralAllVars(Literal l, Set<String> out) {
    for (Term t : exprTerms(l.expr())) {
      collectAllVars(t, out);
    }
    if (l.expr() instanceof Expr.Every ev) {
      for (Literal b : ev.body()) {
        collectLiteralAllVars(b, out);
      }
    }
    for (Literal.With w : l.withs()) {
      collectAllVars(w.value(), out);
    }
  }

  static void collectAllVars(Term t, Set<String> out) {
    if ((t) instanceof Term.Var v) { out.add(v.name()); }
    else if ((t) instanceof Term.Ref r) { collectAllVars(r.head(), out); r.path().forEach(p -> collectAllVars(p, out)); }
    else if ((t) instanceof Term.Call c) { c.args().forEach(a -> collectAllVars(a, out)); }
    else if ((t) instanceof Term.ArrayLit a) { a.items().forEach(i -> collectAllVars(i, out)); }
    else if ((t) instanceof Term.SetLit a) { a.items().forEach(i -> collectAllVars(i, out)); }
    else if ((t) instanceof Term.ObjectLit o) { o.keys().forEach(i -> collectAllVars(i, out)); o.values().forEach(i -> collectAllVars(i, out)); }
    else if ((t) instanceof Term.ArrayCompr c) { collectAllVars(c.head(), out); c.body().forEach(l -> collectLiteralAllVars(l, out)); }
    else if ((t) instanceof Term.SetCompr c) { collectAllVars(c.head(), out); c.body().forEach(l -> collectLiteralAllVars(l, out)); }
    else if ((t) instanceof Term.ObjectCompr c) {
        collectAllVars(c.key(), out);
        collectAllVars(c.value(), out);
        c.body().forEach(l -> collectLiteralAllVars(l, out));
      }
    else { }
  }
}
