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

  /** The address a host asks for first: 240.0.0.2 plus a hash of its name, within 240.0.0.2-254. */
  private static String preferred(String host) {
    return AddressAllocator.format(AddressAllocator.FIRST + AddressAllocator.preferredSlot(host));
  }

  @Test
  void eachNewHostGetsItsPreferredAddressIn240000Block() {
    AllocationLedger ledger = render(withServices(3).build(), AllocationLedger.empty()).ledger();
    Map<String, String> hosts = Map.of(
        "svc0.default.global", preferred("svc0.default.global"),
        "svc1.default.global", preferred("svc1.default.global"),
        "svc2.default.global", preferred("svc2.default.global"));
    // v2: the hosting cluster has a `.global` ServiceEntry too, with the same address.
    assertEquals(Map.of("east", hosts, "west", hosts), ledger.clusters());
    ledger.hostsOf("west").values().forEach(address -> {
      long value = AddressAllocator.ipv4(address);
      assertTrue(value >= AddressAllocator.ipv4("240.0.0.2") && value <= AddressAllocator.ipv4("240.0.0.254"), address);
    });
  }

  @Test
  void withoutALedgerAddingAServiceStillKeepsTheOthersWhereTheirPreferenceIsFree() {
    // A fresh output folder has no ledger: the hash keeps addresses where they were anyway.
    AllocationLedger before = render(withServices(5).build(), AllocationLedger.empty()).ledger();
    IntentSet more = withServices(5)
        .service(new TestIntents.Service("aaa-new").cluster("east"))
        .client(new TestIntents.Client("c-new").service("caller").cluster("west").target("aaa-new"))
        .build();
    AllocationLedger after = render(more, AllocationLedger.empty()).ledger();
    before.hostsOf("west").forEach((host, address) -> assertEquals(address, after.addressOf("west", host), host));
  }

  @Test
  void aTakenPreferenceFallsToTheNextFreeAddressAndPastTheBlockAddressesCountUp() {
    SortedMap<String, String> hosts = new TreeMap<>();
    for (int i = 0; i < 260; i++) {
      hosts.put("h" + i + ".ns.global", null);
    }
    AllocationLedger ledger = AddressAllocator.allocate(AllocationLedger.empty(), Map.of("k", hosts));
    assertEquals(260, new java.util.HashSet<>(ledger.hostsOf("k").values()).size(), "addresses are unique");
    long beyond = ledger.hostsOf("k").values().stream()
        .filter(a -> AddressAllocator.ipv4(a) > AddressAllocator.ipv4("240.0.0.254")).count();
    assertEquals(7, beyond, "253 addresses fit the preferred block; the rest count up after it");
    assertTrue(ledger.hostsOf("k").containsValue("240.0.1.0"));
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
    assertFalse(before.hostsOf("west").containsValue(after.addressOf("west", "aaa-new.default.global")));
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
    // The freed address is free again: a new host whose preference it is gets it.
    SortedMap<String, String> hosts = new TreeMap<>(after.hostsOf("west"));
    hosts.replaceAll((host, address) -> null);
    hosts.put("svc2.default.global", null);
    assertEquals(before.addressOf("west", "svc2.default.global"),
        AddressAllocator.allocate(after, Map.of("west", hosts)).addressOf("west", "svc2.default.global"));
  }

  @Test
  void aServiceWithoutRemoteClientsHoldsNoAddress() {
    TestIntents t = Scenarios.twoClusters().service(new TestIntents.Service("local").cluster("east"))
        .client(new TestIntents.Client("same-cluster").cluster("east").target("local"));
    assertTrue(render(t.build(), AllocationLedger.empty()).ledger().clusters().isEmpty());
  }

  @Test
  void pinnedAddressesAreHonouredAndSkippedByAllocation() {
    String svc0Preference = preferred("svc0.default.global");
    TestIntents t = withServices(2)
        .service(new TestIntents.Service("pinned").cluster("east").address(svc0Preference))
        .client(new TestIntents.Client("c-pinned").service("caller").cluster("west").target("pinned"));
    AllocationLedger ledger = render(t.build(), AllocationLedger.empty()).ledger();
    assertEquals(svc0Preference, ledger.addressOf("west", "pinned.default.global"));
    assertEquals(AddressAllocator.format(AddressAllocator.ipv4(svc0Preference) + 1),
        ledger.addressOf("west", "svc0.default.global"), "the pin takes svc0's preference; svc0 takes the next");
    assertEquals(preferred("svc1.default.global"), ledger.addressOf("west", "svc1.default.global"));
  }

  @Test
  void aPinCollidingWithAnExistingAddressMovesNeither() {
    AllocationLedger before = render(withServices(2).build(), AllocationLedger.empty()).ledger();
    String svc1Address = before.addressOf("west", "svc1.default.global");
    TestIntents t = withServices(2)
        .service(new TestIntents.Service("squatter").cluster("east").address(svc1Address))
        .client(new TestIntents.Client("c-squatter").service("caller").cluster("west").target("squatter"));
    RenderResult result = render(t.build(), before);
    assertEquals(svc1Address, result.ledger().addressOf("west", "svc1.default.global"));
    assertEquals(svc1Address, result.ledger().addressOf("west", "squatter.default.global"));
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
    assertEquals(Map.of("x.default.global", preferred("x.default.global")), ledger.hostsOf("b"));
    assertEquals(Map.of("y.default.global", preferred("y.default.global")), ledger.hostsOf("c"));
    // The same host gets the same address in every cluster that calls it.
    TestIntents both = t.client(new TestIntents.Client("c-x").cluster("c").target("x"));
    AllocationLedger again = render(both.build(), AllocationLedger.empty()).ledger();
    assertEquals(again.addressOf("b", "x.default.global"), again.addressOf("c", "x.default.global"));
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
