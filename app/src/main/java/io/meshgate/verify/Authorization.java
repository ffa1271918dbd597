package io.meshgate.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AuthorizationPolicy evaluation as Istio documents it:
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/ and
 * https://istio.io/latest/docs/concepts/security/#authorization — CUSTOM first, then DENY, then
 * ALLOW; no ALLOW policy allows; an ALLOW policy whose rules all miss denies. String fields match
 * exactly, by prefix ({@code abc*}), by suffix ({@code *abc}) or by presence ({@code *}).
 */
final class Authorization {
  private Authorization() {}

  /**
   * The request as the server sidecar (or gateway) sees it. {@code principal} is null for plain
   * text; {@code requestPrincipal} ({@code <iss>/<sub>}), {@code audiences} and {@code claims} come
   * from a token a RequestAuthentication validated (null / empty without one).
   */
  record Context(String principal, boolean http, String method, String path, String host, int port,
      String requestPrincipal, List<String> audiences, Map<String, List<String>> claims) {

    Context {
      audiences = audiences == null ? List.of() : audiences;
      claims = claims == null ? Map.of() : claims;
    }

    /** Without end-user authentication. */
    Context(String principal, boolean http, String method, String path, String host, int port) {
      this(principal, http, method, path, host, port, null, null, null);
    }

    String sourceNamespace() {
      if (principal == null) {
        return null;
      }
      int ns = principal.indexOf("/ns/");
      int sa = principal.indexOf("/sa/");
      return ns >= 0 && sa > ns ? principal.substring(ns + 4, sa) : null;
    }

    String serviceAccount() {
      int sa = principal == null ? -1 : principal.indexOf("/sa/");
      return sa < 0 ? null : principal.substring(sa + 4);
    }
  }

  /** The answer: allowed or not, the policy that decided (null when none did), and why. */
  record Decision(boolean allowed, ObjectRef policy, String reason) {}

  /** A policy with its principals expanded by trust domain and its rules indexed by exact principal. */
  static final class Compiled {
    final Istio.AuthorizationPolicy policy;
    final List<Rule> rules = new ArrayList<>();
    private final Map<String, List<Integer>> byPrincipal = new HashMap<>();
    private final List<Integer> unindexed = new ArrayList<>();

    Compiled(Istio.AuthorizationPolicy policy, List<String> trustDomains) {
      this.policy = policy;
      for (Map<String, Object> raw : policy.rules()) {
        Rule rule = new Rule(raw, trustDomains, policy.ref().namespace());
        int index = rules.size();
        rules.add(rule);
        if (rule.exactPrincipals == null) {
          unindexed.add(index);
        } else {
          rule.exactPrincipals.forEach(p -> byPrincipal.computeIfAbsent(p, k -> new ArrayList<>()).add(index));
        }
      }
    }

    /** The first rule (by position) that matches, or -1. */
    int firstMatch(Context context, boolean allow) {
      int best = -1;
      for (int i : unindexed) {
        if ((best < 0 || i < best) && rules.get(i).matches(context, allow)) {
          best = i;
        }
      }
      if (context.principal() != null) {
        for (int i : byPrincipal.getOrDefault(context.principal(), List.of())) {
          if ((best < 0 || i < best) && rules.get(i).matches(context, allow)) {
            best = i;
          }
        }
      }
      return best;
    }
  }

  /** Evaluates the policies that apply to a workload (already selected by namespace and labels). */
  static Decision evaluate(List<Compiled> policies, Context context) {
    List<Compiled> custom = new ArrayList<>();
    List<Compiled> deny = new ArrayList<>();
    List<Compiled> allow = new ArrayList<>();
    for (Compiled c : policies) {
      if (c.policy.targetRefs()) {
        continue; // targetRefs address gateways and waypoints, never a sidecar
      }
      switch (c.policy.action()) {
        case "CUSTOM" -> custom.add(c);
        case "DENY" -> deny.add(c);
        case "ALLOW" -> allow.add(c);
        default -> { } // AUDIT does not decide
      }
    }
    for (Compiled c : custom) {
      if (c.firstMatch(context, false) >= 0) {
        return new Decision(false, c.policy.ref(), "CUSTOM policy matches: the extension provider "
            + (c.policy.provider() == null ? "(none named)" : c.policy.provider())
            + " decides, which verify cannot model (counted as denied)");
      }
    }
    for (Compiled c : deny) {
      int rule = c.firstMatch(context, false);
      if (rule >= 0) {
        boolean aboutTokens = c.rules.get(rule).sources.stream().anyMatch(s -> s.containsKey("notRequestPrincipals")
            || s.containsKey("requestPrincipals"));
        return new Decision(false, c.policy.ref(), "DENY policy rule " + (rule + 1) + " matches "
            + describe(context) + (aboutTokens && context.requestPrincipal() == null && context.http()
                ? " (no request principal: the request carries no valid token)" : "")
            + (context.http() ? "" : " (TCP traffic: HTTP-only fields of a DENY rule are ignored, so it matches more broadly)"));
      }
    }
    if (allow.isEmpty()) {
      return new Decision(true, null, "no ALLOW policy selects the workload, so every request not denied is allowed");
    }
    for (Compiled c : allow) {
      int rule = c.firstMatch(context, true);
      if (rule >= 0) {
        return new Decision(true, c.policy.ref(), "ALLOW policy rule " + (rule + 1) + " matches " + describe(context));
      }
    }
    boolean httpOnlyIgnored = !context.http() && allow.stream().anyMatch(c -> c.rules.stream().anyMatch(r -> r.httpOnly));
    return new Decision(false, allow.get(0).policy.ref(), "no rule of the ALLOW " + (allow.size() == 1 ? "policy" : "policies")
        + " matches " + describe(context)
        + (httpOnlyIgnored ? " (TCP traffic: an ALLOW rule with HTTP-only fields such as methods or paths never matches)" : ""));
  }

