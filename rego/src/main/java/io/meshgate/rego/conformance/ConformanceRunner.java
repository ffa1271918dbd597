package io.meshgate.rego.conformance;

import io.meshgate.rego.PreparedQuery;
import io.meshgate.rego.QueryResult;
import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs Rego conformance cases in regorus's or OPA's YAML format (see the conformance README) and
 * prints one line per failing case and a final summary line.
 */
public final class ConformanceRunner {
  public enum Flavour { REGORUS, OPA }

  /**
   * Counts of one run. {@code superseded} cases are neither run nor skipped: the suite holds a newer
   * version of the same expectation that contradicts them (see {@link #SUPERSEDED_PREFIX}).
   */
  public record Summary(int passed, int failed, int skipped, int superseded) {
    public Summary(int passed, int failed, int skipped) {
      this(passed, failed, skipped, 0);
    }

    public String line() {
      return "conformance: " + passed + " passed, " + failed + " failed, " + skipped + " skipped"
          + (superseded > 0 ? ", " + superseded + " superseded" : "");
    }
  }

  /** A marker for the regorus encoding {@code "#undefined"}. */
  private static final Value UNDEFINED = new StringValue("#undefined");
  private static final Duration CASE_TIMEOUT = Duration.ofSeconds(5);

  private final Flavour flavour;
  private final boolean verbose;
  private final PrintStream out;
  private final Map<String, String> skips;
  private boolean optimise = true;

  /** Runs the cases without the engine's optimisations (to show they change no result). */
  public ConformanceRunner withOptimisations(boolean on) {
    this.optimise = on;
    return this;
  }

  public ConformanceRunner(Flavour flavour, boolean verbose, PrintStream out, Map<String, String> skips) {
    this.flavour = flavour;
    this.verbose = verbose;
    this.out = out;
    this.skips = skips;
  }

  /** Key prefix in the skip map for entries naming a built-in rather than a case. */
  public static final String BUILTIN_PREFIX = "builtin:";

  /**
   * Key prefix in the skip map for a case whose expectation a newer file of the same suite
   * contradicts (the shared copy mixes files read at different commits); the value is
   * {@code file|reason}, the case is recognised by its note and file name.
   */
  public static final String SUPERSEDED_PREFIX = "superseded:";

