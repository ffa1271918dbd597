package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Virtual addresses: unique per cluster, stable through the ledger, pins honoured. */
class AddressAllocationTest {

  private static TestIntents withServices(int count) {
    TestIntents t = Scenarios.twoClusters();
    for (int i = 0; i < count; i++) {
      String name = "svc" + i;
      t.service(new TestIntents.Service(name).cluster("east"));
      t.client(new TestIntents.Client("c" + i).service("caller").cluster("west").target(name));
    }
    return t;
  }

  private static RenderResult render(IntentSet intents, AllocationLedger previous) {
    return new Renderer().render(intents, previous);
  }

  @Test
  void firstRenderCountsUpFrom240002InHostOrder() {
    AllocationLedger ledger = render(withServices(3).build(), AllocationLedger.empty()).ledger();
    assertEquals(Map.of("west", Map.of(
        "svc0.default.global", "240.0.0.2",
        "svc1.default.global", "240.0.0.3",
        "svc2.default.global", "240.0.0.4")), ledger.clusters());
  }

  @Test
  void twoRendersAreByteIdentical() {
    for (IntentSet intents : Scenarios.all().values()) {
      OutputTree a = OutputTree.of(render(intents, AllocationLedger.empty()), new Provenance("r", "c", "d", "v"));
      OutputTree b = OutputTree.of(render(intents, AllocationLedger.empty()), new Provenance("r", "c", "d", "v"));
      assertEquals(a.files().keySet(), b.files().keySet());
      a.files().forEach((path, bytes) -> assertArrayEquals(bytes, b.files().get(path), path));
    }
  }

  @Test
  void addingAServiceKeepsEveryExistingAddress() {
    AllocationLedger before = render(withServices(40).build(), AllocationLedger.empty()).ledger();
    // A new host whose name sorts first must not push the others along.
    IntentSet more = withServices(40)
        .service(new TestIntents.Service("aaa-new").cluster("east"))
        .client(new TestIntents.Client("c-new").service("caller").cluster("west").target("aaa-new"))
        .build();
    AllocationLedger after = render(more, before).ledger();
    before.hostsOf("west").forEach((host, address) -> assertEquals(address, after.addressOf("west", host), host));
    assertEquals("240.0.0.42", after.addressOf("west", "aaa-new.default.global"));
  }

  @Test
  void removingAServiceReleasesOnlyItsAddress() {
    AllocationLedger before = render(withServices(5).build(), AllocationLedger.empty()).ledger();
    TestIntents fewer = Scenarios.twoClusters();
    for (int i = 0; i < 5; i++) {
      if (i != 2) {
        fewer.service(new TestIntents.Service("svc" + i).cluster("east"));
        fewer.client(new TestIntents.Client("c" + i).service("caller").cluster("west").target("svc" + i));
      }
    }
    AllocationLedger after = render(fewer.build(), before).ledger();
    assertNull(after.addressOf("west", "svc2.default.global"));
    assertEquals(4, after.hostsOf("west").size());
    after.hostsOf("west").forEach((host, address) -> assertEquals(before.addressOf("west", host), address));
    // The freed address is the lowest free one, so the next new host gets it.
    fewer.service(new TestIntents.Service("later").cluster("east"))
        .client(new TestIntents.Client("c-later").service("caller").cluster("west").target("later"));
    assertEquals("240.0.0.4", render(fewer.build(), after).ledger().addressOf("west", "later.default.global"));
  }

  @Test
  void aServiceWithoutRemoteClientsHoldsNoAddress() {
    TestIntents t = Scenarios.twoClusters().service(new TestIntents.Service("local").cluster("east"))
        .client(new TestIntents.Client("same-cluster").cluster("east").target("local"));
    assertTrue(render(t.build(), AllocationLedger.empty()).ledger().clusters().isEmpty());
  }

  @Test
  void pinnedAddressesAreHonouredAndSkippedByAllocation() {
    TestIntents t = withServices(2)
        .service(new TestIntents.Service("pinned").cluster("east").address("240.0.0.2"))
        .client(new TestIntents.Client("c-pinned").service("caller").cluster("west").target("pinned"));
    AllocationLedger ledger = render(t.build(), AllocationLedger.empty()).ledger();
    assertEquals("240.0.0.2", ledger.addressOf("west", "pinned.default.global"));
    assertEquals("240.0.0.3", ledger.addressOf("west", "svc0.default.global"));
    assertEquals("240.0.0.4", ledger.addressOf("west", "svc1.default.global"));
  }

  @Test
  void aPinCollidingWithAnExistingAddressMovesNeither() {
    AllocationLedger before = render(withServices(2).build(), AllocationLedger.empty()).ledger();
    TestIntents t = withServices(2)
        .service(new TestIntents.Service("squatter").cluster("east").address("240.0.0.3"))
        .client(new TestIntents.Client("c-squatter").service("caller").cluster("west").target("squatter"));
    RenderResult result = render(t.build(), before);
    assertEquals("240.0.0.3", result.ledger().addressOf("west", "svc1.default.global"));
    assertEquals("240.0.0.3", result.ledger().addressOf("west", "squatter.default.global"));
    // Both ServiceEntries are rendered; MG-ADDR-01 denies the duplicate.
    long entries = result.objectsOf("west").stream().filter(o -> o.kind().equals("ServiceEntry")).count();
    assertEquals(3, entries);
  }

