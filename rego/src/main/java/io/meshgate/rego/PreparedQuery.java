package io.meshgate.rego;

import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Loc;
import io.meshgate.rego.ast.Term;
import io.meshgate.rego.compiler.Compiler;
import io.meshgate.rego.interpreter.Evaluator;
import io.meshgate.rego.parser.Parser;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A query compiled against a {@link Rego}. Immutable and thread-safe: each {@link #eval} runs on
 * its own evaluator (on a thread with a large stack, so deep policies end in an error rather than
 * a StackOverflowError).
 */
public final class PreparedQuery {
  private final Rego rego;
  private final String text;
  private final List<Literal> body;
  private final List<Expr> expressions;
  private final List<String> variables;
  private final List<Loc> locations;
  private final List<String> texts;

  PreparedQuery(Rego rego, String text) {
    this.rego = rego;
    this.text = text;
    List<Literal> parsed = Parser.parseQuery(text);
    Set<String> vars = new LinkedHashSet<>();
    for (Literal l : parsed) {
      collectQueryVars(l, vars);
    }
    this.variables = List.copyOf(vars);
    this.body = io.meshgate.rego.interpreter.LargeStack.run("compilation",
        () -> Compiler.compileQuery(rego.policy(), parsed));
    List<Expr> exprs = new ArrayList<>();
    for (Literal l : parsed) {
      Loc loc = l.loc();
      for (Literal c : body) {
        if (c.loc().equals(loc)) {
          exprs.add(c.expr());
          break;
        }
      }
    }
    this.expressions = List.copyOf(exprs);
    List<Loc> locs = new ArrayList<>();
    parsed.forEach(l -> locs.add(l.loc()));
    this.locations = List.copyOf(locs);
    this.texts = texts(text, locs);
  }

  /**
   * The source text of each expression: from its start to the start of the next one, without the
   * separating {@code ;}, newlines and blanks.
   */
  private static List<String> texts(String query, List<Loc> locs) {
    String[] lines = query.split("\n", -1);
    int[] lineStart = new int[lines.length + 1];
    for (int i = 0; i < lines.length; i++) {
      lineStart[i + 1] = lineStart[i] + lines[i].length() + 1;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < locs.size(); i++) {
      int from = offset(lineStart, locs.get(i));
      int to = i + 1 < locs.size() ? offset(lineStart, locs.get(i + 1)) : query.length();
      String t = query.substring(Math.min(from, query.length()), Math.max(Math.min(to, query.length()), from)).strip();
      while (t.endsWith(";")) {
        t = t.substring(0, t.length() - 1).strip();
      }
      out.add(t);
    }
    return List.copyOf(out);
  }

  private static int offset(int[] lineStart, Loc loc) {
    int line = Math.max(1, Math.min(loc.line(), lineStart.length - 1));
    return lineStart[line - 1] + Math.max(0, loc.column() - 1);
  }

  /** Where each expression of the query starts (1-based row and column), in written order. */
  public List<Loc> expressionLocations() { return locations; }

  /** The source text of each expression of the query, in written order. */
  public List<String> expressionTexts() { return texts; }

  private static void collectQueryVars(Literal l, Set<String> out) {
    List<Term> terms = new ArrayList<>();
    Expr e = l.expr();
    if (e instanceof Expr.TermExpr t) {
      terms.add(t.term());
    } else if (e instanceof Expr.Unify u) {
      terms.add(u.left());
      terms.add(u.right());
    } else if (e instanceof Expr.Assign a) {
      terms.add(a.left());
      terms.add(a.right());
    } else if (e instanceof Expr.SomeIn s) {
      if (s.key() != null) {
        terms.add(s.key());
      }
      terms.add(s.value());
      terms.add(s.collection());
    } else if (e instanceof Expr.SomeDecl d) {
      terms.addAll(d.vars());
    }
    for (Term t : terms) {
      collectVars(t, out);
    }
  }

  private static void collectVars(Term t, Set<String> out) {
    if (t instanceof Term.Var v) {
      if (!v.isWildcard() && !v.name().equals("data") && !v.name().equals("input")) {
        out.add(v.name());
      }
    } else if (t instanceof Term.Ref r) {
      collectVars(r.head(), out);
      r.path().forEach(p -> collectVars(p, out));
    } else if (t instanceof Term.Call c) {
      c.args().forEach(a -> collectVars(a, out));
    } else if (t instanceof Term.ArrayLit a) {
      a.items().forEach(i -> collectVars(i, out));
    } else if (t instanceof Term.SetLit s) {
      s.items().forEach(i -> collectVars(i, out));
    } else if (t instanceof Term.ObjectLit o) {
      o.keys().forEach(i -> collectVars(i, out));
      o.values().forEach(i -> collectVars(i, out));
    }
  }

  public String query() { return text; }

  /** The compiled policy this query reads. */
  Rego rego() { return rego; }

  /** The variables of the query, in order of appearance. */
  public List<String> variables() { return variables; }

  /** Evaluates the query; {@code input} may be null (no input document). */
  public QueryResult eval(Value input) {
    return eval(input, rego.timeout());
  }

  /** As {@link #eval(Value)}, with a time limit of its own instead of the {@link Rego}'s. */
  public QueryResult eval(Value input, java.time.Duration timeout) {
    return eval(input, timeout, null);
  }

  private QueryResult eval(Value input, java.time.Duration timeout, Evaluator.SharedMemo shared) {
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    Evaluator.Options options = new Evaluator.Options(rego.strictBuiltinErrors(), deadline, rego.maxSteps(),
        rego.printSink(), rego.traceSink(), rego.optimise());
    return io.meshgate.rego.interpreter.LargeStack.run("evaluation", () -> {
      Evaluator ev = new Evaluator(rego.policy(), rego.baseData(), input, options, shared);
      List<Evaluator.Solution> solutions = ev.query(body, expressions, variables);
      List<Map<String, Value>> bindings = new ArrayList<>(solutions.size());
      List<List<Value>> exprs = new ArrayList<>(solutions.size());
      for (Evaluator.Solution s : solutions) {
        bindings.add(s.bindings());
        exprs.add(s.expressions());
      }
      return new QueryResult(bindings, exprs);
    });
  }

  /**
   * For a query that is a single expression such as {@code data.meshgate.deny}: its value, or null
   * when it is undefined. With several solutions the first is returned.
   */
  public Value evalValue(Value input) {
    return evalValue(input, rego.timeout());
  }

  /** As {@link #evalValue(Value)}, with a time limit of its own instead of the {@link Rego}'s. */
  public Value evalValue(Value input, java.time.Duration timeout) {
    return evalValue(input, timeout, null);
  }

  /**
   * As {@link #evalValue(Value, java.time.Duration)}, sharing rule values and function results with
   * the evaluations of other queries that are given the same {@code shared} memo and the same input
   * (see {@link ConcurrentQueries}).
   */
  public Value evalValue(Value input, java.time.Duration timeout, Evaluator.SharedMemo shared) {
    QueryResult r = eval(input, timeout, shared);
    if (r.isEmpty() || r.expressions().get(0).isEmpty()) {
      return null;
    }
    return r.expressions().get(0).get(0);
  }


}
