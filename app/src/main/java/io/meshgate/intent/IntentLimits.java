package io.meshgate.intent;

import java.util.Locale;

/**
 * How much one load reads. The defaults admit far more than the largest repository we know of
 * (10,000 services and 30,000 clients are some 10,000 files and 15 MiB); each limit is a flag of
 * {@code validate} and {@code render} (and a setting {@code serve} can pass), and the message that
 * reports a limit names its flag. The bounds against hostile YAML (aliases, nesting, nodes per
 * document, problems per file) are fixed in {@link YamlReader} and {@link IntentLoader}.
 *
 * @param maxFiles intent files read at most (flag {@value #FILES_FLAG})
 * @param maxTotalBytes bytes of all intent files together (flag {@value #TOTAL_BYTES_FLAG})
 * @param maxFileBytes bytes of one intent file (flag {@value #FILE_BYTES_FLAG})
 */
public record IntentLimits(int maxFiles, long maxTotalBytes, long maxFileBytes) {
  public static final String FILES_FLAG = "--max-intent-files";
  public static final String TOTAL_BYTES_FLAG = "--max-intent-bytes";
  public static final String FILE_BYTES_FLAG = "--max-intent-file-bytes";

  /** One file is read into one array: the JVM's largest is a little under 2 GiB. */
  public static final long LARGEST_FILE_BYTES = Integer.MAX_VALUE - 16;

  /** The defaults as the flags take them (picocli needs them as constants). */
  public static final String DEFAULT_MAX_FILES = "100000";
  public static final String DEFAULT_MAX_TOTAL_BYTES = "1GiB";
  public static final String DEFAULT_MAX_FILE_BYTES = "1MiB";

  public static final IntentLimits DEFAULTS = new IntentLimits(Integer.parseInt(DEFAULT_MAX_FILES),
      parseBytes(DEFAULT_MAX_TOTAL_BYTES), parseBytes(DEFAULT_MAX_FILE_BYTES));

  public IntentLimits {
    if (maxFiles < 1) {
      throw new IllegalArgumentException(FILES_FLAG + " must be at least 1, not " + maxFiles);
    }
    if (maxTotalBytes < 1) {
      throw new IllegalArgumentException(TOTAL_BYTES_FLAG + " must be at least 1 byte, not " + maxTotalBytes);
    }
    if (maxFileBytes < 1 || maxFileBytes > LARGEST_FILE_BYTES) {
      throw new IllegalArgumentException(FILE_BYTES_FLAG + " must be between 1 byte and " + describeBytes(LARGEST_FILE_BYTES)
          + ", not " + maxFileBytes);
    }
  }

  /**
   * A byte count as users write it: {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 2GiB}
   * (binary units; {@code K}, {@code M}, {@code G} with or without {@code B} mean the same).
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static long parseBytes(String text) {
    String value = text == null ? "" : text.trim();
    String upper = value.toUpperCase(Locale.ROOT);
    int end = 0;
    while (end < upper.length() && Character.isDigit(upper.charAt(end))) {
      end++;
    }
    String unit = upper.substring(end).trim();
    long multiplier = switch (unit) {
      case "", "B" -> 1;
      case "K", "KB", "KIB" -> 1L << 10;
      case "M", "MB", "MIB" -> 1L << 20;
      case "G", "GB", "GIB" -> 1L << 30;
      default -> -1;
    };
    if (end == 0 || multiplier < 0 || end > 15) {
      throw new IllegalArgumentException("\"" + value + "\" is not a size; write bytes or a size such as 512KiB, 64MiB or 2GiB");
    }
    return Math.multiplyExact(Long.parseLong(upper.substring(0, end)), multiplier);
  }

  /** {@code 1 GiB}, {@code 512 KiB}, or plain bytes when not a whole number of units. */
  public static String describeBytes(long bytes) {
    String[] units = {"GiB", "MiB", "KiB"};
    int[] shifts = {30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes >= unit && bytes % unit == 0) {
        return (bytes / unit) + " " + units[i];
      }
    }
    return bytes + " bytes";
  }
}