  private static String describe(Context c) {
    StringBuilder s = new StringBuilder(c.principal() == null ? "a plain-text peer (no principal)" : "principal " + c.principal());
    if (c.requestPrincipal() != null) {
      s.append(", request principal ").append(c.requestPrincipal());
      if (!c.claims().isEmpty()) {
        s.append(" with claims ").append(c.claims());
      }
    }
    if (c.http()) {
      s.append(", ").append(c.method() == null ? "any method" : c.method()).append(' ').append(c.path() == null ? "/" : c.path());
    }
    return s.append(", port ").append(c.port()).toString();
  }

  // ---- rules -----------------------------------------------------------------------------------

  /** Fields that exist only in HTTP requests (Istio: "Must be used only with HTTP"). */
  private static final Set<String> HTTP_SOURCE_FIELDS = Set.of("requestPrincipals", "notRequestPrincipals");
  private static final Set<String> HTTP_OPERATION_FIELDS = Set.of("hosts", "notHosts", "methods", "notMethods", "paths", "notPaths");

  static final class Rule {
    final List<Map<String, Object>> sources = new ArrayList<>();
    final List<Map<String, Object>> operations = new ArrayList<>();
    final List<Map<String, Object>> conditions;
    final boolean httpOnly;
    /** Every principal a matching request can have, when the rule names only exact principals; else null. */
    final Set<String> exactPrincipals;
    private final String policyNamespace;

    Rule(Map<String, Object> raw, List<String> trustDomains, String policyNamespace) {
      this.policyNamespace = policyNamespace;
      boolean http = false;
      for (Map<String, Object> from : Fields.maps(raw.get("from"))) {
        Map<String, Object> source = new HashMap<>(Fields.map(from, "source"));
        for (String key : List.of("principals", "notPrincipals")) {
          if (source.containsKey(key)) {
            source.put(key, expandTrustDomains(Fields.strings(source.get(key)), trustDomains));
          }
        }
        http |= source.keySet().stream().anyMatch(HTTP_SOURCE_FIELDS::contains);
        sources.add(source);
      }
      for (Map<String, Object> to : Fields.maps(raw.get("to"))) {
        Map<String, Object> operation = Fields.map(to, "operation");
        http |= operation.keySet().stream().anyMatch(HTTP_OPERATION_FIELDS::contains);
        operations.add(operation);
      }
      conditions = Fields.maps(raw.get("when"));
      http |= conditions.stream().anyMatch(c -> String.valueOf(c.get("key")).startsWith("request."));
      httpOnly = http;
      exactPrincipals = exactPrincipals(sources);
    }

    private static Set<String> exactPrincipals(List<Map<String, Object>> sources) {
      if (sources.isEmpty()) {
        return null;
      }
      Set<String> all = new LinkedHashSet<>();
      for (Map<String, Object> source : sources) {
        List<String> principals = Fields.strings(source.get("principals"));
        if (principals.isEmpty() || principals.stream().anyMatch(p -> p.contains("*"))) {
          return null;
        }
        all.addAll(principals);
      }
      return all;
    }

