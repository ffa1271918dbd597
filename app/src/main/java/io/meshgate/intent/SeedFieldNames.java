package io.meshgate.intent;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The seed system's field names (EMCO's Istio traffic controller: inbound service, client and
 * security intents) and where each lands in meshgate's intents, with how the seed writes its value.
 * One table for {@code meshgate import emco}, the seed API of {@code meshgate serve} and the
 * {@code MG-SCHEMA} message for an unknown field that is a seed name ("servicename" is
 * {@code spec.service}, not "allowed fields: ...").
 */
public final class SeedFieldNames {
  private SeedFieldNames() {}

  /** The seed body a field belongs to. */
  public enum Body {
    /** {@code POST .../traffic-intent-set/us-to-us-intents}: an inbound service. */
    INBOUND,
    /** {@code POST .../us-to-us-intents/{inbound}/clients} (or {@code .../{set}/{inbound}/clients}): a client of an inbound service. */
    CLIENT,
    /** {@code POST .../clients/{client}/security}: who may do what, merged into the client. */
    SECURITY,
    /** {@code metadata} of every body. */
    METADATA
  }

  /** How the seed writes a value, and how it becomes meshgate's. */
  public enum Value {
    /** Free text; an empty string means "not given". */
    TEXT,
    /** A DNS-1123 label (names of intents, services, namespaces, clusters). */
    NAME,
    /** {@code true}, {@code "false"}, {@code "yes"}, {@code "no"} (any case). */
    BOOLEAN,
    /** A number or a string of digits ({@code "80"}). */
    INTEGER,
    /** A port: an {@link #INTEGER} from 1 to 65535. */
    PORT,
    /** HTTP, HTTP2, GRPC, TCP, TLS or HTTPS (any case). */
    PROTOCOL,
    /** SIMPLE, ISTIO_MUTUAL or MUTUAL (any case). */
    TLS_MODE,
    /** Minutes without a unit ({@code 15} → {@code 15m}), or an Istio duration with its unit. */
    MINUTES,
    /** An Istio duration with its unit ({@code 5m}). */
    DURATION,
    /** A list of namespace names; an empty list means every namespace (the field is left out). */
    NAMESPACES,
    /** Only {@code "istio"}: meshgate always means Istio, nothing is written. */
    MESH,
    /** {@code loadbalancingType}, {@code loadBalancerMode} and the hash key: assembled together. */
    LOAD_BALANCING,
    /** {@code serviceAccountAccess}: principal → method → paths. */
    ACCESS
  }

  /**
   * One seed field.
   *
   * @param seedName the seed's JSON name
   * @param kind the meshgate kind it lands in
   * @param target meshgate's field path ({@code spec.connectionPool.maxConnections}); null when
   *     nothing is written
   * @param example what to write in an intent file instead: YAML for one entry of {@code spec}
   *     (or {@code metadata}); {@code %s} stands for the converted value when there is one
   * @param note said after the example, or null
   * @param meshgateExtension a meshgate field accepted in seed bodies (the seed has no such field)
   */
  public record Mapping(String seedName, Body body, Kind kind, String target, Value value, String example,
      String note, boolean meshgateExtension) {

    /** The last segment of the target path (the field written), or null. */
    public String targetField() {
      return target == null ? null : target.substring(target.lastIndexOf('.') + 1);
    }
  }

  private static final List<Mapping> TABLE;

