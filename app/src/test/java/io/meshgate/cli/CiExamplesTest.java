package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.diff.PullRequestRepo;
import io.meshgate.intent.TestRepos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The shell steps of examples/ci, run with bash in a real local Git repository with a base and a
 * head branch ({@link PullRequestRepo}), as the workflows run them: {@code meshgate} on PATH is this
 * build (a script running {@link Main} on the test class path), {@code gh} is a fake that records
 * its calls and answers the comment listing from a file (its {@code --jq} filter is applied with the
 * real jq, as gh applies its built-in one). Nothing goes to the network.
 */
class CiExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES = TestRepos.root().resolve("examples/ci");

  @TempDir Path temp;
  Path repo;
  Path bin;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue(works("bash", "--version"), "bash is not installed: the CI example scripts are not run");
    repo = PullRequestRepo.create(temp.resolve("mesh"));
    bin = Files.createDirectories(temp.resolve("bin"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    executable(bin.resolve("meshgate"), "#!/usr/bin/env bash\nexec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
        + System.getProperty("java.class.path") + "' io.meshgate.cli.Main \"$@\"\n");
    executable(bin.resolve("gh"), """
        #!/usr/bin/env bash
        # Fake gh: records each call (one line, arguments separated by a tab) and what a -F body=@FILE held.
        n=$(( $(wc -l < "$FAKE_GH_DIR/calls" 2>/dev/null || echo 0) + 1 ))
        printf '%s\\t' "$@" >> "$FAKE_GH_DIR/calls"; echo >> "$FAKE_GH_DIR/calls"
        jq_filter=""; method=GET
        while [ $# -gt 0 ]; do
          case "$1" in
            --jq) jq_filter="$2"; shift ;;
            --method) method="$2"; shift ;;
            -F) case "$2" in body=@*) cp "${2#body=@}" "$FAKE_GH_DIR/body-$n.md" ;; esac; shift ;;
          esac
          shift
        done
        if [ "$method" = GET ]; then
          if [ -n "$jq_filter" ]; then jq -r "$jq_filter" "$FAKE_GH_DIR/comments.json"; else cat "$FAKE_GH_DIR/comments.json"; fi
        else
          echo '{"id": 1}'
        fi
        """);
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  record Run(int exit, String out) {}

  private Run script(String script, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", EXAMPLES.resolve(script).toString())
        .directory(repo.toFile()).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.put("PATH", bin + ":" + System.getenv("PATH"));
    environment.put("FAKE_GH_DIR", temp.toString());
    environment.remove("MESHGATE");
    environment.remove("GITHUB_SERVER_URL");
    environment.remove("GITHUB_SHA");
    environment.remove("CI_PROJECT_URL");
    environment.putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(300, TimeUnit.SECONDS), script + " did not finish");
    return new Run(process.exitValue(), out);
  }

  private List<List<String>> ghCalls() throws IOException {
    Path calls = temp.resolve("calls");
    List<List<String>> out = new ArrayList<>();
    if (Files.exists(calls)) {
      for (String line : Files.readAllLines(calls)) {
        out.add(List.of(line.split("\t")));
      }
    }
    return out;
  }

  @Test
  void githubValidateWritesSarifAndAnnotations() throws Exception {
    Path sarif = temp.resolve("out.sarif");
    Run clean = script("github/validate.sh", Map.of("SARIF_FILE", sarif.toString()));
    assertEquals(0, clean.exit(), clean.out());
    assertTrue(clean.out().startsWith("::warning file=intents/services/productpage.yaml,line=17,col=5,title=MG-LB-02::"),
        clean.out());
    JsonNode log = JSON.readTree(sarif.toFile());
    assertEquals("2.1.0", log.get("version").asText());
    assertEquals("MG-LB-02", log.get("runs").get(0).get("results").get(0).get("ruleId").asText());

    PullRequestRepo.edit(repo.resolve("intents/services/ledger.yaml"), "  target: ledger\n",
        "  target: ledger\n  mutualTLS: SIMPLE\n");
    Run broken = script("github/validate.sh", Map.of("SARIF_FILE", sarif.toString()));
    assertEquals(1, broken.exit(), broken.out());
    assertTrue(broken.out().contains("::error file=intents/services/ledger.yaml,line="), broken.out());
    assertTrue(broken.out().contains("title=MG-TLS-01::"), broken.out());

    Run missing = script("github/validate.sh", Map.of("SARIF_FILE", sarif.toString(), "INTENTS", "nope"));
    assertEquals(2, missing.exit(), missing.out());
    assertTrue(missing.out().contains("::error title=meshgate::meshgate validate could not run (exit 2)"), missing.out());
  }

  @Test
  void githubStickyCommentIsPostedOnceThenUpdatedInPlace() throws Exception {
    Assumptions.assumeTrue(works("jq", "--version"),
        "jq is not installed: the fake gh cannot apply the script's --jq filter, so the sticky comment test is skipped");
    Map<String, String> env = new HashMap<>(Map.of("GITHUB_REPOSITORY", "acme/mesh", "PR_NUMBER", "7",
        "BASE_REF", "main", "REPORT_FILE", temp.resolve("report.md").toString(),
        "GITHUB_SERVER_URL", "https://github.com", "GITHUB_SHA", "0123abcd"));

    // No comment yet (another bot's comment does not count): one POST with the report.
    Files.writeString(temp.resolve("comments.json"), "[{\"id\": 5, \"body\": \"LGTM\"}]");
    Run first = script("github/sticky-comment.sh", env);
    assertEquals(0, first.exit(), first.out());
    assertTrue(first.out().contains("meshgate: posted the report as a new comment"), first.out());
    List<List<String>> calls = ghCalls();
    assertEquals(2, calls.size(), calls.toString());
    assertEquals(List.of("api", "--paginate", "repos/acme/mesh/issues/7/comments", "--jq"), calls.get(0).subList(0, 4));
    assertEquals(List.of("api", "--method", "POST", "repos/acme/mesh/issues/7/comments", "-F",
        "body=@" + temp.resolve("report.md")), calls.get(1));
    String posted = Files.readString(temp.resolve("body-2.md"));
    assertTrue(posted.startsWith("<!-- meshgate-report -->\n## meshgate: ✅ no errors, 1 warning · 8 objects change in 2 clusters"),
        posted);
    assertTrue(posted.contains("```mermaid\nflowchart LR\n"), posted);
    assertTrue(posted.contains("(https://github.com/acme/mesh/blob/0123abcd/intents/services/productpage.yaml#L17)"),
        "links from the Actions variables: " + posted);

    // The marker is found: the same comment is PATCHed, nothing new is posted.
    Files.delete(temp.resolve("calls"));
    Files.writeString(temp.resolve("comments.json"), "[{\"id\": 5, \"body\": \"LGTM\"}, "
        + "{\"id\": 42, \"body\": \"<!-- meshgate-report -->\\n## meshgate: old\"}]");
    try (Git git = Git.open(repo.toFile())) {
      PullRequestRepo.edit(repo.resolve("intents/services/ledger.yaml"), "port: 8080", "port: 8090");
      PullRequestRepo.commit(git, "ledger on 8090", 6);
    }
    Run second = script("github/sticky-comment.sh", env);
    assertEquals(0, second.exit(), second.out());
    assertTrue(second.out().contains("meshgate: updated the report in comment 42"), second.out());
    calls = ghCalls();
    assertEquals(2, calls.size(), calls.toString());
    assertEquals(List.of("api", "--method", "PATCH", "repos/acme/mesh/issues/comments/42", "-F",
        "body=@" + temp.resolve("report.md")), calls.get(1));
    assertTrue(Files.readString(temp.resolve("body-2.md")).contains("ledger.default.global:8090"));

    // A protected scope: posted, then the step fails with 3.
    Files.delete(temp.resolve("calls"));
    env.put("PROTECT", "cluster09 cluster02/default");
    Run guarded = script("github/sticky-comment.sh", env);
    assertEquals(3, guarded.exit(), guarded.out());
    assertTrue(guarded.out().contains("::error title=meshgate::this pull request changes a protected cluster or namespace"),
        guarded.out());
    assertEquals("PATCH", ghCalls().get(1).get(2));

    // meshgate cannot compare (unknown base): no comment is written, the step fails with 2.
    Files.delete(temp.resolve("calls"));
    env.put("BASE_REF", "origin/nope");
    env.remove("PROTECT");
    Run failed = script("github/sticky-comment.sh", env);
    assertEquals(2, failed.exit(), failed.out());
    assertTrue(failed.out().contains("unknown revision \"origin/nope\""), failed.out());
    assertTrue(ghCalls().isEmpty(), ghCalls().toString());
  }

  @Test
  void gitlabValidateWritesJunitAndCodeQuality() throws Exception {
    Map<String, String> env = Map.of("JUNIT_FILE", temp.resolve("junit.xml").toString(),
        "CODEQUALITY_FILE", temp.resolve("cq.json").toString());
    PullRequestRepo.edit(repo.resolve("intents/services/ledger.yaml"), "  target: ledger\n",
        "  target: ledger\n  mutualTLS: SIMPLE\n");
    Run run = script("gitlab/validate.sh", env);
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().contains("intents/services/ledger.yaml:"), run.out());
    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(temp.resolve("junit.xml").toFile());
    assertTrue(Files.readString(temp.resolve("junit.xml")).contains("<failure type=\"MG-TLS-01\""));
    JsonNode issues = JSON.readTree(temp.resolve("cq.json").toFile());
    assertTrue(issues.size() >= 2, issues.toString());
    List<String> checks = new ArrayList<>();
    issues.forEach(i -> checks.add(i.get("check_name").asText() + " " + i.get("severity").asText()));
    assertTrue(checks.contains("MG-TLS-01 major") && checks.contains("MG-LB-02 minor"), checks.toString());
  }

  @Test
  void theWorkflowsCallTheScriptsAndCollectWhatTheyWrite() throws Exception {
    Map<String, Object> github = new Yaml().load(Files.readString(EXAMPLES.resolve("github/meshgate.yml")));
    @SuppressWarnings("unchecked")
    Map<String, Object> permissions = (Map<String, Object>) github.get("permissions");
    assertEquals("write", permissions.get("pull-requests"));
    assertEquals("write", permissions.get("security-events"));
    String workflow = Files.readString(EXAMPLES.resolve("github/meshgate.yml"));
    for (String script : List.of("validate.sh", "sticky-comment.sh")) {
      assertTrue(workflow.contains("run: ci/meshgate/" + script), script);
      assertTrue(Files.isExecutable(EXAMPLES.resolve("github/" + script)), script);
    }
    assertTrue(workflow.contains("sarif_file: meshgate.sarif") && workflow.contains("SARIF_FILE: meshgate.sarif"));
    assertTrue(workflow.contains("fetch-depth: 0"));

    Map<String, Object> gitlab = new Yaml().load(Files.readString(EXAMPLES.resolve("gitlab/meshgate.gitlab-ci.yml")));
    @SuppressWarnings("unchecked")
    Map<String, Object> job = (Map<String, Object>) gitlab.get("meshgate");
    @SuppressWarnings("unchecked")
    Map<String, Object> reports = (Map<String, Object>) ((Map<String, Object>) job.get("artifacts")).get("reports");
    assertEquals("meshgate-junit.xml", reports.get("junit"));
    assertEquals("gl-code-quality-report.json", reports.get("codequality"));
    String validate = Files.readString(EXAMPLES.resolve("gitlab/validate.sh"));
    assertTrue(validate.contains("${JUNIT_FILE:-meshgate-junit.xml}")
        && validate.contains("${CODEQUALITY_FILE:-gl-code-quality-report.json}"));
    assertFalse(((List<?>) job.get("script")).isEmpty());
  }

  private static boolean works(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