    /**
     * A rule matches when one source, one operation and every condition match; an empty rule always
     * matches. On TCP traffic an ALLOW rule with HTTP-only fields never matches, and a DENY rule's
     * HTTP-only fields are ignored (so it matches more broadly):
     * https://istio.io/latest/docs/reference/config/security/authorization-policy/ (DENY example on TCP)
     * and https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/.
     */
    boolean matches(Context c, boolean allow) {
      if (!c.http() && httpOnly && allow) {
        return false;
      }
      boolean anySource = sources.isEmpty() || sources.stream().anyMatch(s -> sourceMatches(s, c, allow));
      boolean anyOperation = operations.isEmpty() || operations.stream().anyMatch(o -> operationMatches(o, c, allow));
      return anySource && anyOperation && conditions.stream().allMatch(w -> conditionMatches(w, c, allow));
    }

    private boolean sourceMatches(Map<String, Object> s, Context c, boolean allow) {
      // principals and namespaces come from the peer certificate: plain text has neither.
      if (!field(s, "principals", c.principal(), Authorization::valueMatches)) {
        return false;
      }
      if (!notField(s, "notPrincipals", c.principal(), Authorization::valueMatches)) {
        return false;
      }
      if (!field(s, "namespaces", c.sourceNamespace(), Authorization::valueMatches)) {
        return false;
      }
      if (!notField(s, "notNamespaces", c.sourceNamespace(), Authorization::valueMatches)) {
        return false;
      }
      String account = c.sourceNamespace() == null ? null : c.sourceNamespace() + "/" + c.serviceAccount();
      if (!field(s, "serviceAccounts", account, (p, v) -> (p.contains("/") ? p : policyNamespace + "/" + p).equals(v))) {
        return false;
      }
      if (!notField(s, "notServiceAccounts", account, (p, v) -> (p.contains("/") ? p : policyNamespace + "/" + p).equals(v))) {
        return false;
      }
      if (c.http()) {
        // The request principal <iss>/<sub> of a token a RequestAuthentication validated; none
        // without one, so notRequestPrincipals matches every request without a valid token.
        // https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source
        if (!field(s, "requestPrincipals", c.requestPrincipal(), Authorization::valueMatches)
            || !notField(s, "notRequestPrincipals", c.requestPrincipal(), Authorization::valueMatches)) {
          return false;
        }
      }
      for (String unknown : List.of("ipBlocks", "remoteIpBlocks", "notIpBlocks", "notRemoteIpBlocks")) {
        if (!Fields.strings(s.get(unknown)).isEmpty()) {
          return !allow; // addresses are not modelled: assume the outcome that denies
        }
      }
      return true;
    }

    private boolean operationMatches(Map<String, Object> o, Context c, boolean allow) {
      String port = String.valueOf(c.port());
      if (!field(o, "ports", port, String::equals) || !notField(o, "notPorts", port, String::equals)) {
        return false;
      }
      if (!c.http()) {
        return true; // HTTP-only fields: an ALLOW rule never got here; a DENY rule ignores them
      }
      if (!field(o, "hosts", c.host(), (p, v) -> valueMatches(p.toLowerCase(Locale.ROOT), v.toLowerCase(Locale.ROOT)))
          || !notField(o, "notHosts", c.host(), (p, v) -> valueMatches(p.toLowerCase(Locale.ROOT), v.toLowerCase(Locale.ROOT)))) {
        return false;
      }
      if (!field(o, "methods", c.method(), Authorization::valueMatches) || !notField(o, "notMethods", c.method(), Authorization::valueMatches)) {
        return false;
      }
      return field(o, "paths", c.path(), Authorization::pathMatches) && notField(o, "notPaths", c.path(), Authorization::pathMatches);
    }

    /** https://istio.io/latest/docs/reference/config/security/conditions/ (the keys verify can know). */
    private boolean conditionMatches(Map<String, Object> w, Context c, boolean allow) {
      String key = Fields.str(w, "key");
      if (key != null && c.http() && (key.startsWith("request.auth.claims[") || key.equals("request.auth.audiences")
          || key.equals("request.auth.presenter"))) {
        return tokenConditionMatches(key, w, c);
      }
      String value = switch (key == null ? "" : key) {
        case "source.principal" -> c.principal();
        case "source.namespace" -> c.sourceNamespace();
        case "destination.port" -> String.valueOf(c.port());
        case "request.auth.principal" -> c.http() ? c.requestPrincipal() : "";
        default -> {
          if (key != null && key.startsWith("request.") && !c.http()) {
            yield ""; // an HTTP-only key on TCP: ignored by DENY (ALLOW never got here)
          }
          yield "\u0000unknown";
        }
      };
      if ("".equals(value)) {
        return true;
      }
      if ("\u0000unknown".equals(value)) {
        return !allow; // not modelled: assume the outcome that denies
      }
      List<String> values = Fields.strings(w.get("values"));
      List<String> notValues = Fields.strings(w.get("notValues"));
      boolean in = values.isEmpty() || (value != null && values.stream().anyMatch(p -> valueMatches(p, value)));
      boolean notIn = value == null || notValues.stream().noneMatch(p -> valueMatches(p, value));
      return in && notIn;
    }
  }

