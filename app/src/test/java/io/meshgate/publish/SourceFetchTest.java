package io.meshgate.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SourceFetch against real repositories over file:// and smart HTTP on loopback. */
class SourceFetchTest {
  @TempDir Path temp;
  private TestRemote remote;
  private Path sourceRepo;

  @BeforeEach
  void setUp() throws Exception {
    remote = new TestRemote(temp, "source.git");
    sourceRepo = remote.repository();
  }

  @AfterEach
  void tearDown() {
    remote.close();
  }

  /** The bundled seed scenario, as repository paths below intents/. */
  private static SortedMap<String, String> seedIntents() throws Exception {
    Path seed = Path.of(System.getProperty("meshgate.root"), "repo-fixtures", "seed", "intents");
    SortedMap<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(seed)) {
      for (Path file : paths.filter(Files::isRegularFile).toList()) {
        files.put("intents/" + seed.relativize(file).toString().replace('\\', '/'),
            Files.readString(file));
      }
    }
    return files;
  }

  private static SortedMap<String, String> filesBelow(Path dir) throws Exception {
    SortedMap<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path file : paths.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(file).toString().replace('\\', '/'), Files.readString(file));
      }
    }
    return files;
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "http"})
  void materialisesOnlyTheIntentsSubtreeOfTheBranchTip(String transport) throws Exception {
    SortedMap<String, String> seed = seedIntents();
    TreeMap<String, String> content = new TreeMap<>(seed);
    content.put("README.md", "not an intent\n");
    content.put("policies/extra.rego", "package x\n");
    String commitId = GitFixtures.commit(sourceRepo, "main", content, false, "seed scenario\n\nbody");

    try (SourceSnapshot snapshot =
        SourceFetch.from(remote.url(transport)).cacheDir(temp.resolve("cache"))
            .tempParent(temp.resolve("tmp")).call()) {
      assertEquals(commitId, snapshot.commitId());
      assertEquals(commitId.substring(0, 7), snapshot.shortId());
      assertEquals("seed scenario\n\nbody", snapshot.message());
      assertEquals(snapshot.root().resolve("intents"), snapshot.intentsDir());
      SortedMap<String, String> expected = new TreeMap<>();
      seed.forEach((path, text) -> expected.put(path.substring("intents/".length()), text));
      assertEquals(expected, filesBelow(snapshot.intentsDir()));
      assertEquals(List.of("intents"),
          Files.list(snapshot.root()).map(p -> p.getFileName().toString()).toList());
      assertTrue(snapshot.root().startsWith(temp.resolve("tmp")));
    }
  }

  @Test
  void reusesTheCacheAndSeesNewCommitsAndNestedIntentsPaths() throws Exception {
    String url = remote.url("file");
    GitFixtures.commit(sourceRepo, "main", Map.of("config/intents/a.yaml", "a: 1\n"), false, "one");
    Path cache = temp.resolve("cache");
    Path firstRoot;
    try (SourceSnapshot first =
        SourceFetch.from(url).intentsPath("./config/intents/").cacheDir(cache).call()) {
      firstRoot = first.root();
      assertEquals(Map.of("a.yaml", "a: 1\n"), filesBelow(first.intentsDir()));
    }
    assertFalse(Files.exists(firstRoot), "close() deletes the snapshot");
    String second = GitFixtures.commit(sourceRepo, "main",
        Map.of("config/intents/sub/b.yaml", "b: 2\n"), true, "two");

    try (SourceSnapshot snapshot =
        SourceFetch.from(url).intentsPath("config/intents").cacheDir(cache).call()) {
      assertEquals(second, snapshot.commitId());
      assertEquals(Map.of("a.yaml", "a: 1\n", "sub/b.yaml", "b: 2\n"),
          filesBelow(snapshot.intentsDir()));
    }
    try (Stream<Path> entries = Files.list(cache)) {
      assertEquals(1, entries.count(), "one cache repository per remote");
    }
  }

  @Test
  void aCheckoutWritesOnlyChangedFilesAndDeletesRemovedOnes() throws Exception {
    String url = remote.url("file");
    GitFixtures.commit(sourceRepo, "main", Map.of("intents/a.yaml", "a: 1\n", "intents/sub/b.yaml", "b: 1\n",
        "intents/c.yaml", "c: 1\n", "README.md", "not intents\n"), false, "one");
    SourceCheckout checkout = new SourceCheckout(temp.resolve("checkout").resolve("intents"));
    Path cache = temp.resolve("cache");
    try (SourceSnapshot first = SourceFetch.from(url).cacheDir(cache).checkout(checkout).call()) {
      assertEquals(checkout.dir(), first.intentsDir());
      assertEquals(Map.of("a.yaml", "a: 1\n", "sub/b.yaml", "b: 1\n", "c.yaml", "c: 1\n"),
          filesBelow(first.intentsDir()));
      assertEquals(3, checkout.writtenLastUpdate());
    }
    assertTrue(Files.isDirectory(checkout.dir()), "closing the snapshot keeps the checkout for the next run");
    Path unchanged = checkout.dir().resolve("a.yaml");
    java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.fromMillis(1_000);
    Files.setLastModifiedTime(unchanged, before);

    // b changes, c is deleted, d is added; a is not touched.
    GitFixtures.commit(sourceRepo, "main", Map.of("intents/a.yaml", "a: 1\n", "intents/sub/b.yaml", "b: 2\n",
        "intents/d.yaml", "d: 1\n", "README.md", "not intents\n"), false, "two");
    try (SourceSnapshot second = SourceFetch.from(url).cacheDir(cache).checkout(checkout).call()) {
      assertEquals(Map.of("a.yaml", "a: 1\n", "sub/b.yaml", "b: 2\n", "d.yaml", "d: 1\n"),
          filesBelow(second.intentsDir()));
      assertEquals(2, checkout.writtenLastUpdate(), "b and d written");
      assertEquals(1, checkout.deletedLastUpdate(), "c deleted");
      assertEquals(before, Files.getLastModifiedTime(unchanged), "a was not written again");
    }
  }

  @Test
  void aFreshCheckoutClearsWhatAnEarlierProcessLeftInItsFolder() throws Exception {
    String url = remote.url("file");
    GitFixtures.commit(sourceRepo, "main", Map.of("intents/a.yaml", "a: 1\n"), false, "one");
    Path dir = Files.createDirectories(temp.resolve("checkout").resolve("intents"));
    Files.writeString(dir.resolve("stale.yaml"), "stale: true\n");
    SourceCheckout checkout = new SourceCheckout(dir);
    try (SourceSnapshot snapshot = SourceFetch.from(url).cacheDir(temp.resolve("cache")).checkout(checkout).call()) {
      assertEquals(Map.of("a.yaml", "a: 1\n"), filesBelow(snapshot.intentsDir()));
    }
  }

  @Test
  void unknownBranchAndMissingIntentsPathAreClearErrors() throws Exception {
    String url = remote.url("file");
    GitFixtures.commit(sourceRepo, "main", Map.of("docs/a.md", "x\n", "intent", "file\n"), false,
        "no intents");

    GitOperationException noBranch = assertThrows(GitOperationException.class,
        () -> SourceFetch.from(url).branch("release").cacheDir(temp.resolve("cache")).call());
    GitOperationException noPath = assertThrows(GitOperationException.class,
        () -> SourceFetch.from(url).cacheDir(temp.resolve("cache")).call());
    GitOperationException pathIsFile = assertThrows(GitOperationException.class,
        () -> SourceFetch.from(url).intentsPath("intent").cacheDir(temp.resolve("cache")).call());

    assertTrue(noBranch.getMessage().contains("source branch 'release' does not exist"),
        noBranch.getMessage());
    assertTrue(noBranch.getMessage().contains("--source-branch"), noBranch.getMessage());
    assertTrue(noPath.getMessage().contains("intents path 'intents' is not a directory"),
        noPath.getMessage());
    assertTrue(noPath.getMessage().contains("--intents-path"), noPath.getMessage());
    assertTrue(pathIsFile.getMessage().contains("'intent' is not a directory"),
        pathIsFile.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SourceFetch.from(url).intentsPath("../x"));
    assertThrows(IllegalArgumentException.class, () -> SourceFetch.from(url).intentsPath("/abs"));
  }

  @Test
  void unreachableRemoteFailsWithAMessageWithoutSecrets() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "https://bot:ghp_secretvalue123@127.0.0.1:" + closedPort + "/org/intents.git";

    GitOperationException failure = assertThrows(GitOperationException.class,
        () -> SourceFetch.from(url).cacheDir(temp.resolve("cache")).call());

    assertFalse(failure.getMessage().contains("ghp_secretvalue123"), failure.getMessage());
    assertFalse(failure.getMessage().contains("bot:"), failure.getMessage());
    assertTrue(failure.getMessage().contains("https://***@127.0.0.1:" + closedPort),
        failure.getMessage());
    assertEquals(null, failure.getCause(), "the raw JGit exception is not chained");
    // The cache directory name carries no secret either.
    try (Stream<Path> entries = Files.list(temp.resolve("cache"))) {
      entries.forEach(entry ->
          assertFalse(entry.getFileName().toString().contains("secret"), entry.toString()));
    }
  }

  @Test
  void tokenProtectedRemoteNeedsTheToken() throws Exception {
    String token = "tok-0123456789abcdef";
    GitHttpServer http = remote.serveWithToken(token);
    String commitId = GitFixtures.commit(sourceRepo, "main", Map.of("intents/a.yaml", "a\n"),
        false, "one");

    try (SourceSnapshot snapshot = SourceFetch.from(http.url("source.git"))
        .credentials(GitCredentials.fromEnvironment(Map.of(GitCredentials.ENV_TOKEN, token)))
        .cacheDir(temp.resolve("cache")).call()) {
      assertEquals(commitId, snapshot.commitId());
    }
    GitOperationException anonymous = assertThrows(GitOperationException.class,
        () -> SourceFetch.from(http.url("source.git")).cacheDir(temp.resolve("cache")).call());
    GitOperationException wrong = assertThrows(GitOperationException.class,
        () -> SourceFetch.from(http.url("source.git"))
            .credentials(GitCredentials.token(null, token + "-old"))
            .cacheDir(temp.resolve("cache")).call());

    assertTrue(anonymous.getMessage().toLowerCase().contains("auth"), anonymous.getMessage());
    assertFalse(wrong.getMessage().contains(token), wrong.getMessage());
  }

  /**
   * A password written into the URL, with a raw '@', '/' and a space: JGit gets the URL without it
   * and the password as credentials, so the fetch works and no message ever shows a piece of it.
   */
  @Test
  void aPasswordInTheUrlWorksWhateverItHoldsAndIsNeverShown() throws Exception {
    String password = "p@ss w/rd-0123";
    GitHttpServer http = remote.serveWithToken(password);
    String commitId = GitFixtures.commit(sourceRepo, "main", Map.of("intents/a.yaml", "a\n"), false, "one");
    String url = http.url("source.git").replace("http://", "http://bot:" + password + "@");
    try (SourceSnapshot snapshot = SourceFetch.from(url).cacheDir(temp.resolve("cache")).call()) {
      assertEquals(commitId, snapshot.commitId());
    }
    GitOperationException wrong = assertThrows(GitOperationException.class, () -> SourceFetch.from(
        url.replace("w/rd-0123", "w/rd-9999")).cacheDir(temp.resolve("cache")).call());
    for (String piece : new String[] {"p@ss", "w/rd", "ss w", "ss%20w"}) {
      assertFalse(wrong.getMessage().contains(piece), wrong.getMessage());
    }
  }
}
