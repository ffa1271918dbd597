package io.meshgate.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.intent.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MG-REACH-01 beside the policies' findings: one mistake, one finding. */
class ReachFindingsTest {

  @TempDir Path repo;

  @Test
  void aClientOfAServiceAPolicyDeniesIsNotReportedAgainAsUnreachable() throws Exception {
    // mainframe has no sidecar and a caller in another cluster: MG-SIDECAR-02 on the service says so;
    // the caller's edge fails for that very reason, and is not a second finding.
    Path intents = Files.createDirectories(repo.resolve("intents"));
    Files.writeString(intents.resolve("mesh.yaml"), """
        apiVersion: meshgate.io/v1alpha1
        kind: Cluster
        metadata: {name: c1}
        spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.1}, namespacesWithoutSidecar: [legacy]}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: Cluster
        metadata: {name: c2}
        spec: {logicalCloud: lc1, meshGateway: {address: 10.0.0.2}}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: InboundService
        metadata: {name: mainframe}
        spec: {service: mainframe, namespace: legacy, cluster: c1, protocol: TCP, port: 3270, mutualTLS: DISABLE}
        ---
        apiVersion: meshgate.io/v1alpha1
        kind: ServiceClient
        metadata: {name: remote-to-mainframe}
        spec: {service: reporting, namespace: shop, cluster: c2, target: mainframe}
        """);
    CheckResult result = new Checker(TestRepos.root().resolve("policies")).check(intents);
    List<String> rules = result.violations().stream().filter(Violation::isError).map(Violation::rule).toList();
    assertEquals(List.of("MG-SIDECAR-02"), rules, result.violations().toString());
  }
}