  /**
   * Reads a skip list: {@code skips: [{note: ..., reason: ...}, {builtin: http.send, reason: ...}]}; a
   * builtin entry skips every case whose modules or query call it (a trailing {@code .} names a
   * family). {@code superseded: [{file: ..., note: ..., by: ..., reason: ...}]} lists cases a newer
   * file contradicts. A missing file is an empty list.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, String> loadSkips(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (file == null || !Files.exists(file)) {
      return out;
    }
    Object doc = new Yaml().load(Files.readString(file, StandardCharsets.UTF_8));
    if (doc instanceof Map<?, ?> m && m.get("skips") instanceof List<?> l) {
      for (Object o : l) {
        Map<String, Object> e = (Map<String, Object>) o;
        Object note = e.get("note");
        Object builtin = e.get("builtin");
        Object reason = e.get("reason");
        if ((note == null) == (builtin == null) || reason == null) {
          throw new IOException(file + ": every skip entry needs a note or a builtin, and a reason");
        }
        out.put(note != null ? note.toString() : BUILTIN_PREFIX + builtin, reason.toString());
      }
    }
    if (doc instanceof Map<?, ?> m && m.get("superseded") instanceof List<?> l) {
      for (Object o : l) {
        Map<String, Object> e = (Map<String, Object>) o;
        if (e.get("file") == null || e.get("note") == null || e.get("by") == null || e.get("reason") == null) {
          throw new IOException(file + ": every superseded entry needs a file, a note, by and a reason");
        }
        out.put(SUPERSEDED_PREFIX + e.get("note"), e.get("file") + "|" + e.get("reason") + " (superseded by "
            + e.get("by") + ")");
      }
    }
    return out;
  }

  public Summary run(List<Path> dirs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path d : dirs) {
      if (Files.isRegularFile(d)) {
        files.add(d);
        continue;
      }
      try (Stream<Path> s = Files.walk(d)) {
        s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(files::add);
      }
    }
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    int superseded = 0;
    for (Path f : files) {
      List<Map<String, Object>> cases = readCases(f);
      for (Map<String, Object> c : cases) {
        String note = String.valueOf(c.get("note"));
        String supersededBy = skips.get(SUPERSEDED_PREFIX + note);
        if (supersededBy != null && f.toString().replace('\\', '/').endsWith(supersededBy.substring(0, supersededBy.indexOf('|')))) {
          superseded++;
          if (verbose) {
            out.println("SUPERSEDED " + f + ": " + note + ": " + supersededBy.substring(supersededBy.indexOf('|') + 1));
          }
          continue;
        }
        if (Boolean.TRUE.equals(c.get("skip")) || skips.containsKey(note) || usesSkippedBuiltin(c)) {
          skipped++;
          if (verbose) {
            out.println("SKIP " + f + ": " + note);
          }
          continue;
        }
        String failure;
        try {
          failure = flavour == Flavour.REGORUS ? runRegorus(c) : runOpa(c);
        } catch (RuntimeException | StackOverflowError e) {
          failure = "internal error: " + e;
        }
        if (failure == null) {
          passed++;
          if (verbose) {
            out.println("PASS " + f + ": " + note);
          }
        } else {
          failed++;
          out.println("FAIL " + f + ": " + note + ": " + failure);
        }
      }
    }
    Summary s = new Summary(passed, failed, skipped, superseded);
    out.println(s.line());
    return s;
  }

  private boolean usesSkippedBuiltin(Map<String, Object> c) {
    StringBuilder text = new StringBuilder(String.valueOf(c.get("query")));
    if (c.get("modules") instanceof List<?> ms) {
      ms.forEach(m -> text.append('\n').append(m));
    }
    String all = text.toString();
    for (String key : skips.keySet()) {
      if (key.startsWith(BUILTIN_PREFIX)) {
        String name = key.substring(BUILTIN_PREFIX.length());
        if (name.endsWith(".") ? all.contains(name) : (all.contains(name + "(") || all.contains(name + " as")
            || all.contains("with " + name))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Timestamps in case files stay strings, as Go's YAML (OPA) and serde_yaml (regorus) read them. */
  private static final class NoTimestampResolver extends org.yaml.snakeyaml.resolver.Resolver {
    @Override
    public void addImplicitResolver(org.yaml.snakeyaml.nodes.Tag tag, java.util.regex.Pattern regexp, String first,
        int limit) {
      if (!tag.equals(org.yaml.snakeyaml.nodes.Tag.TIMESTAMP)) {
        super.addImplicitResolver(tag, regexp, first, limit);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> readCases(Path f) throws IOException {
    LoaderOptions lo = new LoaderOptions();
    lo.setCodePointLimit(64 * 1024 * 1024);
    Object doc;
    try {
      org.yaml.snakeyaml.DumperOptions dumper = new org.yaml.snakeyaml.DumperOptions();
      doc = new Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(lo),
          new org.yaml.snakeyaml.representer.Representer(dumper), dumper, lo, new NoTimestampResolver())
          .load(Files.readString(f, StandardCharsets.UTF_8));
    } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
      throw new IOException(f + ":" + (e.getProblemMark().getLine() + 1) + ":" + (e.getProblemMark().getColumn() + 1)
          + ": invalid YAML: " + e.getProblem());
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new IOException(f + ": invalid YAML: " + e.getMessage());
    }
    if (!(doc instanceof Map<?, ?> m) || !(m.get("cases") instanceof List<?> l)) {
      return List.of();
    }
    return (List<Map<String, Object>>) l;
  }

  private Rego build(Map<String, Object> c, boolean strict, List<String> prints, boolean v1) {
    Rego.Builder b = Rego.builder().strictBuiltinErrors(strict).timeout(CASE_TIMEOUT).regoV1(v1).print(prints::add)
        .optimise(optimise);
    Object modules = c.get("modules");
    if (modules instanceof List<?> ms) {
      int i = 0;
      for (Object m : ms) {
        b.addModule("test_" + (i++) + ".rego", String.valueOf(m));
      }
    }
    Object data = c.get("data");
    if (data instanceof Map<?, ?>) {
      b.data(decode(data));
    }
    return b.build();
  }

  // ---------------------------------------------------------------- regorus flavour

