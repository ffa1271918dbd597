package io.meshgate.diff;

import io.meshgate.intent.TestRepos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * A real local Git repository with a pull request in it, built with JGit: branch {@code main} holds
 * {@code repo-fixtures/seed/intents}; branch {@code feature} (checked out) adds a service {@code ledger}
 * in cluster02 with a client {@code sleep-to-ledger} in cluster01 ({@code POST /entries}), narrows
 * {@code sleep-to-httpbin} to {@code GET /status*} (drops {@code POST /headers}) and removes the client
 * {@code bookinfo-user-to-productpage}. Commits have fixed authors and times, so their ids (and the
 * labels that show them) are the same on every run.
 */
public final class PullRequestRepo {
  public static final String LEDGER = """
      apiVersion: meshgate.io/v1alpha1
      kind: InboundService
      metadata:
        name: ledger
      spec:
        service: ledger
        namespace: default
        cluster: cluster02
        protocol: HTTP
        port: 8080
        mutualTLS: ISTIO_MUTUAL
      ---
      apiVersion: meshgate.io/v1alpha1
      kind: ServiceClient
      metadata:
        name: sleep-to-ledger
      spec:
        service: sleep
        namespace: default
        cluster: cluster01
        target: ledger
        access:
          - methods: [POST]
            paths: ["/entries"]
      """;

  private PullRequestRepo() {}

  /** Creates the repository in {@code dir} (work tree on {@code feature}). */
  public static Path create(Path dir) throws Exception {
    Files.createDirectories(dir);
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      copy(TestRepos.seedIntents(), dir.resolve("intents"));
      commit(git, "seed", 0);
      git.checkout().setCreateBranch(true).setName("feature").call();
      Files.writeString(dir.resolve("intents/services/ledger.yaml"), LEDGER, StandardCharsets.UTF_8);
      edit(dir.resolve("intents/clients/sleep-to-httpbin.yaml"), "    - methods: [POST]\n      paths: [\"/headers\"]\n", "");
      Path clients = dir.resolve("intents/clients/productpage-clients.yaml");
      String text = Files.readString(clients);
      Files.writeString(clients, text.substring(0, text.indexOf("---")));
      commit(git, "ledger for sleep; sleep narrowed on httpbin; bookinfo-user no longer calls productpage", 1);
    }
    return dir;
  }

  /** Commits every change of the work tree with a fixed identity and time. */
  public static String commit(Git git, String message, int minute) throws Exception {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    PersonIdent who = new PersonIdent("Pat Reviewer", "pat@example.com",
        Instant.parse("2026-01-01T10:00:00Z").plusSeconds(60L * minute), ZoneOffset.UTC);
    return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call().getName();
  }

  public static void edit(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    if (!text.contains(from)) {
      throw new IllegalStateException(file + " does not contain " + from);
    }
    Files.writeString(file, text.replace(from, to));
  }

  public static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
