package io.meshgate.rego.builtins.graphql;

/**
 * GraphQL tokens as gqlparser (the library OPA's graphql.* built-ins use) reads them, so that the
 * same documents are accepted and rejected. Positions are 1-based lines and columns in code points.
 */
final class GraphqlLexer {
  enum Kind {
    INVALID("Invalid"), EOF("EOF"), BANG("!"), DOLLAR("$"), AMP("&"), PAREN_L("("), PAREN_R(")"), SPREAD("..."),
    COLON(":"), EQUALS("="), AT("@"), BRACKET_L("["), BRACKET_R("]"), BRACE_L("{"), PIPE("|"), BRACE_R("}"),
    NAME("Name"), INT("Int"), FLOAT("Float"), STRING("String"), BLOCK_STRING("BlockString");

    final String text;

    Kind(String text) { this.text = text; }

    /** How an error message names the kind: punctuators as themselves, EOF as {@code <EOF>}. */
    String display() { return this == EOF || this == INVALID ? "<" + text + ">" : text; }
  }

  record Token(Kind kind, String value, int line, int column) {
    /** gqlparser's Token.String: {@code Name "x"}, {@code String "x"}, a punctuator, {@code <EOF>}. */
    String describe() {
      return switch (kind) {
        case NAME, INT, FLOAT, STRING, BLOCK_STRING -> kind.text + " \"" + value + "\"";
        default -> kind.display();
      };
    }
  }

  /** A lexing or parsing failure at a position. */
  static final class SyntaxError extends RuntimeException {
    final int line;
    final int column;

    SyntaxError(int line, int column, String message) {
      super(message);
      this.line = line;
      this.column = column;
    }
  }

  private final String input;
  private int pos;
  private int line = 1;
  private int lineStart;

  GraphqlLexer(String input) { this.input = input; }

