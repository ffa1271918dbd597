package io.meshgate.emco;

import io.meshgate.intent.Kind;
import io.meshgate.intent.SeedFieldNames;
import io.meshgate.intent.SeedFieldNames.Body;
import io.meshgate.intent.SeedFieldNames.Converted;
import io.meshgate.intent.SeedFieldNames.Mapping;
import io.meshgate.intent.SeedFieldNames.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Converts the seed's request bodies (EMCO traffic controller: inbound service, client, security
 * intent) into meshgate intents, field by field through {@link SeedFieldNames}. Every field that
 * cannot be mapped becomes a {@link SeedProblem} at its JSON path; nothing is guessed.
 */
public final class SeedConverter {
  /** Labels holding what the seed has and meshgate's intents do not (never rendered). */
  public static final String SECURITY_INTENT_LABEL = "securityIntent";

  private static final List<String> SIMPLE_ALGORITHMS = List.of("LEAST_REQUEST", "LEAST_CONN", "ROUND_ROBIN", "RANDOM",
      "PASSTHROUGH");
  private static final Pattern HTTP_METHOD = Pattern.compile("[A-Z]+");
  private static final Pattern PRINCIPAL = Pattern.compile("(?:spiffe://)?([^/]+)/ns/([^/]+)/sa/([^/]+)");

  /**
   * One seed body and where it came from.
   *
   * @param file the file as the user named it, or null for a request body
   * @param path the JSON path of the body in that document ({@code $}, or {@code $[2]} in a list)
   * @param json the whole document, for line and column
   */
  public record Source(String file, String path, LocatedJson json) {
    SeedProblem problem(String relative, String message) {
      String at = relative.isEmpty() ? path : relative.startsWith("[") ? path + relative : path + "." + relative;
      LocatedJson.Position position = json == null ? new LocatedJson.Position(1, 1) : json.positionOf(at);
      return new SeedProblem(file, position.line(), position.column(), at, message);
    }

    /**
     * The client intent already in the repository, read back in the seed's shape to be written
     * again (the seed API's security-intent writes): its file, not a request body, is the origin.
     */
    public static Source stored(String file) {
      return new Source(file + " (as stored before this request, read back in the seed's shape)", "$", null);
    }

    /** What the comments in the intent file name as the origin. */
    String origin() {
      return file == null ? "the request body" : file + (path.equals("$") ? "" : " " + path);
    }
  }

  /**
   * The inbound intent a client calls when its body does not say.
   *
   * @param why the comment on {@code target} in the intent file
   */
  public record Target(String name, String why) {
    /** The inbound intent a client was posted (or saved) under: {@code .../us-to-us-intents/<name>/clients}. */
    public static Target postedUnder(String name) {
      return name == null ? null
          : new Target(name, "the inbound intent it was posted under (.../us-to-us-intents/" + name + "/clients)");
    }
  }

  /**
   * A client's security intent body.
   *
   * @param name its name when the body's metadata has none (the name in its URL), or null
   */
  public record Security(Source source, Object body, String name) {}

  private final Placement placement;
  private final List<SeedProblem> problems = new ArrayList<>();

  public SeedConverter(Placement placement) {
    this.placement = Objects.requireNonNull(placement);
  }

  /** Every problem found so far, in the order found. */
  public List<SeedProblem> problems() {
    return List.copyOf(problems);
  }

  /** The kind of seed body, by the field only that body has; null (and a problem) when it has none. */
  public Body kindOf(Source source, Object body) {
    if (body instanceof Map<?, ?> map && map.get("spec") instanceof Map<?, ?> spec) {
      if (spec.containsKey("servicename")) {
        return Body.INBOUND;
      }
      if (spec.containsKey("clientServiceName")) {
        return Body.CLIENT;
      }
      if (spec.containsKey("serviceAccountAccess")) {
        return Body.SECURITY;
      }
    }
    problems.add(source.problem("", "cannot tell which seed intent this is: an inbound service has spec.servicename,"
        + " a client spec.clientServiceName, a security intent spec.serviceAccountAccess"));
    return null;
  }