  @Test
  void addressesAreUniquePerClusterNotGlobally() {
    TestIntents t = new TestIntents().cluster("a", "lc1", "10.0.0.1").cluster("b", "lc1", "10.0.0.2")
        .cluster("c", "lc1", "10.0.0.3")
        .service(new TestIntents.Service("x").cluster("a"))
        .service(new TestIntents.Service("y").cluster("a"))
        .client(new TestIntents.Client("b-x").cluster("b").target("x"))
        .client(new TestIntents.Client("c-y").cluster("c").target("y"));
    AllocationLedger ledger = render(t.build(), AllocationLedger.empty()).ledger();
    assertEquals("240.0.0.2", ledger.addressOf("b", "x.default.global"));
    assertEquals("240.0.0.2", ledger.addressOf("c", "y.default.global"));
  }

  @Test
  void ledgerRoundTripsThroughItsFile(@TempDir Path dir) throws Exception {
    AllocationLedger ledger = render(Scenarios.manyServices(10), AllocationLedger.empty()).ledger();
    String yaml = ledger.toYaml();
    assertTrue(yaml.startsWith("apiVersion: meshgate.io/v1alpha1\nkind: AllocationLedger\nclusters:\n  east:\n"),
        yaml);
    Path file = dir.resolve("allocations.yaml");
    Files.writeString(file, yaml);
    AllocationLedger read = AllocationLedger.read(file);
    assertEquals(ledger, read);
    assertEquals(yaml, read.toYaml());
    assertEquals(AllocationLedger.empty(), AllocationLedger.read(dir.resolve("absent.yaml")));
  }

  @Test
  void aBrokenLedgerIsAClearErrorNamingTheFile() {
    var e1 = assertThrows(AllocationLedger.LedgerException.class,
        () -> AllocationLedger.parse("clusters: [1, 2\n", "out/meshgate/allocations.yaml"));
    assertTrue(e1.getMessage().startsWith("out/meshgate/allocations.yaml: not valid YAML"), e1.getMessage());
    var e2 = assertThrows(AllocationLedger.LedgerException.class, () -> AllocationLedger.parse(
        "apiVersion: meshgate.io/v1alpha1\nkind: AllocationLedger\nclusters:\n  west:\n    a.b.global: [x]\n",
        "ledger.yaml"));
    assertTrue(e2.getMessage().startsWith("ledger.yaml:5:17: clusters.west.a.b.global must be an IPv4 address"),
        e2.getMessage());
    var e4 = assertThrows(AllocationLedger.LedgerException.class, () -> AllocationLedger.parse(
        "apiVersion: meshgate.io/v1alpha1\nkind: AllocationLedger\nclusters:\n  west:\n    a: 240.0.0.2\n    a: 240.0.0.3\n",
        "ledger.yaml"));
    assertTrue(e4.getMessage().startsWith("ledger.yaml:6:5: duplicate key 'a'"), e4.getMessage());
    var e3 = assertThrows(AllocationLedger.LedgerException.class,
        () -> AllocationLedger.parse("apiVersion: v1\nkind: ConfigMap\n", "ledger.yaml"));
    assertTrue(e3.getMessage().contains("AllocationLedger"), e3.getMessage());
  }

  @Test
  void allocatorCanBeDrivenDirectly() {
    SortedMap<String, String> hosts = new TreeMap<>();
    hosts.put("b.ns.global", null);
    hosts.put("a.ns.global", "240.0.0.2");
    AllocationLedger previous = new AllocationLedger(new TreeMap<>(Map.of("k",
        new TreeMap<>(Map.of("b.ns.global", "240.0.0.77", "gone.ns.global", "240.0.0.3")))));
    AllocationLedger next = AddressAllocator.allocate(previous, Map.of("k", hosts));
    assertEquals(Map.of("k", Map.of("a.ns.global", "240.0.0.2", "b.ns.global", "240.0.0.77")), next.clusters());
  }

  @Test
  void sameOutputIgnoresProvenanceOnly() {
    RenderResult result = render(TestIntents.seed(), AllocationLedger.empty());
    OutputTree a = OutputTree.of(result, new Provenance("r", "commit-1", null, "v"));
    OutputTree b = OutputTree.of(render(TestIntents.seed(), AllocationLedger.empty()),
        new Provenance("r", "commit-2", null, "v"));
    assertTrue(a.sameOutputAs(b));
    OutputTree c = OutputTree.of(render(Scenarios.tcp(), AllocationLedger.empty()), new Provenance("r", "commit-1", null, "v"));
    assertFalse(a.sameOutputAs(c));
  }
}
