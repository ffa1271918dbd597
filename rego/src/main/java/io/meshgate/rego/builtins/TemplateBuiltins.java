package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.Json;
import io.meshgate.rego.value.NullValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * strings.render_template: the part of Go's text/template that policies use. Text and actions
 * with trim markers and comments; pipelines of fields ({@code .a.b}), variables ({@code $x},
 * {@code $}), literals, parenthesised pipelines and the predefined functions (and, or, not, len,
 * index, print, printf, println, eq, ne, lt, le, gt, ge, html, urlquery); if / else if / else,
 * range (with index and element variables, and else) and with. The variables object is seen as
 * JSON (sets are arrays, keys strings), as OPA hands it to Go. A key the variables lack renders as
 * {@code <undefined>}. Anything else (unknown functions, bad syntax) is a built-in error.
 */
public final class TemplateBuiltins {
  private TemplateBuiltins() {}

  private static final String NAME = "strings.render_template";

  /** A looked-up key that the data lacks. */
  private static final Object MISSING = new Object() {
    @Override public String toString() { return "<undefined>"; }
  };

  /** A JSON number, printed as written (Go gets a json.Number). */
  private record Num(BigDecimal value, String text) {}

  public static void register(BuiltinTable table) {
    // what a template string $"a {x}" compiles to: text parts, and each expression as the set of
    // its values (at most one; none renders as <undefined>); strings are inserted as they are,
    // other values as Rego text
    table.register(Builtin.of("internal.template_string", 1, (ctx, a) -> {
      StringBuilder out = new StringBuilder();
      for (Value part : Args.array("internal.template_string", a, 1).elements()) {
        if (part instanceof StringValue s) {
          out.append(s.value());
        } else if (part instanceof SetValue set) {
          if (set.size() > 1) {
            throw Args.failure("internal.template_string", "template-strings must not produce multiple outputs");
          }
          Value v = set.size() == 0 ? null : set.elements().first();
          out.append(v == null ? "<undefined>" : v instanceof StringValue s ? s.value() : v.toString());
        } else {
          throw Args.type("internal.template_string", 1, part, "string", "set");
        }
      }
      return str(out.toString());
    }));
    table.register(Builtin.of(NAME, 2, (ctx, a) -> {
      String template = Args.string(NAME, a, 1);
      ObjectValue vars = Args.object(NAME, a, 2);
      List<Node> nodes = new Parser(template).parseAll();
      StringBuilder out = new StringBuilder();
      Object root = toJava(vars);
      new Exec(root, out).run(nodes, root);
      return str(out.toString());
    }));
  }

  // ---------------------------------------------------------------- values

  private static Object toJava(Value v) {
    if (v instanceof NullValue) {
      return null;
    }
    if (v instanceof BoolValue b) {
      return b.value();
    }
    if (v instanceof NumberValue n) {
      return new Num(n.value(), Json.write(n));
    }
    if (v instanceof StringValue s) {
      return s.value();
    }
    if (v instanceof ArrayValue arr) {
      List<Object> out = new ArrayList<>();
      arr.elements().forEach(e -> out.add(toJava(e)));
      return out;
    }
    if (v instanceof SetValue set) {
      List<Object> out = new ArrayList<>();
      set.elements().forEach(e -> out.add(toJava(e)));
      return out;
    }
    ObjectValue obj = (ObjectValue) v;
    Map<String, Object> out = new TreeMap<>();
    obj.entries().forEach((k, val) -> out.put(k instanceof StringValue s ? s.value() : Json.write(k), toJava(val)));
    return out;
  }

  private static Value toValue(Object o) {
    if (o == null || o == MISSING) {
      return NullValue.INSTANCE;
    }
    if (o instanceof Boolean b) {
      return BoolValue.of(b);
    }
    if (o instanceof Num n) {
      return NumberValue.of(n.value());
    }
    if (o instanceof String s) {
      return str(s);
    }
    if (o instanceof List<?> l) {
      List<Value> out = new ArrayList<>();
      l.forEach(e -> out.add(toValue(e)));
      return ArrayValue.of(out);
    }
    Map<Value, Value> out = new LinkedHashMap<>();
    ((Map<?, ?>) o).forEach((k, v) -> out.put(str((String) k), toValue(v)));
    return ObjectValue.of(out);
  }

