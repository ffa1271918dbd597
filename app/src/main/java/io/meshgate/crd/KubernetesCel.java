package io.meshgate.crd;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CEL environment the Kubernetes API server evaluates {@code x-kubernetes-validations} rules in,
 * as far as Istio's CRDs need it, on Google's CEL evaluator ({@code dev.cel:cel}):
 * https://kubernetes.io/docs/reference/using-api/cel/
 *
 * <ul>
 *   <li>{@code self} is the value of the field the rule sits on (here: dynamically typed, as plain
 *       maps, lists, strings, 64-bit integers, doubles and booleans); {@code has(self.x)} tests a
 *       field's presence;
 *   <li>{@code oldSelf} exists only on updates ("transition rules"): meshgate checks objects as
 *       they would be created, so such rules are not evaluated (Istio's CRDs have none today);
 *   <li>the standard library and macros ({@code all}, {@code exists_one}, {@code matches},
 *       {@code duration()}, ...), the strings extension ({@code substring}, ...) and the Kubernetes
 *       URL library ({@code url()}, {@code isURL()}, {@code getScheme()}, ...), which Istio's
 *       RequestAuthentication and WasmPlugin rules use. The Kubernetes quantity, IP/CIDR, semver
 *       and authorizer libraries are not provided: no Istio rule calls them, and a rule that did
 *       would fail to compile, which {@link #compile} reports (never a silent pass).
 * </ul>
 */
final class KubernetesCel {

  /** The Kubernetes URL library's value type. */
  static final OpaqueType URL_TYPE = OpaqueType.create("kubernetes.URL");

  /** A parsed URL: what Go's {@code url.ParseRequestURI} accepts (an absolute URI or an absolute path). */
  record KubeUrl(URI uri) {
    static KubeUrl parse(String text) {
      if (text == null || text.isEmpty()) {
        return null;
      }
      try {
        URI uri = new URI(text);
        if (uri.isAbsolute() ? uri.isOpaque() && !"mailto".equals(uri.getScheme()) : !text.startsWith("/")) {
          return null;
        }
        return new KubeUrl(uri);
      } catch (URISyntaxException e) {
        return null;
      }
    }

    String scheme() {
      return uri.getScheme() == null ? "" : uri.getScheme();
    }

    String host() {
      return uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst("^.*@", "");
    }

    String hostname() {
      return uri.getHost() == null ? "" : uri.getHost().replaceAll("^\\[|]$", "");
    }

    String port() {
      return uri.getPort() < 0 ? "" : String.valueOf(uri.getPort());
    }
  }

  /**
   * A compiled rule, or why it cannot run.
   *
   * @param fieldsRead the fields of {@code self} the rule reads when it reads {@code self} only as
   *     {@code self.<field>} (in {@code has()} too); null when it reads {@code self} whole
   * @param presenceOnly those of {@code fieldsRead} the rule only tests with {@code has()}
   */
  record Compiled(CelRuntime.Program program, String problem, boolean transition, Set<String> fieldsRead,
      Set<String> presenceOnly) {
    Compiled(CelRuntime.Program program, String problem, boolean transition) {
      this(program, problem, transition, null, Set.of());
    }
  }

  private static final KubernetesCel INSTANCE = new KubernetesCel();
  private static final String SELF = "self";

  private final Cel cel;
  private final Map<String, Compiled> cache = new ConcurrentHashMap<>();

  static KubernetesCel get() {
    return INSTANCE;
  }

  private KubernetesCel() {
    CelOptions options = CelOptions.current()
        .enableRegexPartialMatch(true) // CEL's matches() searches, as RE2 in Kubernetes does
        .enableHeterogeneousNumericComparisons(true)
        .comprehensionMaxIterations(100_000)
        .build();
    cel = CelFactory.standardCelBuilder()
        .setOptions(options)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.strings())
        .addRuntimeLibraries(CelExtensions.strings())
        .addVar("self", SimpleType.DYN)
        .addFunctionDeclarations(
            CelFunctionDecl.newFunctionDeclaration("url",
                CelOverloadDecl.newGlobalOverload("string_to_url", URL_TYPE, SimpleType.STRING)),
            CelFunctionDecl.newFunctionDeclaration("isURL",
                CelOverloadDecl.newGlobalOverload("is_url_string", SimpleType.BOOL, SimpleType.STRING)),
            CelFunctionDecl.newFunctionDeclaration("getScheme",
                CelOverloadDecl.newMemberOverload("url_get_scheme", SimpleType.STRING, URL_TYPE)),
            CelFunctionDecl.newFunctionDeclaration("getHost",
                CelOverloadDecl.newMemberOverload("url_get_host", SimpleType.STRING, URL_TYPE)),
            CelFunctionDecl.newFunctionDeclaration("getHostname",
                CelOverloadDecl.newMemberOverload("url_get_hostname", SimpleType.STRING, URL_TYPE)),
            CelFunctionDecl.newFunctionDeclaration("getPort",
                CelOverloadDecl.newMemberOverload("url_get_port", SimpleType.STRING, URL_TYPE)),
            CelFunctionDecl.newFunctionDeclaration("getEscapedPath",
                CelOverloadDecl.newMemberOverload("url_get_escaped_path", SimpleType.STRING, URL_TYPE)),
            CelFunctionDecl.newFunctionDeclaration("getQuery",
                CelOverloadDecl.newMemberOverload("url_get_query", SimpleType.DYN, URL_TYPE)))
        .addFunctionBindings(
            CelFunctionBinding.from("string_to_url", String.class, text -> {
              KubeUrl url = KubeUrl.parse(text);
              if (url == null) {
                throw new IllegalArgumentException("URL parse error during conversion from string: " + text);
              }
              return url;
            }),
            CelFunctionBinding.from("is_url_string", String.class, text -> KubeUrl.parse(text) != null),
            CelFunctionBinding.from("url_get_scheme", KubeUrl.class, KubeUrl::scheme),
            CelFunctionBinding.from("url_get_host", KubeUrl.class, KubeUrl::host),
            CelFunctionBinding.from("url_get_hostname", KubeUrl.class, KubeUrl::hostname),
            CelFunctionBinding.from("url_get_port", KubeUrl.class, KubeUrl::port),
            CelFunctionBinding.from("url_get_escaped_path", KubeUrl.class,
                u -> u.uri().getRawPath() == null ? "" : u.uri().getRawPath()),
            CelFunctionBinding.from("url_get_query", KubeUrl.class, KubernetesCel::query))
        .build();
  }

  private static Map<String, List<String>> query(KubeUrl url) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String raw = url.uri().getQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(eq < 0 ? "" : pair.substring(eq + 1));
    }
    return out;
  }

  /** The rule compiled once (rules repeat across versions and kinds); a rule that cannot compile says why. */
  Compiled compile(String rule) {
    return cache.computeIfAbsent(rule, this::doCompile);
  }

  private Compiled doCompile(String rule) {
    if (rule.matches("(?s).*\\boldSelf\\b.*")) {
      return new Compiled(null, null, true);
    }
    try {
      CelAbstractSyntaxTree ast = cel.compile(rule).getAst();
      CelRuntime.Program program = cel.createProgram(ast);
      Set<String> fields = new TreeSet<>();
      Set<String> values = new TreeSet<>();
      if (!readsSelfOnlyByField(ast.getExpr(), fields, values)) {
        return new Compiled(program, null, false);
      }
      Set<String> presenceOnly = new TreeSet<>(fields);
      presenceOnly.removeAll(values);
      return new Compiled(program, null, false, Set.copyOf(fields), Set.copyOf(presenceOnly));
    } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
      return new Compiled(null, "the rule does not compile in meshgate's CEL environment: "
          + firstLine(e.getMessage()), false);
    }
  }

  /**
   * Whether an expression reads {@code self} only as {@code self.<field>}; collects those fields in
   * {@code fields}, and in {@code values} those whose value it reads (not only {@code has()}).
   */
  private static boolean readsSelfOnlyByField(CelExpr expr, Set<String> fields, Set<String> values) {
    switch (expr.getKind()) {
      case IDENT:
        return !SELF.equals(expr.ident().name());
      case SELECT:
        CelExpr operand = expr.select().operand();
        if (operand.getKind() == CelExpr.ExprKind.Kind.IDENT && SELF.equals(operand.ident().name())) {
          fields.add(expr.select().field());
          if (!expr.select().testOnly()) { // has(self.f) is a select that only tests presence
            values.add(expr.select().field());
          }
          return true;
        }
        return readsSelfOnlyByField(operand, fields, values);
      case CALL:
        if (expr.call().target().isPresent() && !readsSelfOnlyByField(expr.call().target().get(), fields, values)) {
          return false;
        }
        return expr.call().args().stream().allMatch(arg -> readsSelfOnlyByField(arg, fields, values));
      case LIST:
        return expr.list().elements().stream().allMatch(element -> readsSelfOnlyByField(element, fields, values));
      case STRUCT:
        return expr.struct().entries().stream().allMatch(entry -> readsSelfOnlyByField(entry.value(), fields, values));
      case MAP:
        return expr.map().entries().stream().allMatch(entry -> readsSelfOnlyByField(entry.key(), fields, values)
            && readsSelfOnlyByField(entry.value(), fields, values));
      case COMPREHENSION:
        CelExpr.CelComprehension loop = expr.comprehension();
        if (SELF.equals(loop.iterVar()) || SELF.equals(loop.iterVar2()) || SELF.equals(loop.accuVar())) {
          return false; // a variable shadowing self: not worth telling the two apart
        }
        return readsSelfOnlyByField(loop.iterRange(), fields, values)
            && readsSelfOnlyByField(loop.accuInit(), fields, values)
            && readsSelfOnlyByField(loop.loopCondition(), fields, values)
            && readsSelfOnlyByField(loop.loopStep(), fields, values)
            && readsSelfOnlyByField(loop.result(), fields, values);
      default:
        return true; // a constant
    }
  }

  /**
   * {@code self} cut down to the fields a rule reads (absent and null fields stay absent); a field
   * the rule only tests with {@code has()} is there as {@code true}, so that ServiceEntries with
   * different endpoints are one evaluation of a rule that only asks whether there are endpoints.
   */
  private static Map<String, Object> fieldsOf(Map<?, ?> self, Set<String> fields, Set<String> presenceOnly) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String field : fields) {
      Object value = self.get(field);
      if (value != null) {
        out.put(field, presenceOnly.contains(field) ? Boolean.TRUE : value);
      }
    }
    return out;
  }

  /**
   * Evaluates a compiled rule with {@code self} bound to {@code value} (a plain YAML/JSON value).
   *
   * @return null when the rule holds, else why not (false, or an evaluation error)
   */
  String evaluate(Compiled compiled, Object value) {
    return evaluate(compiled, value, new Object[1]);
  }

  /**
   * As {@link #evaluate(Compiled, Object)}; {@code converted} holds {@code value} as CEL sees it once
   * a rule of the same node needed it (several rules of one node convert it once).
   */
  String evaluate(Compiled compiled, Object value, Object[] converted) {
    if (compiled.transition()) {
      return null;
    }
    if (compiled.program() == null) {
      return compiled.problem();
    }
    if (compiled.fieldsRead() != null && value instanceof Map<?, ?> map) {
      // A rule on a whole spec usually reads two or three of its fields: what it answers depends on
      // those alone, so tens of thousands of ServiceEntries with the same resolution and endpoints
      // are one evaluation.
      value = fieldsOf(map, compiled.fieldsRead(), compiled.presenceOnly());
      converted = new Object[1];
    }
    // A rule is a pure function of self, and rendered objects repeat small values (ports,
    // durations, endpoints, labels) tens of thousands of times: remember those answers (bounded,
    // exact). Large values (a whole spec) rarely repeat and would cost more to hash than to check.
    boolean small = small(value);
    Evaluation key = small ? new Evaluation(compiled, value) : null;
    String known = small ? memo.get(key) : null;
    if (known != null) {
      return known.equals(HOLDS) ? null : known;
    }
    if (converted[0] == null) {
      converted[0] = toCel(value);
    }
    String answer = run(compiled, converted[0]);
    if (small) {
      if (memo.size() > MEMO_LIMIT) {
        memo.clear();
      }
      memo.put(key, answer == null ? HOLDS : answer);
    }
    return answer;
  }

  /** A scalar, or a collection of at most a few scalars or small collections. */
  private static boolean small(Object value) {
    // Loops, and strings tested first: this runs for every rule on every node (no stream pipeline
    // made each time, no failing type test against Map and List for each string).
    if (value instanceof String) {
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      return map.size() <= 4 && smallParts(map.values(), true);
    }
    if (value instanceof List<?> list) {
      return list.size() <= 4 && smallParts(list, false);
    }
    return true;
  }

  /** Whether every part is a scalar, a mapping of at most four entries or (if allowed) a list of at most four items. */
  private static boolean smallParts(java.util.Collection<?> parts, boolean listsAllowed) {
    for (Object part : parts) {
      if (part instanceof String) {
        continue;
      }
      if (part instanceof Map<?, ?> m && m.size() > 4 || part instanceof List<?> l && (!listsAllowed || l.size() > 4)) {
        return false;
      }
    }
    return true;
  }

  /** A rule and the value it was evaluated on (compared by identity of the rule, by value of self). */
  private record Evaluation(Compiled rule, Object value) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Evaluation that && rule == that.rule && java.util.Objects.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(rule) * 31 + java.util.Objects.hashCode(value);
    }
  }

  private static final String HOLDS = "\u0000holds";
  private static final int MEMO_LIMIT = 200_000;
  private final Map<Evaluation, String> memo = new ConcurrentHashMap<>();

  private String run(Compiled compiled, Object celValue) {
    try {
      Object result = compiled.program().eval(Map.of("self", celValue));
      return Boolean.TRUE.equals(result) ? null : "";
    } catch (CelEvaluationException | RuntimeException e) {
      return "evaluation error: " + firstLine(e.getMessage());
    }
  }

  /** Plain values as CEL sees them: 64-bit integers, doubles, string-keyed maps, lists. */
  static Object toCel(Object value) {
    if (value instanceof String) { // see small
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (entry.getValue() != null) {
          out.put(String.valueOf(entry.getKey()), toCel(entry.getValue()));
        }
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(toCel(item));
      }
      return out;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return big.longValue();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.stripTrailingZeros().scale() <= 0 ? (Object) decimal.longValue() : (Object) decimal.doubleValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return value;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
