package io.meshgate.rego.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A set filled member by member is the set of its members, in order, whatever order they came in. */
class SetValueBuilderTest {

  private static SetValue built(List<Value> members) {
    SetValue.Builder builder = new SetValue.Builder();
    members.forEach(builder::add);
    return builder.build();
  }

  @Test
  void membersInOrderOutOfOrderAndRepeated() {
    Value a = StringValue.of("a");
    Value b = StringValue.of("b");
    Value c = StringValue.of("c");
    Value one = NumberValue.of(1);
    assertSame(SetValue.EMPTY, built(List.of()));
    assertEquals(SetValue.of(a, b, c), built(List.of(a, b, c)));
    assertEquals(SetValue.of(a, b, c), built(List.of(a, a, b, b, c)));
    assertEquals(SetValue.of(a, b, c), built(List.of(c, a, b, a, c)));
    assertEquals(List.of(one, a, b), List.copyOf(built(List.of(b, one, a)).elements()));
    assertEquals(List.of(one, a, b), List.copyOf(built(List.of(one, a, b)).elements()));
  }

  @Test
  void randomMembersGiveTheSetOfThem() {
    Random random = new Random(11);
    for (int round = 0; round < 2_000; round++) {
      List<Value> members = new ArrayList<>();
      int size = random.nextInt(40);
      boolean sorted = random.nextBoolean();
      for (int i = 0; i < size; i++) {
        members.add(StringValue.of("m" + (sorted ? 100 + i / (1 + random.nextInt(2)) : 100 + random.nextInt(30))));
      }
      SetValue set = built(members);
      assertEquals(SetValue.of(members), set, members.toString());
      assertEquals(List.copyOf(SetValue.of(members).elements()), List.copyOf(set.elements()));
      assertEquals(SetValue.of(members).hashCode(), set.hashCode());
    }
  }
}
