package io.meshgate.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds real tar.gz and zip archives for tests, including hostile ones. */
final class TestArchives {
  private TestArchives() {}

  /** Every regular file below {@code dir}, keyed by {@code prefix + relative path}, in sorted order. */
  static Map<String, byte[]> filesOf(Path dir, String prefix) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        files.put(prefix + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  static byte[] tarGz(Map<String, byte[]> files) {
    return tarGz(files, Map.of());
  }

  /** A tar.gz of files plus symbolic links (name → link target). */
  static byte[] tarGz(Map<String, byte[]> files, Map<String, String> symlinks) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      writeFiles(tar, files);
      for (Map.Entry<String, String> l : symlinks.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(l.getKey(), TarConstants.LF_SYMLINK, true);
        e.setLinkName(l.getValue());
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] zip(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      writeFiles(zip, files);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A tar.gz of {@code files} plus one entry {@code name} of {@code size} zero bytes, streamed (never
   * held in memory): a decompression bomb in a few kilobytes when the size is large.
   */
  static byte[] tarGzWithZeros(Map<String, byte[]> files, String name, long size) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      writeFiles(tar, files);
      TarArchiveEntry bomb = new TarArchiveEntry(name, true);
      bomb.setSize(size);
      tar.putArchiveEntry(bomb);
      byte[] zeros = new byte[1 << 16];
      for (long left = size; left > 0; left -= zeros.length) {
        tar.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeFiles(TarArchiveOutputStream tar, Map<String, byte[]> files) throws IOException {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
      e.setSize(f.getValue().length);
      tar.putArchiveEntry(e);
      tar.write(f.getValue());
      tar.closeArchiveEntry();
    }
  }

  /** A zip of {@code files} plus one deflated entry {@code name} of {@code size} zero bytes. */
  static byte[] zipWithZeros(Map<String, byte[]> files, String name, long size) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      writeFiles(zip, files);
      zip.putArchiveEntry(new ZipArchiveEntry(name));
      byte[] zeros = new byte[1 << 16];
      for (long left = size; left > 0; left -= zeros.length) {
        zip.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
      zip.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeFiles(ZipArchiveOutputStream zip, Map<String, byte[]> files) throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      zip.putArchiveEntry(new ZipArchiveEntry(f.getKey()));
      zip.write(f.getValue());
      zip.closeArchiveEntry();
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
