package io.meshgate.check;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.InvalidIntentsRootException;
import io.meshgate.intent.LoadResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The validation pipeline shared by {@code validate}, {@code render} and the service. Steps run in
 * order and each adds its violations: load (structure, {@code MG-SCHEMA}); render and policy
 * evaluation are added by their owners.
 */
public final class Checker {
  private final Path policiesDir;

  /** @param policiesDir Rego policies to evaluate, or null for none (the policy step comes later) */
  public Checker(Path policiesDir) {
    this.policiesDir = policiesDir;
  }

  /** The policies this checker evaluates, or null. */
  public Path policiesDir() {
    return policiesDir;
  }

  /**
   * Checks the intents below {@code intentsRoot}.
   *
   * @throws InvalidIntentsRootException when the root is missing or not a directory
   */
  public CheckResult check(Path intentsRoot) {
    LoadResult load = IntentLoader.load(intentsRoot);
    List<Violation> violations = new ArrayList<>(load.violations());
    return new CheckResult(load, violations);
  }
}