  private String runRegorus(Map<String, Object> c) {
    boolean strict = !Boolean.FALSE.equals(c.get("strict"));
    boolean wantError = c.containsKey("error");
    List<String> prints = new ArrayList<>();
    List<Value> results = new ArrayList<>();
    try {
      Rego rego = build(c, strict, prints, false);
      PreparedQuery q = rego.prepare(String.valueOf(c.get("query")));
      List<Value> inputs = new ArrayList<>();
      Object input = c.get("input");
      if (input instanceof Map<?, ?> im && im.size() == 1 && im.get("many!") instanceof List<?> many) {
        for (Object o : many) {
          inputs.add(decode(o));
        }
      } else if (c.containsKey("input")) {
        inputs.add(decode(input));
      } else {
        inputs.add(null);
      }
      for (Value in : inputs) {
        QueryResult r = q.eval(in);
        boolean hasVars = !q.variables().isEmpty();
        if (r.size() == 1) {
          results.add(hasVars ? bindingsObject(r.bindings().get(0)) : last(r.expressions().get(0)));
        } else {
          for (int i = 0; i < r.size(); i++) {
            results.add(hasVars ? bindingsObject(r.bindings().get(i)) : ArrayValue.of(r.expressions().get(i)));
          }
        }
      }
    } catch (RegoException e) {
      if (wantError) {
        if (verbose) {
          out.println("  expected error: " + c.get("error") + "\n  got error:      " + e.getMessage());
        }
        return null;
      }
      return "unexpected error: " + e.getMessage();
    }
    if (wantError) {
      return "expected error \"" + c.get("error") + "\", got " + results;
    }
    if (Boolean.TRUE.equals(c.get("no_result"))) {
      return null;
    }
    if (c.containsKey("want_prints")) {
      List<String> wantPrints = new ArrayList<>();
      Object wp = c.get("want_prints");
      if (wp instanceof List<?> l) {
        l.forEach(o -> wantPrints.add(String.valueOf(o)));
      } else if (wp != null) {
        for (String line : String.valueOf(wp).split("\n")) {
          wantPrints.add(line);
        }
      }
      if (!wantPrints.equals(prints)) {
        return "expected prints " + wantPrints + ", got " + prints;
      }
    }
    if (!c.containsKey("want_result")) {
      return null;
    }
    Object want = c.get("want_result");
    List<Value> expected = new ArrayList<>();
    if (want instanceof Map<?, ?> wm && wm.size() == 1 && wm.get("many!") instanceof List<?> many) {
      for (Object o : many) {
        expected.add(decode(o));
      }
    } else {
      expected.add(decode(want));
    }
    if (Boolean.TRUE.equals(c.get("sort_bindings"))) {
      // nothing to sort: values are compared structurally and sets/objects are ordered
    }
    if (results.isEmpty() && expected.size() == 1 && expected.get(0).equals(UNDEFINED)) {
      return null;
    }
    if (!results.equals(expected)) {
      return "expected " + show(expected) + ", got " + show(results);
    }
    return null;
  }

  private static String show(List<Value> vs) {
    return vs.size() == 1 ? vs.get(0).toString() : vs.toString();
  }

  private static Value last(List<Value> exprs) {
    return exprs.isEmpty() ? UNDEFINED : exprs.get(exprs.size() - 1);
  }

  private static Value bindingsObject(Map<String, Value> b) {
    Map<Value, Value> m = new LinkedHashMap<>();
    b.forEach((k, v) -> m.put(new StringValue(k), v));
    return ObjectValue.of(m);
  }

  /** YAML to Value, honouring regorus's {@code set!} and {@code object!} encodings. */
  static Value decode(Object o) {
    if (o instanceof Map<?, ?> m) {
      if (m.size() == 1 && m.get("set!") instanceof List<?> l) {
        List<Value> items = new ArrayList<>();
        l.forEach(i -> items.add(decode(i)));
        return SetValue.of(items);
      }
      if (m.size() == 1 && m.get("object!") instanceof List<?> l) {
        Map<Value, Value> out = new LinkedHashMap<>();
        for (Object e : l) {
          Map<?, ?> em = (Map<?, ?>) e;
          out.put(decode(em.get("key")), decode(em.get("value")));
        }
        return ObjectValue.of(out);
      }
      Map<Value, Value> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(decode(k), decode(v)));
      return ObjectValue.of(out);
    }
    if (o instanceof List<?> l) {
      List<Value> items = new ArrayList<>();
      l.forEach(i -> items.add(decode(i)));
      return ArrayValue.of(items);
    }
    if (o instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return new StringValue(d.toString());
    }
    if (o instanceof java.util.Date || o instanceof byte[]) {
      return new StringValue(o.toString());
    }
    return Value.of(o);
  }

