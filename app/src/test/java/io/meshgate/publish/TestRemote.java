package io.meshgate.publish;

import java.nio.file.Path;

/** A bare repository for a test, reachable over file:// and, once asked for, smart HTTP on loopback. */
final class TestRemote implements AutoCloseable {
  private final Path repos;
  private final Path repository;
  private final String name;
  private GitHttpServer http;

  TestRemote(Path temp, String name) throws Exception {
    this.repos = temp.resolve("repos");
    this.repository = GitFixtures.bareRepository(repos.resolve(name));
    this.name = name;
  }

  Path repository() {
    return repository;
  }

  /** The remote's URL for {@code transport} {@code file} or {@code http}. */
  String url(String transport) throws Exception {
    return transport.equals("file") ? GitFixtures.fileUrl(repository) : http().url(name);
  }

  /** The HTTP server in front of the repository, started on first use. */
  GitHttpServer http() throws Exception {
    if (http == null) {
      http = GitHttpServer.open(repos);
    }
    return http;
  }

  /** Replaces the HTTP server by one that requires {@code token}. */
  GitHttpServer serveWithToken(String token) throws Exception {
    close();
    http = GitHttpServer.withToken(repos, token);
    return http;
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
      http = null;
    }
  }
}
