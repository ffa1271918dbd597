package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveExtractorTest {
  private static final Path SEED = Path.of(System.getProperty("meshgate.root", "..")).resolve("repo-fixtures/seed/intents");
  private final ArchiveExtractor extractor = new ArchiveExtractor(50, 1_000_000);

  @TempDir Path tmp;

  @Test
  void tarGzAndZipOfTheSeedUnpackToTheSameFiles() throws Exception {
    Map<String, byte[]> seed = TestArchives.filesOf(SEED, "intents/");
    assertFalse(seed.isEmpty());
    extractor.extract(TestArchives.tarGz(seed), tmp.resolve("fromTar"));
    extractor.extract(TestArchives.zip(seed), tmp.resolve("fromZip"));
    assertEquals(keysAndBytes(seed), keysAndBytes(TestArchives.filesOf(tmp.resolve("fromTar"), "")));
    assertEquals(keysAndBytes(seed), keysAndBytes(TestArchives.filesOf(tmp.resolve("fromZip"), "")));
  }

  @Test
  void refusesParentTraversalInTarAndZip() {
    Map<String, byte[]> evil = Map.of("intents/../../escaped.yaml", TestArchives.utf8("x: 1"));
    for (byte[] archive : new byte[][] {TestArchives.tarGz(evil), TestArchives.zip(evil)}) {
      ArchiveRejected e = assertThrows(ArchiveRejected.class, () -> extractor.extract(archive, tmp.resolve("out")));
      assertTrue(e.getMessage().contains(".."), e.getMessage());
      assertFalse(e.isTooLarge());
    }
    assertFalse(Files.exists(tmp.resolve("escaped.yaml")));
    assertFalse(Files.exists(tmp.getParent().resolve("escaped.yaml")));
  }

  @Test
  void refusesAbsolutePaths() {
    byte[] zip = TestArchives.zip(Map.of("/tmp/meshgate-absolute.yaml", TestArchives.utf8("x: 1")));
    ArchiveRejected e = assertThrows(ArchiveRejected.class, () -> extractor.extract(zip, tmp.resolve("out")));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void refusesSymlinks() {
    byte[] tar = TestArchives.tarGz(Map.of("intents/a.yaml", TestArchives.utf8("x: 1")),
        Map.of("intents/passwd.yaml", "/etc/passwd"));
    ArchiveRejected e = assertThrows(ArchiveRejected.class, () -> extractor.extract(tar, tmp.resolve("out")));
    assertTrue(e.getMessage().contains("link"), e.getMessage());
  }

  @Test
  void enforcesEntryCountAndUnpackedSize() {
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 51; i++) {
      many.put("intents/f" + i + ".yaml", TestArchives.utf8("x: 1"));
    }
    ArchiveRejected count = assertThrows(ArchiveRejected.class,
        () -> extractor.extract(TestArchives.zip(many), tmp.resolve("a")));
    assertTrue(count.isTooLarge());

    // Highly compressible: small archive, large content (a zip bomb in miniature).
    byte[] big = new byte[1_000_001];
    ArchiveRejected size = assertThrows(ArchiveRejected.class,
        () -> extractor.extract(TestArchives.tarGz(Map.of("intents/big.yaml", big)), tmp.resolve("b")));
    assertTrue(size.isTooLarge());
  }

  /** Finding 1: a skipped {@code ._*} entry used to expand without limit (7.5 GB answered 200). */
  @Test
  void skippedMacMetadataEntriesCountAgainstTheUnpackedLimit() {
    ArchiveExtractor limited = new ArchiveExtractor(2_000, 4L * 1024 * 1024);
    Map<String, byte[]> seed = TestArchives.filesOf(SEED, "intents/");
    byte[] tarBomb = TestArchives.tarGzWithZeros(seed, "intents/._bomb.yaml", 16L * 1024 * 1024);
    byte[] zipBomb = TestArchives.zipWithZeros(seed, "__MACOSX/intents/._bomb.yaml", 16L * 1024 * 1024);
    assertTrue(tarBomb.length < 100_000 && zipBomb.length < 100_000, tarBomb.length + " / " + zipBomb.length);
    for (byte[] bomb : List.of(tarBomb, zipBomb)) {
      Path out = tmp.resolve("bomb-" + bomb.length);
      ArchiveRejected e = assertThrows(ArchiveRejected.class, () -> limited.extract(bomb, out));
      assertTrue(e.isTooLarge(), e.getMessage());
      assertTrue(e.getMessage().contains("skipped ones too"), e.getMessage());
      assertTrue(e.getMessage().contains(ServiceLimits.UNPACKED_BYTES_FLAG), "says how to raise it: " + e.getMessage());
    }
    // Within the limit, the same metadata entries are still skipped.
    byte[] small = TestArchives.tarGzWithZeros(seed, "intents/._small.yaml", 1024);
    assertDoesNotThrow(() -> limited.extract(small, tmp.resolve("small")));
    assertFalse(Files.exists(tmp.resolve("small/intents/._small.yaml")));
  }

  @Test
  void aTimeBudgetStopsUnpacking() {
    ArchiveRejected e = assertThrows(ArchiveRejected.class, () -> extractor.extract(
        TestArchives.tarGz(TestArchives.filesOf(SEED, "intents/")), tmp.resolve("late"), java.time.Duration.ofNanos(1)));
    assertTrue(e.isTooLarge() && e.getMessage().contains("too long"), e.getMessage());
  }

  /** Finding 5: a file and a folder of one name made the JDK's message, with the scratch path, the answer. */
  @Test
  void aNameClashIsRefusedWithoutTheServerPath() {
    Map<String, byte[]> clash = new LinkedHashMap<>();
    clash.put("intents/a.yaml", TestArchives.utf8("x: 1"));
    clash.put("intents/a.yaml/b.yaml", TestArchives.utf8("x: 2"));
    for (byte[] archive : List.of(TestArchives.tarGz(clash), TestArchives.zip(clash))) {
      Path out = tmp.resolve("clash-" + archive.length);
      ArchiveRejected e = assertThrows(ArchiveRejected.class, () -> extractor.extract(archive, out));
      assertFalse(e.getMessage().contains(tmp.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("a.yaml/b.yaml") && e.getMessage().contains("same name"), e.getMessage());
    }
  }

  @Test
  void refusesWhatIsNotAnArchive() {
    ArchiveRejected e = assertThrows(ArchiveRejected.class,
        () -> extractor.extract(TestArchives.utf8("kind: Cluster\n"), tmp.resolve("out")));
    assertTrue(e.getMessage().contains("not a tar.gz"), e.getMessage());
    byte[] truncated = TestArchives.tarGz(Map.of("intents/a.yaml", new byte[5000]));
    byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length / 2);
    ArchiveRejected t = assertThrows(ArchiveRejected.class, () -> extractor.extract(cut, tmp.resolve("cut")));
    assertTrue(t.getMessage().contains("cannot be read"), t.getMessage());
  }

  private static Map<String, String> keysAndBytes(Map<String, byte[]> files) {
    Map<String, String> m = new java.util.TreeMap<>();
    files.forEach((k, v) -> m.put(k, java.util.HexFormat.of().formatHex(v)));
    return m;
  }

  @Test
  void safeTargetStaysBelowRoot() throws Exception {
    Path root = tmp.toAbsolutePath();
    assertEquals(root.resolve("intents/a.yaml"), ArchiveExtractor.safeTarget(root, "intents/./a.yaml"));
    assertThrows(ArchiveRejected.class, () -> ArchiveExtractor.safeTarget(root, "C:/windows/x"));
    assertThrows(ArchiveRejected.class, () -> ArchiveExtractor.safeTarget(root, "intents\\..\\..\\x"));
  }
}
