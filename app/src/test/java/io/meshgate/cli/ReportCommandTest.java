package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.diff.Golden;
import io.meshgate.diff.PullRequestRepo;
import io.meshgate.report.SourceLinks;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshgate report --format markdown} on the pull-request repository. */
class ReportCommandTest {
  @TempDir Path temp;
  Path repo;

  @BeforeEach
  void createRepository() throws Exception {
    repo = PullRequestRepo.create(temp.resolve("mesh"));
  }

  private CliRun report(String... more) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("report", "--repo", repo.toString(),
        "--base", "main", "--head", "feature"));
    args.addAll(java.util.List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void theMarkdownMatchesTheGoldenFile() throws Exception {
    CliRun run = report();
    assertEquals(0, run.exit(), run.err());
    Golden.assertMatches("pr/report.md", run.out());
    assertEquals(run.out(), report().out(), "deterministic");
    String md = run.out();
    assertTrue(md.startsWith("<!-- meshgate-report -->\n## meshgate: ✅ no errors, 1 warning · 8 objects change in 2 clusters\n"), md);
    assertTrue(md.contains("| cluster01 | 2 | 0 | 1 |\n| cluster02 | 4 | 0 | 1 |\n| **total** | **6** | **0** | **2** |"), md);
    // Outside CI the links are relative to the repository's top.
    assertTrue(md.contains("[intents/services/productpage.yaml:17](intents/services/productpage.yaml#L17) `MG-LB-02`"), md);
    assertTrue(md.contains("  n1 ==>|\"POST /entries\"| n4\n"), "the new connection is thick: " + md);
    assertTrue(md.contains("  n2 -.->|\"GET /static*; GET /api/v1/products\"| n0\n"), "the removed one dotted: " + md);
    assertTrue(md.contains("| 🟢 gained | `cluster01/default/sleep` → `ledger.default.global:8080` | `POST /entries` | newly allowed"), md);
  }

  @Test
  void aReportThatIsTooLongDropsYamlDiffsFirstThenCuts() {
    String full = report().out();
    assertTrue(full.contains("```diff\n"));
    String noDiffs = report("--max-chars", String.valueOf(full.length() - 1)).out();
    assertFalse(noDiffs.contains("```diff\n"), noDiffs);
    assertTrue(noDiffs.contains("```mermaid\n"), noDiffs);
    assertTrue(noDiffs.length() < full.length());
    String cut = report("--max-chars", "2000").out();
    assertTrue(cut.length() <= 2000, cut.length() + "");
    assertTrue(cut.endsWith("… cut to fit a comment; run `meshgate report` or `meshgate diff` locally for everything.\n"), cut);
    assertEquals(cut.split("```", -1).length % 2, 1, "fences are balanced: " + cut);
    assertEquals(2, report("--max-chars", "10").exit());
  }

  @Test
  void violationsAndProtectedScopesShowAndSetTheExitCode() throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      PullRequestRepo.edit(repo.resolve("intents/services/ledger.yaml"), "  target: ledger\n",
          "  target: ledger\n  mutualTLS: SIMPLE\n");
      PullRequestRepo.commit(git, "break MG-TLS-01", 5);
    }
    CliRun run = report("--protect", "cluster02");
    assertEquals(1, run.exit(), run.err());
    assertTrue(run.out().contains("## meshgate: ❌ "), run.out());
    assertTrue(run.out().contains("| ❌ error | "), run.out());
    assertTrue(run.out().contains("❌ **error** [intents/services/ledger.yaml:"), run.out());
    assertTrue(run.out().contains("| cluster02 🔒 |"), run.out());
  }

  @Test
  void linksPointAtTheForgeWhenCiSaysWhereTheRepositoryIs() {
    Map<String, String> github = Map.of("GITHUB_SERVER_URL", "https://github.com", "GITHUB_REPOSITORY", "acme/mesh",
        "GITHUB_SHA", "abc123");
    assertEquals("https://github.com/acme/mesh/blob/abc123/intents/a/b.yaml#L7",
        SourceLinks.fromEnvironment(github, null, "intents").link("intents/a/b.yaml", 7));
    assertEquals("https://github.com/acme/mesh/blob/def456/deploy/mesh/x.yaml",
        SourceLinks.fromEnvironment(github, "def456", "deploy/mesh").link("mesh/x.yaml", 0));
    assertEquals("https://gitlab.example.com/g/p/-/blob/9f9f/intents/x.yaml#L3",
        SourceLinks.fromEnvironment(Map.of("CI_PROJECT_URL", "https://gitlab.example.com/g/p/", "CI_COMMIT_SHA", "9f9f"),
            null, "intents").link("intents/x.yaml", 3));
    assertEquals("x.yaml#L2", SourceLinks.fromEnvironment(Map.of(), null, "").link("checkout/x.yaml", 2));
  }
}
