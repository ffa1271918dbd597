package io.meshgate.check;

import io.meshgate.intent.Kind;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.SourceLocation;
import io.meshgate.verify.HopResult;
import io.meshgate.verify.Verifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MG-REACH-01: the pipeline refuses output in which a declared client cannot reach its service. One
 * error per client, at its intent, naming the first failing request, the hop and the deciding object.
 */
final class Reachability {
  private Reachability() {}

  static List<Violation> check(LoadResult load, Map<String, ? extends List<? extends Map<String, ?>>> rendered,
      Progress progress) {
    Verifier.Result result = new Verifier(load.intents(), io.meshgate.verify.MeshModel.build(load.intents(), rendered))
        .run(false, progress);
    Map<String, List<Verifier.Check>> failedByClient = new LinkedHashMap<>();
    for (Verifier.Check edge : result.edges()) {
      if (!edge.ok()) {
        failedByClient.computeIfAbsent(edge.client(), k -> new ArrayList<>()).add(edge);
      }
    }
    List<Violation> violations = new ArrayList<>();
    failedByClient.forEach((client, failed) -> {
      Verifier.Check first = failed.get(0);
      HopResult failure = first.trace().failure();
      String object = failure == null || failure.object() == null ? "" : " [" + failure.object() + "]";
      String more = failed.size() == 1 ? "" : " (and " + (failed.size() - 1) + " more of its requests)";
      String message = "client " + client + " cannot reach " + first.service() + ": "
          + first.trace().request().describe() + " " + first.problem() + object + more
          + "; run `meshgate explain` for the whole trace";
      SourceLocation at = load.locate(Kind.ServiceClient, client, "spec.target");
      violations.add(new Violation(Violation.REACH_RULE, Severity.ERROR, message,
          at == null ? null : at.file(), at == null ? 0 : at.line(), at == null ? 0 : at.column(),
          Kind.ServiceClient.name(), client, "spec.target"));
    });
    return violations;
  }
}
