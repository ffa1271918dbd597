package io.meshgate.report;

/** XML escaping shared by the XML formats (JUnit, SVG). */
public final class Xml {
  private Xml() {}

  /** XML text and attribute escaping; characters XML 1.0 cannot carry become U+FFFD. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        case '\n' -> out.append("&#10;");
        case '\r' -> out.append("&#13;");
        case '\t' -> out.append("&#9;");
        default -> {
          boolean allowed = (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
          out.appendCodePoint(allowed ? c : 0xFFFD);
        }
      }
    });
    return out.toString();
  }
}
