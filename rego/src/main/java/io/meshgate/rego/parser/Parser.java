package io.meshgate.rego.parser;

import io.meshgate.rego.RegoException;
import io.meshgate.rego.ast.Expr;
import io.meshgate.rego.ast.Literal;
import io.meshgate.rego.ast.Loc;
import io.meshgate.rego.ast.Module;
import io.meshgate.rego.ast.Rule;
import io.meshgate.rego.ast.Term;
import io.meshgate.rego.lexer.Lexer;
import io.meshgate.rego.lexer.Token;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.StringValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for Rego modules and queries, following OPA 1.x's parser. A module is
 * read as Rego v1 or as Rego v0 (what {@code opa --v0-compatible} reads), see {@link RegoVersion}.
 */
public final class Parser {
  /** Prefix of calls written as operators: they always mean the built-in, never a rule. */
  public static final String OP = "#";

  /** How modules are read. */
  public enum RegoVersion {
    /** Rego v1 only (OPA 1.x's default): {@code if} and {@code contains} required, all keywords on. */
    V1,
    /**
     * Rego v0, as OPA 1.x with {@code --v0-compatible}: bodies without {@code if}, {@code p[x] { }}
     * partial sets, and {@code if}, {@code contains}, {@code in}, {@code every} plain names unless
     * imported from {@code future.keywords}; a module importing {@code rego.v1} is read as v1.
     */
    V0,
    /**
     * Per module: v1 when the module parses as v1, otherwise v0, otherwise meshgate's lenient mix
     * (v0 forms with every keyword on, as regorus reads modules).
     */
    AUTO
  }

  /** Syntax of the module being read: v0 and the lenient mix differ from v1 in the ways above. */
  private enum Mode { V1, V0, MIXED }

  /** Keywords that v0 modules must import ({@code future.keywords}). */
  private static final java.util.Set<String> FUTURE_KEYWORDS = java.util.Set.of("if", "contains", "in", "every");

  private final String file;
  private final List<Token> tokens;
  private int pos;
  private Mode mode = Mode.MIXED;
  /** The future keywords a v0 module imported. */
  private final java.util.Set<String> imported = new java.util.HashSet<>();
  /** The module imports rego.v1 (or is forced to v1). */
  private boolean strict;
  private boolean noPipe;
  private boolean noComma;
  /** `not { ... }` negates a whole body (import rego.v2 or future.keywords.not). */
  private boolean notBody;
  private int wildcards;

  private final List<Lexer.Comment> comments;

  private Parser(String file, String text) {
    this.file = file;
    Lexer lexer = new Lexer(file, text);
    this.tokens = lexer.tokenize();
    this.comments = lexer.comments();
  }

  /** Parses a module as v1 ({@code forceV1}) or as {@link RegoVersion#AUTO} detects it. */
  public static Module parseModule(String file, String text, boolean forceV1) {
    return parseModule(file, text, forceV1 ? RegoVersion.V1 : RegoVersion.AUTO);
  }

  /**
   * Parses a module. A module importing {@code rego.v1} is always v1; otherwise {@code version}
   * decides, and for {@link RegoVersion#AUTO} the first of v1, v0 and the lenient mix that reads
   * the module wins. When none does, the error is the one found furthest into the text.
   */
  public static Module parseModule(String file, String text, RegoVersion version) {
    List<Mode> modes = switch (version) {
      case V1 -> List.of(Mode.V1);
      case V0 -> List.of(Mode.V0);
      case AUTO -> List.of(Mode.V1, Mode.V0, Mode.MIXED);
    };
    RegoException furthest = null;
    for (Mode m : modes) {
      Parser p = new Parser(file, text);
      p.mode = m;
      p.strict = version == RegoVersion.V1;
      try {
        return p.module();
      } catch (RegoException e) {
        if (furthest == null || e.line() > furthest.line()
            || (e.line() == furthest.line() && e.column() > furthest.column())) {
          furthest = e;
        }
      }
    }
    throw furthest;
  }

  /** True when {@code word} is a keyword here: future keywords only when v1 or imported. */
  private boolean keywordOn(String word) {
    return !FUTURE_KEYWORDS.contains(word) || mode != Mode.V0 || imported.contains(word);
  }