  static {
    List<Mapping> t = new ArrayList<>();
    // metadata, every body
    for (Kind kind : List.of(Kind.InboundService, Kind.ServiceClient)) {
      t.add(seed("name", Body.METADATA, kind, "metadata.name", Value.NAME, "name: %s"));
      t.add(seed("description", Body.METADATA, kind, "metadata.description", Value.TEXT, "description: %s"));
      t.add(seed("userData1", Body.METADATA, kind, "metadata.labels.userData1", Value.TEXT, "labels: {userData1: %s}"));
      t.add(seed("userData2", Body.METADATA, kind, "metadata.labels.userData2", Value.TEXT, "labels: {userData2: %s}"));
    }
    // the inbound service ("us-to-us intent")
    Kind in = Kind.InboundService;
    t.add(seed("application", Body.INBOUND, in, "spec.app", Value.TEXT, "app: %s"));
    t.add(seed("servicename", Body.INBOUND, in, "spec.service", Value.NAME, "service: %s"));
    t.add(seed("protocol", Body.INBOUND, in, "spec.protocol", Value.PROTOCOL, "protocol: %s"));
    t.add(seed("port", Body.INBOUND, in, "spec.port", Value.PORT, "port: %s"));
    t.add(seed("headless", Body.INBOUND, in, "spec.headless", Value.BOOLEAN, "headless: %s"));
    t.add(seed("mutualTLS", Body.INBOUND, in, "spec.mutualTLS", Value.TLS_MODE, "mutualTLS: %s"));
    t.add(seed("istio-proxy", Body.INBOUND, in, "spec.sidecar", Value.BOOLEAN, "sidecar: %s"));
    t.add(seed("serviceMesh", Body.INBOUND, in, null, Value.MESH, null));
    String loadBalancing = "loadBalancing: {simple: ROUND_ROBIN}";
    String hash = "or loadBalancing: {consistentHash: {httpCookie: {name: user1, ttl: 0s}}}";
    t.add(seed("loadbalancingType", Body.INBOUND, in, "spec.loadBalancing", Value.LOAD_BALANCING, loadBalancing, hash));
    t.add(seed("loadBalancerMode", Body.INBOUND, in, "spec.loadBalancing", Value.LOAD_BALANCING, loadBalancing, hash));
    t.add(seed("httpCookie", Body.INBOUND, in, "spec.loadBalancing.consistentHash.httpCookie.name", Value.TEXT,
        "loadBalancing: {consistentHash: {httpCookie: {name: %s, ttl: 0s}}}"));
    t.add(seed("httpHeaderName", Body.INBOUND, in, "spec.loadBalancing.consistentHash.httpHeaderName", Value.TEXT,
        "loadBalancing: {consistentHash: {httpHeaderName: %s}}"));
    t.add(seed("minimumRingSize", Body.INBOUND, in, "spec.loadBalancing.consistentHash.minimumRingSize", Value.INTEGER,
        "loadBalancing: {consistentHash: {httpCookie: {name: user1, ttl: 0s}, minimumRingSize: %s}}"));
    t.add(seed("maxConnections", Body.INBOUND, in, "spec.connectionPool.maxConnections", Value.INTEGER,
        "connectionPool: {maxConnections: %s}"));
    t.add(seed("concurrenthttp2Requests", Body.INBOUND, in, "spec.connectionPool.http2MaxRequests", Value.INTEGER,
        "connectionPool: {http2MaxRequests: %s}"));
    t.add(seed("httpRequestPerConnection", Body.INBOUND, in, "spec.connectionPool.maxRequestsPerConnection", Value.INTEGER,
        "connectionPool: {maxRequestsPerConnection: %s}"));
    t.add(seed("consecutiveErrors", Body.INBOUND, in, "spec.outlierDetection.consecutive5xxErrors", Value.INTEGER,
        "outlierDetection: {consecutive5xxErrors: %s}"));
    t.add(seed("baseEjectionTime", Body.INBOUND, in, "spec.outlierDetection.baseEjectionTime", Value.MINUTES,
        "outlierDetection: {baseEjectionTime: %s}", "a duration with its unit; the seed's number is minutes"));
    t.add(seed("intervalSweep", Body.INBOUND, in, "spec.outlierDetection.interval", Value.DURATION,
        "outlierDetection: {interval: %s}"));
    t.add(seed("namespaces", Body.INBOUND, in, "spec.allowedNamespaces", Value.NAMESPACES,
        "allowedNamespaces: %s", "the namespaces whose workloads may call the service"));
    // the client
    Kind cl = Kind.ServiceClient;
    t.add(seed("clientServiceName", Body.CLIENT, cl, "spec.service", Value.NAME, "service: %s"));
    t.add(seed("application", Body.CLIENT, cl, "spec.app", Value.TEXT, "app: %s"));
    t.add(seed("headless", Body.CLIENT, cl, "spec.headless", Value.BOOLEAN, "headless: %s"));
    t.add(seed("mutualTLS", Body.CLIENT, cl, "spec.mutualTLS", Value.TLS_MODE, "mutualTLS: %s"));
    t.add(seed("istio-proxy", Body.CLIENT, cl, "spec.sidecar", Value.BOOLEAN, "sidecar: %s"));
    // the security intent, merged into its client
    t.add(seed("serviceAccountAccess", Body.SECURITY, cl, "spec.access", Value.ACCESS,
        "access: [{methods: [GET], paths: [\"/status*\"]}]", "and the principal as serviceAccount: sleep (one per client)"));
    // meshgate fields a seed body may carry (the seed placed apps with placement intents instead)
    for (Body body : List.of(Body.INBOUND, Body.CLIENT)) {
      Kind kind = body == Body.INBOUND ? in : cl;
      t.add(extension("cluster", body, kind, "spec.cluster", Value.NAME));
      t.add(extension("namespace", body, kind, "spec.namespace", Value.NAME));
      t.add(extension("credentialName", body, kind, "spec.tls.credentialName", Value.TEXT));
    }
    t.add(extension("address", Body.INBOUND, in, "spec.address", Value.TEXT));
    t.add(extension("target", Body.CLIENT, cl, "spec.target", Value.NAME));
    // The seed's client body names no target (its URL did). When a client is posted under a URL that
    // names no inbound intent (.../traffic-group-intent/uservice-to-uservice-intent/clients), the
    // body may name it in EMCO's own words: its distributed traffic controller calls the inbound
    // intent a client belongs to {inboundServerIntent}. After "target", so reads answer "target".
    t.add(seed("inboundServerIntent", Body.CLIENT, cl, "spec.target", Value.NAME, "target: %s",
        "the inbound service intent the client calls"));
    TABLE = Collections.unmodifiableList(t);
  }

