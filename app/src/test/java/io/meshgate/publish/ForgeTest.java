package io.meshgate.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The forge seam against a local stand-in of GitHub's and GitLab's REST APIs. */
class ForgeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "ghp_forge-token-0123456789";

  @Test
  void gitHubPullRequestIsOpenedWithTheDocumentedCall() throws Exception {
    try (ForgeStub stub = ForgeStub.github()) {
      Forge forge = Forge.of("github", stub.url(), "acme/mesh-intents", TOKEN);
      Forge.Review review = forge.open("meshgate/api/shop/create-inbound-httpbin-1a2b3c4d", "main", "title", "why");
      assertEquals(new Forge.Review("https://github.example/acme/mesh/pull/42", 42), review);
      ForgeStub.Received request = stub.received().get(0);
      assertEquals("POST", request.method());
      assertEquals("/repos/acme/mesh-intents/pulls", request.path());
      assertEquals("Bearer " + TOKEN, request.header("Authorization"));
      assertEquals("application/vnd.github+json", request.header("Accept"));
      JsonNode body = JSON.readTree(request.body());
      assertEquals("meshgate/api/shop/create-inbound-httpbin-1a2b3c4d", body.path("head").asText());
      assertEquals("main", body.path("base").asText());
      assertEquals("title", body.path("title").asText());
      assertEquals("why", body.path("body").asText());
    }
  }

  @Test
  void gitLabMergeRequestIsOpenedWithTheDocumentedCall() throws Exception {
    try (ForgeStub stub = ForgeStub.gitlab()) {
      Forge forge = Forge.of("gitlab", URI.create(stub.url() + "/api/v4"), "platform/mesh intents", TOKEN);
      Forge.Review review = forge.open("meshgate/api/x", "main", "title", "why");
      assertEquals(new Forge.Review("https://gitlab.example/acme/mesh/-/merge_requests/7", 7), review);
      ForgeStub.Received request = stub.received().get(0);
      assertEquals("/api/v4/projects/platform%2Fmesh%20intents/merge_requests", request.path());
      assertEquals(TOKEN, request.header("PRIVATE-TOKEN"));
      JsonNode body = JSON.readTree(request.body());
      assertEquals("meshgate/api/x", body.path("source_branch").asText());
      assertEquals("main", body.path("target_branch").asText());
      assertEquals("why", body.path("description").asText());
    }
  }

  @Test
  void aRefusalOrAnUnreachableForgeIsAnErrorThatNeverShowsTheToken() throws Exception {
    try (ForgeStub stub = ForgeStub.github()) {
      stub.answer(422, "{\"message\": \"Validation Failed for " + TOKEN + "\"}");
      Forge forge = Forge.of("github", stub.url(), "acme/mesh", TOKEN);
      Forge.ForgeException refused = assertThrows(Forge.ForgeException.class, () -> forge.open("b", "main", "t", "d"));
      assertTrue(refused.getMessage().contains("answered 422"), refused.getMessage());
      assertFalse(refused.getMessage().contains(TOKEN), refused.getMessage());
    }
    Forge gone = Forge.of("gitlab", URI.create("http://127.0.0.1:9/api/v4"), "g/p", TOKEN);
    Forge.ForgeException unreachable = assertThrows(Forge.ForgeException.class, () -> gone.open("b", "main", "t", "d"));
    assertTrue(unreachable.getMessage().startsWith("GitLab merge request not opened: http://127.0.0.1:9/api/v4/projects/g%2Fp"
        + "/merge_requests cannot be reached"), unreachable.getMessage());
  }

  @Test
  void theRepositoryAndApiBaseFollowFromTheSourceUrl() {
    assertEquals("acme/mesh-intents", Forge.repositoryOf("https://github.com/acme/mesh-intents.git").orElseThrow());
    assertEquals("acme/mesh-intents", Forge.repositoryOf("git@github.com:acme/mesh-intents.git").orElseThrow());
    assertEquals("group/sub/project", Forge.repositoryOf("https://x-access-token:t@gitlab.example.com/group/sub/project").orElseThrow());
    assertEquals(URI.create("https://gitlab.example.com/api/v4"),
        Forge.defaultApiUrl("gitlab", "https://gitlab.example.com/group/project.git").orElseThrow());
    assertEquals(URI.create("https://api.github.com"), Forge.defaultApiUrl("github", "git@github.com:a/b.git").orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> Forge.of("github", URI.create("http://x"), "no-slash", TOKEN));
    assertThrows(IllegalArgumentException.class, () -> Forge.of("gitea", URI.create("http://x"), "a/b", TOKEN));
  }
}