  /** The token is the keyword {@code word}, and it is a keyword in this module. */
  private boolean kw(Token t, String word) {
    return t.kind() == Token.Kind.IDENT && t.text().equals(word) && keywordOn(word);
  }

  /** Parses a query: body literals separated by newlines or semicolons. */
  public static List<Literal> parseQuery(String text) {
    Parser p = new Parser("query", text);
    p.mode = Mode.MIXED;
    List<Literal> body = new ArrayList<>();
    if (p.peek().kind() == Token.Kind.EOF) {
      throw p.error(p.peek(), "empty query");
    }
    while (true) {
      body.add(p.literal());
      if (p.peek().is(";")) {
        p.next();
        continue;
      }
      if (p.peek().kind() == Token.Kind.EOF) {
        return body;
      }
      if (!p.peek().newlineBefore()) {
        throw p.error(p.peek(), "unexpected " + p.peek() + " in query");
      }
    }
  }

  // ---------------------------------------------------------------- module

  private Module module() {
    Token pk = peek();
    if (!pk.is("package")) {
      throw error(pk, "expected package declaration, found " + pk);
    }
    next();
    List<String> pkg = new ArrayList<>();
    pkg.add(ident("package name").text());
    while (peek().is(".") || (peek().is("[") && !peek().newlineBefore())) {
      if (next().is(".")) {
        pkg.add(ident("package name").text());
      } else {
        Token s = next();
        if (s.kind() != Token.Kind.STRING) {
          throw error(s, "package path elements must be strings");
        }
        pkg.add(s.text());
        expect("]");
      }
    }
    List<Module.Import> imports = new ArrayList<>();
    boolean sawRegoV1 = false;
    boolean sawFuture = false;
    while (peek().is("import")) {
      Token it = next();
      List<String> path = new ArrayList<>();
      path.add(ident("import path").text());
      while (peek().is(".") || (peek().is("[") && !peek().newlineBefore())) {
        if (next().is(".")) {
          path.add(ident("import path").text());
        } else {
          Token s = next();
          if (s.kind() != Token.Kind.STRING) {
            throw error(s, "import path elements must be strings");
          }
          path.add(s.text());
          expect("]");
        }
      }
      String alias = null;
      if (peek().is("as")) {
        next();
        alias = ident("import alias").text();
      }
      String root = path.get(0);
      // rego.v1 and future.keywords may be mixed (OPA 1.x reads both as no-ops in v1 modules);
      // importing rego.v1 twice shadows the first import, as OPA's compiler reports
      if (root.equals("rego") && sawRegoV1) {
        throw error(it, "this import shadows previous import rego.v1");
      }
      sawRegoV1 |= root.equals("rego");
      sawFuture |= root.equals("future");
      if (root.equals("rego")) {
        if (!(path.size() == 2 && (path.get(1).equals("v1") || path.get(1).equals("v2")))) {
          throw error(it, "invalid import " + String.join(".", path) + ", must be rego.v1");
        }
        if (alias != null) {
          throw error(it, "`rego` imports cannot be aliased");
        }
        mode = Mode.V1;
        strict = true;
        notBody |= path.get(1).equals("v2");
      } else if (root.equals("future")) {
        if (path.size() < 2 || !path.get(1).equals("keywords")) {
          throw error(it, "invalid import " + String.join(".", path) + ", must be future.keywords");
        }
        if (alias != null) {
          throw error(it, "`future` imports cannot be aliased");
        }
        if (path.size() == 2) {
          imported.addAll(FUTURE_KEYWORDS);
        } else if (path.size() == 3 && (FUTURE_KEYWORDS.contains(path.get(2)) || path.get(2).equals("not"))) {
          imported.add(path.get(2));
        } else {
          throw error(it, "unexpected keyword, must be one of [contains every if in]");
        }
        notBody |= path.size() == 3 && path.get(2).equals("not");
      } else if (!root.equals("data") && !root.equals("input")) {
        throw error(it, "invalid import " + String.join(".", path) + ", must begin with input or data");
      }
      imports.add(new Module.Import(path, alias, loc(it)));
    }
    List<Rule> rules = new ArrayList<>();
    while (peek().kind() != Token.Kind.EOF) {
      if (peek().is("import")) {
        throw error(peek(), "imports must appear before rules");
      }
      if (peek().is("package")) {
        throw error(peek(), "unexpected package declaration");
      }
      rules.addAll(rules());
    }
    Module.Annotations annotations = Module.Annotations.NONE;
    if (comments.stream().anyMatch(c -> c.ownLine() && c.text().strip().equals("METADATA"))) {
      java.util.IdentityHashMap<Rule, io.meshgate.rego.value.Value> byRule = new java.util.IdentityHashMap<>();
      int previous = pk.line();
      for (Module.Import imp : imports) {
        previous = Math.max(previous, imp.loc().line());
      }
      for (Rule r : rules) {
        io.meshgate.rego.value.Value a = Annotations.before(comments, previous, r.loc().line(), "rule", file);
        if (a != null) {
          byRule.put(r, a);
        }
        previous = r.loc().line();
      }
      annotations = new Module.Annotations(Annotations.before(comments, 0, pk.line(), "package", file), byRule);
    }
    return new Module(file, List.copyOf(pkg), List.copyOf(imports), List.copyOf(rules), mode == Mode.V1, strict,
        loc(pk), annotations);
  }

