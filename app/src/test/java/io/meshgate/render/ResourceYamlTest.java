package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The output tree's YAML is written by {@link ResourceYaml.BlockWriter} for the usual shapes and by
 * SnakeYAML otherwise; both must give the same bytes. Checked against SnakeYAML itself on the
 * tricky strings (indicators, numbers, booleans, dates) and on many random documents.
 */
class ResourceYamlTest {

  /** SnakeYAML with the options ResourceYaml documents: the reference the fast writer must match. */
  private static String snakeYaml(Map<String, ?> document) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setPrettyFlow(false);
    options.setSplitLines(false);
    options.setWidth(Integer.MAX_VALUE);
    options.setLineBreak(DumperOptions.LineBreak.UNIX);
    options.setExplicitStart(false);
    return new Yaml(options).dump(document);
  }

  private static final List<String> TRICKY = List.of(
      "plain", "*", "*.global", "'quoted'", "it's", "a: b", "a:b", "a :b", "key:", "- x", "-x", "-", "--", "---x",
      "...", "? x", "?x", ":x", "#x", "a #b", "a#b", "x #", "true", "True", "yes", "no", "on", "OFF", "y", "n",
      "null", "Null", "~", "8080", "-1", "+1", "0", "00", "007", "0_1", "0x1F", "0b101", "0o17", "1.5", "1e5",
      "1_000", ".5", ".inf", ".NaN", "1:30", "190:20:30", "2024-01-01", "2024-1-1 10:00:00", "<<", "=", "!",
      "&a", "@x", "`x", "%x", "|x", ">x", "{a}", "[a]", "a,b", "a[0]", "a{b}", "/api/*", "/status*", "GET",
      "cluster.local/ns/default/sa/sleep", "istio-system/meshgate-x", "meshgate.io/source", "a b", "a  b",
      " lead", "trail ", "x\"y", "100%", "\\", "a\\b", "ISTIO_MUTUAL", "240.0.0.2", "10.0.0.1:80", "http://x",
      "Prune=false", "..", ".", "-.5", "+.inf", "1.", "0.0", "1__0", "0x", "0b", "tls-meshgate", "outbound_.80_._.x");

  @Test
  void everyTrickyStringIsWrittenAsSnakeYamlWritesItAsKeyAndValueAndListItem() {
    for (String text : TRICKY) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put(text, text);
      document.put("list", List.of(text, Map.of(text, List.of(text))));
      assertSame(document, "string " + text);
    }
  }

  @Test
  void scalarsOfOtherTypesAndEmptyCollectionsMatchToo() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("int", 15443);
    document.put("negative", -3);
    document.put("long", 1L << 40);
    document.put("yes", true);
    document.put("no", false);
    document.put("emptyMap", Map.of());
    document.put("emptyList", List.of());
    document.put("items", List.of(Map.of(), List.of(), 7, false));
    assertSame(document, "scalars");
    assertSame(Map.of(), "empty document");
  }

  @Test
  void whatTheFastWriterLeavesToSnakeYamlIsStillWrittenTheSame() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("empty", "");
    document.put("unicode", "café ☕");
    document.put("lines", "one\ntwo\n");
    document.put("tab", "a\tb");
    document.put("nested", List.of(List.of("a", "b")));
    document.put("x".repeat(130), "long key");
    document.put("double", 1.5);
    for (Map.Entry<String, Object> entry : document.entrySet()) {
      Map<String, Object> one = Map.of(entry.getKey(), entry.getValue());
      assertNull(ResourceYaml.BlockWriter.write(one), "left to SnakeYAML: " + entry.getKey());
      assertSame(one, entry.getKey());
    }
  }

  @Test
  void stringsWrittenAgainAfterTheWriterForgotThemMatchToo() {
    // More distinct strings than the writer remembers per thread: it forgets them half-way and
    // works them out again; every form must stay what SnakeYAML writes.
    List<String> tricky = List.of("true", "8080", "a: b", "it's", "-x", "#c", "ok", "0755", "*.global", "~");
    Map<String, Object> document = new LinkedHashMap<>();
    for (int i = 0; i < 40_000; i++) {
      document.put("k" + i, i % 3 == 0 ? tricky.get(i % tricky.size()) : "v" + (i % 5000));
    }
    assertSame(document, "40,000 keys");
    assertSame(document, "the same document again");
  }

  @Test
  void randomDocumentsOfTheRenderedShapeMatchByteForByte() {
    SplittableRandom random = new SplittableRandom(20261201);
    int written = 0;
    for (int i = 0; i < 3000; i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> document = (Map<String, Object>) randomMap(random, 0);
      assertSame(document, "random document " + i);
      if (ResourceYaml.BlockWriter.write(document) != null) {
        written++;
      }
    }
    // Most random documents are within the fast writer's shapes; the rest went to SnakeYAML.
    assertEquals(true, written > 1500, "the fast writer wrote only " + written + " of 3000");
  }

  @Test
  void plainFormsReadFromJacksonsTokensAreWhatItsConvertedTreeNormalizedIs() {
    io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry entry = new io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry();
    entry.setHosts(List.of("a.ns.global", "b"));
    entry.setAddresses(List.of()); // empty: dropped
    io.fabric8.istio.api.api.networking.v1alpha3.ServicePort port = new io.fabric8.istio.api.api.networking.v1alpha3.ServicePort();
    port.setNumber(8080L);
    port.setName("http");
    port.setTargetPort(1L << 40); // beyond an int: stays a long
    entry.setPorts(List.of(port));
    entry.setExportTo(List.of("*"));
    // Written after the declared fields: a later field of one name wins, as in a converted map.
    entry.getAdditionalProperties().put("hosts", List.of("later.wins"));
    entry.getAdditionalProperties().put("weights", List.of(12.5, 50.0));
    entry.getAdditionalProperties().put("nothing", null);
    entry.getAdditionalProperties().put("emptyMap", Map.of());
    entry.getAdditionalProperties().put("nested", Map.of("zeta", List.of(Map.of()), "kind", true));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("spec", entry);
    document.put("kind", "ServiceEntry");
    document.put("apiVersion", "networking.istio.io/v1");
    Object converted = ResourceYaml.normalize(new com.fasterxml.jackson.databind.ObjectMapper().convertValue(document, Object.class));
    Map<String, Object> plain = ResourceYaml.toPlain(document);
    assertEquals(converted, plain);
    assertEquals(List.copyOf(((Map<?, ?>) converted).keySet()), List.copyOf(plain.keySet()));
    Map<?, ?> spec = (Map<?, ?>) plain.get("spec");
    assertEquals(List.copyOf(((Map<?, ?>) ((Map<?, ?>) converted).get("spec")).keySet()), List.copyOf(spec.keySet()));
    assertEquals(List.of("later.wins"), spec.get("hosts"));
    assertEquals(List.of(12.5, 50), spec.get("weights"));
    assertEquals(1L << 40, ((Map<?, ?>) ((List<?>) spec.get("ports")).get(0)).get("targetPort"));
    assertEquals(8080, ((Map<?, ?>) ((List<?>) spec.get("ports")).get(0)).get("number"));
    assertEquals(Map.of("kind", true), spec.get("nested"));
  }

  @Test
  void plainFormsAreImmutableAndOrderedAsTheKeyOrderSays() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("spec", Map.of("zeta", 1, "hosts", List.of("a"), "empty", List.of()));
    raw.put("kind", "ServiceEntry");
    raw.put("apiVersion", "networking.istio.io/v1");
    raw.put("nothing", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> plain = (Map<String, Object>) ResourceYaml.normalize(raw);
    assertNotNull(plain);
    assertEquals(List.of("apiVersion", "kind", "spec"), List.copyOf(plain.keySet()));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) plain.get("spec");
    assertEquals(List.of("hosts", "zeta"), List.copyOf(spec.keySet()));
    assertEquals(Map.of("apiVersion", "networking.istio.io/v1", "kind", "ServiceEntry",
        "spec", Map.of("hosts", List.of("a"), "zeta", 1)), plain);
    assertEquals(plain.hashCode(), new LinkedHashMap<>(plain).hashCode());
    assertThrows(UnsupportedOperationException.class, () -> plain.put("x", "y"));
    assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) spec.get("hosts")).add("b"));
  }

  @Test
  void plainFormsAreEqualAndHashedAsMapsWhateverTheirHashKept() {
    Map<String, Object> a = ResourceYaml.toPlain(Map.of("spec", Map.of("ports", List.of(Map.of("number", 80)))));
    Map<String, Object> same = ResourceYaml.toPlain(Map.of("spec", Map.of("ports", List.of(Map.of("number", 80)))));
    Map<String, Object> other = ResourceYaml.toPlain(Map.of("spec", Map.of("ports", List.of(Map.of("number", 81)))));
    assertEquals(a.hashCode(), a.hashCode()); // the kept hash is the one worked out
    assertEquals(new LinkedHashMap<>(a).hashCode(), a.hashCode());
    assertEquals(a, same);
    assertEquals(same, a);
    assertEquals(a, new LinkedHashMap<>(a));
    assertEquals(new LinkedHashMap<>(a), a);
    org.junit.jupiter.api.Assertions.assertNotEquals(a, other);
    org.junit.jupiter.api.Assertions.assertNotEquals(other, a);
    org.junit.jupiter.api.Assertions.assertNotEquals(a.hashCode(), other.hashCode());
  }

  private static void assertSame(Map<String, ?> document, String what) {
    String expected = snakeYaml(document);
    assertEquals(expected, ResourceYaml.dump(document), what);
    assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), ResourceYaml.dumpBytes(document), what);
  }

  private static final String ALPHABET = "ab0129 .:-_/*#'\"?!&@%`|>{}[],=~<+xyTtFfNnOoe";

  private static String randomString(SplittableRandom random) {
    if (random.nextInt(4) == 0) {
      return TRICKY.get(random.nextInt(TRICKY.size()));
    }
    int length = 1 + random.nextInt(random.nextInt(3) == 0 ? 12 : 4);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }

  private static Object randomValue(SplittableRandom random, int depth) {
    int choice = random.nextInt(depth > 3 ? 4 : 7);
    return switch (choice) {
      case 0, 1 -> randomString(random);
      case 2 -> random.nextInt(-5, 70000);
      case 3 -> random.nextBoolean();
      case 4, 5 -> randomMap(random, depth + 1);
      default -> randomList(random, depth + 1);
    };
  }

  private static Object randomMap(SplittableRandom random, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    int size = random.nextInt(depth == 0 ? 1 : 0, 5);
    for (int i = 0; i < size; i++) {
      map.put(randomString(random), randomValue(random, depth));
    }
    return map;
  }

  private static Object randomList(SplittableRandom random, int depth) {
    List<Object> list = new ArrayList<>();
    int size = random.nextInt(0, 4);
    for (int i = 0; i < size; i++) {
      // A list directly in a list is rare in objects and left to SnakeYAML: keep a few.
      list.add(random.nextInt(10) == 0 ? randomList(random, depth + 1) : random.nextInt(3) == 0
          ? randomMap(random, depth + 1) : randomValue(random, depth + 1));
    }
    return list;
  }
}
