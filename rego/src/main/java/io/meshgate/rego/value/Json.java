package io.meshgate.rego.value;

import java.util.Map;

/** Rego's text form of values: JSON, with sets as {@code {a, b}} and non-string object keys allowed. */
public final class Json {
  private Json() {}

  public static String write(Value v) {
    StringBuilder sb = new StringBuilder();
    write(v, sb);
    return sb.toString();
  }

  private static void write(Value v, StringBuilder sb) {
    if (v instanceof ArrayValue a) {
      sb.append('[');
      boolean first = true;
      for (Value e : a) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        write(e, sb);
      }
      sb.append(']');
    } else if (v instanceof SetValue s) {
      if (s.size() == 0) {
        sb.append("set()");
        return;
      }
      sb.append('{');
      boolean first = true;
      for (Value e : s) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        write(e, sb);
      }
      sb.append('}');
    } else if (v instanceof ObjectValue o) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        write(e.getKey(), sb);
        sb.append(": ");
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else {
      sb.append(v.toString());
    }
  }

  /** JSON string quoting. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
