package io.meshgate.rego.builtins;

import io.meshgate.rego.RegoException;
import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Module;
import io.meshgate.rego.ast.Rule;
import io.meshgate.rego.ast.Term;
import io.meshgate.rego.parser.Parser;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * rego.parse_module(filename, text): the module's syntax tree in the JSON shape of OPA's AST
 * ({@code package}, {@code imports}, {@code rules} with {@code head} and {@code body}; terms as
 * {@code {"type": ..., "value": ...}}), without locations. A parse error is a built-in error.
 * Forms meshgate's parser desugars (template strings, {@code not { }} bodies) come back desugared.
 */
public final class RegoParseBuiltins {
  private RegoParseBuiltins() {}

  private static final String FN = "rego.parse_module";

  public static void register(BuiltinTable table) {
    table.register(Builtin.of(FN, 2, (ctx, a) -> {
      String file = Args.string(FN, a, 1);
      String text = Args.string(FN, a, 2);
      Module m;
      try {
        m = Parser.parseModule(file, text, true);
      } catch (RegoException e) {
        throw Args.failure(FN, e.code() + ": " + e.text());
      }
      return Value.of(module(m));
    }));
  }

  private static Map<String, Object> module(Module m) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> pkg = new ArrayList<>();
    pkg.add(term("var", "data"));
    for (String p : m.packagePath()) {
      pkg.add(term("string", p));
    }
    out.put("package", Map.of("path", pkg));
    if (!m.imports().isEmpty()) {
      List<Object> imports = new ArrayList<>();
      for (Module.Import imp : m.imports()) {
        Map<String, Object> i = new LinkedHashMap<>();
        List<Object> path = new ArrayList<>();
        path.add(term("var", imp.path().get(0)));
        for (String p : imp.path().subList(1, imp.path().size())) {
          path.add(term("string", p));
        }
        i.put("path", term("ref", path));
        if (imp.alias() != null) {
          i.put("alias", imp.alias());
        }
        imports.add(i);
      }
      out.put("imports", imports);
    }
    List<Object> rules = new ArrayList<>();
    for (Rule r : m.rules()) {
      rules.add(rule(r));
    }
    out.put("rules", rules);
    return out;
  }

  private static Map<String, Object> rule(Rule r) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (r.isDefault()) {
      out.put("default", true);
    }
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("name", r.name());
    List<Object> ref = new ArrayList<>();
    for (Term t : r.ref()) {
      ref.add(term(t));
    }
    head.put("ref", ref);
    if (r.args() != null) {
      List<Object> args = new ArrayList<>();
      r.args().forEach(x -> args.add(term(x)));
      head.put("args", args);
    }
    if (r.multi()) {
      head.put("key", term(r.value()));
    } else {
      head.put("value", term(r.value()));
    }
    out.put("head", head);
    out.put("body", body(r.body()));
    if (r.elseRule() != null) {
      out.put("else", rule(r.elseRule()));
    }
    return out;
  }

  private static List<Object> body(List<Literal> body) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < body.size(); i++) {
      Literal l = body.get(i);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("index", i);
      if (l.negated()) {
        e.put("negated", true);
      }
      e.put("terms", exprTerms(l.expr()));
      if (!l.withs().isEmpty()) {
        List<Object> withs = new ArrayList<>();
        for (Literal.With w : l.withs()) {
          withs.add(Map.of("target", term(w.target()), "value", term(w.value())));
        }
        e.put("with", withs);
      }
      out.add(e);
    }
    return out;
  }

  private static Object exprTerms(Expr e) {
    if (e instanceof Expr.TermExpr t) {
      return t.term() instanceof Term.Call c ? callTerms(c) : term(t.term());
    }
    if (e instanceof Expr.Unify u) {
      return List.of(operator("eq"), term(u.left()), term(u.right()));
    }
    if (e instanceof Expr.Assign a) {
      return List.of(operator("assign"), term(a.left()), term(a.right()));
    }
    if (e instanceof Expr.SomeDecl d) {
      List<Object> symbols = new ArrayList<>();
      d.vars().forEach(v -> symbols.add(term(v)));
      return Map.of("symbols", symbols);
    }
    if (e instanceof Expr.SomeIn in) {
      List<Object> call = new ArrayList<>();
      call.add(operator(in.key() == null ? "internal.member_2" : "internal.member_3"));
      if (in.key() != null) {
        call.add(term(in.key()));
      }
      call.add(term(in.value()));
      call.add(term(in.collection()));
      return Map.of("symbols", List.of(term("call", call)));
    }
    Expr.Every ev = (Expr.Every) e;
    Map<String, Object> every = new LinkedHashMap<>();
    if (ev.key() != null) {
      every.put("key", term(ev.key()));
    }
    every.put("value", term(ev.value()));
    every.put("domain", term(ev.domain()));
    every.put("body", body(ev.body()));
    return every;
  }

  private static List<Object> callTerms(Term.Call c) {
    List<Object> out = new ArrayList<>();
    String name = c.name().startsWith(Parser.OP) ? c.name().substring(Parser.OP.length()) : c.name();
    out.add(operator(name));
    c.args().forEach(a -> out.add(term(a)));
    return out;
  }

  /** A function name as OPA writes it: a reference of a var and strings. */
  private static Map<String, Object> operator(String name) {
    String[] parts = name.split("\\.");
    List<Object> ref = new ArrayList<>();
    ref.add(term("var", parts[0]));
    for (int i = 1; i < parts.length; i++) {
      ref.add(term("string", parts[i]));
    }
    return term("ref", ref);
  }

  private static Map<String, Object> term(String type, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("value", value);
    return m;
  }

  private static Map<String, Object> term(Term t) {
    if (t instanceof Term.Scalar s) {
      Value v = s.value();
      if (v instanceof NullValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "null");
        return m;
      }
      String type = v instanceof BoolValue ? "boolean" : v instanceof NumberValue ? "number"
          : v instanceof StringValue ? "string" : v.typeName();
      return term(type, v);
    }
    if (t instanceof Term.Var v) {
      return term("var", v.isWildcard() ? "$" + v.name().replace("_$", "") : v.name());
    }
    if (t instanceof Term.Ref r) {
      List<Object> ref = new ArrayList<>();
      ref.add(term(r.head()));
      r.path().forEach(p -> ref.add(term(p)));
      return term("ref", ref);
    }
    if (t instanceof Term.ArrayLit a) {
      return term("array", terms(a.items()));
    }
    if (t instanceof Term.SetLit s) {
      return term("set", terms(s.items()));
    }
    if (t instanceof Term.ObjectLit o) {
      List<Object> pairs = new ArrayList<>();
      for (int i = 0; i < o.keys().size(); i++) {
        pairs.add(List.of(term(o.keys().get(i)), term(o.values().get(i))));
      }
      return term("object", pairs);
    }
    if (t instanceof Term.Call c) {
      return term("call", callTerms(c));
    }
    if (t instanceof Term.ArrayCompr c) {
      return term("arraycomprehension", Map.of("term", term(c.head()), "body", body(c.body())));
    }
    if (t instanceof Term.SetCompr c) {
      return term("setcomprehension", Map.of("term", term(c.head()), "body", body(c.body())));
    }
    Term.ObjectCompr c = (Term.ObjectCompr) t;
    return term("objectcomprehension", Map.of("key", term(c.key()), "value", term(c.value()), "body", body(c.body())));
  }

  private static List<Object> terms(List<Term> ts) {
    List<Object> out = new ArrayList<>();
    ts.forEach(x -> out.add(term(x)));
    return out;
  }
}
