package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.diff.Golden;
import io.meshgate.diff.PullRequestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshgate diff} on a real local repository with a base and a head branch ({@link PullRequestRepo}). */
class DiffCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;
  Path repo;

  @BeforeEach
  void createRepository() throws Exception {
    repo = PullRequestRepo.create(temp.resolve("mesh"));
  }

  private CliRun diff(String... more) {
    List<String> args = new ArrayList<>(List.of("diff", "--repo", repo.toString(), "--base", "main",
        "--policies", io.meshgate.intent.TestRepos.root().resolve("policies").toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void textJsonAndMarkdownMatchTheGoldenFilesAndAreDeterministic() throws Exception {
    CliRun text = diff("--head", "feature");
    assertEquals(0, text.exit(), text.err());
    assertEquals("", text.err());
    Golden.assertMatches("pr/diff.txt", text.out());
    assertEquals(text.out(), diff("--head", "feature").out(), "same inputs, same output");
    assertFalse(text.out().contains("\u001b["), "no colour without a terminal");

    CliRun json = diff("--head", "feature", "--format", "json");
    assertEquals(0, json.exit(), json.err());
    Golden.assertMatches("pr/diff.json", json.out());
    CliRun markdown = diff("--head", "feature", "--format", "markdown");
    assertEquals(0, markdown.exit(), markdown.err());
    Golden.assertMatches("pr/diff.md", markdown.out());
  }

  @Test
  void showsExactlyTheObjectsAndTheReachabilityThatChanged() throws Exception {
    JsonNode root = JSON.readTree(diff("--head", "feature", "--format", "json").out());
    TreeSet<String> objects = new TreeSet<>();
    for (JsonNode cluster : root.get("clusters")) {
      for (JsonNode object : cluster.get("objects")) {
        objects.add(cluster.get("cluster").asText() + " " + object.get("change").asText() + " "
            + object.get("kind").asText() + " " + object.get("namespace").asText() + "/" + object.get("name").asText());
      }
    }
    assertEquals(new TreeSet<>(List.of(
        // bookinfo-user's rule leaves productpage's policy; the ledger's pair arrives in the client cluster
        "cluster01 changed AuthorizationPolicy default/meshgate-productpage",
        "cluster01 added ServiceEntry istio-system/meshgate-ledger-default-global",
        "cluster01 added DestinationRule istio-system/meshgate-ledger-default-global",
        // httpbin's policy loses POST /headers; the ledger's objects in its hosting cluster
        "cluster02 changed AuthorizationPolicy default/meshgate-httpbin",
        "cluster02 added AuthorizationPolicy default/meshgate-ledger",
        "cluster02 added PeerAuthentication default/meshgate-ledger",
        "cluster02 added ServiceEntry istio-system/meshgate-ledger-default-global",
        "cluster02 added DestinationRule istio-system/meshgate-ledger-default-global")), objects);
    JsonNode httpbin = root.get("clusters").get(1).get("objects").get(0);
    assertEquals(List.of("spec.rules[0].to"), strings(httpbin.get("fields")));
    assertTrue(strings(httpbin.get("diff")).containsAll(List.of("-        - POST", "-        - /headers")));

    TreeSet<String> reach = new TreeSet<>();
    for (JsonNode pair : root.get("reachability")) {
      for (JsonNode change : pair.get("changes")) {
        reach.add(pair.get("verdict").asText() + " " + pair.get("from").asText() + " -> " + pair.get("to").asText()
            + " " + change.get("operation").asText() + " " + change.get("change").asText());
      }
    }
    assertEquals(new TreeSet<>(List.of(
        "gained cluster01/default/sleep -> ledger.default.global:8080 POST /entries gained",
        "narrowed cluster01/default/sleep -> httpbin.default.global:8000 POST /headers lost",
        "lost cluster02/default/bookinfo-user -> productpage.default.global:9080 GET /static lost",
        "lost cluster02/default/bookinfo-user -> productpage.default.global:9080 GET /api/v1/products lost")), reach);
    JsonNode lost = root.get("reachability").get(1).get("changes").get(0);
    assertEquals("authorization-policy", lost.get("after").get("hop").asText());
    assertEquals("meshgate-productpage", lost.get("after").get("object").get("name").asText());
    assertTrue(lost.get("before").get("allowed").asBoolean());
    assertEquals(List.of(), strings(root.get("addressMoves")));
    assertEquals(0, root.get("summary").get("removed").asInt());
    assertEquals(6, root.get("summary").get("added").asInt());
    assertEquals(2, root.get("summary").get("changed").asInt());
  }

  @Test
  void theHeadDefaultsToTheWorkTreeWithItsUncommittedEdits() throws Exception {
    CliRun clean = diff();
    assertEquals(0, clean.exit(), clean.err());
    assertTrue(clean.out().startsWith("meshgate diff: main (" ), clean.out());
    assertTrue(clean.out().contains(" -> work tree\n"), clean.out());
    // Same content as the feature commit, so the same changes.
    assertEquals(diff("--head", "feature").out().lines().skip(1).toList(), clean.out().lines().skip(1).toList());
    // An edit not yet committed shows up at once, as validate would read it.
    PullRequestRepo.edit(repo.resolve("intents/services/ledger.yaml"), "port: 8080", "port: 8081");
    CliRun edited = diff("--format", "json");
    JsonNode pairs = JSON.readTree(edited.out()).get("reachability");
    assertTrue(edited.out().contains("ledger.default.global:8081"), edited.out());
    assertFalse(edited.out().contains("ledger.default.global:8080"), pairs.toString());
  }

  @Test
  void aPinnedAddressThatChangesIsReportedAsAMove() throws Exception {
    String base = addressOf("main");
    try (Git git = Git.open(repo.toFile())) {
      PullRequestRepo.edit(repo.resolve("intents/services/httpbin.yaml"), "  port: 8000\n", "  port: 8000\n  address: 240.0.9.9\n");
      PullRequestRepo.commit(git, "pin httpbin", 2);
    }
    JsonNode root = JSON.readTree(diff("--head", "feature", "--format", "json").out());
    List<String> moves = new ArrayList<>();
    root.get("addressMoves").forEach(m -> moves.add(m.get("cluster").asText() + " " + m.get("host").asText() + " "
        + m.get("from").asText() + " -> " + m.get("to").asText()));
    assertEquals(List.of("cluster01 httpbin.default.global " + base + " -> 240.0.9.9",
        "cluster02 httpbin.default.global " + base + " -> 240.0.9.9"), moves);
    CliRun text = diff("--head", "feature");
    assertTrue(text.out().contains("addresses: 2 virtual addresses moved\n  ! cluster01 httpbin.default.global: "
        + base + " -> 240.0.9.9\n"), text.out());
  }

  /** httpbin's address on main, from the seed's ServiceEntry in cluster01 (a diff against an empty base lists it). */
  private String addressOf(String ref) throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      String commit = git.getRepository().resolve(ref).getName();
      CliRun all = CliRun.of("diff", "--repo", repo.toString(), "--base", commit, "--head", commit, "--format", "json");
      assertEquals(0, all.exit(), all.err());
    }
    // Without a ledger the address is the hash-preferred one, the same in both clusters.
    io.meshgate.intent.LoadResult load = io.meshgate.intent.IntentLoader.load(io.meshgate.intent.TestRepos.seedIntents());
    return new io.meshgate.render.Renderer().render(load.intents(), io.meshgate.render.AllocationLedger.empty())
        .ledger().addressOf("cluster01", "httpbin.default.global");
  }

  @Test
  void sameRevisionOnBothSidesIsNoChange() {
    CliRun run = diff("--head", "main");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("\ndiff: no change to the environment; head: ok: 7 intents in 5 files, 1 warning\n"), run.out());
  }

  @Test
  void aBaseWithoutIntentsCountsAsEmpty() throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      git.checkout().setOrphan(true).setName("empty").call();
      git.rm().addFilepattern("intents").call();
      Files.writeString(repo.resolve("README.md"), "nothing yet\n");
      PullRequestRepo.commit(git, "empty", 3);
      git.checkout().setName("feature").setForced(true).call();
    }
    JsonNode root = JSON.readTree(CliRun.of("diff", "--repo", repo.toString(), "--base", "empty", "--head", "feature",
        "--format", "json").out());
    assertEquals(0, root.get("summary").get("changed").asInt());
    assertEquals(0, root.get("summary").get("removed").asInt());
    assertTrue(root.get("summary").get("added").asInt() > 10);
    // Three callers reach something that did not exist: sleep -> httpbin and ledger, sleep (cluster02) -> productpage.
    assertEquals(3, root.get("summary").get("reachability").get("gained").asInt());
  }

  @Test
  void protectedScopesExitThreeAndViolationsWin() throws Exception {
    CliRun protectedCluster = diff("--head", "feature", "--protect", "cluster02");
    assertEquals(3, protectedCluster.exit(), protectedCluster.out());
    assertTrue(protectedCluster.out().contains("cluster02: 4 added, 1 changed  [protected]"), protectedCluster.out());
    assertTrue(protectedCluster.out().contains("; 5 changes in protected scopes; head: "), protectedCluster.out());
    assertEquals(3, diff("--head", "feature", "--protect", "*/istio-system").exit());
    assertEquals(3, diff("--head", "feature", "--protect", "cluster0*/default").exit());
    assertEquals(0, diff("--head", "feature", "--protect", "cluster03", "--protect", "cluster01/kube-system").exit());
    JsonNode root = JSON.readTree(diff("--head", "feature", "--protect", "cluster01/default", "--format", "json").out());
    assertEquals(1, root.get("summary").get("protected").asInt());
    assertTrue(root.get("clusters").get(0).get("objects").get(0).get("protected").asBoolean());
    assertEquals(2, diff("--head", "feature", "--protect", "a/b/c").exit());

    // A head that breaks a policy exits 1, protected or not.
    try (Git git = Git.open(repo.toFile())) {
      PullRequestRepo.edit(repo.resolve("intents/services/ledger.yaml"), "  target: ledger\n",
          "  target: ledger\n  mutualTLS: SIMPLE\n");
      PullRequestRepo.commit(git, "break MG-TLS-01", 4);
    }
    CliRun broken = diff("--head", "feature", "--protect", "cluster02");
    assertEquals(1, broken.exit(), broken.out());
    assertTrue(broken.out().contains("violations of the head\n"), broken.out());
    assertTrue(broken.out().contains("MG-TLS-01"), broken.out());
  }

  @Test
  void aHeadWithStructuralErrorsIsNotComparedAndExitsOne() throws Exception {
    PullRequestRepo.edit(repo.resolve("intents/services/ledger.yaml"), "  port: 8080\n", "  port: 8080\n  prot: 1\n");
    CliRun run = diff();
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.out().contains("the head has structural errors and does not render"), run.out());
    assertTrue(run.out().contains("intents/services/ledger.yaml:11:9: MG-SCHEMA: unknown field \"prot\""), run.out());
    assertTrue(run.out().endsWith("diff: not compared (the head does not render); head: 1 error, 1 warning in 6 files\n"), run.out());
  }

  @Test
  void colourOnlyWhenAskedOrOnATerminal() {
    CliRun always = diff("--head", "feature", "--color", "always");
    assertTrue(always.out().contains("\u001b[32m  + ".substring(0, 5)), always.out());
    assertTrue(always.out().contains("\u001b[31m-        - POST\u001b[0m"), always.out());
    assertFalse(diff("--head", "feature", "--color", "auto").out().contains("\u001b["));
    assertFalse(DiffCommand.colour("never"));
    assertTrue(DiffCommand.colour("always"));
    assertEquals(2, diff("--color", "sometimes").exit());
  }

  @Test
  void usageErrorsExitTwoWithAMessage() throws Exception {
    CliRun unknownRef = diff("--head", "no-such-branch");
    assertEquals(2, unknownRef.exit());
    assertTrue(unknownRef.err().startsWith("meshgate diff: unknown revision \"no-such-branch\""), unknownRef.err());
    CliRun format = diff("--format", "yaml");
    assertEquals(2, format.exit());
    assertEquals("meshgate diff: unknown format \"yaml\"; use text, json or markdown\n", format.err());
    CliRun outside = diff("--intents", "../elsewhere");
    assertEquals(2, outside.exit());
    assertTrue(outside.err().contains("must be a path inside the repository"), outside.err());
    CliRun missing = diff("--head", "feature", "--intents", "nope");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("has no folder nope"), missing.err());
    Path notARepo = Files.createDirectories(temp.resolve("plain"));
    CliRun plain = CliRun.of("diff", "--repo", notARepo.toString(), "--base", "main");
    assertEquals(2, plain.exit());
    assertTrue(plain.err().contains("is not inside a Git repository"), plain.err());
    CliRun noBase = CliRun.of("diff", "--repo", repo.toString());
    assertEquals(2, noBase.exit());
    assertFalse(unknownRef.leaksStackTrace() || format.leaksStackTrace() || plain.leaksStackTrace(), unknownRef.err());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
    return out;
  }
}
