package io.meshgate.report;

/** Escaping for the places text goes in GitHub/GitLab-flavoured Markdown. */
final class Markdown {
  private Markdown() {}

  /** Inside a code span: backticks cannot be escaped there, so they become a look-alike; one line. */
  static String code(String text) {
    return oneLine(text).replace('`', 'ˋ');
  }

  /** Running text: Markdown and HTML punctuation escaped so user text renders as written. */
  static String text(String text) {
    StringBuilder s = new StringBuilder();
    for (char c : oneLine(text).toCharArray()) {
      if ("\\`*_[]<>|#~".indexOf(c) >= 0) {
        s.append('\\');
      }
      s.append(c);
    }
    return s.toString();
  }

  /** A table cell: running text (which escapes the pipe). */
  static String cell(String text) {
    return text(text);
  }

  /** The text of a link. */
  static String linkText(String text) {
    return text(text);
  }

  /** Inside HTML elements ({@code <summary>}). */
  static String html(String text) {
    return oneLine(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A fenced block whose fence is longer than any backtick run inside. */
  static String fence(String language, String body) {
    int longest = 0;
    int run = 0;
    for (char c : body.toCharArray()) {
      run = c == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(Math.max(3, longest + 1));
    return fence + language + "\n" + body + (body.endsWith("\n") ? "" : "\n") + fence + "\n";
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }
}
