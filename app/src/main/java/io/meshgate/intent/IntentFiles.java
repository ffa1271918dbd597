package io.meshgate.intent;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which files below the intents root are intents ({@code .yaml}, {@code .yml}, {@code .json}; JSON is
 * YAML), which are left alone in silence (dot-files, Markdown), and what to say about the rest.
 */
public final class IntentFiles {
  private IntentFiles() {}

  /** A file read as intents (what every reader of an intents tree must agree on). */
  public static boolean isIntentFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  /** A file that is not an intent and needs no word: dot-files (.gitkeep) and documentation (README.md). */
  static boolean quietlySkipped(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.startsWith(".") || name.endsWith(".md");
  }

  /** The warning for any other file in the tree. */
  static String notRead(Path file) {
    return file.getFileName() + " is not read: intents are .yaml, .yml or .json files; rename it if it holds"
        + " intents, or move it out of the intents folder";
  }

  static boolean isJson(String label) {
    return label.toLowerCase(Locale.ROOT).endsWith(".json");
  }

  /** A JSON document without apiVersion and kind: most likely a body of the seed system's API. */
  static final String EMCO_BODY = "this JSON document has no apiVersion and kind, so it is not an intent; it looks"
      + " like a body of the seed system's (EMCO) API saved as it is: move such bodies out of the intents folder and"
      + " run `meshgate import emco <their folder> --out <intents folder> --placement <file>` to turn them into"
      + " intent files (or add apiVersion: meshgate.io/v1alpha1 and a kind)";
}
