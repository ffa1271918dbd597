package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies read from Git at every run, without a restart: from a folder of the source repository
 * ({@code --policies-path}) or from a second repository and branch ({@code --policies-source}). A
 * policy change checks the current intents again and publishes or refuses like an intent change; the
 * provenance names the policy commit.
 */
class PoliciesFromGitTest {
  private static final Path ROOT = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();
  private static final Path SEED = ROOT.resolve("repo-fixtures/seed/intents");
  /** The security team freezes one client: a deny rule of their own. */
  private static final String FREEZE = """
      package meshgate.freeze

      deny contains {"rule": "MG-TEST-01", "msg": msg, "kind": "ServiceClient", "name": name, "field": "spec.target"} if {
      \tsome name, client in input.clients
      \tname == "sleep-to-httpbin"
      \tmsg := sprintf("client %s is frozen by the security team", [name])
      }
      """;

  @TempDir Path tmp;

  private ServeOptions options(DemoRepository repo) throws Exception {
    return ServeOptions.of(repo.url(), "main", "env/main", repo.url(), "intents", Duration.ofMillis(300),
        ServiceHttpTest.freePort(), "embedded", null, null, tmp.resolve("work"),
        MeshgateService.BUNDLED_ROUTES, "MESHGATE_WEBHOOK_SECRET").withBind("127.0.0.1");
  }

  @Test
  void policiesInTheSourceRepositoryTakeEffectWithTheCommitThatChangesThem() throws Exception {
    try (DemoRepository repo = DemoRepository.create(tmp.resolve("git"))) {
      repo.copyTree(SEED, "intents");
      repo.copyTree(ROOT.resolve("policies"), "policies");
      repo.write("CODEOWNERS", "/policies/ @example/security-team\n");
      String seed = repo.commitAndPush("seed with policies");
      try (MeshgateService service = ServiceAssembly.start(options(repo).withPoliciesFromGit("policies", null, null),
          null, Duration.ZERO)) {
        JsonNode published = awaitStatus(service, "published", seed);
        String envTip = repo.tip("env/main").orElseThrow();
        String provenance = provenance(repo, envTip);
        assertTrue(provenance.contains("policyCommit: " + seed) && provenance.contains("policyRepo: source:policies"),
            provenance);
        assertEquals(envTip, published.path("envCommit").asText());

        repo.write("policies/freeze.rego", FREEZE);
        String frozen = repo.commitAndPush("security: freeze sleep-to-httpbin");
        JsonNode refused = awaitStatus(service, "refused", frozen);
        assertTrue(refused.toString().contains("MG-TEST-01"), refused.toString());
        assertEquals(envTip, repo.tip("env/main").orElseThrow(), "a refusal publishes nothing");
        // Uploads are checked with the policies now in effect too.
        JsonNode upload = Json.MAPPER.readTree(TestHttp.post(service.port(), "/api/v1/validate",
            TestArchives.tarGz(TestArchives.filesOf(SEED, "intents/"))).body());
        assertFalse(upload.path("ok").asBoolean(), upload.toString());

        Files.delete(repo.workTree().resolve("policies/freeze.rego"));
        String thawed = repo.commitAndPush("security: thaw");
        JsonNode unchanged = awaitStatus(service, "unchanged", thawed);
        assertEquals(thawed, unchanged.path("policyCommit").asText());
        assertEquals(envTip, repo.tip("env/main").orElseThrow());
      }
    }
  }

  @Test
  void policiesInASecondRepositoryAreFetchedEveryRunAndRecordedInTheProvenance() throws Exception {
    try (DemoRepository intents = DemoRepository.create(tmp.resolve("git"));
        DemoRepository policies = DemoRepository.create(tmp.resolve("policies-git"))) {
      intents.copyTree(SEED, "intents");
      String seed = intents.commitAndPush("seed");
      policies.copyTree(ROOT.resolve("policies"), "rego");
      String rules = policies.commitAndPush("the shipped rules");
      ServeOptions options = options(intents).withPoliciesFromGit("rego", policies.url(), "main");
      try (MeshgateService service = ServiceAssembly.start(options, null, Duration.ZERO)) {
        JsonNode published = awaitStatus(service, "published", seed);
        assertEquals(rules, published.path("policyCommit").asText());
        String provenance = provenance(intents, intents.tip("env/main").orElseThrow());
        assertTrue(provenance.contains("policyCommit: " + rules), provenance);
        assertTrue(provenance.contains("policyRepo: " + policies.url()), provenance);
        String envTip = intents.tip("env/main").orElseThrow();

        // A policy pushed to the policies repository alone re-checks the unchanged intents.
        policies.write("rego/freeze.rego", FREEZE);
        String freeze = policies.commitAndPush("freeze sleep-to-httpbin");
        JsonNode refused = awaitPolicy(service, "refused", freeze);
        assertEquals(seed, refused.path("sourceCommit").asText());
        assertTrue(refused.toString().contains("MG-TEST-01"), refused.toString());
        assertEquals(envTip, intents.tip("env/main").orElseThrow());

        // Policies that do not compile fail closed, and say where.
        policies.write("rego/freeze.rego", "package meshgate.freeze\n\ndeny contains x if {\n");
        String broken = policies.commitAndPush("broken rule");
        JsonNode error = awaitState(service, "error");
        assertTrue(error.path("message").asText().contains("cannot be used")
            && error.path("message").asText().contains("nothing published"), error.toString());
        assertEquals(envTip, intents.tip("env/main").orElseThrow());
        assertTrue(broken.length() == 40);

        Files.delete(policies.workTree().resolve("rego/freeze.rego"));
        String fixed = policies.commitAndPush("remove the freeze");
        awaitPolicy(service, "unchanged", fixed);
        assertEquals(envTip, intents.tip("env/main").orElseThrow());
      }
    }
  }

  private static String provenance(DemoRepository repo, String envCommit) throws Exception {
    return new String(repo.files(envCommit, "meshgate/").get("meshgate/provenance.yaml"), StandardCharsets.UTF_8);
  }

  private static JsonNode awaitStatus(MeshgateService service, String state, String sourceCommit) throws Exception {
    return await(service, s -> state.equals(s.path("state").asText()) && sourceCommit.equals(s.path("sourceCommit").asText()),
        state + " for " + sourceCommit);
  }

  private static JsonNode awaitPolicy(MeshgateService service, String state, String policyCommit) throws Exception {
    return await(service, s -> state.equals(s.path("state").asText()) && policyCommit.equals(s.path("policyCommit").asText()),
        state + " with policies " + policyCommit);
  }

  private static JsonNode awaitState(MeshgateService service, String state) throws Exception {
    return await(service, s -> state.equals(s.path("state").asText()), state);
  }

  private static JsonNode await(MeshgateService service, java.util.function.Predicate<JsonNode> reached, String what)
      throws Exception {
    JsonNode[] last = new JsonNode[1];
    try {
      TestHttp.await(what, Duration.ofSeconds(60), () -> {
        try {
          last[0] = Json.MAPPER.readTree(TestHttp.get(service.port(), "/api/v1/status").body());
          return reached.test(last[0]);
        } catch (Exception e) {
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last status: " + last[0], e);
    }
    return last[0];
  }
}