  // ---------------------------------------------------------------- OPA flavour

  private String runOpa(Map<String, Object> c) {
    boolean strict = Boolean.TRUE.equals(c.get("strict_error"));
    String wantCode = c.get("want_error_code") == null ? null : String.valueOf(c.get("want_error_code"));
    List<String> prints = new ArrayList<>();
    List<Value> results = new ArrayList<>();
    try {
      Rego rego = build(c, strict, prints, true);
      Value input = null;
      if (c.get("input_term") != null) {
        input = Rego.builder().build().prepare(String.valueOf(c.get("input_term"))).evalValue(null);
      } else if (c.containsKey("input")) {
        input = decode(c.get("input"));
      }
      PreparedQuery q = rego.prepare(String.valueOf(c.get("query")));
      QueryResult r = q.eval(input);
      for (Map<String, Value> b : r.bindings()) {
        Map<Value, Value> m = new LinkedHashMap<>();
        b.forEach((k, v) -> {
          if (!k.startsWith("__")) {
            m.put(new StringValue(k), toJsonShape(v));
          }
        });
        results.add(ObjectValue.of(m));
      }
    } catch (RegoException e) {
      if (wantCode != null || c.containsKey("want_error")) {
        if (wantCode != null && !wantCode.equals(e.code())) {
          return "expected error code " + wantCode + ", got " + e.getMessage();
        }
        return null;
      }
      return "unexpected error: " + e.getMessage();
    }
    if (wantCode != null || c.containsKey("want_error")) {
      return "expected error " + (wantCode != null ? wantCode : c.get("want_error")) + ", got " + results;
    }
    List<Value> expected = new ArrayList<>();
    Object want = c.get("want_result");
    if (want instanceof List<?> l) {
      for (Object o : l) {
        expected.add(toJsonShape(decode(o)));
      }
    }
    if (Boolean.TRUE.equals(c.get("sort_bindings"))) {
      // OPA's runner sorts each array-valued binding of the result (not the expectation)
      List<Value> sorted = new ArrayList<>();
      for (Value result : results) {
        Map<Value, Value> m = new LinkedHashMap<>();
        ((ObjectValue) result).entries().forEach((k, v) -> {
          if (v instanceof ArrayValue a) {
            List<Value> items = new ArrayList<>(a.elements());
            Collections.sort(items);
            v = ArrayValue.of(items);
          }
          m.put(k, v);
        });
        sorted.add(ObjectValue.of(m));
      }
      results = sorted;
    }
    // OPA compares the solutions as sets: their order does not matter and duplicates collapse
    if (!SetValue.of(results).equals(SetValue.of(expected))) {
      return "expected " + expected + ", got " + results;
    }
    return null;
  }

  private static final io.meshgate.rego.builtins.Builtin JSON_MARSHAL =
      io.meshgate.rego.builtins.BuiltinTable.standard().lookup("json.marshal").orElseThrow();

  /** A non-string object key as OPA's ast.JSON writes it: compact JSON, as Go marshals it. */
  private static Value keyText(Value key) {
    return JSON_MARSHAL.call(io.meshgate.rego.builtins.BuiltinContext.standalone(), List.of(toJsonShape(key)));
  }

  /** As OPA's runner compares: sets become sorted arrays, and so inside every value. */
  private static Value toJsonShape(Value v) {
    if (v instanceof SetValue s) {
      List<Value> items = new ArrayList<>();
      s.forEach(i -> items.add(toJsonShape(i)));
      Collections.sort(items);
      return ArrayValue.of(items);
    }
    if (v instanceof ArrayValue a) {
      List<Value> items = new ArrayList<>();
      a.forEach(i -> items.add(toJsonShape(i)));
      return ArrayValue.of(items);
    }
    if (v instanceof ObjectValue o) {
      Map<Value, Value> m = new HashMap<>();
      o.entries().forEach((k, val) -> m.put(k instanceof StringValue ? k : keyText(k), toJsonShape(val)));
      return ObjectValue.of(m);
    }
    return v;
  }
}
