package io.meshgate.rego.lexer;

import io.meshgate.rego.RegoException;
import java.util.ArrayList;
import java.util.List;

/** Splits Rego source into tokens; string tokens carry their decoded text. */
public final class Lexer {
  private static final String[] PUNCT = {
    ":=", "==", "!=", "<=", ">=", "{", "}", "[", "]", "(", ")", ".", ",", ";", ":", "=", "<", ">",
    "+", "-", "*", "/", "%", "|", "&"
  };

  private final String file;
  private final String src;
  private int pos;
  private int line = 1;
  private int col = 1;
  private final List<Comment> comments = new ArrayList<>();

  /** A comment's text after {@code #}; {@code ownLine} when nothing precedes it on its line. */
  public record Comment(int line, String text, boolean ownLine) {}

  /** The comments seen by {@link #tokenize()}, in order. */
  public List<Comment> comments() { return comments; }

  public Lexer(String file, String src) {
    this.file = file;
    this.src = src;
  }

  public List<Token> tokenize() {
    List<Token> out = new ArrayList<>();
    boolean newline = true;
    while (true) {
      // skip whitespace and comments
      while (pos < src.length()) {
        char c = src.charAt(pos);
        if (c == '\n') {
          newline = true;
          advance();
        } else if (c == ' ' || c == '\t' || c == '\r') {
          advance();
        } else if (c == '#') {
          int start = pos + 1;
          int commentLine = line;
          boolean own = newline;
          while (pos < src.length() && src.charAt(pos) != '\n') {
            advance();
          }
          comments.add(new Comment(commentLine, src.substring(start, pos), own));
        } else {
          break;
        }
      }
      if (pos >= src.length()) {
        out.add(new Token(Token.Kind.EOF, "", line, col, true));
        return out;
      }
      int startLine = line;
      int startCol = col;
      char c = src.charAt(pos);
      if (Character.isLetter(c) || c == '_') {
        int s = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
          advance();
        }
        out.add(new Token(Token.Kind.IDENT, src.substring(s, pos), startLine, startCol, newline));
      } else if (Character.isDigit(c)) {
        out.add(new Token(Token.Kind.NUMBER, number(), startLine, startCol, newline));
      } else if (c == '$' && pos + 1 < src.length() && (src.charAt(pos + 1) == '"' || src.charAt(pos + 1) == '`')) {
        char quote = src.charAt(pos + 1);
        advance();
        int s = pos + 1;
        skipTemplate(startLine, startCol);
        out.add(new Token(quote == '"' ? Token.Kind.TEMPLATE : Token.Kind.RAW_TEMPLATE, src.substring(s, pos - 1),
            startLine, startCol, newline));
      } else if (c == '"') {
        out.add(new Token(Token.Kind.STRING, string(), startLine, startCol, newline));
      } else if (c == '`') {
        advance();
        int s = pos;
        while (pos < src.length() && src.charAt(pos) != '`') {
          advance();
        }
        if (pos >= src.length()) {
          throw error(startLine, startCol, "unterminated raw string");
        }
        String text = src.substring(s, pos);
        advance();
        out.add(new Token(Token.Kind.RAW_STRING, text, startLine, startCol, newline));
      } else {
        String p = null;
        for (String cand : PUNCT) {
          if (src.startsWith(cand, pos)) {
            p = cand;
            break;
          }
        }
        if (p == null) {
          throw error(startLine, startCol, "illegal token '" + c + "'");
        }
        for (int i = 0; i < p.length(); i++) {
          advance();
        }
        out.add(new Token(Token.Kind.PUNCT, p, startLine, startCol, newline));
      }
      newline = false;
    }
  }

  /**
   * Skips a template string from its opening quote to past its closing one: text, escapes (not in
   * raw templates) and {@code {expression}} parts, whose strings and nested templates may hold
   * quotes and braces of their own.
   */
  private void skipTemplate(int startLine, int startCol) {
    char quote = src.charAt(pos);
    advance();
    while (true) {
      if (pos >= src.length() || (quote == '"' && src.charAt(pos) == '\n')) {
        throw error(startLine, startCol, "unterminated template string");
      }
      char c = src.charAt(pos);
      if (c == quote) {
        advance();
        return;
      }
      if (c == '\\' && pos + 1 < src.length() && (quote == '"' || src.charAt(pos + 1) == '{' || src.charAt(pos + 1) == '}')) {
        advance();
        advance();
      } else if (c == '{') {
        advance();
        skipTemplateExpression(startLine, startCol);
      } else {
        advance();
      }
    }
  }

  /** Skips an interpolated expression up to and past its closing brace. */
  private void skipTemplateExpression(int startLine, int startCol) {
    int depth = 1;
    while (true) {
      if (pos >= src.length()) {
        throw error(startLine, startCol, "unterminated template expression");
      }
      char c = src.charAt(pos);
      if (c == '$' && pos + 1 < src.length() && (src.charAt(pos + 1) == '"' || src.charAt(pos + 1) == '`')) {
        advance();
        skipTemplate(startLine, startCol);
      } else if (c == '"') {
        string();
      } else if (c == '`') {
        advance();
        while (pos < src.length() && src.charAt(pos) != '`') {
          advance();
        }
        if (pos >= src.length()) {
          throw error(startLine, startCol, "unterminated raw string");
        }
        advance();
      } else if (c == '{') {
        depth++;
        advance();
      } else if (c == '}') {
        advance();
        if (--depth == 0) {
          return;
        }
      } else {
        advance();
      }
    }
  }

  /** Where the expression that starts at {@code from} (just past its brace) ends, for the parser. */
  public static int templateExpressionEnd(String content, int from) {
    Lexer l = new Lexer("", content);
    l.pos = from;
    l.skipTemplateExpression(1, 1);
    return l.pos - 1;
  }

  private String number() {
    int s = pos;
    while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
      advance();
    }
    if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
      advance();
      while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        advance();
      }
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      int saveCol = col;
      advance();
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        advance();
      }
      if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
          advance();
        }
      } else {
        pos = save;
        col = saveCol;
      }
    }
    return src.substring(s, pos);
  }

  private String string() {
    int startLine = line;
    int startCol = col;
    advance();
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n') {
        throw error(startLine, startCol, "unterminated string");
      }
      char c = src.charAt(pos);
      if (c == '"') {
        advance();
        return sb.toString();
      }
      if (c == '\\') {
        advance();
        if (pos >= src.length()) {
          throw error(startLine, startCol, "unterminated string");
        }
        char e = src.charAt(pos);
        advance();
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > src.length()) {
              throw error(line, col, "invalid unicode escape");
            }
            try {
              sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error(line, col, "invalid unicode escape");
            }
            for (int i = 0; i < 4; i++) {
              advance();
            }
          }
          default -> throw error(line, col - 1, "invalid escape sequence \\" + e);
        }
      } else {
        sb.append(c);
        advance();
      }
    }
  }

  private void advance() {
    if (src.charAt(pos) == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    pos++;
  }

  private RegoException error(int l, int c, String msg) {
    return new RegoException(RegoException.PARSE, file, l, c, msg);
  }
}
