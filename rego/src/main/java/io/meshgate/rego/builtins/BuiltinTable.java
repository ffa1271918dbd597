package io.meshgate.rego.builtins;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one table of built-ins. Each family lives in its own class with a static
 * {@code register(BuiltinTable)} method, and {@link #standard()} lists the families.
 */
public final class BuiltinTable {
  private final Map<String, Builtin> byName = new TreeMap<>();

  /**
   * OPA built-ins meshgate refuses, with the reason the compiler gives: they reach the network, and
   * meshgate's policies are pure (rego/conformance-skips.yaml says the same).
   */
  public static final Map<String, String> REFUSED = Map.of(
      "http.send", "policies may not send HTTP requests (meshgate policies are pure: the same input always gives "
          + "the same answer, offline); fetch the data before evaluation and pass it as input or data",
      "net.lookup_ip_addr", "policies may not resolve DNS names (meshgate policies are pure: the same input always "
          + "gives the same answer, offline); resolve names before evaluation and pass them as input or data");

  /** Every built-in meshgate supports. Families register in this order; a name may appear once. */
  public static BuiltinTable standard() {
    BuiltinTable table = new BuiltinTable();
    ComparisonBuiltins.register(table);
    ArithmeticBuiltins.register(table);
    BitwiseBuiltins.register(table);
    AggregateBuiltins.register(table);
    ArrayBuiltins.register(table);
    SetBuiltins.register(table);
    TypeBuiltins.register(table);
    ObjectBuiltins.register(table);
    StringBuiltins.register(table);
    RegexBuiltins.register(table);
    GlobBuiltins.register(table);
    ConversionBuiltins.register(table);
    UnitsBuiltins.register(table);
    EncodingBuiltins.register(table);
    TimeBuiltins.register(table);
    NetBuiltins.register(table);
    SemverBuiltins.register(table);
    GraphBuiltins.register(table);
    CryptoBuiltins.register(table);
    UuidBuiltins.register(table);
    TemplateBuiltins.register(table);
    JsonSchemaBuiltins.register(table);
    OpaBuiltins.register(table);
    JwtBuiltins.register(table);
    X509Builtins.register(table);
    ProvidersBuiltins.register(table);
    RegoParseBuiltins.register(table);
    GraphqlBuiltins.register(table);
    TraceBuiltins.register(table);
    DeprecatedBuiltins.register(table);
    return table;
  }

  public void register(Builtin builtin) {
    if (byName.putIfAbsent(builtin.name(), builtin) != null) {
      throw new IllegalStateException("built-in registered twice: " + builtin.name());
    }
  }

  public Optional<Builtin> lookup(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Map<String, Builtin> all() {
    return Collections.unmodifiableMap(byName);
  }
}
