package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SortedLookupTest {

  @Test
  void iteratesInKeyOrderAndFindsByKey() {
    Map<IntentRef, String> entries = new HashMap<>();
    entries.put(new IntentRef(Kind.ServiceClient, "b"), "client b");
    entries.put(new IntentRef(Kind.InboundService, "z"), "service z");
    entries.put(new IntentRef(Kind.ServiceClient, "a"), "client a");
    entries.put(new IntentRef(Kind.Cluster, "c1"), "cluster c1");
    SortedLookup<IntentRef, String> lookup = SortedLookup.of(entries);

    assertEquals(List.of(new IntentRef(Kind.Cluster, "c1"), new IntentRef(Kind.InboundService, "z"),
        new IntentRef(Kind.ServiceClient, "a"), new IntentRef(Kind.ServiceClient, "b")),
        List.copyOf(lookup.keySet()));
    assertEquals("client a", lookup.get(new IntentRef(Kind.ServiceClient, "a")));
    assertNull(lookup.get(new IntentRef(Kind.ServiceClient, "z")));
    assertTrue(lookup.containsKey(new IntentRef(Kind.InboundService, "z")));
    assertEquals(entries, lookup);
    assertSame(lookup, SortedLookup.of(lookup));
    assertThrows(UnsupportedOperationException.class, () -> lookup.put(new IntentRef(Kind.Cluster, "x"), "x"));
    assertThrows(UnsupportedOperationException.class, () -> lookup.entrySet().clear());
  }
}
