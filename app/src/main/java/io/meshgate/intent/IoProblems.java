package io.meshgate.intent;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Words for a failed file operation, as users read them: never a Java class name (the JDK's
 * exceptions often carry only a path as their message).
 */
public final class IoProblems {
  private IoProblems() {}

  public static String describe(Throwable e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemLoopException) {
      return "symbolic link loop";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    if (e instanceof java.io.IOException && e.getMessage() != null && !e.getMessage().isBlank()) {
      return e.getMessage();
    }
    return "unexpected " + (e instanceof java.io.IOException ? "input/output" : "internal") + " error";
  }
}