  /** An inbound service ("us-to-us intent"); null when it has problems. */
  public IntentModel inbound(Source source, Object body) {
    int before = problems.size();
    Map<String, Object> spec = frame(source, body);
    if (spec == null) {
      return null;
    }
    IntentModel model = new IntentModel(Kind.InboundService.name(), List.of(
        "Converted by meshgate from the seed's (EMCO) inbound service intent",
        source.origin() + "; \"from\" comments name each value's seed field."));
    metadata(source, asMap(body).get("metadata"), model.metadata(), "metadata");
    Map<String, Object> loadBalancing = new LinkedHashMap<>();
    for (Map.Entry<String, Object> field : spec.entrySet()) {
      Mapping mapping = mapping(source, Body.INBOUND, field.getKey());
      if (mapping == null) {
        continue;
      }
      if (mapping.value() == Value.LOAD_BALANCING
          || mapping.target() != null && mapping.target().startsWith("spec.loadBalancing")) {
        loadBalancing.put(mapping.seedName(), field.getValue());
        continue;
      }
      put(source, model, mapping, field.getKey(), field.getValue());
    }
    require(source, spec, List.of("servicename", "protocol", "port", "mutualTLS"));
    if (!loadBalancing.isEmpty()) {
      loadBalancing(source, loadBalancing, model.spec());
    }
    place(source, model);
    return problems.size() == before ? model : null;
  }

  /**
   * A client of an inbound service, with its security intent merged in.
   *
   * @param target the inbound intent the client calls unless the body says (null: the body must say)
   * @param targetApp that inbound intent's application (the client's unless the body says), or null
   * @param security the security intent, or null
   */
  public IntentModel client(Source source, Object body, Target target, String targetApp, Security security) {
    int before = problems.size();
    Map<String, Object> spec = frame(source, body);
    if (spec == null) {
      return null;
    }
    List<String> header = new ArrayList<>(List.of("Converted by meshgate from the seed's (EMCO) client intent",
        source.origin()));
    if (security != null) {
      header.add("and its security intent " + security.source().origin());
    }
    header.add("\"from\" comments name each value's seed field.");
    IntentModel model = new IntentModel(Kind.ServiceClient.name(), header);
    metadata(source, asMap(body).get("metadata"), model.metadata(), "metadata");
    for (Map.Entry<String, Object> field : spec.entrySet()) {
      Mapping mapping = mapping(source, Body.CLIENT, field.getKey());
      if (mapping != null) {
        put(source, model, mapping, field.getKey(), field.getValue());
      }
    }
    require(source, spec, List.of("clientServiceName"));
    List<String> targetFields = targetFields(spec);
    if (targetFields.size() > 1 && spec.get(targetFields.get(0)) != null
        && !spec.get(targetFields.get(0)).equals(spec.get(targetFields.get(1)))) {
      problems.add(source.problem(at("spec", targetFields.get(1)), "\"" + targetFields.get(0) + "\" and \""
          + targetFields.get(1) + "\" name different inbound intents (" + SeedFieldNames.describe(spec.get(targetFields.get(0)))
          + ", " + SeedFieldNames.describe(spec.get(targetFields.get(1))) + "); give one"));
    }
    if (model.spec().get("target") == null) {
      if (target == null) {
        problems.add(source.problem("spec", "cannot tell which inbound service this client calls: save the body"
            + " under <inbound intent>/clients/ as its URL does, or add \"target\": \"<inbound intent name>\""));
      } else {
        model.spec().put("target", target.name(), target.why());
      }
    }
    if (model.spec().get("app") == null && targetApp != null) {
      model.spec().put("app", targetApp, "the application of inbound intent " + model.spec().get("target"));
    }
    if (security != null) {
      security(security, model);
    }
    place(source, model);
    return problems.size() == before ? model : null;
  }

  /** The fields of a client body that name its inbound intent ({@code target}, {@code inboundServerIntent}), as given. */
  private static List<String> targetFields(Map<String, Object> spec) {
    List<String> fields = new ArrayList<>();
    for (String key : spec.keySet()) {
      SeedFieldNames.of(Body.CLIENT, key).filter(m -> "spec.target".equals(m.target())).ifPresent(m -> fields.add(key));
    }
    return fields;
  }

  /** The inbound intent a client body names ({@code target} or {@code inboundServerIntent}), or null. */
  public static String bodyTarget(Object body) {
    if (body instanceof Map<?, ?> map && map.get("spec") instanceof Map<?, ?> spec) {
      for (String field : targetFields(asMap(spec))) {
        if (spec.get(field) instanceof String name) {
          return name;
        }
      }
    }
    return null;
  }

