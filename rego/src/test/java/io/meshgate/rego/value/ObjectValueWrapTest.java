package io.meshgate.rego.value;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Wrapped Java maps read as the objects Value.of builds, whatever order their keys come in. */
class ObjectValueWrapTest {

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  @Test
  void fieldsInAnyOrderReadAsTheSortedObject() {
    Map<String, Object> nested = ordered("zeta", 1, "alpha", List.of("x", "y"), "Mid", true, "mid", "v");
    List<Map<String, Object>> shapes = List.of(
        ordered("spec", nested, "kind", "ServiceEntry", "apiVersion", "v1", "metadata", ordered("name", "a")),
        ordered("apiVersion", "v1", "kind", "ServiceEntry", "metadata", ordered("name", "a"), "spec", nested),
        // the same key sequence twice: the second takes the remembered order
        ordered("spec", nested, "kind", "ServiceEntry", "apiVersion", "v1", "metadata", ordered("name", "a")));
    Value expected = Value.of(new TreeMap<>(shapes.get(1)));
    for (Map<String, Object> shape : shapes) {
      Value wrapped = Value.wrap(shape);
      assertEquals(expected, wrapped);
      assertEquals(expected.toString(), wrapped.toString(), "same entries in the same order");
      assertEquals(expected.hashCode(), wrapped.hashCode());
    }
  }

  @Test
  void aKeyThatIsNotATextAfterFieldNamesOrNullConvertsByValue() {
    // The field-name conversion sees every key before deciding: a late non-text key or a null key
    // makes it give up, and the general conversion sorts them in term order.
    Map<Object, Object> lateNumber = new LinkedHashMap<>();
    lateNumber.put("b", "bee");
    lateNumber.put("a", "ay");
    lateNumber.put(7, "seven");
    assertEquals(Value.of(lateNumber), Value.wrap(lateNumber));
    assertEquals("{7: \"seven\", \"a\": \"ay\", \"b\": \"bee\"}", Value.wrap(lateNumber).toString());
    Map<Object, Object> nullKey = new LinkedHashMap<>();
    nullKey.put("x", 1);
    nullKey.put(null, 2);
    assertEquals(Value.of(nullKey), Value.wrap(nullKey));
    assertEquals("{null: 2, \"x\": 1}", Value.wrap(nullKey).toString());
  }

  @Test
  void keyAtAndValueAtWalkAWrappedMapInTermOrder() {
    ObjectValue wrapped = (ObjectValue) Value.wrap(ordered("zeta", 1, "alpha", 2, "Mid", 3));
    StringBuilder walked = new StringBuilder();
    for (int i = 0; i < wrapped.size(); i++) {
      walked.append(wrapped.keyAt(i)).append('=').append(wrapped.valueAt(i)).append(' ');
    }
    assertEquals("\"Mid\"=3 \"alpha\"=2 \"zeta\"=1 ", walked.toString());
    // valueAt first, on an object not yet converted
    ObjectValue fresh = (ObjectValue) Value.wrap(ordered("b", "x", "a", "y"));
    assertEquals(Value.of("y"), fresh.valueAt(0));
    assertEquals(Value.of("a"), fresh.keyAt(0));
  }

  @Test
  void keysThatAreNotStringsAndLargeObjectsStillConvert() {
    Map<Object, Object> mixed = new LinkedHashMap<>();
    mixed.put(2, "two");
    mixed.put("b", "bee");
    mixed.put(1, "one");
    assertEquals(Value.of(mixed), Value.wrap(mixed));
    Map<String, Object> large = new LinkedHashMap<>();
    for (int i = 99; i >= 0; i--) {
      large.put("k" + i, i);
    }
    assertEquals(Value.of(new TreeMap<>(large)), Value.wrap(large));
  }
}