  /**
   * One rule, or several when a v0 head is followed by more than one body
   * ({@code f(x) = y { a } { b }}): each body is a rule of its own with the same head, as OPA reads it.
   */
  private List<Rule> rules() {
    Token start = peek();
    boolean isDefault = false;
    if (start.is("default")) {
      next();
      isDefault = true;
    }
    Token nameTok = ident("rule name");
    if (isKeyword(nameTok.text()) && !nameTok.text().equals("contains")) {
      throw error(nameTok, "unexpected keyword " + nameTok.text() + " as rule name");
    }
    List<Term> ref = new ArrayList<>();
    ref.add(new Term.Var(nameTok.text(), loc(nameTok)));
    List<Term> args = null;
    while (true) {
      Token t = peek();
      if (t.is(".") && !t.newlineBefore()) {
        next();
        Token k = ident("rule reference");
        ref.add(new Term.Scalar(new StringValue(k.text()), loc(k)));
      } else if (t.is("[") && !t.newlineBefore()) {
        next();
        ref.add(term());
        expect("]");
      } else if (t.is("(") && !t.newlineBefore() && args == null) {
        next();
        args = new ArrayList<>();
        while (!peek().is(")")) {
          args.add(term());
          if (!acceptPunct(",")) {
            break;
          }
        }
        expect(")");
      } else {
        break;
      }
    }
    if (args != null && args.isEmpty()) {
      // `f() = {...}`: no arguments makes a plain rule, referred to as `f` (OPA's Head.Args is empty)
      args = null;
    }
    boolean multi = false;
    Term value = null;
    if (kw(peek(), "contains") && args == null) {
      next();
      multi = true;
      value = term();
    } else if (peek().is(":=") || peek().is("=")) {
      next();
      value = term();
    }
    if (isDefault) {
      if (value == null) {
        throw error(peek(), "default rule must have a value");
      }
      return List.of(new Rule(loc(start), List.copyOf(ref), args, value, false, true, List.of(), null));
    }
    List<Literal> body = null;
    boolean hasIf = false;
    Loc bodyLoc = loc(peek());
    if (kw(peek(), "if")) {
      next();
      body = bodyAfterIf();
      hasIf = true;
    } else if (peek().is("{")) {
      if (mode == Mode.V1) {
        throw error(peek(), "`if` keyword is required before rule body");
      }
      body = bracedBody();
    }
    boolean hadBody = body != null;
    if (body == null) {
      body = List.of(new Literal(false, new Expr.TermExpr(new Term.Scalar(BoolValue.TRUE, bodyLoc)), List.of(), bodyLoc));
    }
    // `p[x] { ... }` is a partial set; `p[x] if { ... }` is `p[x] := true` in OPA 1.x (meshgate's
    // lenient mix keeps OPA 0.x's partial set, as regorus reads it)
    if (!multi && value == null && args == null && ref.size() == 2 && (!hasIf || mode == Mode.MIXED)
        && mode != Mode.V1) {
      multi = true;
      value = ref.remove(1);
    }
    if (mode == Mode.V1 && !hadBody && value == null && !multi) {
      throw error(start, "rule must have a body or assignment");
    }
    if (value == null) {
      value = new Term.Scalar(BoolValue.TRUE, loc(start));
    }
    Rule elseRule = null;
    if (peek().is("else")) {
      elseRule = elseChain(args);
    }
    List<Term> fixedArgs = args == null ? null : List.copyOf(args);
    List<Rule> out = new ArrayList<>();
    out.add(new Rule(loc(start), List.copyOf(ref), fixedArgs, value, multi, false, body, elseRule));
    while (hadBody && peek().is("{")) {
      if (elseRule != null) {
        throw error(peek(), "expected else keyword");
      }
      Loc chained = loc(peek());
      out.add(new Rule(chained, List.copyOf(ref), fixedArgs, value, multi, false, bracedBody(), null));
    }
    return out;
  }

