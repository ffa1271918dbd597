package io.meshgate.intent;

/** Identifies one intent document: names are unique per kind. */
public record IntentRef(Kind kind, String name) implements Comparable<IntentRef> {
  @Override
  public int compareTo(IntentRef o) {
    int c = kind.compareTo(o.kind);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return kind + "/" + name;
  }
}
