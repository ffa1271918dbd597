package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.check.Violation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Scalars are typed as YAML 1.1 types them, however often a text repeats in a thread's files. */
class YamlReaderTest {

  private static Map<String, Object> read(String yaml) {
    List<Violation> problems = new ArrayList<>();
    List<Map<String, Object>> documents = YamlReader.readMappings("f.yaml", yaml.getBytes(StandardCharsets.UTF_8), problems);
    assertEquals(List.of(), problems);
    return documents.get(0);
  }

  @Test
  void aRepeatedTextIsTypedByHowItIsWrittenEachTime() {
    String yaml = """
        a: 123
        b: "123"
        c: 123
        d: on
        e: 'on'
        f: on
        g: null
        h: "null"
        i: 0x1F
        j: 1.5
        k: ~
        l: "~"
        """;
    for (int round = 0; round < 3; round++) { // the second and third reads answer from the resolver's memory
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("a", 123L);
      expected.put("b", "123");
      expected.put("c", 123L);
      expected.put("d", true);
      expected.put("e", "on");
      expected.put("f", true);
      expected.put("h", "null");
      expected.put("i", 31L);
      expected.put("j", new BigDecimal("1.5"));
      expected.put("l", "~");
      Map<String, Object> read = new LinkedHashMap<>(read(yaml));
      read.values().removeIf(java.util.Objects::isNull);
      assertEquals(expected, read);
    }
  }

  @Test
  void manyDistinctScalarsReadAsSnakeYamlReadsThem() {
    // More distinct texts than the resolver remembers, so it forgets mid-file and keeps answering.
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      String value = switch (i % 4) {
        case 0 -> String.valueOf(i);
        case 1 -> "n" + i;
        case 2 -> i % 3 == 0 ? "yes" : "no" + i;
        default -> i + ".5";
      };
      yaml.append("k").append(i).append(": ").append(value).append('\n');
    }
    Map<String, Object> read = read(yaml.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> snake = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml.toString());
    assertEquals(snake.size(), read.size());
    snake.forEach((key, value) -> {
      Object ours = read.get(key);
      if (value instanceof Number number) {
        assertEquals(new BigDecimal(number.toString()).stripTrailingZeros(),
            new BigDecimal(ours.toString()).stripTrailingZeros(), key);
      } else {
        assertEquals(value, ours, key);
      }
    });
  }
}