  private Rule elseChain(List<Term> args) {
    Token e = next();
    Term value = null;
    if (peek().is(":=") || peek().is("=")) {
      next();
      value = term();
    }
    List<Literal> body;
    if (kw(peek(), "if")) {
      next();
      body = bodyAfterIf();
    } else if (peek().is("{")) {
      if (mode == Mode.V1) {
        throw error(peek(), "`if` keyword is required before rule body");
      }
      body = bracedBody();
    } else {
      Loc l = loc(e);
      body = List.of(new Literal(false, new Expr.TermExpr(new Term.Scalar(BoolValue.TRUE, l)), List.of(), l));
    }
    if (value == null) {
      value = new Term.Scalar(BoolValue.TRUE, loc(e));
    }
    Rule next = peek().is("else") ? elseChain(args) : null;
    return new Rule(loc(e), List.of(new Term.Var("else", loc(e))), args, value, false, false, body, next);
  }

  /** After {@code if}: a braced body, or one expression (which may itself start with `{`). */
  private List<Literal> bodyAfterIf() {
    if (!peek().is("{")) {
      return List.of(literal());
    }
    int start = pos;
    try {
      return bracedBody();
    } catch (RegoException e) {
      // e.g. `f(x) if {k: v | ...}`: the body is a single comprehension expression
      pos = start;
      try {
        return List.of(literal());
      } catch (RegoException ignored) {
        throw e;
      }
    }
  }

  private List<Literal> bracedBody() {
    expect("{");
    List<Literal> body = new ArrayList<>();
    if (peek().is("}")) {
      throw error(peek(), "found empty body");
    }
    while (true) {
      body.add(literal());
      if (peek().is(";")) {
        next();
        if (peek().is("}")) {
          next();
          return body;
        }
        continue;
      }
      if (peek().is("}")) {
        next();
        return body;
      }
      if (!peek().newlineBefore()) {
        throw error(peek(), "unexpected " + peek() + ", expected end of expression");
      }
    }
  }

  // ---------------------------------------------------------------- literals

  private Literal literal() {
    Token start = peek();
    boolean negated = false;
    if (start.is("not")) {
      next();
      negated = true;
    }
    Expr expr;
    if (negated && notBody && peek().is("{")) {
      // `not { a; b }` holds when the body has no solution: `[true | a; b] == []`
      Token open = peek();
      List<Literal> body = bracedBody();
      expr = new Expr.TermExpr(new Term.Call(OP + "equal", List.of(
          new Term.ArrayCompr(new Term.Scalar(io.meshgate.rego.value.BoolValue.TRUE, loc(open)), body, loc(open)),
          new Term.ArrayLit(List.of(), loc(open))), loc(open)));
      negated = false;
    } else if (peek().is("some")) {
      expr = some();
    } else if (kw(peek(), "every")) {
      expr = every();
    } else {
      Term left = termIn();
      if (peek().is(",") && peek().kind() == Token.Kind.PUNCT && !noComma) {
        // `k, v in xs` as an expression
        int save = pos;
        next();
        Term value = termNoIn();
        if (kw(peek(), "in")) {
          Token op = next();
          Term coll = termNoIn();
          left = new Term.Call(OP + "internal.member_3", List.of(left, value, coll), loc(op));
        } else {
          pos = save;
        }
      }
      if (peek().is("=")) {
        next();
        expr = new Expr.Unify(left, termIn());
      } else if (peek().is(":=")) {
        next();
        expr = new Expr.Assign(left, termIn());
      } else {
        expr = new Expr.TermExpr(left);
      }
    }
    List<Literal.With> withs = new ArrayList<>();
    while (peek().is("with")) {
      Token w = next();
      Term target = term();
      if (!peek().is("as")) {
        throw error(peek(), "expected `as` in with modifier");
      }
      next();
      Term value = termIn();
      withs.add(new Literal.With(target, value, loc(w)));
    }
    return new Literal(negated, expr, List.copyOf(withs), loc(start));
  }

