package io.meshgate.rego.value;

/** A Rego string. Ordered by Unicode code point, as Go orders strings byte-wise for UTF-8. */
public final class StringValue extends Value {
  private final String value;
  /** Whether the text holds a surrogate (half of a character above U+FFFF): 0 not known yet, 1 no, 2 yes. */
  private byte surrogates;

  public StringValue(String value) {
    if (value == null) {
      throw new NullPointerException("string value");
    }
    this.value = value;
  }

  public String value() {
    return value;
  }

  public static StringValue of(String s) { return new StringValue(s); }

  /**
   * The key of an object converted from Java ({@link Value#wrap}): field names repeat in every
   * object of a large input ("spec", "metadata", "name"), so one value is made per name. Bounded,
   * in case keys are data (names of services) rather than field names.
   */
  static StringValue ofKey(String s) {
    if (s.length() > 64) {
      return new StringValue(s);
    }
    StringValue known = KEYS.get(s);
    if (known != null) {
      return known;
    }
    StringValue made = new StringValue(s);
    if (KEYS.size() < MAX_KEYS) {
      KEYS.putIfAbsent(s, made);
    }
    return made;
  }

  private static final java.util.Map<String, StringValue> KEYS = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_KEYS = 4096;

  @Override public int typeOrder() { return 3; }
  @Override public String typeName() { return "string"; }
  @Override public Object toJava() { return value; }

  @Override
  public int compareSameType(Value other) {
    StringValue that = (StringValue) other;
    String a = value;
    String b = that.value;
    // UTF-16 order is code point order except where a surrogate (a character above U+FFFF) meets a
    // character from U+E000 to U+FFFF. Without surrogates on either side, String's own comparison
    // (a loop over its bytes, far cheaper than charAt under the C1 compiler the CLI runs with);
    // otherwise by char, and only at such a difference by code point.
    if (!hasSurrogates() && !that.hasSurrogates()) {
      return a.compareTo(b);
    }
    int n = Math.min(a.length(), b.length());
    for (int at = 0; at < n; at++) {
      char ca = a.charAt(at);
      char cb = b.charAt(at);
      if (ca != cb) {
        if (!Character.isSurrogate(ca) && !Character.isSurrogate(cb)) {
          return Character.compare(ca, cb);
        }
        return byCodePoint(a, b);
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /** Worked out once per value (sets and object keys compare the same values again and again). */
  private boolean hasSurrogates() {
    byte known = surrogates;
    if (known == 0) {
      known = 1;
      for (int at = 0; at < value.length(); at++) {
        if (Character.isSurrogate(value.charAt(at))) {
          known = 2;
          break;
        }
      }
      surrogates = known; // a race only computes the same answer twice
    }
    return known == 2;
  }

  private static int byCodePoint(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  // Strings are the most compared values.
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof StringValue s && value.equals(s.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override public String toString() { return Json.quote(value); }
}
