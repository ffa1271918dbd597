package io.meshgate.report;

import java.util.Map;

/**
 * Links from a violation's {@code file:line} to the file in the repository's web view: GitHub blob
 * links from {@code GITHUB_SERVER_URL}, {@code GITHUB_REPOSITORY} and a commit, GitLab from
 * {@code CI_PROJECT_URL}; a relative path otherwise.
 *
 * @param blobBase {@code https://github.com/o/r/blob/<sha>}, or null for relative links
 * @param intentsPath the intents folder's path in the repository ({@code intents}, {@code deploy/intents},
 *     empty for the top): file labels name the folder first ({@code intents/x.yaml}, as validate prints
 *     them), and the rest of the label is the path inside it
 */
public record SourceLinks(String blobBase, String intentsPath) {

  /**
   * From CI variables: GitHub Actions ({@code GITHUB_SERVER_URL}, {@code GITHUB_REPOSITORY}) or GitLab CI
   * ({@code CI_PROJECT_URL}).
   *
   * @param commit the commit the files are read from, or null to use {@code GITHUB_SHA} / {@code CI_COMMIT_SHA}
   */
  public static SourceLinks fromEnvironment(Map<String, String> env, String commit, String intentsPath) {
    String server = env.get("GITHUB_SERVER_URL");
    String repository = env.get("GITHUB_REPOSITORY");
    String sha = commit != null ? commit : env.get("GITHUB_SHA");
    if (present(server) && present(repository) && present(sha)) {
      return new SourceLinks(strip(server) + "/" + repository + "/blob/" + sha, intentsPath);
    }
    String project = env.get("CI_PROJECT_URL");
    String gitlabSha = commit != null ? commit : env.get("CI_COMMIT_SHA");
    if (present(project) && present(gitlabSha)) {
      return new SourceLinks(strip(project) + "/-/blob/" + gitlabSha, intentsPath);
    }
    return new SourceLinks(null, intentsPath);
  }

  /** The repository path of a file label. */
  public String repositoryPath(String file) {
    int slash = file.indexOf('/');
    String inside = slash < 0 ? file : file.substring(slash + 1);
    return intentsPath.isEmpty() ? inside : intentsPath + "/" + inside;
  }

  /** The link to {@code file} at {@code line} (no line anchor when line is 0). */
  public String link(String file, int line) {
    String path = repositoryPath(file);
    String anchor = line > 0 ? "#L" + line : "";
    return (blobBase == null ? path : blobBase + "/" + path) + anchor;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
