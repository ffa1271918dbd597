package io.meshgate.rego.lexer;

/**
 * One token. {@code newlineBefore} tells the parser that a line break separates it from the
 * previous token, which ends an expression in a rule body.
 */
public record Token(Kind kind, String text, int line, int column, boolean newlineBefore) {
  /** TEMPLATE / RAW_TEMPLATE: {@code $"..."} / {@code $`...`}, text is the undecoded content. */
  public enum Kind { IDENT, STRING, RAW_STRING, TEMPLATE, RAW_TEMPLATE, NUMBER, PUNCT, EOF }

  public boolean is(String punctOrIdent) {
    return (kind == Kind.PUNCT || kind == Kind.IDENT) && text.equals(punctOrIdent);
  }

  @Override public String toString() { return kind == Kind.EOF ? "end of file" : "\"" + text + "\""; }
}
