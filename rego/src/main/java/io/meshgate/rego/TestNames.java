package io.meshgate.rego;

import io.meshgate.rego.ast.Module;
import io.meshgate.rego.ast.Rule;
import io.meshgate.rego.ast.Term;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OPA's test runner renames the second and further rules called {@code test_*} in one package to
 * {@code test_*#01}, {@code test_*#02}... (rewriteDuplicateTestNames), so each definition is run
 * and reported on its own. This does the same to parsed modules, in load order.
 */
final class TestNames {
  private TestNames() {}

  static void distinct(List<Module> modules) {
    Map<String, Integer> seen = new HashMap<>();
    for (int m = 0; m < modules.size(); m++) {
      Module module = modules.get(m);
      List<Rule> rules = new ArrayList<>(module.rules().size());
      java.util.IdentityHashMap<Rule, io.meshgate.rego.value.Value> annotations =
          new java.util.IdentityHashMap<>(module.annotations().rules());
      boolean changed = false;
      for (Rule r : module.rules()) {
        String name = r.name();
        if (!name.startsWith("test_") || r.ref().size() != 1 || r.isFunction()) {
          rules.add(r);
          continue;
        }
        String key = String.join(".", module.packagePath()) + "." + name;
        int count = seen.merge(key, 1, Integer::sum) - 1;
        if (count == 0) {
          rules.add(r);
          continue;
        }
        Term.Var renamed = new Term.Var(String.format("%s#%02d", name, count), r.ref().get(0).loc());
        Rule copy = new Rule(r.loc(), List.of(renamed), r.args(), r.value(), r.multi(), r.isDefault(), r.body(),
            r.elseRule());
        if (annotations.containsKey(r)) {
          annotations.put(copy, annotations.remove(r));
        }
        rules.add(copy);
        changed = true;
      }
      if (changed) {
        modules.set(m, new Module(module.file(), module.packagePath(), module.imports(), List.copyOf(rules),
            module.v1(), module.strict(), module.loc(),
            new Module.Annotations(module.annotations().pkg(), annotations)));
      }
    }
  }
}