  Token next() {
    skipIgnored();
    if (pos >= input.length()) {
      return token(Kind.EOF, "", pos);
    }
    int start = pos;
    char c = input.charAt(pos);
    Kind punct = switch (c) {
      case '!' -> Kind.BANG;
      case '$' -> Kind.DOLLAR;
      case '&' -> Kind.AMP;
      case '(' -> Kind.PAREN_L;
      case ')' -> Kind.PAREN_R;
      case ':' -> Kind.COLON;
      case '=' -> Kind.EQUALS;
      case '@' -> Kind.AT;
      case '[' -> Kind.BRACKET_L;
      case ']' -> Kind.BRACKET_R;
      case '{' -> Kind.BRACE_L;
      case '}' -> Kind.BRACE_R;
      case '|' -> Kind.PIPE;
      default -> null;
    };
    if (punct != null) {
      pos++;
      return token(punct, "", start);
    }
    if (c == '.' && input.startsWith("...", pos)) {
      pos += 3;
      return token(Kind.SPREAD, "", start);
    }
    if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      while (pos < input.length() && isNameChar(input.charAt(pos))) {
        pos++;
      }
      return token(Kind.NAME, input.substring(start, pos), start);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return number(start);
    }
    if (c == '"') {
      return input.startsWith("\"\"\"", pos) ? blockString(start) : string(start);
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      throw error(String.format("Cannot contain the invalid character \"\\u%04d\"", (int) c));
    }
    if (c == '\'') {
      throw error("Unexpected single quote character ('), did you mean to use a double quote (\")?");
    }
    throw error("Cannot parse the unexpected character \"" + new String(Character.toChars(input.codePointAt(pos))) + "\".");
  }

  private static boolean isNameChar(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private Token token(Kind kind, String value, int start) {
    return new Token(kind, value, line, column(start));
  }

  private int column(int offset) { return input.codePointCount(lineStart, offset) + 1; }

  private SyntaxError error(String message) { return new SyntaxError(line, column(pos), message); }

  /** Whitespace, commas, line breaks, a byte order mark and comments. */
  private void skipIgnored() {
    while (pos < input.length()) {
      char c = input.charAt(pos);
      if (c == ' ' || c == '\t' || c == ',' || c == '\uFEFF') {
        pos++;
      } else if (c == '\n' || c == '\r') {
        pos++;
        if (c == '\r' && pos < input.length() && input.charAt(pos) == '\n') {
          pos++;
        }
        line++;
        lineStart = pos;
      } else if (c == '#') {
        while (pos < input.length() && (input.charAt(pos) >= 0x20 || input.charAt(pos) == '\t')) {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private boolean accept(char c) {
    if (pos < input.length() && input.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private int digits() {
    int n = 0;
    while (pos < input.length() && input.charAt(pos) >= '0' && input.charAt(pos) <= '9') {
      pos++;
      n++;
    }
    return n;
  }

  private String describeNext() {
    return pos < input.length() ? "\"" + input.charAt(pos) + "\"" : "<EOF>";
  }

  private Token number(int start) {
    boolean isFloat = false;
    accept('-');
    if (accept('0')) {
      int extra = digits();
      if (extra != 0) {
        pos -= extra;
        throw error("Invalid number, unexpected digit after 0: " + describeNext() + ".");
      }
    } else if (digits() == 0) {
      throw error("Invalid number, expected digit but got: " + describeNext() + ".");
    }
    if (accept('.')) {
      isFloat = true;
      if (digits() == 0) {
        throw error("Invalid number, expected digit but got: " + describeNext() + ".");
      }
    }
    if (accept('e') || accept('E')) {
      isFloat = true;
      if (!accept('-')) {
        accept('+');
      }
      if (digits() == 0) {
        throw error("Invalid number, expected digit but got: " + describeNext() + ".");
      }
    }
    return token(isFloat ? Kind.FLOAT : Kind.INT, input.substring(start, pos), start);
  }

  private Token string(int start) {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < input.length()) {
      char c = input.charAt(pos);
      if (c == '\n' || c == '\r') {
        break;
      }
      if (c < 0x20 && c != '\t') {
        throw error(String.format("Invalid character within String: \"\\u%04d\".", (int) c));
      }
      if (c == '"') {
        pos++;
        return token(Kind.STRING, sb.toString(), start);
      }
      if (c == '\\') {
        if (pos + 1 >= input.length()) {
          pos++;
          throw error("Invalid character escape sequence.");
        }
        char e = input.charAt(pos + 1);
        if (e == 'u') {
          if (pos + 6 > input.length()) {
            pos++;
            throw error("Invalid character escape sequence: \\" + input.substring(pos) + ".");
          }
          String hex = input.substring(pos + 2, pos + 6);
          if (!hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
            pos++;
            throw error("Invalid character escape sequence: \\" + input.substring(pos, pos + 5) + ".");
          }
          sb.append((char) Integer.parseInt(hex, 16));
          pos += 6;
          continue;
        }
        switch (e) {
          case '"', '/', '\\' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          default -> {
            pos++;
            throw error("Invalid character escape sequence: \\" + e + ".");
          }
        }
        pos += 2;
        continue;
      }
      sb.append(c);
      pos++;
    }
    throw error("Unterminated string.");
  }

  private Token blockString(int start) {
    int startLine = line;
    int startColumn = column(start);
    pos += 3;
    StringBuilder raw = new StringBuilder();
    while (pos < input.length()) {
      char c = input.charAt(pos);
      if (c == '"' && input.startsWith("\"\"\"", pos)) {
        pos += 3;
        return new Token(Kind.BLOCK_STRING, blockStringValue(raw.toString()), startLine, startColumn);
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        throw error(String.format("Invalid character within String: \"\\u%04d\".", (int) c));
      }
      if (c == '\\' && input.startsWith("\\\"\"\"", pos)) {
        raw.append("\"\"\"");
        pos += 4;
      } else if (c == '\r') {
        if (pos + 1 < input.length() && input.charAt(pos + 1) == '\n') {
          pos++;
        }
        raw.append('\n');
        pos++;
        line++;
        lineStart = pos;
      } else {
        raw.append(c);
        pos++;
        if (c == '\n') {
          line++;
          lineStart = pos;
        }
      }
    }
    throw error("Unterminated string.");
  }

  /** The spec's BlockStringValue: common indentation and blank first/last lines removed. */
  static String blockStringValue(String raw) {
    String[] lines = raw.split("\n", -1);
    int common = Integer.MAX_VALUE;
    for (String l : lines) {
      int indent = leadingWhitespace(l);
      if (indent < l.length() && indent < common) {
        common = indent;
        if (common == 0) {
          break;
        }
      }
    }
    if (common != Integer.MAX_VALUE) {
      for (int i = 1; i < lines.length; i++) {
        lines[i] = lines[i].length() < common ? "" : lines[i].substring(common);
      }
    }
    int start = 0;
    int end = lines.length;
    while (start < end && leadingWhitespace(lines[start]) == Integer.MAX_VALUE) {
      start++;
    }
    while (start < end && leadingWhitespace(lines[end - 1]) == Integer.MAX_VALUE) {
      end--;
    }
    return String.join("\n", java.util.Arrays.asList(lines).subList(start, end));
  }

  private static int leadingWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != ' ' && s.charAt(i) != '\t') {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }
}