  /** fmt's %v as text/template prints values. */
  private static String print(Object o) {
    if (o == null) {
      return "<nil>";
    }
    if (o instanceof Num n) {
      return n.text();
    }
    if (o instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(e -> parts.add(print(e)));
      return "[" + String.join(" ", parts) + "]";
    }
    if (o instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, v) -> parts.add(k + ":" + print(v)));
      return "map[" + String.join(" ", parts) + "]";
    }
    return o.toString();
  }

  private static boolean truth(Object o) {
    if (o == null || o == MISSING) {
      return false;
    }
    if (o instanceof Boolean b) {
      return b;
    }
    if (o instanceof Num n) {
      return n.value().signum() != 0;
    }
    if (o instanceof String s) {
      return !s.isEmpty();
    }
    if (o instanceof List<?> l) {
      return !l.isEmpty();
    }
    return !((Map<?, ?>) o).isEmpty();
  }

  private static BuiltinException error(String message) {
    return Args.failure(NAME, "template: " + message);
  }

  // ---------------------------------------------------------------- syntax

  private sealed interface Node permits Text, Action, If, Range, With {}

  private record Text(String text) implements Node {}

  private record Action(Pipeline pipeline) implements Node {}

  private record If(Pipeline condition, List<Node> then, List<Node> otherwise) implements Node {}

  private record Range(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

  private record With(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

  /** {@code $a, $b := cmd | cmd}; declare is false for {@code $a = ...}. */
  private record Pipeline(List<String> variables, boolean declare, List<List<Operand>> commands) {}

  private sealed interface Operand permits Field, Variable, Literal, Function, Sub {}

  /** {@code .a.b} (an empty path is the dot itself). */
  private record Field(List<String> path) implements Operand {}

  private record Variable(String name, List<String> path) implements Operand {}

  private record Literal(Object value) implements Operand {}

  private record Function(String name) implements Operand {}

  private record Sub(Pipeline pipeline, List<String> path) implements Operand {}

  /** Splits the template into text and actions, then parses the actions' structure. */
  private static final class Parser {
    private final List<Object> items = new ArrayList<>(); // String text or String[] {action}
    private int next;

    Parser(String template) {
      int pos = 0;
      StringBuilder text = new StringBuilder();
      while (pos < template.length()) {
        int open = template.indexOf("{{", pos);
        if (open < 0) {
          text.append(template, pos, template.length());
          break;
        }
        text.append(template, pos, open);
        int start = open + 2;
        if (template.startsWith("- ", start) || template.startsWith("-\t", start) || template.startsWith("-\n", start)) {
          trimRight(text);
          start += 1;
        }
        int close = findClose(template, start);
        int end = close;
        boolean trimAfter = false;
        if (close - 2 >= start && template.charAt(close - 1) == '-' && Character.isWhitespace(template.charAt(close - 2))) {
          trimAfter = true;
          end = close - 1;
        }
        items.add(text.toString());
        text.setLength(0);
        String body = template.substring(start, end).strip();
        if (!(body.startsWith("/*") && body.endsWith("*/"))) {
          items.add(new String[] {body});
        }
        pos = close + 2;
        if (trimAfter) {
          while (pos < template.length() && Character.isWhitespace(template.charAt(pos))) {
            pos++;
          }
        }
      }
      items.add(text.toString());
    }

    private static void trimRight(StringBuilder sb) {
      int n = sb.length();
      while (n > 0 && Character.isWhitespace(sb.charAt(n - 1))) {
        n--;
      }
      sb.setLength(n);
    }

    private static int findClose(String t, int from) {
      int i = from;
      while (i < t.length()) {
        char c = t.charAt(i);
        if (c == '"' || c == '`' || c == '\'') {
          int j = i + 1;
          while (j < t.length() && t.charAt(j) != c) {
            j += (t.charAt(j) == '\\' && c != '`') ? 2 : 1;
          }
          i = j + 1;
          continue;
        }
        if (t.startsWith("}}", i)) {
          return i;
        }
        i++;
      }
      throw error("unclosed action");
    }

    List<Node> parseAll() {
      List<Node> nodes = new ArrayList<>();
      String stop = parseList(nodes);
      if (stop != null) {
        throw error("unexpected {{" + stop + "}}");
      }
      return nodes;
    }

    /** Parses nodes until {{end}} or {{else...}}; returns that action's text, null at the end. */
    private String parseList(List<Node> into) {
      while (next < items.size()) {
        Object item = items.get(next++);
        if (item instanceof String text) {
          if (!text.isEmpty()) {
            into.add(new Text(text));
          }
          continue;
        }
        String action = ((String[]) item)[0];
        String keyword = firstWord(action);
        switch (keyword) {
          case "end", "else" -> {
            return action;
          }
          case "if" -> into.add(parseIf(action.substring(2)));
          case "range" -> {
            Pipeline p = new Lexer(action.substring(5)).pipeline(true);
            List<Node> body = new ArrayList<>();
            List<Node> otherwise = new ArrayList<>();
            parseBranches(body, otherwise, "range");
            into.add(new Range(p, body, otherwise));
          }
          case "with" -> {
            Pipeline p = new Lexer(action.substring(4)).pipeline(true);
            List<Node> body = new ArrayList<>();
            List<Node> otherwise = new ArrayList<>();
            parseBranches(body, otherwise, "with");
            into.add(new With(p, body, otherwise));
          }
          case "template", "define", "block", "break", "continue" ->
              throw error("{{" + keyword + "}} is not supported");
          default -> into.add(new Action(new Lexer(action).pipeline(true)));
        }
      }
      return null;
    }

    private If parseIf(String condition) {
      Pipeline p = new Lexer(condition).pipeline(true);
      List<Node> then = new ArrayList<>();
      List<Node> otherwise = new ArrayList<>();
      String stop = parseList(then);
      if (stop == null) {
        throw error("unexpected EOF in if");
      }
      if (stop.equals("end")) {
        return new If(p, then, otherwise);
      }
      String rest = stop.substring(4).strip();
      if (rest.startsWith("if") && (rest.length() == 2 || !Character.isLetterOrDigit(rest.charAt(2)))) {
        otherwise.add(parseIf(rest.substring(2))); // else if: the nested if consumes the one {{end}}
        return new If(p, then, otherwise);
      }
      if (!rest.isEmpty()) {
        throw error("unexpected {{" + stop + "}}");
      }
      String end = parseList(otherwise);
      if (!"end".equals(end)) {
        throw error("expected {{end}} in if");
      }
      return new If(p, then, otherwise);
    }

    private void parseBranches(List<Node> body, List<Node> otherwise, String what) {
      String stop = parseList(body);
      if ("else".equals(stop)) {
        stop = parseList(otherwise);
      }
      if (!"end".equals(stop)) {
        throw error("expected {{end}} in " + what);
      }
    }

    private static String firstWord(String action) {
      int i = 0;
      while (i < action.length() && Character.isLetter(action.charAt(i))) {
        i++;
      }
      String w = action.substring(0, i);
      return switch (w) {
        case "if", "range", "with", "end", "else", "template", "define", "block", "break", "continue" -> w;
        default -> "";
      };
    }
  }

  /** Tokenises and parses one action's pipeline. */
  private static final class Lexer {
    private final String s;
    private int i;

    Lexer(String s) {
      this.s = s;
    }

    Pipeline pipeline(boolean whole) {
      List<String> vars = new ArrayList<>();
      boolean declare = true;
      int save = i;
      skip();
      // a declaration: $x := ..., $i, $e := ..., $x = ...
      while (peek() == '$') {
        int at = i;
        String name = variableName();
        skip();
        if (peek() == ',') {
          i++;
          skip();
          vars.add(name);
          continue;
        }
        if (s.startsWith(":=", i)) {
          i += 2;
          vars.add(name);
          break;
        }
        if (peek() == '=' && !s.startsWith("==", i)) {
          i += 1;
          vars.add(name);
          declare = false;
          break;
        }
        i = at; // not a declaration: an operand
        vars.clear();
        break;
      }
      if (vars.isEmpty()) {
        i = save;
      }
      List<List<Operand>> commands = new ArrayList<>();
      while (true) {
        List<Operand> command = new ArrayList<>();
        while (true) {
          skip();
          char c = peek();
          if (c == 0 || c == '|' || c == ')') {
            break;
          }
          command.add(operand());
        }
        if (command.isEmpty()) {
          throw error("missing value for command");
        }
        commands.add(command);
        skip();
        if (peek() == '|') {
          i++;
          continue;
        }
        break;
      }
      if (whole && i < s.length()) {
        throw error("unexpected \"" + s.substring(i) + "\" in command");
      }
      return new Pipeline(vars, declare, commands);
    }

    private Operand operand() {
      char c = peek();
      if (c == '.') {
        return new Field(path());
      }
      if (c == '$') {
        String name = variableName();
        return new Variable(name, path());
      }
      if (c == '(') {
        i++;
        Pipeline p = pipeline(false);
        skip();
        if (peek() != ')') {
          throw error("unclosed left paren");
        }
        i++;
        return new Sub(p, path());
      }
      if (c == '"' || c == '`') {
        return new Literal(stringLiteral(c));
      }
      if (c == '-' || c == '+' || Character.isDigit(c)) {
        int start = i;
        i++;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
            || ((s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')))) {
          i++;
        }
        String text = s.substring(start, i);
        try {
          BigDecimal d = new BigDecimal(text.startsWith("+") ? text.substring(1) : text);
          return new Literal(new Num(d, text.startsWith("+") ? text.substring(1) : text));
        } catch (NumberFormatException e) {
          throw error("bad number syntax: \"" + text + "\"");
        }
      }
      if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        String word = s.substring(start, i);
        return switch (word) {
          case "true" -> new Literal(Boolean.TRUE);
          case "false" -> new Literal(Boolean.FALSE);
          case "nil" -> new Literal(null);
          default -> new Function(word);
        };
      }
      throw error("unexpected \"" + c + "\" in command");
    }

    /** Zero or more .name selectors. */
    private List<String> path() {
      List<String> path = new ArrayList<>();
      while (peek() == '.') {
        i++;
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        if (i > start) {
          path.add(s.substring(start, i));
        }
      }
      return path;
    }

    private String variableName() {
      int start = i;
      i++; // $
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      return s.substring(start, i);
    }

    private String stringLiteral(char quote) {
      StringBuilder out = new StringBuilder();
      i++;
      while (i < s.length() && s.charAt(i) != quote) {
        char c = s.charAt(i++);
        if (c == '\\' && quote == '"' && i < s.length()) {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case '\\' -> out.append('\\');
            case '"' -> out.append('"');
            default -> out.append('\\').append(e);
          }
        } else {
          out.append(c);
        }
      }
      if (i >= s.length()) {
        throw error("unterminated quoted string");
      }
      i++;
      return out.toString();
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : 0;
    }
  }

  // ---------------------------------------------------------------- execution

  private static final class Exec {
    private final StringBuilder out;
    private final Deque<Map<String, Object>> scopes = new ArrayDeque<>();

    Exec(Object root, StringBuilder out) {
      this.out = out;
      Map<String, Object> top = new TreeMap<>();
      top.put("$", root);
      scopes.push(top);
    }

    void run(List<Node> nodes, Object dot) {
      for (Node node : nodes) {
        if (node instanceof Text t) {
          out.append(t.text());
        } else if (node instanceof Action a) {
          Object v = eval(a.pipeline(), dot);
          if (a.pipeline().variables().isEmpty()) {
            out.append(print(v));
          }
        } else if (node instanceof If f) {
          scopes.push(new TreeMap<>());
          boolean cond = truth(eval(f.condition(), dot));
          run(cond ? f.then() : f.otherwise(), dot);
          scopes.pop();
        } else if (node instanceof With w) {
          scopes.push(new TreeMap<>());
          Object v = eval(w.pipeline(), dot);
          if (truth(v)) {
            run(w.body(), v);
          } else {
            run(w.otherwise(), dot);
          }
          scopes.pop();
        } else {
          range((Range) node, dot);
        }
      }
    }

    private void range(Range r, Object dot) {
      List<String> vars = r.pipeline().variables();
      Pipeline p = new Pipeline(List.of(), true, r.pipeline().commands());
      Object v = eval(p, dot);
      List<Object[]> pairs = new ArrayList<>();
      if (v instanceof List<?> l) {
        for (int k = 0; k < l.size(); k++) {
          pairs.add(new Object[] {new Num(BigDecimal.valueOf(k), Integer.toString(k)), l.get(k)});
        }
      } else if (v instanceof Map<?, ?> m) {
        m.forEach((k, e) -> pairs.add(new Object[] {k, e}));
      } else if (v instanceof Num n && n.value().stripTrailingZeros().scale() <= 0) {
        for (int k = 0; k < n.value().intValue(); k++) {
          Num kn = new Num(BigDecimal.valueOf(k), Integer.toString(k));
          pairs.add(new Object[] {kn, kn});
        }
      } else if (v != null && v != MISSING) {
        throw error("range can't iterate over " + print(v));
      }
      if (pairs.isEmpty()) {
        scopes.push(new TreeMap<>());
        run(r.otherwise(), dot);
        scopes.pop();
        return;
      }
      for (Object[] pair : pairs) {
        Map<String, Object> scope = new TreeMap<>();
        if (vars.size() == 1) {
          scope.put(vars.get(0), pair[1]);
        } else if (vars.size() == 2) {
          scope.put(vars.get(0), pair[0]);
          scope.put(vars.get(1), pair[1]);
        }
        scopes.push(scope);
        run(r.body(), pair[1]);
        scopes.pop();
      }
    }

    private Object eval(Pipeline p, Object dot) {
      Object result = null;
      boolean first = true;
      for (List<Operand> command : p.commands()) {
        result = command(command, dot, first ? NO_ARG : result);
        first = false;
      }
      if (!p.variables().isEmpty()) {
        String name = p.variables().get(p.variables().size() - 1);
        if (p.declare()) {
          scopes.peek().put(name, result);
        } else {
          assign(name, result);
        }
      }
      return result;
    }

    private static final Object NO_ARG = new Object();

    private Object command(List<Operand> command, Object dot, Object piped) {
      Operand head = command.get(0);
      if (head instanceof Function f) {
        List<Object> args = new ArrayList<>();
        for (Operand o : command.subList(1, command.size())) {
          args.add(operand(o, dot));
        }
        if (piped != NO_ARG) {
          args.add(piped);
        }
        return call(f.name(), args);
      }
      if (command.size() > 1 || piped != NO_ARG) {
        throw error("can't give argument to non-function " + describe(head));
      }
      return operand(head, dot);
    }

    private static String describe(Operand o) {
      if (o instanceof Field f) {
        return "." + String.join(".", f.path());
      }
      return o instanceof Variable v ? v.name() : "operand";
    }

    private Object operand(Operand o, Object dot) {
      if (o instanceof Field f) {
        return select(dot, f.path());
      }
      if (o instanceof Variable v) {
        return select(lookup(v.name()), v.path());
      }
      if (o instanceof Literal l) {
        return l.value();
      }
      if (o instanceof Sub sub) {
        return select(eval(sub.pipeline(), dot), sub.path());
      }
      return call(((Function) o).name(), List.of());
    }

    private static Object select(Object base, List<String> path) {
      Object v = base;
      for (String key : path) {
        if (v instanceof Map<?, ?> m) {
          v = m.containsKey(key) ? m.get(key) : MISSING;
        } else if (v == MISSING) {
          return MISSING;
        } else {
          throw error("can't evaluate field " + key + " in " + (v == null ? "nil" : print(v)));
        }
      }
      return v;
    }

    private Object lookup(String name) {
      for (Map<String, Object> scope : scopes) {
        if (scope.containsKey(name)) {
          return scope.get(name);
        }
      }
      throw error("undefined variable: " + name);
    }

    private void assign(String name, Object value) {
      for (Map<String, Object> scope : scopes) {
        if (scope.containsKey(name)) {
          scope.put(name, value);
          return;
        }
      }
      throw error("undefined variable: " + name);
    }

    private static Object call(String fn, List<Object> args) {
      switch (fn) {
        case "and" -> {
          need(fn, args, 1);
          for (Object a : args) {
            if (!truth(a)) {
              return a;
            }
          }
          return args.get(args.size() - 1);
        }
        case "or" -> {
          need(fn, args, 1);
          for (Object a : args) {
            if (truth(a)) {
              return a;
            }
          }
          return args.get(args.size() - 1);
        }
        case "not" -> {
          exactly(fn, args, 1);
          return !truth(args.get(0));
        }
        case "len" -> {
          exactly(fn, args, 1);
          Object a = args.get(0);
          int n;
          if (a instanceof String s) {
            n = s.getBytes(StandardCharsets.UTF_8).length; // Go counts bytes
          } else if (a instanceof List<?> l) {
            n = l.size();
          } else if (a instanceof Map<?, ?> m) {
            n = m.size();
          } else {
            throw error("error calling len: len of type " + print(a));
          }
          return new Num(BigDecimal.valueOf(n), Integer.toString(n));
        }
        case "index" -> {
          need(fn, args, 1);
          Object v = args.get(0);
          for (Object key : args.subList(1, args.size())) {
            if (v instanceof List<?> l && key instanceof Num n) {
              int k = n.value().intValue();
              if (k < 0 || k >= l.size()) {
                throw error("error calling index: index out of range: " + k);
              }
              v = l.get(k);
            } else if (v instanceof Map<?, ?> m && key instanceof String s) {
              v = m.containsKey(s) ? m.get(s) : MISSING;
            } else {
              throw error("error calling index: cannot index " + print(v) + " with " + print(key));
            }
          }
          return v;
        }
        case "print", "println" -> {
          StringBuilder sb = new StringBuilder();
          for (int k = 0; k < args.size(); k++) {
            boolean space = fn.equals("println")
                || (k > 0 && !(args.get(k) instanceof String) && !(args.get(k - 1) instanceof String));
            if (k > 0 && space) {
              sb.append(' ');
            }
            sb.append(print(args.get(k)));
          }
          return fn.equals("println") ? sb.append('\n').toString() : sb.toString();
        }
        case "printf" -> {
          need(fn, args, 1);
          if (!(args.get(0) instanceof String format)) {
            throw error("error calling printf: format must be a string");
          }
          List<Value> values = new ArrayList<>();
          args.subList(1, args.size()).forEach(a -> values.add(toValue(a)));
          return GoFormat.sprintf(format, values);
        }
        case "eq" -> {
          need(fn, args, 2);
          for (Object other : args.subList(1, args.size())) {
            if (compare(args.get(0), other) == 0) {
              return true;
            }
          }
          return false;
        }
        case "ne" -> {
          exactly(fn, args, 2);
          return compare(args.get(0), args.get(1)) != 0;
        }
        case "lt", "le", "gt", "ge" -> {
          exactly(fn, args, 2);
          int c = compare(args.get(0), args.get(1));
          return switch (fn) {
            case "lt" -> c < 0;
            case "le" -> c <= 0;
            case "gt" -> c > 0;
            default -> c >= 0;
          };
        }
        case "html" -> {
          String s = plain(args);
          return s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
              .replace("\"", "&#34;").replace("\u0000", "\uFFFD");
        }
        case "urlquery" -> {
          return URLEncoder.encode(plain(args), StandardCharsets.UTF_8);
        }
        default -> throw error("function \"" + fn + "\" not defined");
      }
    }

    private static String plain(List<Object> args) {
      StringBuilder sb = new StringBuilder();
      args.forEach(a -> sb.append(print(a)));
      return sb.toString();
    }

    private static int compare(Object a, Object b) {
      if (a instanceof Num x && b instanceof Num y) {
        return x.value().compareTo(y.value());
      }
      if (a instanceof String x && b instanceof String y) {
        return x.compareTo(y);
      }
      if (a instanceof Boolean x && b instanceof Boolean y) {
        return x.equals(y) ? 0 : 1;
      }
      if (a == null && b == null) {
        return 0;
      }
      throw error("error calling comparison: incompatible types for comparison");
    }

    private static void need(String fn, List<Object> args, int min) {
      if (args.size() < min) {
        throw error("wrong number of args for " + fn + ": want at least " + min + " got " + args.size());
      }
    }

    private static void exactly(String fn, List<Object> args, int n) {
      if (args.size() != n) {
        throw error("wrong number of args for " + fn + ": want " + n + " got " + args.size());
      }
    }
  }
}