  /** The security intent's fields, merged into a client already converted. */
  private void security(Security security, IntentModel client) {
    Source source = security.source();
    Object body = security.body();
    Map<String, Object> spec = frame(source, body);
    if (spec == null) {
      return;
    }
    Map<String, Object> metadata = asMap(asMap(body).get("metadata"));
    Object name = metadata.get("name") != null ? metadata.get("name") : security.name();
    Converted converted = SeedFieldNames.convert(Value.NAME, name);
    if (converted.problem() != null) {
      problems.add(source.problem("metadata.name", converted.problem()));
    } else {
      client.metadata().fields("labels", null).put(SECURITY_INTENT_LABEL, converted.value(),
          metadata.get("name") != null ? "from the security intent's \"metadata.name\"" : "the name in its URL");
    }
    for (Map.Entry<String, Object> entry : metadata.entrySet()) {
      if (!entry.getKey().equals("name")) {
        Optional<Mapping> mapping = SeedFieldNames.of(Body.METADATA, entry.getKey());
        if (mapping.isEmpty()) {
          problems.add(source.problem(at("metadata", entry.getKey()),
              "cannot map \"" + entry.getKey() + "\": a seed intent's metadata has name, description, userData1, userData2"));
          continue;
        }
        Converted text = SeedFieldNames.convert(Value.TEXT, entry.getValue());
        if (text.problem() != null) {
          problems.add(source.problem("metadata." + entry.getKey(), text.problem()));
        } else if (text.value() != null) {
          client.metadata().fields("labels", null).put(SECURITY_INTENT_LABEL + "." + mapping.get().seedName(),
              text.value(), "from the security intent's \"metadata." + entry.getKey() + "\"");
        }
      }
    }
    for (Map.Entry<String, Object> field : spec.entrySet()) {
      Mapping mapping = mapping(source, Body.SECURITY, field.getKey());
      if (mapping != null) {
        access(source, "spec." + field.getKey(), field.getValue(), client);
      }
    }
    require(source, spec, List.of("serviceAccountAccess"));
  }

  /** principal → method → paths: one principal (the client's service account), one access entry per method and path. */
  private void access(Source source, String path, Object value, IntentModel client) {
    if (!(value instanceof Map<?, ?> principals) || principals.size() != 1) {
      problems.add(source.problem(path, value instanceof Map<?, ?> m && m.size() > 1
          ? "holds " + m.size() + " principals; a meshgate ServiceClient is one service account: post one security intent per client"
          : "must map one principal (the client's service account) to methods and paths, e.g. {\"sleep\": {\"GET\": [\"/status*\"]}}"));
      return;
    }
    Map.Entry<?, ?> principal = principals.entrySet().iterator().next();
    String principalPath = LocatedJson.child("$", String.valueOf(principal.getKey())).substring(1);
    String serviceAccount = serviceAccount(source, path + principalPath, String.valueOf(principal.getKey()), client);
    if (serviceAccount == null) {
      return;
    }
    client.spec().put("serviceAccount", serviceAccount, "from the security intent's principal \"" + principal.getKey() + "\"");
    if (principal.getValue() == null) {
      return;
    }
    if (!(principal.getValue() instanceof Map<?, ?> methods)) {
      problems.add(source.problem(path + principalPath, "must map HTTP methods to paths, e.g. {\"GET\": [\"/status*\"]}"));
      return;
    }
    List<IntentModel.Fields> entries = new ArrayList<>();
    for (Map.Entry<?, ?> method : methods.entrySet()) {
      String methodName = String.valueOf(method.getKey());
      String methodPath = path + principalPath + LocatedJson.child("$", methodName).substring(1);
      String upper = methodName.toUpperCase(Locale.ROOT);
      boolean anyMethod = upper.equals("*");
      if (!anyMethod && !HTTP_METHOD.matcher(upper).matches()) {
        problems.add(source.problem(methodPath, "\"" + methodName + "\" is not an HTTP method; use GET, POST, ... or \"*\" for any"));
        continue;
      }
      List<?> paths = method.getValue() instanceof List<?> list ? list
          : method.getValue() instanceof String one ? List.of(one) : null;
      if (paths == null || paths.isEmpty()) {
        problems.add(source.problem(methodPath, "must list the paths allowed, e.g. [\"/status*\"] ([\"*\"] for any)"));
        continue;
      }
      for (int i = 0; i < paths.size(); i++) {
        if (!(paths.get(i) instanceof String p) || p.isEmpty()) {
          problems.add(source.problem(methodPath + "[" + i + "]", "a path must be non-empty text"));
          continue;
        }
        IntentModel.Fields entry = new IntentModel.Fields();
        if (!anyMethod) {
          entry.put("methods", List.of(upper), null);
        }
        entry.put("paths", List.of(p), null);
        entries.add(entry);
      }
    }
    if (!entries.isEmpty()) {
      client.spec().put("access", entries, "from the security intent's \"serviceAccountAccess\" (one entry per method and path)");
    }
  }