  private static Mapping seed(String name, Body body, Kind kind, String target, Value value, String example) {
    return seed(name, body, kind, target, value, example, null);
  }

  private static Mapping seed(String name, Body body, Kind kind, String target, Value value, String example,
      String note) {
    return new Mapping(name, body, kind, target, value, example, note, false);
  }

  private static Mapping extension(String name, Body body, Kind kind, String target, Value value) {
    String field = target.substring(target.lastIndexOf('.') + 1);
    String example = target.startsWith("spec.tls.") ? "tls: {" + field + ": %s}" : field + ": %s";
    return new Mapping(name, body, kind, target, value, example, null, true);
  }

  /** Every mapping, in the order an intent file lists the fields. */
  public static List<Mapping> all() {
    return TABLE;
  }

  /** The mapping of a field of a seed body, matched exactly first and then ignoring case. */
  public static Optional<Mapping> of(Body body, String seedName) {
    Optional<Mapping> exact = TABLE.stream().filter(m -> m.body() == body && m.seedName().equals(seedName)).findFirst();
    return exact.isPresent() ? exact
        : TABLE.stream().filter(m -> m.body() == body && m.seedName().equalsIgnoreCase(seedName)).findFirst();
  }

  /** The seed field of {@code body} that {@code name} is probably a misspelling of, or null. */
  public static String closest(Body body, String name) {
    return Suggestions.closest(name, names(body));
  }

  /** The seed field names of a body, for "allowed fields" in messages. */
  public static List<String> names(Body body) {
    return TABLE.stream().filter(m -> m.body() == body).map(Mapping::seedName).toList();
  }

