package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.IntentSet;
import io.meshgate.intent.LoadResult;
import io.meshgate.intent.ServiceClient;
import io.meshgate.intent.TestRepos;
import io.meshgate.render.AllocationLedger;
import io.meshgate.render.Renderer;
import io.meshgate.report.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * The requests of {@code repo-fixtures/valid/<case>/explain.yaml}, explained on the case's rendered
 * objects as {@code meshgate explain} would: allowed or denied (at which hop), which workloads and
 * versions the requests are shared by ({@code spread}), and text a hop's detail must contain (route
 * shares, failover, DENY).
 */
class FixtureExplainTest {

  @TestFactory
  Stream<DynamicTest> everyExpectationHolds() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : files()) {
      Path caseDir = file.getParent();
      LoadResult load = IntentLoader.load(caseDir.resolve("intents"));
      assertFalse(load.hasErrors(), () -> load.violations().toString());
      MeshModel model = MeshModel.build(load.intents(), new Renderer().render(load.intents(), AllocationLedger.empty())
          .withOverlays(load.overlays()).withOverlayObjects());
      for (Map<String, Object> entry : entries(file)) {
        tests.add(DynamicTest.dynamicTest(caseDir.getFileName() + ": " + entry.get("name"),
            () -> check(load.intents(), model, entry)));
      }
    }
    return tests.stream();
  }

  @Test
  void theTrafficFixturesHaveExpectations() throws IOException {
    List<String> cases = files().stream().map(f -> f.getParent().getFileName().toString()).toList();
    for (String name : List.of("routing-by-header", "canary-90-10", "retries-timeout", "fault-mirror-staging",
        "legacy-no-sidecar", "viewers-get-head", "failover-two-clusters")) {
      assertTrue(cases.contains(name), name + " has no explain.yaml");
    }
  }

  private static List<Path> files() throws IOException {
    try (Stream<Path> cases = Files.list(TestRepos.root().resolve("repo-fixtures/valid"))) {
      return cases.map(c -> c.resolve("explain.yaml")).filter(Files::isRegularFile).sorted().toList();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> entries(Path file) throws IOException {
    Object parsed = new Yaml().load(Files.readString(file));
    return (List<Map<String, Object>>) parsed;
  }

  @SuppressWarnings("unchecked")
  private static void check(IntentSet intents, MeshModel model, Map<String, Object> entry) {
    String[] from = ((String) entry.get("from")).split("/");
    Caller caller = callerOf(intents, from[0], from[1], from[2]);
    String to = (String) entry.get("to");
    int colon = to.lastIndexOf(':');
    Request request = new Request(caller, to.substring(0, colon), Integer.parseInt(to.substring(colon + 1)),
        (String) entry.get("method"), (String) entry.get("path")).withHeaders((Map<String, String>) entry.get("headers"));
    List<String> failed = (List<String>) entry.getOrDefault("fail", List.of());
    Trace trace = new Simulator(model, new HashSet<>(failed)).explain(request);
    String shown = VerifyReport.explainText(trace);
    Map<String, Object> expect = (Map<String, Object>) entry.get("expect");
    assertEquals(expect.get("allowed"), trace.allowed(), shown);
    if (expect.containsKey("hop")) {
      assertNotNull(trace.failure(), shown);
      assertEquals(expect.get("hop"), trace.failure().hop().id(), shown);
    }
    if (expect.containsKey("spread")) {
      assertEquals(expect.get("spread"), trace.spread(), shown);
    }
    Map<String, String> details = (Map<String, String>) expect.getOrDefault("detail", Map.of());
    details.forEach((hop, text) -> {
      HopResult result = trace.hops().stream().filter(h -> h.hop().id().equals(hop)).findFirst().orElse(null);
      assertNotNull(result, () -> "no hop " + hop + ":\n" + shown);
      assertTrue(result.detail().contains(text), () -> "hop " + hop + " does not say \"" + text + "\":\n" + shown);
    });
  }

  /** As {@code explain --from}: a declared client with that identity gives its sidecar and labels. */
  private static Caller callerOf(IntentSet intents, String cluster, String namespace, String account) {
    for (ServiceClient client : intents.clients().values()) {
      ServiceClient.Spec s = client.spec();
      if (s.cluster().equals(cluster) && s.namespace().equals(namespace) && s.serviceAccount().equals(account)) {
        return new Caller(cluster, namespace, account, Map.of("app", s.service()), s.sidecar());
      }
    }
    return new Caller(cluster, namespace, account, Map.of("app", account), true);
  }
}
