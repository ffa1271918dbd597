package io.meshgate.rego;

/**
 * Any failure of parsing, compiling or evaluating Rego. {@link #code()} is OPA's error class
 * (e.g. {@code rego_parse_error}, {@code eval_conflict_error}); the message reads
 * {@code file:line:col: code: text} as OPA prints it.
 */
public class RegoException extends RuntimeException {
  public static final String PARSE = "rego_parse_error";
  public static final String COMPILE = "rego_compile_error";
  public static final String UNSAFE_VAR = "rego_unsafe_var_error";
  public static final String RECURSION = "rego_recursion_error";
  public static final String TYPE = "rego_type_error";
  public static final String CONFLICT = "eval_conflict_error";
  public static final String EVAL_TYPE = "eval_type_error";
  public static final String EVAL_BUILTIN = "eval_builtin_error";
  public static final String LIMIT = "eval_limit_error";
  public static final String UNSUPPORTED = "eval_unsupported_error";

  private final String code;
  private final String file;
  private final int line;
  private final int column;
  private final String text;

  public RegoException(String code, String file, int line, int column, String text) {
    super(format(code, file, line, column, text));
    this.code = code;
    this.file = file;
    this.line = line;
    this.column = column;
    this.text = text;
  }

  public RegoException(String code, String text) {
    this(code, null, 0, 0, text);
  }

  private static String format(String code, String file, int line, int column, String text) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file);
      if (line > 0) {
        sb.append(':').append(line);
        if (column > 0) {
          sb.append(':').append(column);
        }
      }
      sb.append(": ");
    }
    return sb.append(code).append(": ").append(text).toString();
  }

  public String code() { return code; }
  public String file() { return file; }
  public int line() { return line; }
  public int column() { return column; }
  /** The message without location and code. */
  public String text() { return text; }
}