  /**
   * For {@code MG-SCHEMA}: what to say about an unknown field {@code field} in {@code parentPath}
   * of a {@code kind} document when it is one of the seed's names, or null when it is not.
   *
   * @param seedValue the value written there (parsed YAML), used in the example when it converts
   */
  public static String unknownFieldHint(Kind kind, String parentPath, String field, Object seedValue) {
    Mapping mapping = null;
    for (Mapping m : TABLE) {
      boolean sameKind = m.kind() == kind;
      // Fields meshgate spells like the seed at the same level (port, headless) are not seed-only names.
      boolean sameName = m.target() != null
          && (m.target().equals("spec." + m.seedName()) || m.target().equals("metadata." + m.seedName()));
      boolean wrongPlace = m.target() == null || !m.target().equals(join(parentPath, field));
      if (sameKind && !m.meshgateExtension() && !sameName && wrongPlace && m.seedName().equalsIgnoreCase(field)) {
        mapping = m;
        break;
      }
      // meshgate's own fields written one level too high ("credentialName" directly in spec)
      if (sameKind && m.meshgateExtension() && m.target().startsWith("spec.tls.") && m.seedName().equals(field)
          && "spec".equals(parentPath)) {
        mapping = m;
        break;
      }
    }
    if (mapping == null) {
      return null;
    }
    if (mapping.target() == null) {
      return "\"" + field + "\" is the seed's (EMCO) choice of service mesh; meshgate always means Istio: remove it";
    }
    if (mapping.value() == Value.NAMESPACES && seedValue instanceof List<?> list && list.isEmpty()) {
      // The seed's empty list admits every namespace; meshgate's `allowedNamespaces: []` admits none.
      return "\"" + field + "\" is the seed's (EMCO) name of " + mapping.target() + ", and its [] means every"
          + " namespace may call: in meshgate leave allowedNamespaces out (remove this field)";
    }
    String who = mapping.meshgateExtension() ? "\"" + field + "\" belongs in " : "\"" + field + "\" is the seed's (EMCO) name of ";
    // A hash type or mode (ConsistenHash, httpCookie) is answered with the hash first, the simple form as the other way.
    String note = hashKey(mapping, seedValue) != null ? "or " + mapping.example() : mapping.note();
    return who + mapping.target() + ": write " + example(mapping, seedValue) + (note == null ? "" : " (" + note + ")");
  }

  private static String join(String parent, String field) {
    return parent == null || parent.isEmpty() ? field : parent + "." + field;
  }

  /** The YAML to write instead of the seed field, with the seed's value converted where it converts. */
  public static String example(Mapping mapping, Object seedValue) {
    String hash = hashKey(mapping, seedValue);
    if (hash != null) {
      return "loadBalancing: {consistentHash: {" + switch (hash) {
        case "httpHeaderName" -> "httpHeaderName: x-user";
        case "useSourceIp" -> "useSourceIp: true";
        case "httpQueryParameterName" -> "httpQueryParameterName: user";
        default -> "httpCookie: {name: user1, ttl: 0s}";
      } + "}}";
    }
    return String.format(Locale.ROOT, mapping.example(), exampleValue(mapping, seedValue));
  }

  /**
   * The consistentHash key a seed {@code loadbalancingType} (ConsistenHash) or hash
   * {@code loadBalancerMode} (httpCookie, useSourceIP...) asks for; null for anything else.
   */
  private static String hashKey(Mapping mapping, Object seedValue) {
    if (mapping.value() != Value.LOAD_BALANCING || !(seedValue instanceof String text)) {
      return null;
    }
    return HASH_TYPES.contains(text) ? "httpCookie" : HASH_MODES.get(text);
  }

  /** The value as it would be written in meshgate, or a placeholder when it does not convert. */
  private static String exampleValue(Mapping mapping, Object seedValue) {
    if (mapping.value() == Value.LOAD_BALANCING || mapping.value() == Value.ACCESS) {
      return "";  // their examples are complete
    }
    Converted converted = convert(mapping.value(), seedValue);
    if (converted.problem() != null || converted.value() == null) {
      return switch (mapping.value()) {
        case BOOLEAN -> "true";
        case INTEGER, PORT -> "10";
        case MINUTES, DURATION -> "5m";
        case NAMESPACES -> "[default]";
        default -> "...";
      };
    }
    Object value = converted.value();
    if (value instanceof List<?> list) {
      return list.toString();
    }
    return String.valueOf(value);
  }

