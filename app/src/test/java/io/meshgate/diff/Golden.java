package io.meshgate.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.intent.TestRepos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files below {@code app/src/test/resources/golden/}. After an intended change, regenerate with
 * {@code -Dmeshgate.updateGolden=true} and review the diff.
 */
public final class Golden {
  private Golden() {}

  public static void assertMatches(String name, String actual) throws IOException {
    Path file = TestRepos.root().resolve("app/src/test/resources/golden").resolve(name);
    if (Boolean.getBoolean("meshgate.updateGolden")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden file " + file);
  }
}
