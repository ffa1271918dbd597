package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File problems are told in words; no Java class name reaches a user. */
class IoProblemsTest {

  @Test
  void theJdksPathOnlyExceptionsBecomeReasons() {
    assertEquals("permission denied", IoProblems.describe(new AccessDeniedException("/x")));
    assertEquals("no such file or directory", IoProblems.describe(new NoSuchFileException("/x")));
    assertEquals("symbolic link loop", IoProblems.describe(new FileSystemLoopException("/x")));
    assertEquals("not a directory", IoProblems.describe(new FileSystemException("/x", null, "Not a directory")));
    assertEquals("disk full", IoProblems.describe(new IOException("disk full")));
    assertEquals("unexpected internal error", IoProblems.describe(new IllegalStateException()));
  }

  @Test
  void aRealFailureIsDescribedWithoutAClassName(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    try {
      Files.newDirectoryStream(file.resolve("below")).close();
    } catch (IOException e) {
      String text = IoProblems.describe(e);
      assertFalse(text.contains("Exception"), text);
      assertFalse(List.of("", "unexpected input/output error").contains(text), text);
    }
  }

  @Test
  void theCliDropsAnExceptionClassPrefixFromMessages() {
    assertEquals("disk full", io.meshgate.cli.MainDescribe.of(new IllegalStateException("java.io.IOException: disk full")));
  }
}