  /** A seed value converted to meshgate's: the value (null: nothing to write), or what is wrong. */
  public record Converted(Object value, String problem) {
    static Converted of(Object value) {
      return new Converted(value, null);
    }

    static Converted wrong(String problem) {
      return new Converted(null, problem);
    }
  }

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern DURATION = Pattern.compile("([0-9]+(\\.[0-9]+)?(ms|s|m|h))+");

  /**
   * Converts one seed value of a single-value kind ({@link Value#LOAD_BALANCING} and
   * {@link Value#ACCESS} combine several fields and are assembled by the importer).
   *
   * @param seedValue the JSON value as plain Java (String, Boolean, Number, List, Map, null)
   */
  public static Converted convert(Value kind, Object seedValue) {
    if (seedValue == null) {
      return Converted.of(null);
    }
    return switch (kind) {
      case TEXT -> seedValue instanceof String text ? Converted.of(text.isEmpty() ? null : text)
          : seedValue instanceof Number || seedValue instanceof Boolean ? Converted.of(String.valueOf(seedValue))
          : Converted.wrong("must be text, not " + describe(seedValue));
      case NAME -> name(seedValue);
      case BOOLEAN -> bool(seedValue);
      case INTEGER -> integer(seedValue, 0, Long.MAX_VALUE);
      case PORT -> integer(seedValue, 1, 65535);
      case PROTOCOL -> choice(seedValue, List.of("HTTP", "HTTP2", "GRPC", "TCP", "TLS", "HTTPS"));
      case TLS_MODE -> tlsMode(seedValue);
      case MINUTES -> minutes(seedValue);
      case DURATION -> duration(seedValue);
      case NAMESPACES -> namespaces(seedValue);
      case MESH -> seedValue instanceof String mesh && mesh.equalsIgnoreCase("istio") ? Converted.of(null)
          : Converted.wrong(describe(seedValue) + " is not a mesh meshgate serves; meshgate configures Istio only: write \"istio\" or leave the field out");
      case LOAD_BALANCING, ACCESS -> throw new IllegalArgumentException(kind + " is assembled from several fields");
    };
  }

  private static Converted name(Object value) {
    if (!(value instanceof String text)) {
      return Converted.wrong("must be a name, not " + describe(value));
    }
    if (DNS_LABEL.matcher(text).matches() && text.length() <= 63) {
      return Converted.of(text);
    }
    String lower = text.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    return Converted.wrong(describe(value) + " is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)"
        + (DNS_LABEL.matcher(lower).matches() && lower.length() <= 63 ? "; use \"" + lower + "\"" : ""));
  }