  /**
   * {@code request.auth.claims[name]} (nested: {@code [a][b]}), {@code request.auth.audiences},
   * {@code request.auth.presenter}: multi-valued. {@code values} matches when one of the token's values
   * matches one pattern; {@code notValues} when none does. Without a token (or without the claim),
   * {@code values} never matches and {@code notValues} always does, which is what makes a DENY rule
   * with {@code notValues} refuse requests that lack the claim.
   * https://istio.io/latest/docs/reference/config/security/conditions/
   */
  private static boolean tokenConditionMatches(String key, Map<String, Object> w, Context c) {
    List<String> actual;
    if (key.equals("request.auth.audiences")) {
      actual = c.audiences();
    } else if (key.equals("request.auth.presenter")) {
      actual = c.claims().getOrDefault("azp", List.of());
    } else {
      String name = key.substring("request.auth.claims[".length(), key.length() - 1).replace("][", ".");
      actual = c.claims().getOrDefault(name, List.of());
    }
    List<String> values = Fields.strings(w.get("values"));
    List<String> notValues = Fields.strings(w.get("notValues"));
    boolean in = values.isEmpty() || actual.stream().anyMatch(v -> values.stream().anyMatch(p -> valueMatches(p, v)));
    boolean notIn = actual.stream().noneMatch(v -> notValues.stream().anyMatch(p -> valueMatches(p, v)));
    return in && notIn;
  }

  private interface Matcher {
    boolean test(String pattern, String value);
  }

  /** A set list must have one match; an absent value matches nothing. An absent list matches all. */
  private static boolean field(Map<String, Object> object, String key, String value, Matcher matcher) {
    List<String> patterns = Fields.strings(object.get(key));
    if (patterns.isEmpty()) {
      return true;
    }
    return value != null && patterns.stream().anyMatch(p -> matcher.test(p, value));
  }

  private static boolean notField(Map<String, Object> object, String key, String value, Matcher matcher) {
    List<String> patterns = Fields.strings(object.get(key));
    return value == null || patterns.stream().noneMatch(p -> matcher.test(p, value));
  }

  /** Exact, prefix {@code abc*}, suffix {@code *abc}, presence {@code *} (Rule reference). */
  static boolean valueMatches(String pattern, String value) {
    if (value == null) {
      return false;
    }
    if (pattern.equals("*")) {
      return !value.isEmpty();
    }
    if (pattern.endsWith("*")) {
      return value.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    if (pattern.startsWith("*")) {
      return value.endsWith(pattern.substring(1));
    }
    return pattern.equals(value);
  }

  /**
   * Paths: as {@link #valueMatches}, plus the {@code {*}} (one segment) and {@code {**}} (any rest)
   * templates of Operation.paths. The query string is not part of the path.
   */
  static boolean pathMatches(String pattern, String path) {
    if (path == null) {
      return false;
    }
    int query = path.indexOf('?');
    String bare = query >= 0 ? path.substring(0, query) : path;
    if (pattern.contains("{*}") || pattern.contains("{**}")) {
      StringBuilder regex = new StringBuilder();
      for (String part : pattern.split("(?=\\{\\*\\*?})|(?<=\\{\\*\\*?})")) {
        regex.append(switch (part) {
          case "{*}" -> "[^/]+";
          case "{**}" -> ".*";
          default -> Pattern.quote(part);
        });
      }
      return bare.matches(regex.toString());
    }
    return valueMatches(pattern, bare);
  }

  /**
   * Principals whose trust domain is the mesh's, one of its aliases, or {@code cluster.local} stand for
   * the trust domain and every alias:
   * https://istio.io/latest/docs/tasks/security/authorization/authz-td-migration/
   */
  static List<String> expandTrustDomains(List<String> principals, List<String> trustDomains) {
    List<String> out = new ArrayList<>();
    for (String principal : principals) {
      int ns = principal.indexOf("/ns/");
      if (principal.startsWith("*") || ns <= 0) {
        out.add(principal);
        continue;
      }
      String domain = principal.substring(0, ns);
      if (trustDomains.contains(domain) || domain.equals("cluster.local")) {
        for (String td : trustDomains) {
          String expanded = td + principal.substring(ns);
          if (!out.contains(expanded)) {
            out.add(expanded);
          }
        }
      } else {
        out.add(principal);
      }
    }
    return out;
  }
}
