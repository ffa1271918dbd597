package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Violation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The compact map documents and rendered objects are held in keeps the {@link Map} contract of the
 * LinkedHashMap it replaces (order, equality and hash with any map, null values), and refuses changes.
 */
class FrozenMapTest {
  private static Map<String, Object> linked(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> frozen(Map<String, Object> map) {
    return (Map<String, Object>) FrozenMap.freeze(map);
  }

  @Test
  void keepsTheOrderItWasGivenInEveryView() {
    Map<String, Object> linked = linked("kind", "InboundService", "apiVersion", "v1", "metadata", linked("name", "a"),
        "spec", null);
    Map<String, Object> frozen = frozen(linked);
    assertEquals(List.of("kind", "apiVersion", "metadata", "spec"), new ArrayList<>(frozen.keySet()));
    assertEquals(Arrays.asList("InboundService", "v1", linked("name", "a"), null), new ArrayList<>(frozen.values()));
    assertEquals(new ArrayList<>(linked.entrySet()), new ArrayList<>(frozen.entrySet()));
    List<String> visited = new ArrayList<>();
    frozen.forEach((key, value) -> visited.add(key));
    assertEquals(List.of("kind", "apiVersion", "metadata", "spec"), visited);
    assertEquals(linked.toString(), frozen.toString());
  }

  @Test
  void equalsAndHashesAsAnyMapWithTheSameEntries() {
    Map<String, Object> linked = linked("b", 1L, "a", List.of("x", "y"), "c", linked("d", true), "n", null);
    Map<String, Object> frozen = frozen(linked);
    Map<String, Object> hashed = new HashMap<>(linked);
    Map<String, Object> sorted = new TreeMap<>(hashed);
    for (Map<String, Object> other : List.of(linked, hashed, sorted)) {
      assertEquals(other, frozen);
      assertEquals(frozen, other);
      assertEquals(other.hashCode(), frozen.hashCode());
    }
    assertEquals(frozen(linked), frozen);
    assertEquals(frozen(new LinkedHashMap<>(sorted)), frozen, "order does not matter to equality");
    assertEquals(frozen(new LinkedHashMap<>(sorted)).hashCode(), frozen.hashCode());
  }

  @Test
  void tellsApartMapsThatDifferInAValueAKeyOrANull() {
    Map<String, Object> frozen = frozen(linked("a", "1", "n", null));
    assertNotEquals(frozen, frozen(linked("a", "2", "n", null)));
    assertNotEquals(frozen, linked("a", "1", "m", null), "a null value is not an absent key");
    assertNotEquals(frozen, linked("a", "1"));
    assertNotEquals(frozen, linked("a", "1", "n", null, "x", "y"));
    assertNotEquals(linked("a", "1", "m", null), frozen);
    assertFalse(frozen.equals(List.of("a")));
  }

  @Test
  void answersLookupsLikeTheMapItReplaces() {
    Map<String, Object> frozen = frozen(linked("a", "1", "n", null));
    assertEquals(2, frozen.size());
    assertFalse(frozen.isEmpty());
    assertEquals("1", frozen.get("a"));
    assertNull(frozen.get("n"));
    assertTrue(frozen.containsKey("n"));
    assertFalse(frozen.containsKey("z"));
    assertFalse(frozen.containsKey(null));
    assertNull(frozen.get(null));
    assertTrue(frozen.containsValue(null));
    assertTrue(frozen.containsValue("1"));
    assertFalse(frozen.containsValue("2"));
    assertEquals("d", frozen.getOrDefault("z", "d"));
    assertTrue(frozen.keySet().contains("a"));
    assertTrue(frozen(linked()).isEmpty());
    assertEquals(Map.of(), frozen(linked()));
    Iterator<Map.Entry<String, Object>> entries = frozen.entrySet().iterator();
    entries.next();
    entries.next();
    assertFalse(entries.hasNext());
    assertThrows(NoSuchElementException.class, entries::next);
  }

  @Test
  void refusesEveryChangeDeepDown() {
    Map<String, Object> frozen = frozen(linked("spec", linked("ports", new ArrayList<>(List.of(linked("port", 80L))))));
    assertThrows(UnsupportedOperationException.class, () -> frozen.put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> frozen.remove("spec"));
    assertThrows(UnsupportedOperationException.class, () -> frozen.putAll(Map.of("x", 1)));
    assertThrows(UnsupportedOperationException.class, frozen::clear);
    assertThrows(UnsupportedOperationException.class, () -> frozen.entrySet().iterator().next().setValue(1));
    assertThrows(UnsupportedOperationException.class, () -> frozen.keySet().remove("spec"));
    Map<?, ?> spec = (Map<?, ?>) frozen.get("spec");
    assertInstanceOf(FrozenMap.class, spec);
    @SuppressWarnings("unchecked")
    List<Object> ports = (List<Object>) spec.get("ports");
    assertThrows(UnsupportedOperationException.class, () -> ports.add(1));
    assertThrows(UnsupportedOperationException.class, () -> ports.set(0, 1));
    assertInstanceOf(FrozenMap.class, ports.get(0));
  }

  @Test
  void freezesListsWithNullItemsAndAnswersLookupsOfNull() {
    List<Object> items = new ArrayList<>(Arrays.asList("a", null, 3L));
    @SuppressWarnings("unchecked")
    List<Object> frozen = (List<Object>) FrozenMap.freeze(items);
    assertEquals(items, frozen);
    assertEquals(items.hashCode(), frozen.hashCode());
    assertTrue(frozen.contains(null));
    assertEquals(1, frozen.indexOf(null));
    assertFalse(((List<?>) FrozenMap.freeze(List.of("a"))).contains(null));
    assertSame(frozen, FrozenMap.freeze(frozen), "a frozen list is taken as it is");
  }

  @Test
  void takesAFrozenMapAsItIsAndCopiesAMapWithOtherKeys() {
    Map<String, Object> frozen = frozen(linked("a", "1"));
    assertSame(frozen, FrozenMap.freeze(frozen));
    Map<Object, Object> numbered = new LinkedHashMap<>();
    numbered.put(8080L, "http");
    Object copy = FrozenMap.freeze(numbered);
    assertEquals(numbered, copy);
    assertThrows(UnsupportedOperationException.class, () -> {
      @SuppressWarnings("unchecked")
      Map<Object, Object> asMap = (Map<Object, Object>) copy;
      asMap.put(1L, "x");
    });
  }

  @Test
  void mapsOfOneShapeShareTheirKeys() throws Exception {
    Map<String, Object> first = frozen(linked("name", "a", "namespace", "n"));
    Map<String, Object> second = frozen(linked("name", "b", "namespace", "m"));
    java.lang.reflect.Field keys = FrozenMap.class.getDeclaredField("keys");
    keys.setAccessible(true);
    assertSame(keys.get(first), keys.get(second));
    assertThrows(IllegalArgumentException.class, () -> FrozenMap.of(new String[] {"a"}, new Object[0]));
  }

  /** The reader's documents keep the order, values and marks of the YAML, and are immutable. */
  @Test
  void readerDocumentsAreFrozenInTheOrderWritten() {
    String yaml = "kind: InboundService\napiVersion: meshgate.io/v1alpha1\nmetadata:\n  name: a\n"
        + "spec:\n  zeta: 1\n  alpha: [x, null, y]\n  empty:\n  nested: {b: true, a: 1.5}\n";
    List<Violation> problems = new ArrayList<>();
    List<YamlReader.Document> documents = YamlReader.read("f.yaml", yaml.getBytes(StandardCharsets.UTF_8), problems);
    assertEquals(List.of(), problems);
    Map<String, Object> content = documents.get(0).content();
    assertInstanceOf(FrozenMap.class, content);
    assertEquals(List.of("kind", "apiVersion", "metadata", "spec"), new ArrayList<>(content.keySet()));
    Map<?, ?> spec = (Map<?, ?>) content.get("spec");
    assertEquals(List.of("zeta", "alpha", "empty", "nested"), new ArrayList<>(spec.keySet()));
    assertEquals(1L, spec.get("zeta"));
    assertEquals(Arrays.asList("x", null, "y"), spec.get("alpha"));
    assertTrue(spec.containsKey("empty"));
    assertNull(spec.get("empty"));
    assertEquals(List.of("b", "a"), new ArrayList<>(((Map<?, ?>) spec.get("nested")).keySet()));
    assertEquals(new java.math.BigDecimal("1.5"), ((Map<?, ?>) spec.get("nested")).get("a"));
    assertThrows(UnsupportedOperationException.class, () -> content.put("x", 1));
    assertEquals(7, documents.get(0).locations().locate("spec.alpha[1]").line());
    assertEquals(8, documents.get(0).locations().locate("spec.empty").line());
  }

  /** A duplicate key is still reported with the line of the first, also in a mapping of many keys. */
  @Test
  void readerReportsDuplicateKeysInSmallAndLargeMappings() {
    StringBuilder large = new StringBuilder("kind: X\n");
    for (int i = 0; i < 40; i++) {
      large.append("k").append(i).append(": ").append(i).append('\n');
    }
    large.append("k3: again\n");
    for (String yaml : List.of("kind: X\na: 1\nb: 2\na: 3\n", large.toString())) {
      List<Violation> problems = new ArrayList<>();
      List<YamlReader.Document> documents = YamlReader.read("f.yaml", yaml.getBytes(StandardCharsets.UTF_8), problems);
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).message().startsWith("duplicate key"), problems.get(0).message());
      assertEquals(1, documents.get(0).problems());
      Map<String, Object> content = documents.get(0).content();
      assertEquals(yaml.startsWith("kind: X\na") ? 1L : 3L, content.get(yaml.startsWith("kind: X\na") ? "a" : "k3"),
          "the first value is kept");
    }
  }
}
