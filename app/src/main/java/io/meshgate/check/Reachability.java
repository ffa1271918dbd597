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
    // One error per declaring intent (a ServiceClient, or an IngressRoute, ExternalService or EndUserAuth).
    Map<String, List<Verifier.Check>> failedByIntent = new LinkedHashMap<>();
    for (Verifier.Check edge : result.edges()) {
      if (!edge.ok()) {
        failedByIntent.computeIfAbsent(edge.kind() + "/" + edge.client(), k -> new ArrayList<>()).add(edge);
      }
    }
    List<Violation> violations = new ArrayList<>();
    failedByIntent.forEach((key, failed) -> {
      Verifier.Check first = failed.get(0);
      String client = first.client();
      HopResult failure = first.trace().failure();
      String object = failure == null || failure.object() == null ? "" : " [" + failure.object() + "]";
      String more = failed.size() == 1 ? "" : " (and " + (failed.size() - 1) + " more of its requests)";
      String who = first.kind() == Kind.ServiceClient ? "client " + client : first.kind() + " " + client;
      String message = who + " cannot reach " + first.service() + ": "
          + first.trace().request().describe() + " " + first.problem() + object + more
          + "; run `meshgate explain` for the whole trace";
      SourceLocation at = load.locate(first.kind(), client, first.field());
      violations.add(new Violation(Violation.REACH_RULE, Severity.ERROR, message,
          at == null ? null : at.file(), at == null ? 0 : at.line(), at == null ? 0 : at.column(),
          first.kind().name(), client, first.field()));
    });
    return violations;
  }
}
