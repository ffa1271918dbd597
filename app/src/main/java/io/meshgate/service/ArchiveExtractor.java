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
 * hostile: no absolute paths, no {@code ..}, no links or devices, and limits on entry count,
 * per-entry and total unpacked size. Only regular files and directories are written.
 */
public final class ArchiveExtractor {
  private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");

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

  /** Extracts {@code data} below {@code destination} (created if needed). */
  public void extract(byte[] data, Path destination) throws ArchiveRejected, IOException {
    String format = detectFormat(data);
    if (format == null) {
      throw new ArchiveRejected("the body is not a tar.gz, tar or zip archive", false);
    }
    Files.createDirectories(destination);
    Path root = destination.toAbsolutePath().normalize();
    try {
      switch (format) {
        case "zip" -> extractZip(data, root);
        case "tar.gz" -> extractTar(new GzipCompressorInputStream(new ByteArrayInputStream(data)), root);
        default -> extractTar(new ByteArrayInputStream(data), root);
      }
    } catch (ArchiveRejected e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Corrupt input surfaces as many exception types inside commons-compress; all mean "unreadable".
      throw new ArchiveRejected("the " + format + " archive cannot be read: " + describe(e), false);
    }
  }

  private void extractTar(InputStream raw, Path root) throws IOException, ArchiveRejected {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      Budget budget = new Budget();
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        budget.countEntry();
        if (isMacMetadata(entry.getName())) {
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
          Files.createDirectories(target);
        } else if (entry.isFile()) {
          writeFile(tar, target, entry.getName(), budget);
        } else {
          throw new ArchiveRejected("entry '" + entry.getName() + "' is not a regular file or directory", false);
        }
      }
    }
  }

  private void extractZip(byte[] data, Path root) throws IOException, ArchiveRejected {
    try (ZipFile zip = ZipFile.builder().setByteArray(data).get()) {
      Budget budget = new Budget();
      Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry entry = entries.nextElement();
        budget.countEntry();
        if (isMacMetadata(entry.getName())) {
          continue;
        }
        if (entry.isUnixSymlink()) {
          throw new ArchiveRejected("entry '" + entry.getName() + "' is a link; links are not accepted", false);
        }
        Path target = safeTarget(root, entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(target);
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

  private void writeFile(InputStream in, Path target, String name, Budget budget)
      throws IOException, ArchiveRejected {
    Files.createDirectories(target.getParent());
    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new ArchiveRejected("entry '" + name + "' appears twice", false);
    }
    byte[] buffer = new byte[8192];
    try (OutputStream out = Files.newOutputStream(target)) {
      int read;
      while ((read = in.read(buffer)) != -1) {
        budget.countBytes(read);
        out.write(buffer, 0, read);
      }
    }
  }

  private final class Budget {
    private int entries;
    private long bytes;

    void countEntry() throws ArchiveRejected {
      if (++entries > maxEntries) {
        throw new ArchiveRejected("the archive has more than " + maxEntries + " entries", true);
      }
    }

    void countBytes(long n) throws ArchiveRejected {
      bytes += n;
      if (bytes > maxTotalBytes) {
        throw new ArchiveRejected("the archive unpacks to more than " + maxTotalBytes + " bytes", true);
      }
    }
  }

  private static String describe(Exception e) {
    String msg = e.getMessage();
    return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
  }
}
