package io.meshgate.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * A rule that reads {@code self} only as {@code self.<field>} is evaluated on those fields alone
 * (and remembered by them): that must never change its answer.
 */
class KubernetesCelTest {

  private static Set<String> fieldsRead(String rule) {
    KubernetesCel.Compiled compiled = KubernetesCel.get().compile(rule);
    assertNull(compiled.problem(), rule);
    return compiled.fieldsRead();
  }

  @Test
  void theFieldsARuleReadsAreFoundInEveryPartOfIt() {
    assertEquals(Set.of("a", "c"), fieldsRead("has(self.a) ? self.a.b > 0 : self.c == 'x'"));
    assertEquals(Set.of("items"), fieldsRead("self.items.all(i, i.size() > 0)"));
    assertEquals(Set.of("a", "b", "d"), fieldsRead("[self.a, {'k': self.b}].size() + size(self.d) > 0"));
    assertEquals(Set.of(), fieldsRead("1 == 1"));
  }

  @Test
  void fieldsOnlyTestedWithHasAreToldApart() {
    KubernetesCel.Compiled compiled = KubernetesCel.get().compile(
        "(has(self.a) ? 1 : 0) + (has(self.b) ? size(self.b) : 0) + (has(self.c) ? 1 : 0) > 0");
    assertEquals(Set.of("a", "b", "c"), compiled.fieldsRead());
    assertEquals(Set.of("a", "c"), compiled.presenceOnly());
    // Only presence matters for a and c: different values of them are one remembered evaluation,
    // and the answer is the one on the whole value.
    KubernetesCel.Compiled whole = new KubernetesCel.Compiled(compiled.program(), null, false);
    for (Object a : List.of("x", List.of(1, 2), Map.of("k", "v"))) {
      Map<String, Object> value = Map.of("a", a, "b", "bb");
      assertNull(KubernetesCel.get().evaluate(compiled, value));
      assertEquals(KubernetesCel.get().evaluate(whole, value), KubernetesCel.get().evaluate(compiled, value));
    }
    KubernetesCel.Compiled sizeOfA = KubernetesCel.get().compile("has(self.a) && self.a.size() > 1");
    assertEquals(Set.of(), sizeOfA.presenceOnly()); // a's value is read too
    assertEquals("", KubernetesCel.get().evaluate(sizeOfA, Map.of("a", "x")));
    assertNull(KubernetesCel.get().evaluate(sizeOfA, Map.of("a", "xy")));
  }

  @Test
  void aRuleReadingSelfWholeIsEvaluatedOnTheWholeValue() {
    assertNull(fieldsRead("self.all(k, k != '')"));
    assertNull(fieldsRead("size(self) > 0"));
    assertNull(fieldsRead("has(self.a) && self == {'a': 1}"));
    assertNull(fieldsRead("self.a.exists(x, x == self)"));
  }

  @Test
  void answersOnTheFieldsReadAreTheAnswersOnTheWholeValue() {
    List<Object> values = new ArrayList<>();
    for (Object document : new Yaml().loadAll("""
        {hosts: [a.b.global], addresses: [240.0.0.1], resolution: DNS, ports: [{number: 80, name: http}],
         endpoints: [{address: x.example.com}, {address: y.example.com}]}
        ---
        {hosts: [a], addresses: [10.0.0.0/24], resolution: DNS}
        ---
        {hosts: [a], addresses: [10.0.0.0/24], resolution: STATIC}
        ---
        {hosts: [a], resolution: NONE, endpoints: [{address: 1.1.1.1}]}
        ---
        {hosts: [a], workloadSelector: {labels: {app: a}}, endpoints: [{address: 1.1.1.1}]}
        ---
        {hosts: [a], resolution: DNS_ROUND_ROBIN, endpoints: [{address: a.example}, {address: b.example}]}
        ---
        {address: "unix:///var/run/socket", ports: {http: 80}}
        ---
        {network: n1}
        ---
        {selector: {matchLabels: {app: a}}, targetRef: {kind: Service, name: a}}
        ---
        {portLevelMtls: {"8080": {mode: STRICT}}}
        ---
        {portLevelMtls: {"8080": {mode: STRICT}}, selector: {matchLabels: {app: a}}}
        ---
        {serviceAccounts: [a], principals: [b]}
        ---
        {}
        """)) {
      values.add(document);
    }
    int rulesChecked = 0;
    int failuresSeen = 0;
    for (String rule : CelRulesOfBundle.all()) {
      KubernetesCel.Compiled compiled = KubernetesCel.get().compile(rule);
      if (compiled.program() == null || compiled.fieldsRead() == null) {
        continue;
      }
      rulesChecked++;
      KubernetesCel.Compiled whole = new KubernetesCel.Compiled(compiled.program(), null, false);
      for (Object value : values) {
        String onFields = KubernetesCel.get().evaluate(compiled, value);
        assertEquals(KubernetesCel.get().evaluate(whole, value), onFields, rule + " on " + value);
        // Asked again: the remembered answer is the same.
        assertEquals(onFields, KubernetesCel.get().evaluate(compiled, value), rule + " on " + value);
        if (onFields != null && !onFields.startsWith("evaluation error")) {
          failuresSeen++;
        }
      }
    }
    assertTrue(rulesChecked >= 15, "projectable rules of the bundle: " + rulesChecked);
    // The values above break ServiceEntry, endpoint, selector, mTLS and principal rules.
    assertTrue(failuresSeen >= 7, "rules that failed on a value: " + failuresSeen);
  }

  @Test
  void aFieldSetToNullIsAbsentAsOnTheWholeValue() {
    KubernetesCel.Compiled compiled = KubernetesCel.get().compile("has(self.endpoints) ? self.endpoints.size() > 0 : true");
    Map<String, Object> value = new java.util.HashMap<>();
    value.put("endpoints", null);
    assertNull(KubernetesCel.get().evaluate(compiled, value));
  }
}
