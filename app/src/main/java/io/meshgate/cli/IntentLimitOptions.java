package io.meshgate.cli;

import io.meshgate.intent.IntentLimits;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How much of an intents folder {@code validate} and {@code render} read: {@code --max-intent-files},
 * {@code --max-intent-bytes}, {@code --max-intent-file-bytes}. Use as {@code @Mixin IntentLimitOptions limits;}.
 */
public final class IntentLimitOptions {

  @Option(names = IntentLimits.FILES_FLAG, paramLabel = "N",
      description = "Intent files read at most (default: ${DEFAULT-VALUE}).",
      defaultValue = IntentLimits.DEFAULT_MAX_FILES)
  int maxFiles;

  @Option(names = IntentLimits.TOTAL_BYTES_FLAG, paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Bytes of all intent files together, e.g. 2GiB (default: ${DEFAULT-VALUE}).",
      defaultValue = IntentLimits.DEFAULT_MAX_TOTAL_BYTES)
  long maxTotalBytes;

  @Option(names = IntentLimits.FILE_BYTES_FLAG, paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Bytes of one intent file, e.g. 8MiB (default: ${DEFAULT-VALUE}).",
      defaultValue = IntentLimits.DEFAULT_MAX_FILE_BYTES)
  long maxFileBytes;

  /**
   * The limits given.
   *
   * @throws IllegalArgumentException naming the flag when a value is out of range
   */
  public IntentLimits limits() {
    return new IntentLimits(maxFiles, maxTotalBytes, maxFileBytes);
  }

  /** {@code 64MiB} and friends, as {@link IntentLimits#parseBytes}. */
  static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return IntentLimits.parseBytes(value);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new CommandLine.TypeConversionException(e instanceof ArithmeticException
            ? "\"" + value + "\" is too large" : e.getMessage());
      }
    }
  }
}
