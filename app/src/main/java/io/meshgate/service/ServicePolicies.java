package io.meshgate.service;

import io.meshgate.check.Checker;
import io.meshgate.policy.PolicyBundle;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyEngines;
import io.meshgate.publish.GitOperationException;
import io.meshgate.publish.Redactor;
import io.meshgate.publish.SourceFetch;
import io.meshgate.publish.SourceSnapshot;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies {@code serve} checks with, from one of three places:
 * <ul>
 *   <li>a folder ({@code --policies DIR}), read once at start-up;
 *   <li>a folder of the source repository ({@code --policies-path}), read from every source commit,
 *       so a policy change is a source commit (a security team owns the folder through CODEOWNERS);
 *   <li>a folder of a second repository and branch ({@code --policies-source}, {@code --policies-branch},
 *       {@code --policies-path}), fetched at every run.
 * </ul>
 * A run compiles the policies again only when their content changed (same digest: same engine). The
 * policies a run loaded are also what {@code POST /api/v1/validate} checks with from then on.
 */
public final class ServicePolicies {
  private static final Logger LOG = LoggerFactory.getLogger(ServicePolicies.class);

  /** Where the policies come from. */
  public enum Origin { FOLDER, SOURCE_PATH, REPOSITORY }

  /**
   * Policies ready to check with.
   *
   * @param commit the commit they were read from (the source commit for {@code --policies-path}, the
   *     policies repository's commit for {@code --policies-source}); null for a folder
   * @param repo where they came from, for the provenance; null for a folder
   */
  public record Loaded(Checker checker, String digest, String commit, String repo) {}

  /** The policies cannot be used for this run: fail closed, publish nothing. */
  public static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  private final Origin origin;
  private final PolicyEngines.Kind engineKind;
  private final URI opaUrl;
  private final String path;
  private final String repoUrl;
  private final String repoBranch;
  private volatile Loaded current;

  private ServicePolicies(Origin origin, PolicyEngines.Kind engineKind, URI opaUrl, String path, String repoUrl,
      String repoBranch) {
    this.origin = origin;
    this.engineKind = engineKind;
    this.opaUrl = opaUrl;
    this.path = path;
    this.repoUrl = repoUrl;
    this.repoBranch = repoBranch;
  }

  /** Policies read once from {@code dir}. */
  public static ServicePolicies folder(Path dir, PolicyEngines.Kind engine, URI opaUrl) throws PolicyEngineException {
    ServicePolicies policies = new ServicePolicies(Origin.FOLDER, engine, opaUrl, null, null, null);
    PolicyBundle bundle = PolicyBundle.load(dir);
    policies.current = new Loaded(new Checker(PolicyEngines.create(engine, bundle, opaUrl)), bundle.digest(), null, null);
    return policies;
  }

  /** Fixed, already built policies (tests, and callers that built their own checker). */
  public static ServicePolicies fixed(Checker checker, String digest) {
    ServicePolicies policies = new ServicePolicies(Origin.FOLDER, PolicyEngines.Kind.embedded, null, null, null, null);
    policies.current = new Loaded(checker, digest, null, null);
    return policies;
  }

  /** Policies in the folder {@code path} of every source commit. */
  public static ServicePolicies inSource(String path, PolicyEngines.Kind engine, URI opaUrl) {
    return new ServicePolicies(Origin.SOURCE_PATH, engine, opaUrl, path, null, null);
  }

  /** Policies in the folder {@code path} ({@link SourceFetch#WHOLE_TREE} for all) of another repository. */
  public static ServicePolicies repository(String url, String branch, String path, PolicyEngines.Kind engine,
      URI opaUrl) {
    return new ServicePolicies(Origin.REPOSITORY, engine, opaUrl, path, Objects.requireNonNull(url),
        Objects.requireNonNull(branch));
  }

  public Origin origin() {
    return origin;
  }

  /** The folder of the source repository to materialise with the intents, or null. */
  String pathInSource() {
    return origin == Origin.SOURCE_PATH ? path : null;
  }

  /** The policies last loaded; null until the first run loaded policies from Git. */
  public Loaded current() {
    return current;
  }

  /**
   * The policies for a run on {@code source}: read from the snapshot or fetched from the policies
   * repository, compiled when they changed.
   */
  Loaded forRun(SourceSnapshot source, SyncJob.Config config) throws Unavailable {
    Redactor redactor = config.credentials().redactor().withUrls(java.util.Arrays.asList(repoUrl, config.sourceUrl()));
    switch (origin) {
      case FOLDER -> {
        return current;
      }
      case SOURCE_PATH -> {
        return load(source.extraDir(), source.commitId(), "source:" + path, "'" + path + "' of source commit "
            + source.shortId());
      }
      default -> {
        SourceSnapshot policies;
        try {
          policies = SourceFetch.from(repoUrl)
              .branch(repoBranch)
              .intentsPath(path)
              .describedAs("policies path", "--policies-path")
              .cacheDir(config.workDir().resolve("policies-cache"))
              .tempParent(config.workDir().resolve("snapshots"))
              .credentials(config.credentials())
              .retry(config.networkRetry())
              .timeoutSeconds(config.networkTimeoutSeconds())
              .call();
        } catch (GitOperationException | IllegalArgumentException e) {
          throw new Unavailable("fetching the policies failed: " + redactor.redact(e.getMessage()));
        }
        try (policies) {
          String where = "'" + path + "' of " + redactor.redact(repoUrl) + " branch " + repoBranch + " at "
              + policies.shortId();
          return load(policies.intentsDir(), policies.commitId(), redactor.redact(repoUrl), where);
        }
      }
    }
  }

  private Loaded load(Path dir, String commit, String repo, String where) throws Unavailable {
    PolicyBundle bundle;
    try {
      bundle = PolicyBundle.load(dir);
    } catch (PolicyEngineException e) {
      throw new Unavailable("the policies in " + where + " cannot be read: " + withoutFolder(e.getMessage(), dir));
    }
    Loaded before = current;
    if (before != null && before.digest().equals(bundle.digest())) {
      Loaded same = new Loaded(before.checker(), before.digest(), commit, repo);
      current = same;
      return same;
    }
    PolicyEngine engine;
    try {
      engine = PolicyEngines.create(engineKind, bundle, opaUrl);
    } catch (PolicyEngineException e) {
      throw new Unavailable("the policies in " + where + " cannot be used: " + withoutFolder(e.getMessage(), dir));
    }
    Loaded loaded = new Loaded(new Checker(engine), bundle.digest(), commit, repo);
    current = loaded;
    LOG.info("policies: now those in {} (digest {})", where, abbreviate(bundle.digest()));
    return loaded;
  }

  /** Messages name the policy files relative to the policies folder, not the scratch path. */
  private static String withoutFolder(String message, Path dir) {
    if (message == null || dir == null) {
      return message;
    }
    String base = dir.toAbsolutePath().normalize().toString();
    return message.replace(base + java.io.File.separator, "").replace(base, "policies");
  }

  private static String abbreviate(String digest) {
    return digest == null || digest.length() <= 19 ? digest : digest.substring(0, 19);
  }

  /** One line for the detailed status. */
  String describe() {
    return switch (origin) {
      case FOLDER -> "folder";
      case SOURCE_PATH -> "source repository, path " + path;
      case REPOSITORY -> Redactor.urlsOnly().withUrls(java.util.List.of(repoUrl)).redact(repoUrl) + " branch "
          + repoBranch + ", path " + path;
    };
  }
}
