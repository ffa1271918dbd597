package io.meshgate.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a branch pushed by meshgate becomes a review: a GitHub pull request or a GitLab merge
 * request, opened through the forge's REST API with the JDK's HTTP client. The token never appears
 * in messages.
 */
public interface Forge {

  /** An opened pull/merge request. */
  record Review(String url, long number) {}

  /** The forge refused or could not be reached; the message says which and never holds the token. */
  final class ForgeException extends Exception {
    private static final long serialVersionUID = 1L;

    public ForgeException(String message) {
      super(message);
    }
  }

  /** Opens a pull/merge request of {@code head} into {@code base}. */
  Review open(String head, String base, String title, String description) throws ForgeException;

  /** Which forge, for messages ("GitHub pull request"). */
  String reviewName();

  /**
   * A forge by name.
   *
   * @param kind {@code github} or {@code gitlab}
   * @param apiUrl the API base ({@code https://api.github.com}, {@code https://gitlab.example.com/api/v4})
   * @param repository GitHub {@code owner/name}; GitLab the project's path {@code group/project} or its id
   */
  static Forge of(String kind, URI apiUrl, String repository, String token) {
    return switch (kind.toLowerCase(Locale.ROOT)) {
      case "github" -> new GitHub(apiUrl, repository, token);
      case "gitlab" -> new GitLab(apiUrl, repository, token);
      default -> throw new IllegalArgumentException("forge must be github or gitlab, not '" + kind + "'");
    };
  }

  /** The default API base of a forge kind for a repository URL (GitHub.com, or the GitLab host's /api/v4). */
  static Optional<URI> defaultApiUrl(String kind, String repositoryUrl) {
    if (kind.equalsIgnoreCase("github")) {
      return Optional.of(URI.create("https://api.github.com"));
    }
    Matcher https = Pattern.compile("https://(?:[^@/]+@)?([^/]+)/.*").matcher(repositoryUrl);
    return https.matches() ? Optional.of(URI.create("https://" + https.group(1) + "/api/v4")) : Optional.empty();
  }

  /** {@code owner/name} from {@code https://host/owner/name.git} or {@code git@host:owner/name.git}. */
  static Optional<String> repositoryOf(String repositoryUrl) {
    Matcher matcher = Pattern.compile("(?:[a-z+]+://(?:[^@/]+@)?[^/]+/|[^@]+@[^:]+:)(.+?)(?:\\.git)?/?").matcher(repositoryUrl);
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  /** Shared HTTP plumbing: JSON in and out, bounded time, errors without the token. */
  abstract class Rest implements Forge {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    final URI apiUrl;
    final String repository;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();

    Rest(URI apiUrl, String repository, String token) {
      this.apiUrl = Objects.requireNonNull(apiUrl, "forge API URL");
      this.repository = requireText(repository, "forge repository");
      this.token = requireText(token, "forge token");
    }

    private static String requireText(String value, String what) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      return value.strip();
    }

    JsonNode post(String path, Map<String, Object> body, Map<String, String> headers) throws ForgeException {
      URI uri = URI.create(apiUrl.toString().replaceAll("/+$", "") + path);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
          .header("Content-Type", "application/json").header("Accept", "application/json")
          .header("User-Agent", "meshgate");
      headers.forEach(request::setHeader);
      HttpResponse<String> response;
      try {
        request.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new ForgeException(reviewName() + " not opened: " + uri + " cannot be reached (" + e.getClass().getSimpleName() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ForgeException(reviewName() + " not opened: interrupted");
      }
      JsonNode answer;
      try {
        answer = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
      } catch (IOException e) {
        answer = JSON.nullNode();
      }
      if (response.statusCode() / 100 != 2) {
        String said = answer.path("message").isMissingNode() ? "" : ": " + redact(answer.path("message").toString());
        throw new ForgeException(reviewName() + " not opened: " + uri + " answered " + response.statusCode() + said);
      }
      return answer;
    }

    String bearer() {
      return token;
    }

    private String redact(String text) {
      return text.replace(token, "***");
    }

    static String path(String segment) {
      return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }

  /** {@code POST /repos/{owner}/{repo}/pulls} (https://docs.github.com/en/rest/pulls/pulls#create-a-pull-request). */
  final class GitHub extends Rest {
    GitHub(URI apiUrl, String repository, String token) {
      super(apiUrl, repository, token);
      if (!repository.matches("[^/\\s]+/[^/\\s]+")) {
        throw new IllegalArgumentException("a GitHub repository is owner/name, not '" + repository + "'");
      }
    }

    @Override
    public Review open(String head, String base, String title, String description) throws ForgeException {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("title", title);
      body.put("head", head);
      body.put("base", base);
      body.put("body", description);
      String[] ownerName = repository.split("/");
      JsonNode answer = post("/repos/" + path(ownerName[0]) + "/" + path(ownerName[1]) + "/pulls", body,
          Map.of("Authorization", "Bearer " + bearer(), "X-GitHub-Api-Version", "2022-11-28",
              "Accept", "application/vnd.github+json"));
      return new Review(answer.path("html_url").asText(null), answer.path("number").asLong());
    }

    @Override
    public String reviewName() {
      return "GitHub pull request";
    }
  }

  /** {@code POST /projects/{id}/merge_requests} (https://docs.gitlab.com/api/merge_requests/#create-mr). */
  final class GitLab extends Rest {
    GitLab(URI apiUrl, String repository, String token) {
      super(apiUrl, repository, token);
    }

    @Override
    public Review open(String head, String base, String title, String description) throws ForgeException {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("source_branch", head);
      body.put("target_branch", base);
      body.put("title", title);
      body.put("description", description);
      body.put("remove_source_branch", true);
      JsonNode answer = post("/projects/" + path(repository) + "/merge_requests", body,
          Map.of("PRIVATE-TOKEN", bearer()));
      return new Review(answer.path("web_url").asText(null), answer.path("iid").asLong());
    }

    @Override
    public String reviewName() {
      return "GitLab merge request";
    }
  }
}