  private Expr some() {
    Token s = next();
    List<Term> items = new ArrayList<>();
    do {
      items.add(termNoIn());
    } while (acceptPunct(","));
    if (kw(peek(), "in")) {
      next();
      if (items.size() > 2) {
        throw error(s, "unexpected , in some declaration: at most a key and a value");
      }
      Term coll = termNoIn();
      return items.size() == 2 ? new Expr.SomeIn(items.get(0), items.get(1), coll)
          : new Expr.SomeIn(null, items.get(0), coll);
    }
    List<Term.Var> vars = new ArrayList<>();
    for (Term t : items) {
      if (!(t instanceof Term.Var v)) {
        throw error(s, "expected variable in some declaration");
      }
      vars.add(v);
    }
    return new Expr.SomeDecl(vars);
  }

  private Expr every() {
    Token e = next();
    Term first = termNoIn();
    Term second = null;
    if (acceptPunct(",")) {
      second = termNoIn();
    }
    if (!kw(peek(), "in")) {
      throw error(peek(), "expected `in` in every expression");
    }
    next();
    Term domain = termNoIn();
    List<Literal> body = bracedBody();
    for (Term t : second == null ? List.of(first) : List.of(first, second)) {
      if (!(t instanceof Term.Var)) {
        throw error(e, "every: key and value must be variables");
      }
    }
    return second == null ? new Expr.Every(null, first, domain, body) : new Expr.Every(first, second, domain, body);
  }

  // ---------------------------------------------------------------- terms (by precedence)

  /** A term including membership: {@code x in xs}, {@code k, v in xs} is only in some/every. */
  private Term termIn() {
    Term left = termNoIn();
    while (kw(peek(), "in")) {
      Token op = next();
      Term right = termNoIn();
      left = new Term.Call(OP + "internal.member_2", List.of(left, right), loc(op));
    }
    return left;
  }

  /** A term at comparison level. */
  public Term term() { return termIn(); }

  private Term termNoIn() {
    Term left = orTerm();
    while (true) {
      Token t = peek();
      String fn = switch (t.kind() == Token.Kind.PUNCT ? t.text() : "") {
        case "==" -> "equal";
        case "!=" -> "neq";
        case "<" -> "lt";
        case "<=" -> "lte";
        case ">" -> "gt";
        case ">=" -> "gte";
        default -> null;
      };
      if (fn == null) {
        return left;
      }
      next();
      left = new Term.Call(OP + fn, List.of(left, orTerm()), loc(t));
    }
  }

  private Term orTerm() {
    Term left = andTerm();
    while (peek().is("|") && !noPipe) {
      Token t = next();
      left = new Term.Call(OP + "or", List.of(left, andTerm()), loc(t));
    }
    return left;
  }

  private Term andTerm() {
    Term left = arith();
    while (peek().is("&")) {
      Token t = next();
      left = new Term.Call(OP + "and", List.of(left, arith()), loc(t));
    }
    return left;
  }

  private Term arith() {
    Term left = factor();
    while (peek().is("+") || peek().is("-")) {
      Token t = next();
      left = new Term.Call(OP + (t.text().equals("+") ? "plus" : "minus"), List.of(left, factor()), loc(t));
    }
    return left;
  }

  private Term factor() {
    Term left = unary();
    while (peek().is("*") || peek().is("/") || peek().is("%")) {
      Token t = next();
      String fn = switch (t.text()) {
        case "*" -> "mul";
        case "/" -> "div";
        default -> "rem";
      };
      left = new Term.Call(OP + fn, List.of(left, unary()), loc(t));
    }
    return left;
  }

  private int templateVars;

