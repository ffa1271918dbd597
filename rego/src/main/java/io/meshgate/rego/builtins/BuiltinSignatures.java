package io.meshgate.rego.builtins;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Declared argument and result types of built-ins, as OPA declares them, for the compile-time type
 * check. A built-in without an entry is never type-checked. Types are bit sets of {@link #NULL},
 * {@link #BOOLEAN}... so that a union such as OPA's {@code any<number, set>} is {@code NUMBER | SET}.
 * Only the outer type is declared (not element types), which keeps the check conservative.
 */
public final class BuiltinSignatures {
  public static final int NULL = 1;
  public static final int BOOLEAN = 2;
  public static final int NUMBER = 4;
  public static final int STRING = 8;
  public static final int ARRAY = 16;
  public static final int SET = 32;
  public static final int OBJECT = 64;
  public static final int ANY = 127;
  private static final int COLLECTION = ARRAY | SET | OBJECT;

  /**
   * @param args the accepted types of each argument
   * @param elements the accepted types of the elements of each argument when it is an array or set
   *     ({@link #ANY} when not constrained), e.g. {@code string} for {@code concat}'s second argument
   * @param result the type of the result
   */
  public record Signature(List<Integer> args, List<Integer> elements, int result) {}

  private static final Map<String, Signature> SIGNATURES = new TreeMap<>();

  static {
    // aggregates
    sig("count", NUMBER, STRING | COLLECTION);
    sig("sum", NUMBER, ARRAY | SET);
    sig("product", NUMBER, ARRAY | SET);
    sig("max", ANY, ARRAY | SET);
    sig("min", ANY, ARRAY | SET);
    sig("sort", ARRAY, ARRAY | SET);
    // arithmetic
    for (String op : List.of("plus", "mul", "div", "rem")) {
      sig(op, NUMBER, NUMBER, NUMBER);
    }
    sig("minus", NUMBER | SET, NUMBER | SET, NUMBER | SET);
    for (String op : List.of("abs", "ceil", "floor", "round")) {
      sig(op, NUMBER, NUMBER);
    }
    sig("numbers.range", ARRAY, NUMBER, NUMBER);
    sig("numbers.range_step", ARRAY, NUMBER, NUMBER, NUMBER);
    // sets
    sig("and", SET, SET, SET);
    sig("or", SET, SET, SET);
    sig("union", SET, SET);
    sig("intersection", SET, SET);
    // strings
    for (String f : List.of("upper", "lower", "trim_space", "strings.reverse")) {
      sig(f, STRING, STRING);
    }
    sig("concat", STRING, STRING, ARRAY | SET);
    for (String f : List.of("contains", "startswith", "endswith")) {
      sig(f, BOOLEAN, STRING, STRING);
    }
    sig("indexof", NUMBER, STRING, STRING);
    sig("indexof_n", ARRAY, STRING, STRING);
    sig("strings.count", NUMBER, STRING, STRING);
    sig("split", ARRAY, STRING, STRING);
    sig("replace", STRING, STRING, STRING, STRING);
    sig("strings.replace_n", STRING, OBJECT, STRING);
    sig("substring", STRING, STRING, NUMBER, NUMBER);
    for (String f : List.of("trim", "trim_left", "trim_right", "trim_prefix", "trim_suffix")) {
      sig(f, STRING, STRING, STRING);
    }
    sig("sprintf", STRING, STRING, ARRAY);
    sig("format_int", STRING, NUMBER, NUMBER);
    sig("to_number", NUMBER, NULL | BOOLEAN | NUMBER | STRING);
    // arrays and objects
    sig("array.concat", ARRAY, ARRAY, ARRAY);
    sig("array.slice", ARRAY, ARRAY, NUMBER, NUMBER);
    sig("array.reverse", ARRAY, ARRAY);
    sig("object.get", ANY, OBJECT, ANY, ANY);
    sig("object.keys", SET, OBJECT);
    sig("object.remove", OBJECT, OBJECT, COLLECTION);
    sig("object.filter", OBJECT, OBJECT, COLLECTION);
    sig("object.union", OBJECT, OBJECT, OBJECT);
    sig("object.union_n", OBJECT, ARRAY);
    // types and encodings
    for (String f : List.of("is_number", "is_string", "is_boolean", "is_array", "is_set", "is_object", "is_null")) {
      sig(f, BOOLEAN, ANY);
    }
    sig("type_name", STRING, ANY);
    sig("json.marshal", STRING, ANY);
    sig("json.unmarshal", ANY, STRING);
    sig("json.is_valid", BOOLEAN, STRING);
    sig("base64.encode", STRING, STRING);
    sig("base64.decode", STRING, STRING);
    sig("base64url.encode", STRING, STRING);
    sig("base64url.decode", STRING, STRING);
    sig("hex.encode", STRING, STRING);
    sig("hex.decode", STRING, STRING);
    sig("urlquery.encode", STRING, STRING);
    sig("urlquery.decode", STRING, STRING);
    sig("regex.match", BOOLEAN, STRING, STRING);
    sig("regex.is_valid", BOOLEAN, ANY);
    sig("units.parse", NUMBER, STRING);
    sig("units.parse_bytes", NUMBER, STRING);
    for (String f : List.of("bits.and", "bits.or", "bits.xor", "bits.lsh", "bits.rsh")) {
      sig(f, NUMBER, NUMBER, NUMBER);
    }
    sig("bits.negate", NUMBER, NUMBER);
    sig("time.now_ns", NUMBER);
    sig("time.parse_rfc3339_ns", NUMBER, STRING);
    sig("crypto.sha256", STRING, STRING);
    sig("crypto.md5", STRING, STRING);
    sig("crypto.sha1", STRING, STRING);
    sig("base64.is_valid", BOOLEAN, STRING);
    sig("base64url.encode_no_pad", STRING, STRING);
    for (String f : List.of("crypto.hmac.md5", "crypto.hmac.sha1", "crypto.hmac.sha256", "crypto.hmac.sha512")) {
      sig(f, STRING, STRING, STRING);
    }
    sig("crypto.hmac.equal", BOOLEAN, STRING, STRING);
    sig("glob.quote_meta", STRING, STRING);
    sig("glob.match", BOOLEAN, STRING, NULL | ARRAY, STRING);
    sig("net.cidr_contains", BOOLEAN, STRING, STRING);
    sig("net.cidr_intersects", BOOLEAN, STRING, STRING);
    sig("net.cidr_expand", SET, STRING);
    sig("regex.split", ARRAY, STRING, STRING);
    sig("regex.replace", STRING, STRING, STRING, STRING);
    sig("regex.find_n", ARRAY, STRING, STRING, NUMBER);
    sig("regex.find_all_string_submatch_n", ARRAY, STRING, STRING, NUMBER);
    sig("regex.globs_match", BOOLEAN, STRING, STRING);
    sig("regex.template_match", BOOLEAN, STRING, STRING, STRING, STRING);
    sig("semver.compare", NUMBER, STRING, STRING);
    sig("semver.is_valid", BOOLEAN, ANY);
    sig("strings.render_template", STRING, STRING, OBJECT);
    sig("time.parse_duration_ns", NUMBER, STRING);
    sig("time.parse_ns", NUMBER, STRING, STRING);
    sig("time.format", STRING, NUMBER | ARRAY);
    sig("time.clock", ARRAY, NUMBER | ARRAY);
    sig("time.date", ARRAY, NUMBER | ARRAY);
    sig("time.weekday", STRING, NUMBER | ARRAY);
    sig("time.diff", ARRAY, NUMBER | ARRAY, NUMBER | ARRAY);
    sig("time.add_date", NUMBER, NUMBER, NUMBER, NUMBER, NUMBER);
    sig("uuid.parse", OBJECT, STRING);
    sig("uuid.rfc4122", STRING, STRING);
    sig("yaml.marshal", STRING, ANY);
    sig("yaml.unmarshal", ANY, STRING);
    sig("yaml.is_valid", BOOLEAN, STRING);
    sig("json.patch", ANY, ANY, ARRAY);
    sig("json.filter", ANY, OBJECT, ARRAY | SET);
    sig("json.remove", ANY, OBJECT, ARRAY | SET);
    sig("json.marshal_with_options", STRING, ANY, OBJECT);
    sig("object.subset", BOOLEAN, COLLECTION, COLLECTION);
    sig("rand.intn", NUMBER, STRING, NUMBER);
    sig("urlquery.encode_object", STRING, OBJECT);
    sig("urlquery.decode_object", OBJECT, STRING);
    sig("graph.reachable", SET, OBJECT, ARRAY | SET);
    sig("array.flatten", ARRAY, ARRAY);
    // element types OPA declares (array[string], set[number]...)
    elements("concat", 1, STRING);
    elements("sum", 0, NUMBER);
    elements("product", 0, NUMBER);
    elements("union", 0, SET);
    elements("intersection", 0, SET);
    elements("object.union_n", 0, OBJECT);
    elements("glob.match", 1, STRING);
  }

  private BuiltinSignatures() {}

  private static void sig(String name, int result, int... args) {
    List<Integer> types = java.util.Arrays.stream(args).boxed().toList();
    SIGNATURES.put(name, new Signature(types, types.stream().map(t -> ANY).toList(), result));
  }

  /** Declares the element type of argument {@code index} (0-based) of an already declared built-in. */
  private static void elements(String name, int index, int elementTypes) {
    Signature sig = SIGNATURES.get(name);
    List<Integer> elements = new java.util.ArrayList<>(sig.elements());
    elements.set(index, elementTypes);
    SIGNATURES.put(name, new Signature(sig.args(), List.copyOf(elements), sig.result()));
  }

  /** The declared signature of a built-in, if it has one. */
  public static Optional<Signature> of(String name) {
    return Optional.ofNullable(SIGNATURES.get(name));
  }

  /** OPA's name of a type set, e.g. {@code number} or {@code any<number, set>}. */
  public static String describe(int types) {
    if (types == ANY) {
      return "any";
    }
    List<String> names = new java.util.ArrayList<>();
    String[] all = {"null", "boolean", "number", "string", "array", "set", "object"};
    for (int i = 0; i < all.length; i++) {
      if ((types & (1 << i)) != 0) {
        names.add(all[i]);
      }
    }
    return names.size() == 1 ? names.get(0) : "any<" + String.join(", ", names) + ">";
  }
}
