package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {

  static Path root() {
    String root = System.getProperty("meshgate.root");
    return root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
  }

  static String seed() {
    return root().resolve("repo-fixtures/seed/intents").toString();
  }

  static Map<String, byte[]> snapshot(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  @Test
  void rendersTheSeedTreeAndSummarises(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("rendered");
    CliRun run = CliRun.of("render", "--intents", seed(), "--out", out.toString());
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    assertTrue(run.out().contains("cluster01: 8 objects (1 AuthorizationPolicy, 3 DestinationRule, 1 Gateway, "
        + "1 PeerAuthentication, 2 ServiceEntry)"), run.out());
    assertTrue(run.out().contains("cluster02: 7 objects"), run.out());
    assertTrue(Files.isRegularFile(out.resolve(
        "clusters/cluster01/istio-system/serviceentry-meshgate-httpbin-default-global.yaml")));
    assertTrue(Files.isRegularFile(out.resolve("clusters/cluster02/kustomization.yaml")));
    String provenance = Files.readString(out.resolve("meshgate/provenance.yaml"));
    assertTrue(provenance.contains("sourceRepo: " + Path.of(seed()).normalize().toString().replace('\\', '/')), provenance);
    assertTrue(provenance.contains("toolVersion: "), provenance);
    assertTrue(Files.readString(out.resolve("meshgate/allocations.yaml"))
        .matches("(?s).*httpbin\\.default\\.global: 240\\.0\\.0\\.\\d{1,3}\n.*"));
  }

  @Test
  void aRepositoryOverTheIntentLimitsWritesNothingAndNamesTheFlag(@TempDir Path tmp) {
    Path out = tmp.resolve("rendered");
    CliRun run = CliRun.of("render", "--intents", seed(), "--out", out.toString(), "--max-intent-file-bytes", "512");
    assertEquals(Main.EXIT_VIOLATIONS, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("file is too large (over 512 bytes); split it into smaller files or raise the limit "
        + "with --max-intent-file-bytes SIZE"), run.out());
    assertFalse(Files.exists(out));
    CliRun raised = CliRun.of("render", "--intents", seed(), "--out", out.toString(), "--max-intent-file-bytes", "1KiB");
    assertEquals(Main.EXIT_OK, raised.exit(), raised.out() + raised.err());
  }

  @Test
  void secondRenderIsByteIdenticalRemovesStaleFilesAndLeavesOthersAlone(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("env");
    assertEquals(Main.EXIT_OK, CliRun.of("render", "--intents", seed(), "--out", out.toString()).exit());
    Map<String, byte[]> first = snapshot(out);
    Files.writeString(out.resolve("README.md"), "not ours\n");
    Files.createDirectories(out.resolve("clusters/gone/default"));
    Files.writeString(out.resolve("clusters/gone/default/serviceentry-old.yaml"), "stale\n");
    Files.writeString(out.resolve("clusters/cluster01/default/destinationrule-old.yaml"), "stale\n");

    assertEquals(Main.EXIT_OK, CliRun.of("render", "--intents", seed(), "--out", out.toString()).exit());
    Map<String, byte[]> second = snapshot(out);
    assertEquals("not ours\n", Files.readString(out.resolve("README.md")));
    second.remove("README.md");
    assertEquals(first.keySet(), second.keySet());
    first.forEach((path, bytes) -> assertArrayEquals(bytes, second.get(path), path));
    assertFalse(Files.exists(out.resolve("clusters/gone")), "emptied folders are removed");
  }

  @Test
  void saysWhatChangedAndNothingWhenNothingDid(@TempDir Path tmp) throws IOException {
    Path intents = tmp.resolve("intents");
    copy(Path.of(seed()), intents);
    Path out = tmp.resolve("env");
    CliRun first = CliRun.of("render", "--intents", intents.toString(), "--out", out.toString());
    int files = snapshot(out).size();
    assertTrue(first.out().contains(out + ": " + files + " added, 0 updated, 0 removed, 0 unchanged"), first.out());

    CliRun again = CliRun.of("render", "--intents", intents.toString(), "--out", out.toString());
    assertTrue(again.out().contains(out + ": nothing changed (" + files + " files up to date)"), again.out());
    assertFalse(again.out().contains("wrote"), again.out());

    // httpbin loses its only remote client: its .global objects go, the ledger changes.
    Path clients = intents.resolve("clients/sleep-to-httpbin.yaml");
    Files.writeString(clients, Files.readString(clients).replace("cluster: cluster01", "cluster: cluster02"));
    CliRun changed = CliRun.of("render", "--intents", intents.toString(), "--out", out.toString());
    assertEquals(Main.EXIT_OK, changed.exit(), changed.out() + changed.err());
    assertTrue(changed.out().matches("(?s).*" + java.util.regex.Pattern.quote(out.toString())
        + ": 0 added, [1-9]\\d* updated, [1-9]\\d* removed, [1-9]\\d* unchanged\n.*"), changed.out());
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  void thePreviousLedgerInTheOutputKeepsAddresses(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("env");
    Files.createDirectories(out.resolve("meshgate"));
    Files.writeString(out.resolve("meshgate/allocations.yaml"), """
        apiVersion: meshgate.io/v1alpha1
        kind: AllocationLedger
        clusters:
          cluster01:
            httpbin.default.global: 240.0.0.17
            removed.default.global: 240.0.0.2
        """);
    assertEquals(Main.EXIT_OK, CliRun.of("render", "--intents", seed(), "--out", out.toString()).exit());
    String ledger = Files.readString(out.resolve("meshgate/allocations.yaml"));
    assertTrue(ledger.contains("httpbin.default.global: 240.0.0.17"), ledger);
    assertFalse(ledger.contains("removed"), ledger);
    assertTrue(Files.readString(out.resolve(
        "clusters/cluster01/istio-system/serviceentry-meshgate-httpbin-default-global.yaml")).contains("- 240.0.0.17"));
  }

  @Test
  void anExplicitLedgerIsRead(@TempDir Path tmp) throws IOException {
    Path ledger = tmp.resolve("prev.yaml");
    Files.writeString(ledger, "apiVersion: meshgate.io/v1alpha1\nkind: AllocationLedger\nclusters:\n"
        + "  cluster02:\n    productpage.default.global: 240.0.0.99\n");
    Path out = tmp.resolve("env");
    CliRun run = CliRun.of("render", "--intents", seed(), "--out", out.toString(), "--ledger", ledger.toString());
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    assertTrue(Files.readString(out.resolve("meshgate/allocations.yaml")).contains("240.0.0.99"));
  }

  @Test
  void structuralErrorsWriteNothingAndExitOne(@TempDir Path tmp) {
    Path out = tmp.resolve("env");
    CliRun run = CliRun.of("render", "--intents", root().resolve("repo-fixtures/invalid/bad-enum/intents").toString(),
        "--out", out.toString());
    assertEquals(Main.EXIT_VIOLATIONS, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("MG-SCHEMA"), run.out());
    assertTrue(run.err().contains("nothing written"), run.err());
    assertFalse(Files.exists(out));
    assertFalse(run.leaksStackTrace(), run.out() + run.err());
  }

  @Test
  void aPolicyDenialWritesNothingThoughTheYamlWasReadyBeforeTheVerdict(@TempDir Path tmp) {
    // The intents load and render; only a policy denies them. The output tree is put together while
    // the policies finish, and must not reach the disk.
    Path out = tmp.resolve("env");
    CliRun run = CliRun.of("render", "--intents",
        root().resolve("repo-fixtures/invalid/policy-MG-AUTHZ-01/intents").toString(), "--out", out.toString());
    assertEquals(Main.EXIT_VIOLATIONS, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("MG-AUTHZ-01"), run.out());
    assertTrue(run.err().contains("nothing written"), run.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void usageErrorsExitTwoWithAMessage(@TempDir Path tmp) throws IOException {
    CliRun noOut = CliRun.of("render", "--intents", seed());
    assertEquals(Main.EXIT_ERROR, noOut.exit());
    assertTrue(noOut.err().contains("--out"), noOut.err());

    CliRun missingLedger = CliRun.of("render", "--intents", seed(), "--out", tmp.resolve("o").toString(),
        "--ledger", tmp.resolve("nope.yaml").toString());
    assertEquals(Main.EXIT_ERROR, missingLedger.exit());
    assertTrue(missingLedger.err().contains("nope.yaml"), missingLedger.err());

    Path badLedger = tmp.resolve("bad.yaml");
    Files.writeString(badLedger, "kind: [unclosed\n");
    CliRun broken = CliRun.of("render", "--intents", seed(), "--out", tmp.resolve("o2").toString(),
        "--ledger", badLedger.toString());
    assertEquals(Main.EXIT_ERROR, broken.exit());
    assertTrue(broken.err().contains("bad.yaml: not valid YAML"), broken.err());
    assertFalse(broken.leaksStackTrace(), broken.err());
    assertFalse(Files.exists(tmp.resolve("o2")));

    CliRun noIntents = CliRun.of("render", "--intents", tmp.resolve("absent").toString(), "--out",
        tmp.resolve("o3").toString());
    assertEquals(Main.EXIT_ERROR, noIntents.exit());
    assertFalse(noIntents.leaksStackTrace(), noIntents.err());
  }

  @Test
  void anOutputTreeThatCannotBeWrittenIsAUsageErrorNamingThePath(@TempDir Path tmp) throws IOException {
    // --out below a regular file: the folders cannot be created.
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "not a folder\n");
    CliRun run = CliRun.of("render", "--intents", seed(), "--out", file.resolve("rendered").toString());
    assertEquals(Main.EXIT_ERROR, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("cannot write the output tree to " + file.resolve("rendered")), run.err());
    assertTrue(run.err().contains(file.toString()), run.err());
    assertFalse(run.err().contains("internal error"), run.err());
    assertFalse(run.leaksStackTrace(), run.err());
  }

  @Test
  void anOutputTreeInsideTheIntentsIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws IOException {
    Path intents = Files.createDirectories(tmp.resolve("repo/intents"));
    Files.copy(root().resolve("repo-fixtures/seed/intents/clusters/clusters.yaml"), intents.resolve("clusters.yaml"));
    CliRun run = CliRun.of("render", "--intents", intents.toString(), "--out", intents.resolve("rendered").toString());
    assertEquals(Main.EXIT_ERROR, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("is inside the intents directory"), run.err());
    assertFalse(Files.exists(intents.resolve("rendered")));
    assertEquals(Main.EXIT_OK, CliRun.of("render", "--intents", intents.toString(), "--out",
        tmp.resolve("repo/rendered").toString()).exit());
  }

  /**
   * Finding 12: links planted in --out (a pull request's checkout in CI) made render write outside it.
   * Each planted link is refused with a message naming it, and nothing outside --out changes.
   */
  @Test
  void symbolicAndHardLinksInTheOutputFolderAreRefusedAndNothingOutsideIsTouched(@TempDir Path tmp) throws IOException {
    Path victim = Files.createDirectories(tmp.resolve("victim"));
    Files.writeString(victim.resolve("keep.txt"), "precious\n");
    Path victimFile = victim.resolve("authorized_keys");
    Files.writeString(victimFile, "ssh-ed25519 AAAA...\n");
    Map<String, java.util.function.Consumer<Path>> plants = new java.util.LinkedHashMap<>();
    plants.put("clusters/cluster01", out -> link(out.resolve("clusters/cluster01"), victim));
    plants.put("clusters", out -> link(out.resolve("clusters"), victim));
    plants.put("meshgate/provenance.yaml", out -> link(out.resolve("meshgate/provenance.yaml"), victimFile));
    plants.put("meshgate", out -> link(out.resolve("meshgate"), victim));
    plants.put("clusters/cluster02/kustomization.yaml (hard link)", out -> {
      try {
        Files.createDirectories(out.resolve("clusters/cluster02"));
        Files.createLink(out.resolve("clusters/cluster02/kustomization.yaml"), victimFile);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    for (Map.Entry<String, java.util.function.Consumer<Path>> plant : plants.entrySet()) {
      Path out = Files.createDirectories(tmp.resolve("out-" + plants.keySet().stream().toList().indexOf(plant.getKey())));
      plant.getValue().accept(out);
      CliRun run = CliRun.of("render", "--intents", seed(), "--out", out.toString());
      assertEquals(Main.EXIT_ERROR, run.exit(), plant.getKey() + ": " + run.out() + run.err());
      assertTrue(run.err().contains("nothing written") && (run.err().contains("symbolic link") || run.err().contains("hard link")),
          plant.getKey() + ": " + run.err());
      assertFalse(run.leaksStackTrace(), run.err());
      assertEquals(Map.of("keep.txt", "precious\n".getBytes().length, "authorized_keys", "ssh-ed25519 AAAA...\n".getBytes().length),
          sizes(victim), plant.getKey() + " changed a file outside --out");
      assertEquals("ssh-ed25519 AAAA...\n", Files.readString(victimFile));
    }
    // --out itself a link (a checked-in symlink) is refused too.
    Path linkedOut = tmp.resolve("linked-out");
    link(linkedOut, victim);
    CliRun run = CliRun.of("render", "--intents", seed(), "--out", linkedOut.toString());
    assertEquals(Main.EXIT_ERROR, run.exit(), run.err());
    assertTrue(run.err().contains("symbolic link"), run.err());
    assertEquals(2, sizes(victim).size());
  }

  private static void link(Path link, Path target) {
    try {
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, target);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, Integer> sizes(Path dir) throws IOException {
    Map<String, Integer> sizes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        sizes.put(dir.relativize(p).toString(), (int) Files.size(p));
      }
    }
    return sizes;
  }
}
