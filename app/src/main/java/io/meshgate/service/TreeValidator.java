package io.meshgate.service;

import io.meshgate.check.Violation;
import java.nio.file.Path;
import java.util.List;

/** Checks an intents tree as {@code validate} does (structure, then policies). */
@FunctionalInterface
public interface TreeValidator {
  /**
   * @param intentsRoot the intents folder; file names in findings are relative to its parent
   * @return every finding, errors and warnings, in report order
   * @throws Exception when the check itself cannot run (e.g. the OPA server is unreachable)
   */
  List<Violation> validate(Path intentsRoot) throws Exception;
}