  /**
   * {@code $"a {x} b"}: the text parts as strings and each {@code {expression}} as the set of its
   * values, joined by internal.template_string (an empty set renders as {@code <undefined>}).
   */
  private Term template(Token t) {
    String content = t.text();
    boolean raw = t.kind() == Token.Kind.RAW_TEMPLATE;
    List<Term> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < content.length()) {
      char c = content.charAt(i);
      if (c == '\\' && i + 1 < content.length()) {
        char e = content.charAt(i + 1);
        if (e == '{' || e == '}') {
          text.append(e);
          i += 2;
          continue;
        }
        if (raw) {
          text.append(c);
          i++;
          continue;
        }
        int end = i + 2;
        if (e == 'u') {
          end = Math.min(content.length(), i + 6);
        }
        String decoded = new Lexer(file, "\"" + content.substring(i, end) + "\"").tokenize().get(0).text();
        text.append(decoded);
        i = end;
        continue;
      }
      if (c == '{') {
        int close = Lexer.templateExpressionEnd(content, i + 1);
        if (text.length() > 0) {
          parts.add(new Term.Scalar(new StringValue(text.toString()), loc(t)));
          text.setLength(0);
        }
        parts.add(templateExpression(content.substring(i + 1, close), t));
        i = close + 1;
        continue;
      }
      text.append(c);
      i++;
    }
    if (text.length() > 0 || parts.isEmpty()) {
      parts.add(new Term.Scalar(new StringValue(text.toString()), loc(t)));
    }
    return new Term.Call(OP + "internal.template_string", List.of(new Term.ArrayLit(List.copyOf(parts), loc(t))), loc(t));
  }

  private Term templateExpression(String source, Token at) {
    Parser sub = new Parser(file, source);
    sub.mode = mode;
    sub.imported.addAll(imported);
    sub.notBody = notBody;
    sub.templateVars = templateVars + 1000;
    Literal l = sub.literal();
    if (sub.peek().kind() != Token.Kind.EOF) {
      throw error(at, "unexpected " + sub.peek() + " in template expression");
    }
    if (l.negated() || !(l.expr() instanceof Expr.TermExpr te)) {
      throw error(at, "a template expression must be a term, optionally with `with` modifiers");
    }
    Term.Var out = new Term.Var("__template" + (templateVars++) + "__", loc(at));
    Literal bind = new Literal(false, new Expr.Unify(out, te.term()), l.withs(), loc(at));
    return new Term.SetCompr(out, List.of(bind), loc(at));
  }

  private Term unary() {
    Token t = peek();
    if (t.is("-")) {
      next();
      Token n = peek();
      if (n.kind() == Token.Kind.NUMBER) {
        next();
        return postfix(new Term.Scalar(number(n, "-" + n.text()), loc(t)));
      }
      throw error(t, "unary - can only be used with numeric literals");
    }
    return postfix(primary());
  }

  private Term primary() {
    Token t = next();
    switch (t.kind()) {
      case NUMBER:
        return new Term.Scalar(number(t, t.text()), loc(t));
      case TEMPLATE:
      case RAW_TEMPLATE:
        return template(t);
      case STRING:
      case RAW_STRING:
        return new Term.Scalar(new StringValue(t.text()), loc(t));
      case IDENT:
        switch (t.text()) {
          case "true": return new Term.Scalar(BoolValue.TRUE, loc(t));
          case "false": return new Term.Scalar(BoolValue.FALSE, loc(t));
          case "null": return new Term.Scalar(NullValue.INSTANCE, loc(t));
          case "set":
            if (peek().is("(") && peekAt(1).is(")") && !peek().newlineBefore()) {
              next();
              next();
              return new Term.SetLit(List.of(), loc(t));
            }
            return new Term.Var(t.text(), loc(t));
          case "_":
            return new Term.Var("_$" + (wildcards++), loc(t));
          default:
            if (isKeyword(t.text()) && !t.text().equals("contains")) {
              throw error(t, "unexpected keyword " + t.text());
            }
            return new Term.Var(t.text(), loc(t));
        }
      case PUNCT:
        switch (t.text()) {
          case "(": {
            boolean savedPipe = noPipe;
            noPipe = false;
            Term inner = termIn();
            if (peek().is(",") && peek().kind() == Token.Kind.PUNCT) {
              // `(k, v in xs)`: the parentheses make a key-value membership test a term
              next();
              Term value = termNoIn();
              Token op = next();
              if (!kw(op, "in")) {
                throw error(op, "expected `in`, found " + op);
              }
              inner = new Term.Call(OP + "internal.member_3", List.of(inner, value, termNoIn()), loc(op));
            }
            noPipe = savedPipe;
            expect(")");
            return inner;
          }
          case "[":
            return arrayOrCompr(t);
          case "{":
            return braceTerm(t);
          default:
            throw error(t, "unexpected " + t);
        }
      default:
        throw error(t, "unexpected end of file");
    }
  }

  private Term arrayOrCompr(Token open) {
    boolean savedPipe = noPipe;
    try {
      if (peek().is("]")) {
        next();
        return new Term.ArrayLit(List.of(), loc(open));
      }
      int start = pos;
      noPipe = true;
      Term head = termIn();
      noPipe = false;
      if (peek().is("|") && operatorExpression(head, start)) {
        // `[a - b | c, d]`: after an operator expression, `|` is a union when that reads as an array
        Term union = unionIfCollection(start, "]");
        if (union != null) {
          head = union;
        }
      }
      if (peek().is("|")) {
        int bar = pos;
        next();
        try {
          List<Literal> body = comprBody("]");
          return new Term.ArrayCompr(head, body, loc(open));
        } catch (RegoException e) {
          // not a comprehension after all: `[a | b, c]` is an array holding the union a | b
          pos = start;
          head = termIn();
          if (pos <= bar) {
            throw e;
          }
        }
      }
      List<Term> items = new ArrayList<>();
      items.add(head);
      while (acceptPunct(",")) {
        if (peek().is("]")) {
          break;
        }
        items.add(termIn());
      }
      expect("]");
      return new Term.ArrayLit(List.copyOf(items), loc(open));
    } finally {
      noPipe = savedPipe;
    }
  }

  private Term braceTerm(Token open) {
    boolean savedPipe = noPipe;
    try {
      if (peek().is("}")) {
        next();
        return new Term.ObjectLit(List.of(), List.of(), loc(open));
      }
      int firstStart = pos;
      noPipe = true;
      Term first = termIn();
      if (peek().is(":")) {
        next();
        Term firstValue = termIn();
        noPipe = false;
        if (peek().is("|")) {
          next();
          List<Literal> body = comprBody("}");
          return new Term.ObjectCompr(first, firstValue, body, loc(open));
        }
        List<Term> keys = new ArrayList<>();
        List<Term> values = new ArrayList<>();
        keys.add(first);
        values.add(firstValue);
        while (acceptPunct(",")) {
          if (peek().is("}")) {
            break;
          }
          keys.add(termIn());
          expect(":");
          values.add(termIn());
        }
        expect("}");
        return new Term.ObjectLit(List.copyOf(keys), List.copyOf(values), loc(open));
      }
      noPipe = false;
      if (peek().is("|") && operatorExpression(first, firstStart)) {
        Term union = unionIfCollection(firstStart, "}");
        if (union != null) {
          first = union;
        }
      }
      if (peek().is("|")) {
        int bar = pos;
        next();
        try {
          List<Literal> body = comprBody("}");
          return new Term.SetCompr(first, body, loc(open));
        } catch (RegoException e) {
          pos = firstStart;
          first = termIn();
          if (pos <= bar) {
            throw e;
          }
        }
      }
      List<Term> items = new ArrayList<>();
      items.add(first);
      while (acceptPunct(",")) {
        if (peek().is("}")) {
          break;
        }
        items.add(termIn());
      }
      expect("}");
      return new Term.SetLit(List.copyOf(items), loc(open));
    } finally {
      noPipe = savedPipe;
    }
  }

  private List<Literal> comprBody(String close) {
    List<Literal> body = new ArrayList<>();
    while (true) {
      body.add(literal());
      if (peek().is(";")) {
        next();
        continue;
      }
      if (peek().is(close)) {
        next();
        return List.copyOf(body);
      }
      if (!peek().newlineBefore()) {
        throw error(peek(), "unexpected " + peek() + " in comprehension body");
      }
    }
  }

  private Term postfix(Term head) {
    List<Term> path = new ArrayList<>();
    Term current = head;
    while (true) {
      Token t = peek();
      if (t.newlineBefore()) {
        break;
      }
      if (t.is(".")) {
        next();
        Token k = next();
        if (k.kind() != Token.Kind.IDENT) {
          throw error(k, "expected name after `.`, found " + k);
        }
        if (k.newlineBefore() || k.column() != t.column() + 1) {
          throw error(k, "invalid whitespace between . and identifier");
        }
        path.add(new Term.Scalar(new StringValue(k.text()), loc(k)));
      } else if (t.is("[")) {
        next();
        boolean savedPipe = noPipe;
        noPipe = false;
        path.add(termIn());
        noPipe = savedPipe;
        expect("]");
      } else if (t.is("(")) {
        String name = callName(current, path);
        if (name == null) {
          throw error(t, "unexpected (, this term cannot be called");
        }
        next();
        List<Term> args = new ArrayList<>();
        boolean savedPipe = noPipe;
        noPipe = false;
        // a trailing comma before `)` is allowed, as in OPA
        while (!peek().is(")")) {
          args.add(termIn());
          if (!acceptPunct(",")) {
            break;
          }
        }
        noPipe = savedPipe;
        expect(")");
        current = new Term.Call(name, List.copyOf(args), current.loc());
        path = new ArrayList<>();
      } else {
        break;
      }
    }
    if (path.isEmpty()) {
      return current;
    }
    return new Term.Ref(current, List.copyOf(path), current.loc());
  }

  /**
   * Re-reads the first element from {@code start} with {@code |} as the union operator; returns it
   * when it is followed by {@code ,} or the closing bracket, otherwise restores the position.
   */
  private Term unionIfCollection(int start, String close) {
    int save = pos;
    try {
      pos = start;
      Term union = termIn();
      if (peek().is(",") || peek().is(close)) {
        return union;
      }
    } catch (RegoException e) {
      // not an element: a comprehension body follows
    }
    pos = save;
    return null;
  }

  /** True for an unparenthesised operator expression such as {@code a - b} starting at token {@code start}. */
  private boolean operatorExpression(Term t, int start) {
    return t instanceof Term.Call c && c.name().startsWith(OP) && !tokens.get(start).is("(");
  }

  /** The dotted name of a call operator, or null when the term is not a name. */
  private static String callName(Term head, List<Term> path) {
    if (!(head instanceof Term.Var v)) {
      return null;
    }
    StringBuilder sb = new StringBuilder(v.name());
    for (Term p : path) {
      if (!(p instanceof Term.Scalar s) || !(s.value() instanceof StringValue str)) {
        return null;
      }
      sb.append('.').append(str.value());
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- helpers

  private boolean isKeyword(String s) {
    return switch (s) {
      case "package", "import", "not", "with", "as", "default", "else", "some" -> true;
      case "every", "in", "if", "contains" -> keywordOn(s);
      default -> false;
    };
  }

  private NumberValue number(Token t, String text) {
    try {
      return NumberValue.parse(text);
    } catch (NumberFormatException e) {
      throw error(t, "invalid number " + text);
    }
  }

  private Token peek() { return tokens.get(pos); }

  private Token peekAt(int ahead) { return tokens.get(Math.min(pos + ahead, tokens.size() - 1)); }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind() != Token.Kind.EOF) {
      pos++;
    }
    return t;
  }

  private boolean acceptPunct(String p) {
    if (peek().is(p) && peek().kind() == Token.Kind.PUNCT) {
      next();
      return true;
    }
    return false;
  }

  private void expect(String p) {
    Token t = peek();
    if (!(t.is(p) && t.kind() == Token.Kind.PUNCT)) {
      throw error(t, "expected `" + p + "`, found " + t);
    }
    next();
  }

  private Token ident(String what) {
    Token t = next();
    if (t.kind() != Token.Kind.IDENT) {
      throw error(t, "expected " + what + ", found " + t);
    }
    return t;
  }

  private Loc loc(Token t) { return new Loc(file, t.line(), t.column()); }

  private RegoException error(Token t, String msg) {
    return new RegoException(RegoException.PARSE, file, t.line(), t.column(), msg);
  }
}