  /** {@code sleep}, or {@code cluster.local/ns/default/sa/sleep} whose namespace must be the client's. */
  private String serviceAccount(Source source, String path, String principal, IntentModel client) {
    java.util.regex.Matcher spiffe = PRINCIPAL.matcher(principal);
    String account = principal;
    if (spiffe.matches()) {
      Object namespace = client.spec().get("namespace");
      String clientNamespace = namespace == null ? "default" : namespace.toString();
      if (!spiffe.group(2).equals(clientNamespace)) {
        problems.add(source.problem(path, "principal \"" + principal + "\" is in namespace " + spiffe.group(2)
            + " but the client runs in namespace " + clientNamespace + "; give the client \"namespace\": \""
            + spiffe.group(2) + "\" or name its own service account"));
        return null;
      }
      account = spiffe.group(3);
    }
    if (!account.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*") || account.length() > 253) {
      problems.add(source.problem(path, "principal \"" + principal + "\" is neither a Kubernetes service account name"
          + " nor <trust domain>/ns/<namespace>/sa/<service account>"));
      return null;
    }
    return account;
  }

  /**
   * {@code loadbalancingType} "Simple" with an algorithm as {@code loadBalancerMode}, or
   * "ConsistenHash" (sic) with a hash key mode and its value ({@code httpCookie}: the cookie's name).
   */
  private void loadBalancing(Source source, Map<String, Object> fields, IntentModel.Fields spec) {
    Object type = fields.get("loadbalancingType");
    Object mode = fields.get("loadBalancerMode");
    String typeText = type instanceof String t ? t.strip() : null;
    String modeText = mode instanceof String m ? m.strip() : null;
    if (type != null && typeText == null || mode != null && modeText == null) {
      problems.add(source.problem(type != null && typeText == null ? "spec.loadbalancingType" : "spec.loadBalancerMode",
          "must be text"));
      return;
    }
    boolean simple = typeText != null ? SeedFieldNames.SIMPLE_TYPES.stream().anyMatch(typeText::equalsIgnoreCase)
        : modeText != null && SIMPLE_ALGORITHMS.contains(modeText.toUpperCase(Locale.ROOT));
    boolean hash = typeText != null ? SeedFieldNames.HASH_TYPES.stream().anyMatch(typeText::equalsIgnoreCase)
        : modeText != null && hashMode(modeText) != null || fields.containsKey("httpCookie");
    if (typeText != null && !simple && !hash) {
      problems.add(source.problem("spec.loadbalancingType", "\"" + typeText + "\" is not a load balancing type; use"
          + " \"Simple\" (with loadBalancerMode " + String.join(", ", SIMPLE_ALGORITHMS) + ") or \"ConsistenHash\""
          + " (with loadBalancerMode " + String.join(", ", SeedFieldNames.HASH_MODES.keySet()) + ")"));
      return;
    }
    String from = "from " + quoteFields(fields, List.of("loadbalancingType", "loadBalancerMode"));
    if (simple) {
      for (String hashField : List.of("httpCookie", "httpHeaderName", "minimumRingSize")) {
        if (fields.containsKey(hashField)) {
          problems.add(source.problem("spec." + hashField, "\"" + hashField + "\" belongs to a consistent hash,"
              + " but loadbalancingType is \"Simple\"; remove it or use \"ConsistenHash\""));
        }
      }
      if (modeText == null || !SIMPLE_ALGORITHMS.contains(modeText.toUpperCase(Locale.ROOT))) {
        problems.add(source.problem(modeText == null ? "spec" : "spec.loadBalancerMode", "a \"Simple\" load balancer needs"
            + " loadBalancerMode " + String.join(", ", SIMPLE_ALGORITHMS)
            + (modeText == null ? "" : ", not \"" + modeText + "\"")));
        return;
      }
      spec.fields("loadBalancing", from).put("simple", modeText.toUpperCase(Locale.ROOT), null);
      return;
    }
    String key = modeText == null ? (fields.containsKey("httpCookie") ? "httpCookie" : null) : hashMode(modeText);
    if (key == null) {
      String hint = modeText != null && modeText.equalsIgnoreCase("minimumRingSize")
          ? "; minimumRingSize is not a hash key: give it as \"minimumRingSize\": 1024 next to a key mode" : "";
      problems.add(source.problem(modeText == null ? "spec" : "spec.loadBalancerMode", "a consistent hash needs"
          + " loadBalancerMode " + String.join(", ", SeedFieldNames.HASH_MODES.keySet())
          + (modeText == null ? "" : ", not \"" + modeText + "\"") + hint));
      return;
    }
    IntentModel.Fields consistentHash = spec.fields("loadBalancing", from).fields("consistentHash", null);
    switch (key) {
      case "httpCookie" -> {
        Converted name = SeedFieldNames.convert(Value.TEXT, fields.get("httpCookie"));
        if (name.problem() != null || name.value() == null) {
          problems.add(source.problem(fields.containsKey("httpCookie") ? "spec.httpCookie" : "spec",
              "hashing on a cookie needs \"httpCookie\": the cookie's name" + (name.problem() == null ? "" : "; " + name.problem())));
          return;
        }
        consistentHash.fields("httpCookie", null)
            .put("name", name.value(), "from \"httpCookie\"")
            .put("ttl", "0s", "the seed gives no lifetime: a session cookie");
      }
      case "httpHeaderName", "httpQueryParameterName" -> {
        Converted name = SeedFieldNames.convert(Value.TEXT, fields.get(key));
        if (name.problem() != null || name.value() == null) {
          problems.add(source.problem(fields.containsKey(key) ? "spec." + key : "spec",
              "hashing on " + key + " needs \"" + key + "\": the name to hash on"));
          return;
        }
        consistentHash.put(key, name.value(), "from \"" + key + "\"");
      }
      default -> consistentHash.put("useSourceIp", Boolean.TRUE, null);
    }
    if (fields.containsKey("minimumRingSize")) {
      Converted size = SeedFieldNames.convert(Value.INTEGER, fields.get("minimumRingSize"));
      if (size.problem() != null) {
        problems.add(source.problem("spec.minimumRingSize", size.problem()));
      } else if (size.value() != null) {
        consistentHash.put("minimumRingSize", size.value(), "from \"minimumRingSize\"");
      }
    }
  }

