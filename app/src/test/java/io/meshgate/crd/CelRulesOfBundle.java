package io.meshgate.crd;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Every distinct CEL rule of the bundled CRDs. */
final class CelRulesOfBundle {
  private CelRulesOfBundle() {}

  static Set<String> all() {
    Set<String> rules = new TreeSet<>();
    try (InputStream in = CelRulesOfBundle.class.getClassLoader().getResourceAsStream(IstioCrds.RESOURCE)) {
      LoaderOptions options = new LoaderOptions();
      options.setCodePointLimit(64 * 1024 * 1024);
      for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(in)) {
        collect(doc, rules);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return rules;
  }

  private static void collect(Object node, Set<String> rules) {
    if (node instanceof Map<?, ?> map) {
      if (map.get("x-kubernetes-validations") instanceof List<?> list) {
        list.forEach(v -> {
          if (v instanceof Map<?, ?> m && m.get("rule") instanceof String r) {
            rules.add(r);
          }
        });
      }
      map.values().forEach(v -> collect(v, rules));
    } else if (node instanceof List<?> list) {
      list.forEach(v -> collect(v, rules));
    }
  }
}
