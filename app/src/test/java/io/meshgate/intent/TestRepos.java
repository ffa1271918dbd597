package io.meshgate.intent;

import java.nio.file.Path;

/** Paths of the checked-in fixtures. */
public final class TestRepos {
  private TestRepos() {}

  public static Path root() {
    return Path.of(System.getProperty("meshgate.root", ".")).toAbsolutePath().normalize();
  }

  public static Path seedIntents() {
    return root().resolve("repo-fixtures/seed/intents");
  }
}