  private static Converted bool(Object value) {
    if (value instanceof Boolean b) {
      return Converted.of(b);
    }
    if (value instanceof String text) {
      switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "true", "yes" -> {
          return Converted.of(Boolean.TRUE);
        }
        case "false", "no" -> {
          return Converted.of(Boolean.FALSE);
        }
        default -> { }
      }
    }
    return Converted.wrong(describe(value) + " is not a yes/no value; use true, false, \"yes\" or \"no\"");
  }

  private static Converted integer(Object value, long min, long max) {
    BigInteger number = null;
    if (value instanceof Integer || value instanceof Long || value instanceof BigInteger
        || value instanceof Short || value instanceof Byte) {
      number = new BigInteger(value.toString());
    } else if (value instanceof BigDecimal decimal && decimal.stripTrailingZeros().scale() <= 0) {
      number = decimal.toBigIntegerExact();
    } else if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      number = BigDecimal.valueOf(d).toBigIntegerExact();
    } else if (value instanceof String text && DIGITS.matcher(text.strip()).matches()) {
      number = new BigInteger(text.strip());
    }
    if (number == null) {
      return Converted.wrong(describe(value) + " is not a whole number");
    }
    if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
      return Converted.wrong(describe(value) + " is out of range; use " + min + (max == Long.MAX_VALUE ? " or more" : " to " + max));
    }
    return Converted.of(number.longValueExact());
  }

  private static Converted choice(Object value, List<String> allowed) {
    if (value instanceof String text && allowed.contains(text.strip().toUpperCase(Locale.ROOT))) {
      return Converted.of(text.strip().toUpperCase(Locale.ROOT));
    }
    String suggestion = value instanceof String text ? Suggestions.closest(text.toUpperCase(Locale.ROOT), allowed) : null;
    return Converted.wrong(describe(value) + " is not one of " + String.join(", ", allowed)
        + (suggestion != null ? "; did you mean \"" + suggestion + "\"?" : ""));
  }

  private static Converted tlsMode(Object value) {
    if (value instanceof String text && text.strip().equalsIgnoreCase("DISABLE")) {
      return Converted.wrong("\"DISABLE\" (plain text) cannot be carried between clusters: the mesh gateway routes by"
          + " TLS SNI; use ISTIO_MUTUAL (Istio mTLS), or SIMPLE/MUTUAL with a tls.credentialName");
    }
    return choice(value, List.of("SIMPLE", "ISTIO_MUTUAL", "MUTUAL"));
  }

  private static Converted minutes(Object value) {
    Converted whole = integer(value, 0, Long.MAX_VALUE);
    if (whole.problem() == null) {
      if ((Long) whole.value() == 0) {
        return Converted.wrong("0 minutes is not a valid ejection time; Istio needs at least 1ms");
      }
      return Converted.of(whole.value() + "m");
    }
    if (value instanceof String text && DURATION.matcher(text.strip()).matches()) {
      return Converted.of(text.strip());
    }
    return Converted.wrong(describe(value) + " is neither minutes (a whole number) nor an Istio duration such as 30s or 15m");
  }

  private static Converted duration(Object value) {
    if (value instanceof String text && DURATION.matcher(text.strip()).matches()) {
      return Converted.of(text.strip());
    }
    if (value instanceof Number || (value instanceof String text && DIGITS.matcher(text.strip()).matches())) {
      return Converted.wrong(describe(value) + " has no unit; write it as an Istio duration such as \"" + value
          + "s\" or \"" + value + "m\"");
    }
    return Converted.wrong(describe(value) + " is not an Istio duration such as 500ms, 30s, 5m or 1h");
  }

  private static Converted namespaces(Object value) {
    List<?> items = value instanceof List<?> list ? list : value instanceof String text ? List.of(text) : null;
    if (items == null) {
      return Converted.wrong("must be a list of namespaces, not " + describe(value));
    }
    List<String> names = new ArrayList<>();
    for (Object item : items) {
      Converted one = name(item);
      if (one.problem() != null) {
        return Converted.wrong("namespace " + one.problem());
      }
      if (!names.contains((String) one.value())) {
        names.add((String) one.value());
      }
    }
    return Converted.of(names.isEmpty() ? null : names);
  }

  /** A value as messages show it: text in quotes, numbers and booleans as they are. */
  public static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String text) {
      return "\"" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "\"";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    return String.valueOf(value);
  }

  /** The seed's {@code loadbalancingType} values, the seed's spelling first ({@code ConsistenHash}, sic). */
  public static final List<String> SIMPLE_TYPES = List.of("Simple");
  public static final List<String> HASH_TYPES = List.of("ConsistenHash", "ConsistentHash");

  /** The seed's {@code loadBalancerMode} for a consistent hash → meshgate's consistentHash key. */
  public static final Map<String, String> HASH_MODES;

  static {
    Map<String, String> modes = new LinkedHashMap<>();
    modes.put("httpCookie", "httpCookie");
    modes.put("httpHeaderName", "httpHeaderName");
    modes.put("useSourceIP", "useSourceIp");
    modes.put("httpQueryParameterName", "httpQueryParameterName");
    HASH_MODES = Collections.unmodifiableMap(modes);
  }
}
