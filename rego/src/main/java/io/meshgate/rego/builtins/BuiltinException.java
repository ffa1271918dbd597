package io.meshgate.rego.builtins;

/**
 * A built-in could not produce a result. {@link Kind#TYPE} matches OPA's {@code eval_type_error}
 * (an operand of the wrong type), {@link Kind#BUILTIN} its {@code eval_builtin_error}.
 */
public final class BuiltinException extends RuntimeException {
  public enum Kind { TYPE, BUILTIN }

  private final Kind kind;

  public BuiltinException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() { return kind; }

  /** "{name}: operand {n} must be {expected} but got {actual}" in OPA's wording. */
  public static BuiltinException operand(String builtin, int position, String expected, String actual) {
    return new BuiltinException(Kind.TYPE,
        builtin + ": operand " + position + " must be " + expected + " but got " + actual);
  }

  public static BuiltinException failure(String builtin, String message) {
    return new BuiltinException(Kind.BUILTIN, builtin + ": " + message);
  }
}
