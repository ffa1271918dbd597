package io.meshgate.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks an uploaded intents tree (tar.gz, tar or zip, recognised by magic bytes) treating it as
 * hostile: no absolute paths, no {@code ..}, no links or devices, and limits on entry count and total
 * unpacked size. Every entry counts against the limits, including the macOS metadata entries that are
 * skipped: skipping a tar.gz entry still means inflating it, so a skipped entry is read through the
 * same budget. The budget also stops at a deadline and when the thread is interrupted (the request was
 * abandoned). Only regular files and directories are written. Messages never name server paths.
 */
public final class ArchiveExtractor {
  private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");
  private static final int CHECK_EVERY_BYTES = 1 << 20;

  private final int maxEntries;
  private final long maxTotalBytes;

  public ArchiveExtractor(int maxEntries, long maxTotalBytes) {
    this.maxEntries = maxEntries;
    this.maxTotalBytes = maxTotalBytes;
  }

  /** The format detected from the first bytes, or null when none applies. */
  static String detectFormat(byte[] data) {
    if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
      return "tar.gz";
    }
    if (data.length >= 4 && data[0] == 'P' && data[1] == 'K'
        && ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6))) {
      return "zip";
    }
    if (data.length >= 262 && data[257] == 'u' && data[258] == 's' && data[259] == 't'
        && data[260] == 'a' && data[261] == 'r') {
      return "tar";
    }
    return null;
  }

  /** Extracts {@code data} below {@code destination} (created if needed), with no time budget. */
  public void extract(byte[] data, Path destination) throws ArchiveRejected, IOException {
    extract(data, destination, null);
  }

  /**
   * Extracts {@code data} below {@code destination} (created if needed).
   *
   * @param budget how long unpacking may take (then 413), or null for no limit
   */
  public void extract(byte[] data, Path destination, java.time.Duration budget) throws ArchiveRejected, IOException {
    long started = System.nanoTime();
    long budgetNanos = budget == null ? Long.MAX_VALUE : budget.toNanos();
    String format = detectFormat(data);
    if (format == null) {
      throw new ArchiveRejected("the body is not a tar.gz, tar or zip archive", false);
    }
    Files.createDirectories(destination);
    Path root = destination.toAbsolutePath().normalize();
    try {
      switch (format) {
        case "zip" -> extractZip(data, root, new Budget(started, budgetNanos));
        case "tar.gz" -> extractTar(new GzipCompressorInputStream(new ByteArrayInputStream(data)), root,
            new Budget(started, budgetNanos));
        default -> extractTar(new ByteArrayInputStream(data), root, new Budget(started, budgetNanos));
      }
    } catch (ArchiveRejected e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Corrupt input surfaces as many exception types inside commons-compress; all mean "unreadable".
      throw new ArchiveRejected("the " + format + " archive cannot be read: " + describe(e, root), false);
    }
  }

  private void extractTar(InputStream raw, Path root, Budget budget) throws IOException, ArchiveRejected {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        budget.countEntry();
        if (isMacMetadata(entry.getName())) {
          drain(tar, budget);
          continue;
        }
        if (entry.isSymbolicLink() || entry.isLink()) {
          throw new ArchiveRejected("entry '" + entry.getName() + "' is a link; links are not accepted", false);
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
          throw new ArchiveRejected("entry '" + entry.getName() + "' is a device or pipe", false);
        }
        Path target = safeTarget(root, entry.getName());
        if (entry.isDirectory()) {
          createDirectories(target, entry.getName());
        } else if (entry.isFile()) {
          writeFile(tar, target, entry.getName(), budget);
        } else {
          throw new ArchiveRejected("entry '" + entry.getName() + "' is not a regular file or directory", false);
        }
      }
    }
  }

  private void extractZip(byte[] data, Path root, Budget budget) throws IOException, ArchiveRejected {
    try (ZipFile zip = ZipFile.builder().setByteArray(data).get()) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry entry = entries.nextElement();
        budget.countEntry();
        if (isMacMetadata(entry.getName())) {
          if (!entry.isDirectory()) {
            try (InputStream in = zip.getInputStream(entry)) {
              drain(in, budget);
            }
          }
          continue;
        }
        if (entry.isUnixSymlink()) {
          throw new ArchiveRejected("entry '" + entry.getName() + "' is a link; links are not accepted", false);
        }
        Path target = safeTarget(root, entry.getName());
        if (entry.isDirectory()) {
          createDirectories(target, entry.getName());
        } else {
          try (InputStream in = zip.getInputStream(entry)) {
            writeFile(in, target, entry.getName(), budget);
          }
        }
      }
    }
  }

  /**
   * macOS tar and Finder's "Compress" add AppleDouble files ({@code ._name.yaml}, binary resource
   * forks) and a {@code __MACOSX/} folder; read as intents they would be reported as broken YAML.
   */
  static boolean isMacMetadata(String name) {
    String n = name == null ? "" : name.replace('\\', '/');
    for (String segment : n.split("/")) {
      if (segment.equals("__MACOSX") || segment.startsWith("._")) {
        return true;
      }
    }
    return false;
  }

  /** Resolves an entry name below root, refusing anything that could land elsewhere. */
  static Path safeTarget(Path root, String name) throws ArchiveRejected {
    if (name == null || name.isEmpty()) {
      throw new ArchiveRejected("an entry has an empty name", false);
    }
    String n = name.replace('\\', '/');
    if (n.startsWith("/") || WINDOWS_DRIVE.matcher(n).matches() || n.indexOf('\0') >= 0) {
      throw new ArchiveRejected("entry '" + name + "' has an absolute path; use paths relative to the tree", false);
    }
    for (String segment : n.split("/")) {
      if (segment.equals("..")) {
        throw new ArchiveRejected("entry '" + name + "' climbs out of the tree with '..'", false);
      }
    }
    Path target = root.resolve(n).normalize();
    if (!target.startsWith(root)) {
      throw new ArchiveRejected("entry '" + name + "' points outside the tree", false);
    }
    return target;
  }

  private static void writeFile(InputStream in, Path target, String name, Budget budget)
      throws IOException, ArchiveRejected {
    createDirectories(target.getParent(), name);
    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new ArchiveRejected("entry '" + name + "' appears twice", false);
    }
    byte[] buffer = new byte[8192];
    OutputStream out;
    try {
      out = Files.newOutputStream(target);
    } catch (IOException e) {
      throw new ArchiveRejected("entry '" + name + "' cannot be unpacked: " + reason(e), false);
    }
    try (out) {
      int read;
      while ((read = in.read(buffer)) != -1) {
        budget.countBytes(read);
        out.write(buffer, 0, read);
      }
    }
  }

  /** Reads a skipped entry to its end through the budget: inflating it costs as much as keeping it. */
  private static void drain(InputStream in, Budget budget) throws IOException, ArchiveRejected {
    byte[] buffer = new byte[8192];
    int read;
    while ((read = in.read(buffer)) != -1) {
      budget.countBytes(read);
    }
  }

  private static void createDirectories(Path dir, String entryName) throws ArchiveRejected {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ArchiveRejected("entry '" + entryName + "' cannot be unpacked: " + reason(e), false);
    }
  }

  /** Why a file could not be written, without the server path the JDK puts in its messages. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException) {
      return "a file and a folder of the archive have the same name";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getClass().getSimpleName();
  }

  private final class Budget {
    private final long startedNanos;
    private final long budgetNanos;
    private int entries;
    private long bytes;
    private long nextCheck = CHECK_EVERY_BYTES;

    Budget(long startedNanos, long budgetNanos) {
      this.startedNanos = startedNanos;
      this.budgetNanos = budgetNanos;
    }

    void countEntry() throws ArchiveRejected {
      if (++entries > maxEntries) {
        throw new ArchiveRejected("the archive has more than " + maxEntries + " entries (files and folders); the"
            + " operator can raise the limit with serve " + ServiceLimits.ARCHIVE_ENTRIES_FLAG + " N", true);
      }
      checkTime();
    }

    void countBytes(long n) throws ArchiveRejected {
      bytes += n;
      if (bytes > maxTotalBytes) {
        throw new ArchiveRejected("the archive unpacks to more than " + maxTotalBytes
            + " bytes (every entry counts, skipped ones too); the operator can raise the limit with serve "
            + ServiceLimits.UNPACKED_BYTES_FLAG + " SIZE", true);
      }
      if (bytes >= nextCheck) {
        nextCheck = bytes + CHECK_EVERY_BYTES;
        checkTime();
      }
    }

    private void checkTime() throws ArchiveRejected {
      if (Thread.currentThread().isInterrupted()) {
        throw new ArchiveRejected("unpacking was abandoned", true);
      }
      if (System.nanoTime() - startedNanos > budgetNanos) {
        throw new ArchiveRejected("the archive takes too long to unpack", true);
      }
    }
  }

  private static String describe(Exception e, Path root) {
    String msg = e instanceof java.nio.file.FileSystemException f ? reason(f) : e.getMessage();
    if (msg == null || msg.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return msg.replace(root.toString() + java.io.File.separator, "").replace(root.toString(), "");
  }
}