  private static String hashMode(String mode) {
    for (Map.Entry<String, String> entry : SeedFieldNames.HASH_MODES.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(mode)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static String quoteFields(Map<String, Object> fields, List<String> names) {
    List<String> shown = new ArrayList<>();
    for (String name : names) {
      if (fields.containsKey(name)) {
        shown.add("\"" + name + "\": " + SeedFieldNames.describe(fields.get(name)));
      }
    }
    return String.join(", ", shown);
  }

  /** Puts one converted single-value field at its meshgate path, with a comment naming the seed field. */
  private void put(Source source, IntentModel model, Mapping mapping, String key, Object value) {
    Converted converted = SeedFieldNames.convert(mapping.value(), value);
    if (converted.problem() != null) {
      problems.add(source.problem(at("spec", key), converted.problem()));
      return;
    }
    if (converted.value() == null || mapping.target() == null) {
      return;
    }
    String comment = comment(key, value, converted.value(), mapping.meshgateExtension())
        + (mapping.value() == Value.MINUTES && !(value instanceof String text && text.equals(converted.value())) ? " (minutes)" : "");
    String target = mapping.target();
    if (target.startsWith("spec.")) {
      model.spec().putPath(target.substring(5), converted.value(), comment);
    }
  }

  private static String comment(String key, Object raw, Object converted, boolean extension) {
    String suffix = extension ? " (a meshgate field)" : "";
    boolean same = Objects.equals(raw, converted)
        || raw instanceof Number n && converted instanceof Long l && n.longValue() == l
        || raw instanceof List<?> list && list.equals(converted);
    return same ? "from \"" + key + "\"" + suffix : "from \"" + key + "\": " + SeedFieldNames.describe(raw) + suffix;
  }

  private void metadata(Source source, Object raw, IntentModel.Fields metadata, String path) {
    Map<String, Object> fields = asMap(raw);
    for (Map.Entry<String, Object> entry : fields.entrySet()) {
      Optional<Mapping> mapping = SeedFieldNames.of(Body.METADATA, entry.getKey());
      String at = at(path, entry.getKey());
      if (mapping.isEmpty()) {
        problems.add(source.problem(at, "cannot map \"" + entry.getKey()
            + "\": a seed intent's metadata has name, description, userData1 and userData2"));
        continue;
      }
      Converted converted = SeedFieldNames.convert(mapping.get().value(), entry.getValue());
      if (converted.problem() != null) {
        problems.add(source.problem(at, converted.problem()));
      } else if (converted.value() != null) {
        metadata.putPath(mapping.get().target().substring("metadata.".length()), converted.value(),
            "from \"metadata." + entry.getKey() + "\"");
      }
    }
    if (!fields.containsKey("name")) {
      problems.add(source.problem(path, "missing \"name\": every seed intent has metadata.name"));
    }
  }

  /** The body's spec, after checking the frame ({metadata, spec} and nothing else); null on problems. */
  private Map<String, Object> frame(Source source, Object body) {
    if (!(body instanceof Map<?, ?> map)) {
      problems.add(source.problem("", "a seed body is a JSON object with metadata and spec"));
      return null;
    }
    boolean ok = true;
    for (Object key : map.keySet()) {
      if (!key.equals("metadata") && !key.equals("spec")) {
        problems.add(source.problem(at("", String.valueOf(key)), "cannot map \"" + key + "\": a seed body has metadata and spec only"));
        ok = false;
      }
    }
    if (!(map.get("metadata") instanceof Map<?, ?>)) {
      problems.add(source.problem(map.containsKey("metadata") ? "metadata" : "", "needs a \"metadata\" object with the intent's name"));
      ok = false;
    }
    if (!(map.get("spec") instanceof Map<?, ?>)) {
      problems.add(source.problem(map.containsKey("spec") ? "spec" : "", "needs a \"spec\" object"));
      ok = false;
    }
    return ok ? asMap(map.get("spec")) : null;
  }

  private Mapping mapping(Source source, Body body, String key) {
    Optional<Mapping> mapping = SeedFieldNames.of(body, key);
    if (mapping.isPresent()) {
      return mapping.get();
    }
    String suggestion = SeedFieldNames.closest(body, key);
    problems.add(source.problem(at("spec", key), "cannot map \"" + key + "\": the seed's " + describe(body)
        + " has no such field" + (suggestion != null ? "; did you mean \"" + suggestion + "\"?"
            : "; fields meshgate maps: " + String.join(", ", SeedFieldNames.names(body)))));
    return null;
  }

  private void require(Source source, Map<String, Object> spec, List<String> fields) {
    for (String field : fields) {
      if (!spec.containsKey(field) || spec.get(field) == null) {
        problems.add(source.problem("spec", "missing \"" + field + "\": meshgate needs it (" +
            SeedFieldNames.of(Body.INBOUND, field).or(() -> SeedFieldNames.of(Body.CLIENT, field))
                .or(() -> SeedFieldNames.of(Body.SECURITY, field)).map(Mapping::target).orElse(field) + ")"));
      }
    }
  }

  /** The cluster (and namespace) of an intent whose body does not say: from the placement. */
  private void place(Source source, IntentModel model) {
    IntentModel.Fields spec = model.spec();
    if (spec.get("cluster") != null) {
      return;
    }
    Object service = spec.get("service");
    Object app = spec.get("app");
    if (service == null) {
      return; // reported as missing already
    }
    Optional<Placement.Place> place = placement.find(app == null ? null : app.toString(), service.toString());
    if (place.isEmpty()) {
      problems.add(source.problem("spec", "no cluster for service " + service
          + (app == null ? " (no \"application\")" : " of application " + app) + ": the seed placed apps with"
          + " placement intents; add " + (app == null ? "\"application\" and a placement entry"
              : app + ": {" + service + ": <cluster>}") + " to the placement file"
          + (placement.label() == null ? " (--placement FILE)" : " " + placement.label())
          + ", or \"cluster\": \"<cluster>\" to spec"));
      return;
    }
    spec.put("cluster", place.get().cluster(), "placement: " + place.get().source());
    if (place.get().namespace() != null && spec.get("namespace") == null) {
      spec.put("namespace", place.get().namespace(), "placement: " + place.get().source());
    }
  }

  private static String describe(Body body) {
    return switch (body) {
      case INBOUND -> "inbound service intent";
      case CLIENT -> "client intent";
      case SECURITY -> "security intent";
      case METADATA -> "metadata";
    };
  }

  /** The relative JSON path of {@code key} under {@code parent} ("" for the body itself). */
  private static String at(String parent, String key) {
    String child = LocatedJson.child(parent, key);
    return child.startsWith(".") ? child.substring(1) : child;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }
}
