package io.meshgate.service;

import io.meshgate.check.Violation;
import io.meshgate.emco.IntentModel;
import io.meshgate.emco.LocatedJson;
import io.meshgate.emco.Placement;
import io.meshgate.emco.SeedConverter;
import io.meshgate.emco.SeedProblem;
import io.meshgate.emco.SeedShapes;
import io.meshgate.intent.IntentDocument;
import io.meshgate.intent.IntentLoader;
import io.meshgate.intent.Kind;
import io.meshgate.intent.LoadResult;
import io.meshgate.publish.Forge;
import io.meshgate.publish.GitCredentials;
import io.meshgate.publish.GitOperationException;
import io.meshgate.publish.IntentCommit;
import io.meshgate.publish.NetworkRetry;
import io.meshgate.publish.SourceSnapshot;
import io.meshgate.render.AllocationLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.PersonIdent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's REST API (EMCO traffic controller) over Git: inbound services, their clients and the
 * clients' security intents of a composite app, kept as intent files in
 * {@code <intents>/<project>/<composite app>/<version>/{services,clients}/<name>.yaml}. Reads answer
 * from the source branch's tip in the seed's JSON shape; a write is converted, checked with the
 * service's own check (structure and policies) on the tip plus the change, and only then committed
 * (by the caller's identity), on a new review branch with a pull request, or on the source branch.
 * Writes are serialised, and a write whose push loses a race is decided again on the new tip.
 */
public final class SeedApi {
  private static final Logger LOG = LoggerFactory.getLogger(SeedApi.class);
  /** A seed body is a few hundred bytes; anything far larger is not one. */
  public static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /**
   * {@code .../clients/{client}/security/security-intent}: the seed's design pages write this path
   * both as a collection and as an item. A client holds at most one security intent, so the name
   * addresses that one whatever its own name (and names a new one that has none in its body).
   */
  public static final String SECURITY_INTENT = "security-intent";
  /**
   * Not a name the API gives an inbound intent: {@code .../traffic-intent-set/us-to-us-intents/clients}
   * is the clients collection of the seed's literal form ({@code {set}/{inbound}/clients}).
   */
  public static final String RESERVED_INBOUND_NAME = "clients";

  /** The three resources of the seed's traffic intents. */
  public enum Resource {
    INBOUND("inbound service intent"),
    CLIENT("client intent"),
    SECURITY("security intent");

    private final String label;

    Resource(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** How writes land: a new branch per write for review (the default), or on the source branch. */
  public enum CommitMode { REVIEW, DIRECT }

  /**
   * Who asked. {@code projects} holds {@code *} for every project.
   *
   * @param email for the commit's author; derived from the identity when null
   */
  public record Caller(String identity, String email, List<String> projects) {
    public boolean mayUse(String project) {
      return projects.contains("*") || projects.contains(project);
    }

    PersonIdent person() {
      String mail = email != null ? email : identity.contains("@") ? identity
          : identity.replaceAll("[^A-Za-z0-9._-]+", "-") + "@api.meshgate.invalid";
      return new PersonIdent(identity, mail);
    }
  }

  /**
   * The path parameters: the composite app, and the parents of a client or security intent.
   *
   * @param intentSet the first segment of the seed's literal form {@code .../{intentSet}/{inbound}/clients}
   *     ({@code traffic-group-intent}, {@code traffic-intent-set}, ...), where {@code inbound} may be a
   *     literal ({@code uservice-to-uservice-intent}) rather than an inbound intent's name; null for
   *     {@code .../traffic-intent-set/us-to-us-intents/{inbound}/clients}, where it must name one
   */
  public record Address(String project, String compositeApp, String version, String inbound, String client,
      String intentSet) {
    public Address(String project, String compositeApp, String version, String inbound, String client) {
      this(project, compositeApp, version, inbound, client, null);
    }

    String describe() {
      return "project " + project + ", composite app " + compositeApp + " version " + version;
    }

    /** Whether the inbound segment may be a literal that names no inbound intent. */
    boolean inboundMayBeLiteral() {
      return intentSet != null;
    }
  }

  /** An answer: HTTP status and a JSON-able body (null for 204). */
  public record Response(int status, Object body) {}

  /**
   * @param placementPath repository path of the placement file (application → service → cluster)
   * @param forge opens a pull request for a review branch; null: the branch is pushed alone
   * @param committer the service's own identity (the caller is the author)
   */
  public record Settings(String source, String sourceBranch, String intentsPath, String placementPath,
      CommitMode mode, Forge forge, Path cacheDir, Path scratchDir, GitCredentials credentials, NetworkRetry retry,
      PersonIdent committer) {}

  private final Settings settings;
  private final SyncJob.TreeCheck check;
  private final ReentrantLock writes = new ReentrantLock(true);

  public SeedApi(Settings settings, SyncJob.TreeCheck check) {
    this.settings = settings;
    this.check = check;
  }

  public Settings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- reads

  /** GET of one intent ({@code name}) or of the list ({@code name} null). */
  public Response get(Address at, Resource resource, String name) {
    Response bad = checkAddress(at, resource, name);
    if (bad != null) {
      return bad;
    }
    try {
      Composite app = new Composite(readTip(), at);
      switch (resource) {
        case INBOUND -> {
          if (name == null) {
            return new Response(200, app.inbounds().stream().map(d -> SeedShapes.inbound(d.content())).toList());
          }
          return app.inbound(name).map(d -> new Response(200, SeedShapes.inbound(d.content())))
              .orElse(notFound(resource, name, at));
        }
        case CLIENT -> {
          List<IntentDocument> clients = app.clientsAt(at);
          if (clients == null) {
            return notFound(Resource.INBOUND, at.inbound(), at);
          }
          if (name == null) {
            return new Response(200, clients.stream().map(d -> SeedShapes.client(d.content())).toList());
          }
          return clients.stream().filter(d -> d.name().equals(name)).findFirst()
              .map(d -> new Response(200, SeedShapes.client(d.content()))).orElse(notFound(resource, name, at));
        }
        default -> {
          Optional<IntentDocument> client = app.clientAt(at, at.client());
          if (client.isEmpty()) {
            return notFound(Resource.CLIENT, at.client(), at);
          }
          Map<String, Object> content = client.get().content();
          String current = SeedShapes.securityName(content);
          if (name == null) {
            return new Response(200, current != null ? List.of(SeedShapes.security(content)) : List.of());
          }
          return current != null && (name.equals(current) || name.equals(SECURITY_INTENT))
              ? new Response(200, SeedShapes.security(content)) : noSecurity(at, name, current);
        }
      }
    } catch (GitOperationException e) {
      LOG.warn("seed API read failed: {}", e.getMessage());
      return error(503, "cannot read the source repository: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * POST or PUT.
   *
   * @param pathName the intent's name in the path (a PUT's; a POST has none, but for
   *     {@code .../security/security-intent}), or null
   */
  public Response write(Caller caller, Address at, Resource resource, String pathName, boolean put, byte[] body,
      String requestId) {
    Response bad = checkAddress(at, resource, pathName);
    if (bad != null) {
      return bad;
    }
    boolean alias = resource == Resource.SECURITY && SECURITY_INTENT.equals(pathName);
    if (!put && pathName != null && !alias) {
      return error(405, "POST creates in a collection; " + resource.label() + " " + pathName + " is changed with PUT");
    }
    LocatedJson json;
    try {
      json = LocatedJson.parse(body);
    } catch (LocatedJson.SyntaxException e) {
      return problems(List.of(new SeedProblem(null, e.position().line(), e.position().column(), "$", e.getMessage())));
    }
    if (!(json.root() instanceof Map<?, ?> root)) {
      return error(400, "the body must be a JSON object with metadata and spec");
    }
    Object bodyName = root.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
    if (put && !alias && bodyName != null && !pathName.equals(bodyName)) {
      return error(400, "metadata.name \"" + bodyName + "\" differs from the name in the path, \"" + pathName
          + "\"; renaming is a DELETE and a POST");
    }
    // With the alias the name is the body's, else decided on the tip (the client's current one, or the alias).
    String intentName = put && !alias ? pathName : bodyName instanceof String text ? text : null;
    if (resource == Resource.INBOUND && RESERVED_INBOUND_NAME.equals(intentName)) {
      return error(400, "an inbound service intent cannot be named \"" + RESERVED_INBOUND_NAME + "\" through the API:"
          + " .../traffic-intent-set/us-to-us-intents/" + RESERVED_INBOUND_NAME + " is the clients collection of the"
          + " seed's path form .../{intent set}/{inbound intent}/clients; choose another name");
    }
    String verb = put ? "update" : "create";
    return commit(caller, at, resource, intentName != null ? intentName : pathName, verb, requestId,
        tip -> decideWrite(tip, at, resource, intentName, alias, put, json));
  }

  /** DELETE. */
  public Response delete(Caller caller, Address at, Resource resource, String name, String requestId) {
    Response bad = checkAddress(at, resource, name);
    if (bad != null) {
      return bad;
    }
    return commit(caller, at, resource, name, "delete", requestId, tip -> decideDelete(tip, at, resource, name));
  }

  private Response commit(Caller caller, Address at, Resource resource, String name, String verb, String requestId,
      IntentCommit.Edit<Response> edit) {
    String subject = "meshgate seed API: " + verb + " " + resource.label() + " " + (name == null ? "" : name)
        + " (" + at.describe() + ")";
    String message = subject + "\n\nRequested-By: " + caller.identity() + "\nRequest-Id: " + requestId + "\n";
    String reviewBranch = settings.mode() == CommitMode.REVIEW
        ? "meshgate/api/" + at.project() + "/" + verb + "-" + resource.name().toLowerCase(Locale.ROOT) + "-"
            + (name == null ? "intent" : name) + "-" + shortId(requestId)
        : null;
    IntentCommit.Result<Response> result;
    writes.lock();
    try {
      result = IntentCommit.to(settings.source()).branch(settings.sourceBranch()).intentsPath(settings.intentsPath())
          .cacheDir(settings.cacheDir()).tempParent(settings.scratchDir()).credentials(settings.credentials())
          .retry(settings.retry()).run(edit, caller.person(), settings.committer(), message, reviewBranch);
    } catch (GitOperationException e) {
      LOG.warn("seed API write failed, nothing committed: {}", e.getMessage());
      return error(503, "nothing committed: " + e.getMessage());
    } catch (Exception e) {
      LOG.warn("seed API write failed, nothing committed: {}", e.toString());
      return error(503, "nothing committed: the check could not run (" + MeshgateService.deepestMessage(e) + ")");
    } finally {
      writes.unlock();
    }
    Response answer = result.answer();
    if (!result.committed()) {
      return answer;
    }
    LOG.info("{} by {} -> {} {} (request {})", subject, caller.identity(), result.branch(),
        result.commitId().substring(0, 7), requestId);
    Map<String, Object> body = answer.body() instanceof Map<?, ?> map ? new LinkedHashMap<>(asStringMap(map))
        : new LinkedHashMap<>();
    body.put("commit", result.commitId());
    body.put("branch", result.branch());
    if (reviewBranch != null) {
      String text = (body.containsKey("Message") ? body.get("Message") + "; " : "") + "proposed on branch " + reviewBranch;
      if (settings.forge() != null) {
        try {
          Forge.Review review = settings.forge().open(reviewBranch, settings.sourceBranch(), subject,
              "Requested by " + caller.identity() + " through meshgate's seed API (request " + requestId + ").\n\n"
                  + "meshgate checked the change (structure and policies) on " + settings.sourceBranch() + " at "
                  + result.baseCommit() + " before committing it.");
          body.put("pullRequest", review.url());
          text += ": " + settings.forge().reviewName() + " " + review.url();
        } catch (Forge.ForgeException e) {
          LOG.warn("seed API: branch {} pushed, but {}", reviewBranch, e.getMessage());
          Map<String, Object> failed = new LinkedHashMap<>();
          failed.put("error", "the change was pushed to branch " + reviewBranch + ", but " + e.getMessage()
              + "; open it by hand");
          failed.put("branch", reviewBranch);
          failed.put("commit", result.commitId());
          return new Response(502, failed);
        }
      } else {
        text += " (no forge configured: open a pull request for it)";
      }
      if (body.containsKey("Message")) {
        body.put("Message", text);
      }
    }
    if (answer.status() == 204) {
      // On the source branch the deletion is done (no content); on a review branch it is only proposed.
      return reviewBranch == null ? new Response(204, null) : new Response(200, body);
    }
    return new Response(answer.status(), body);
  }

  /**
   * @param name the intent's name: the path's (PUT) or the body's (POST); with {@code alias} (a
   *     security intent written to {@code .../security/security-intent}) the body's, or null
   */
  private IntentCommit.Decision<Response> decideWrite(IntentCommit.Tip tip, Address at, Resource resource, String name,
      boolean alias, boolean put, LocatedJson json) throws Exception {
    SourceSnapshot snapshot = tip.snapshot();
    Composite app = new Composite(IntentLoader.load(snapshot.intentsDir()), at);
    Placement placement;
    try {
      placement = placement(tip);
    } catch (Placement.PlacementException e) {
      return IntentCommit.Decision.refuse(error(409, "the repository's placement file cannot be used: " + e.getMessage()));
    }
    SeedConverter converter = new SeedConverter(placement);
    SeedConverter.Source source = new SeedConverter.Source(null, "$", json);
    Object body = json.root();
    Kind kind = resource == Resource.INBOUND ? Kind.InboundService : Kind.ServiceClient;
    IntentModel model;
    Optional<IntentDocument> existing;
    String status;
    String targetNote = null;
    switch (resource) {
      case INBOUND -> {
        existing = app.inbound(name);
        Optional<IntentDocument> elsewhere = app.anywhere(Kind.InboundService, name);
        if (!put && elsewhere.isPresent() || put && existing.isEmpty() && elsewhere.isPresent()) {
          return IntentCommit.Decision.refuse(conflict(Kind.InboundService, name, elsewhere.get()));
        }
        model = converter.inbound(source, body);
        status = existing.isPresent() ? "updated" : "created";
      }
      case CLIENT -> {
        existing = put ? app.clientAt(at, name) : Optional.empty();
        Optional<IntentDocument> elsewhere = app.anywhere(Kind.ServiceClient, name);
        if (existing.isEmpty() && elsewhere.isPresent()) {
          return IntentCommit.Decision.refuse(conflict(Kind.ServiceClient, name, elsewhere.get()));
        }
        String current = existing.map(d -> targetOf(d.content())).orElse(null);
        Target target = target(app, at, SeedConverter.bodyTarget(body), current);
        if (target.refusal() != null) {
          return IntentCommit.Decision.refuse(target.refusal());
        }
        Object security = existing.filter(d -> SeedShapes.hasSecurity(d.content()))
            .map(d -> (Object) SeedShapes.security(d.content())).orElse(null);
        model = converter.client(source, body, target.chosen(), (String) spec(target.inbound().content()).get("app"),
            security == null ? null : new SeedConverter.Security(
                new SeedConverter.Source(null, "$(security intent)", null), security, null));
        targetNote = target.note();
        status = existing.isPresent() ? "updated" : "created";
      }
      default -> {
        Optional<IntentDocument> client = app.clientAt(at, at.client());
        if (client.isEmpty()) {
          return IntentCommit.Decision.refuse(notFound(Resource.CLIENT, at.client(), at));
        }
        Map<String, Object> content = client.get().content();
        String current = SeedShapes.securityName(content);
        // The security intent's name after this write.
        String securityName = !alias ? name : name != null ? name : put && current != null ? current : SECURITY_INTENT;
        Object rawName = body instanceof Map<?, ?> map && map.get("metadata") instanceof Map<?, ?> metadata
            ? metadata.get("name") : null;
        if (securityName == null && rawName == null) {
          return IntentCommit.Decision.refuse(problems(List.of(new SeedProblem(null, 1, 1, "$.metadata",
              "missing \"name\": every seed intent has metadata.name"))));
        }
        if (current != null && (!put || !current.equals(securityName))) {
          return IntentCommit.Decision.refuse(error(409, "client " + at.client() + " has security intent " + current
              + " already; a client holds one: PUT or DELETE .../security/" + current
              + (put ? " (renaming is a DELETE and a POST)" : "")));
        }
        existing = client;
        Map<String, Object> clientBody = SeedShapes.client(content);
        Object app0 = spec(content).get("app");
        model = converter.client(SeedConverter.Source.stored(client.get().source().file()), clientBody,
            SeedConverter.Target.postedUnder(targetOf(content)),
            app0 instanceof String text ? text : null, new SeedConverter.Security(source, body, securityName));
        status = current == null ? "created" : "updated";
      }
    }
    if (model == null || !converter.problems().isEmpty()) {
      return IntentCommit.Decision.refuse(problems(converter.problems()));
    }
    String repositoryPath;
    if (existing.isPresent()) {
      Optional<String> own = app.ownFile(existing.get());
      if (own.isEmpty()) {
        return IntentCommit.Decision.refuse(error(409, kind + " " + existing.get().name() + " is defined in "
            + existing.get().source().file() + " together with other intents; the API edits only files that hold one"
            + " intent: move it into a file of its own first"));
      }
      repositoryPath = own.get();
    } else {
      repositoryPath = app.newFile(kind, model.name());
      if (Files.exists(app.onDisk(snapshot, repositoryPath))) {
        return IntentCommit.Decision.refuse(error(409, repositoryPath + " exists already and holds something else"));
      }
    }
    byte[] content = model.toYaml().getBytes(StandardCharsets.UTF_8);
    Path file = app.onDisk(snapshot, repositoryPath);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    SyncJob.CheckedTree checked = check.check(snapshot.intentsDir(), AllocationLedger.empty());
    if (checked.hasErrors()) {
      return IntentCommit.Decision.refuse(denied(checked.violations()));
    }
    String answerName = resource == Resource.SECURITY ? String.valueOf(securityNameOf(model)) : model.name();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("name", answerName);
    answer.put("Message", resource.label() + " " + answerName + " " + status + (targetNote == null ? "" : "; " + targetNote));
    if (resource == Resource.CLIENT) {
      answer.put("target", model.spec().get("target"));
    }
    answer.put("file", repositoryPath);
    List<Map<String, Object>> warnings = Json.violations(checked.violations());
    if (!warnings.isEmpty()) {
      answer.put("warnings", warnings);
    }
    SortedMap<String, byte[]> changes = new TreeMap<>();
    changes.put(repositoryPath, content);
    return new IntentCommit.Decision<>(new Response("created".equals(status) ? 201 : 200, answer), changes);
  }

  private static Object securityNameOf(IntentModel model) {
    Object labels = model.metadata().get("labels");
    return labels instanceof IntentModel.Fields fields ? fields.get(SeedConverter.SECURITY_INTENT_LABEL) : null;
  }

  private IntentCommit.Decision<Response> decideDelete(IntentCommit.Tip tip, Address at, Resource resource, String name)
      throws Exception {
    SourceSnapshot snapshot = tip.snapshot();
    Composite app = new Composite(IntentLoader.load(snapshot.intentsDir()), at);
    IntentDocument document;
    byte[] replacement = null;
    String deleted = name;
    switch (resource) {
      case INBOUND -> {
        Optional<IntentDocument> inbound = app.inbound(name);
        if (inbound.isEmpty()) {
          return IntentCommit.Decision.refuse(notFound(resource, name, at));
        }
        List<String> clients = app.load.documents().stream()
            .filter(d -> d.kind() == Kind.ServiceClient && name.equals(spec(d.content()).get("target")))
            .map(IntentDocument::name).sorted().toList();
        if (!clients.isEmpty()) {
          return IntentCommit.Decision.refuse(error(409, "inbound service intent " + name + " still has clients ("
              + String.join(", ", clients) + "); delete them first"));
        }
        document = inbound.get();
      }
      case CLIENT -> {
        Optional<IntentDocument> client = app.clientAt(at, name);
        if (client.isEmpty()) {
          return IntentCommit.Decision.refuse(notFound(resource, name, at));
        }
        document = client.get();
      }
      default -> {
        Optional<IntentDocument> client = app.clientAt(at, at.client());
        if (client.isEmpty()) {
          return IntentCommit.Decision.refuse(notFound(Resource.CLIENT, at.client(), at));
        }
        String current = SeedShapes.securityName(client.get().content());
        if (current == null || !(name.equals(current) || name.equals(SECURITY_INTENT))) {
          return IntentCommit.Decision.refuse(noSecurity(at, name, current));
        }
        deleted = current;
        document = client.get();
        Map<String, Object> content = document.content();
        Object app0 = spec(content).get("app");
        SeedConverter converter = new SeedConverter(Placement.none());
        IntentModel model = converter.client(SeedConverter.Source.stored(document.source().file()),
            SeedShapes.client(content), SeedConverter.Target.postedUnder(targetOf(content)),
            app0 instanceof String text ? text : null, null);
        if (model == null) {
          return IntentCommit.Decision.refuse(problems(converter.problems()));
        }
        replacement = model.toYaml().getBytes(StandardCharsets.UTF_8);
      }
    }
    Optional<String> own = app.ownFile(document);
    if (own.isEmpty()) {
      return IntentCommit.Decision.refuse(error(409, document.kind() + " " + document.name() + " is defined in "
          + document.source().file() + " together with other intents; the API edits only files that hold one intent"));
    }
    Path file = app.onDisk(snapshot, own.get());
    if (replacement == null) {
      Files.delete(file);
    } else {
      Files.write(file, replacement);
    }
    SyncJob.CheckedTree checked = check.check(snapshot.intentsDir(), AllocationLedger.empty());
    if (checked.hasErrors()) {
      return IntentCommit.Decision.refuse(denied(checked.violations()));
    }
    SortedMap<String, byte[]> changes = new TreeMap<>();
    changes.put(own.get(), replacement);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("name", deleted);
    answer.put("Message", resource.label() + " " + deleted + " deleted");
    answer.put("file", own.get());
    return new IntentCommit.Decision<>(new Response(204, answer), changes);
  }

  private Placement placement(IntentCommit.Tip tip) throws Placement.PlacementException, IOException {
    if (settings.placementPath() == null) {
      return Placement.none();
    }
    Optional<byte[]> bytes = tip.file(settings.placementPath());
    return bytes.isEmpty() ? Placement.none()
        : Placement.parse(settings.placementPath(), new String(bytes.get(), StandardCharsets.UTF_8));
  }

  /** What the loader read at one source commit: reads reuse it while the branch stays there. */
  private record TipLoad(String commit, LoadResult load) {}

  private volatile TipLoad lastRead;

  /**
   * The intents of the source branch's tip. The tip is asked from the remote's ref advertisement
   * (cheap); only a new tip is fetched, written out and loaded again, so reads of a large repository
   * stay fast while nothing changes.
   */
  private LoadResult readTip() {
    Optional<String> tip = io.meshgate.publish.EnvironmentPublish.remoteTip(settings.source(), settings.sourceBranch(),
        settings.credentials(), 60);
    TipLoad last = lastRead;
    if (tip.isPresent() && last != null && last.commit().equals(tip.get())) {
      return last.load();
    }
    try (SourceSnapshot snapshot = io.meshgate.publish.SourceFetch.from(settings.source())
        .branch(settings.sourceBranch()).intentsPath(settings.intentsPath()).cacheDir(settings.cacheDir())
        .tempParent(settings.scratchDir()).credentials(settings.credentials()).retry(settings.retry()).call()) {
      LoadResult load = IntentLoader.load(snapshot.intentsDir());
      lastRead = new TipLoad(snapshot.commitId(), load);
      return load;
    }
  }

  // ---------------------------------------------------------------- the intents of one composite app

  /** The intents of one composite app's folder, within everything the loader read. */
  private final class Composite {
    final LoadResult load;
    /** {@code intents/<project>/<app>/<version>/} as the loader labels files. */
    final String label;
    /** {@code <intents path>/<project>/<app>/<version>/} in the repository. */
    final String repositoryFolder;

    Composite(LoadResult load, Address at) {
      this.load = load;
      String intents = settings.intentsPath();
      String rootLabel = intents.substring(intents.lastIndexOf('/') + 1);
      String folder = at.project() + "/" + at.compositeApp() + "/" + at.version() + "/";
      this.label = rootLabel + "/" + folder;
      this.repositoryFolder = intents + "/" + folder;
    }

    List<IntentDocument> inbounds() {
      return mine(Kind.InboundService).toList();
    }

    Optional<IntentDocument> inbound(String name) {
      return mine(Kind.InboundService).filter(d -> d.name().equals(name)).findFirst();
    }

    List<IntentDocument> clients(String inbound) {
      return mine(Kind.ServiceClient).filter(d -> inbound.equals(spec(d.content()).get("target"))).toList();
    }

    /**
     * The clients a path's inbound segment stands for: those of the inbound intent it names, or, when
     * it names none and may be a literal ({@code uservice-to-uservice-intent}), every client of the
     * composite app (client names are unique, so one is found by name alone); null when it must name
     * an inbound intent and does not.
     */
    List<IntentDocument> clientsAt(Address at) {
      if (inbound(at.inbound()).isPresent()) {
        return clients(at.inbound());
      }
      return at.inboundMayBeLiteral() ? mine(Kind.ServiceClient).toList() : null;
    }

    Optional<IntentDocument> clientAt(Address at, String name) {
      List<IntentDocument> clients = clientsAt(at);
      return clients == null ? Optional.empty() : clients.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    Optional<IntentDocument> anywhere(Kind kind, String name) {
      return load.documents().stream().filter(d -> d.kind() == kind && d.name().equals(name)).findFirst();
    }

    private java.util.stream.Stream<IntentDocument> mine(Kind kind) {
      return load.documents().stream().filter(d -> d.kind() == kind && d.source().file().startsWith(label))
          .sorted(Comparator.comparing(IntentDocument::name));
    }

    /** The repository path of the document's file when it holds this document only. */
    Optional<String> ownFile(IntentDocument document) {
      String file = document.source().file();
      long sharing = load.documents().stream().filter(d -> d.source().file().equals(file)).count();
      return sharing == 1 ? Optional.of(repositoryFolder + file.substring(label.length())) : Optional.empty();
    }

    String newFile(Kind kind, String name) {
      return repositoryFolder + io.meshgate.emco.SeedImport.pathOf(kind, name);
    }

    Path onDisk(SourceSnapshot snapshot, String repositoryPath) {
      return snapshot.intentsDir().resolve(repositoryPath.substring(settings.intentsPath().length() + 1));
    }
  }

  // ---------------------------------------------------------------- answers

  private Response checkAddress(Address at, Resource resource, String name) {
    if (at.intentSet() != null && (!SEGMENT.matcher(at.intentSet()).matches() || at.intentSet().contains(".."))) {
      return error(404, "\"" + at.intentSet() + "\" cannot be an intent set: use letters, digits, '.', '_' and '-'");
    }
    for (String segment : new String[] {at.project(), at.compositeApp(), at.version()}) {
      // They become folder and branch names: no "..", and no ".lock" ending (Git refuses such refs).
      if (segment == null || !SEGMENT.matcher(segment).matches() || segment.contains("..") || segment.endsWith(".lock")) {
        return error(400, "\"" + segment + "\" cannot name a project, composite app or version here: use letters,"
            + " digits, '.', '_' and '-' (at most 63)");
      }
    }
    for (String intent : new String[] {resource == Resource.INBOUND ? null : at.inbound(),
        resource == Resource.SECURITY ? at.client() : null, name}) {
      if (intent != null && !NAME.matcher(intent).matches()) {
        return error(404, "no intent is named \"" + intent + "\": intent names are DNS-1123 labels");
      }
    }
    return null;
  }

  /**
   * The inbound intent a client write is for; with {@code refusal} set, none.
   *
   * @param chosen what the converter writes as {@code target} when the body names none
   * @param note said in the answer's Message when the path did not name it, or null
   */
  private record Target(IntentDocument inbound, SeedConverter.Target chosen, String note, Response refusal) {
    static Target refused(Response refusal) {
      return new Target(null, null, null, refusal);
    }
  }

  /**
   * Which inbound intent a client written at {@code at} calls. An inbound segment that names an
   * inbound intent of the composite app decides (a body naming another is refused). Otherwise, in
   * the seed's literal form only: the body's {@code target} / {@code inboundServerIntent}, else the
   * client's current target (PUT), else the composite app's only inbound intent. With none, 404;
   * with several, 422: one of several is never picked. Both answers list the inbound intents.
   */
  private static Target target(Composite app, Address at, String bodyTarget, String currentTarget) {
    Optional<IntentDocument> named = app.inbound(at.inbound());
    if (named.isPresent()) {
      if (bodyTarget != null && !bodyTarget.equals(at.inbound())) {
        return Target.refused(error(400, "\"target\" must be " + at.inbound() + ", the inbound intent in the path"));
      }
      return new Target(named.get(), SeedConverter.Target.postedUnder(at.inbound()), null, null);
    }
    if (!at.inboundMayBeLiteral()) {
      return Target.refused(notFound(Resource.INBOUND, at.inbound(), at));
    }
    List<IntentDocument> inbounds = app.inbounds();
    List<String> names = inbounds.stream().map(IntentDocument::name).toList();
    String wanted = bodyTarget != null ? bodyTarget : currentTarget;
    if (wanted != null) {
      Optional<IntentDocument> chosen = app.inbound(wanted);
      if (chosen.isEmpty()) {
        return Target.refused(targetError(404, "inbound service intent " + wanted + " ("
            + (bodyTarget != null ? "the body's target" : "the client's target") + ") not found in " + at.describe()
            + "; it holds " + (names.isEmpty() ? "none" : listed(names)), names));
      }
      return new Target(chosen.get(), new SeedConverter.Target(wanted, bodyTarget != null ? "from the body"
          : "the inbound intent it calls already"), null, null);
    }
    String literal = "\"" + at.intentSet() + "/" + at.inbound() + "\" in the URL names no inbound service intent";
    if (inbounds.size() == 1) {
      String only = names.get(0);
      String why = "the only inbound service intent of " + at.describe() + " (" + literal + ")";
      return new Target(inbounds.get(0), new SeedConverter.Target(only, why), "it calls " + only + ", " + why, null);
    }
    if (inbounds.isEmpty()) {
      return Target.refused(targetError(404, literal + " and " + at.describe() + " holds none for the client to call:"
          + " create it first (POST .../traffic-intent-set/us-to-us-intents), then the client", names));
    }
    return Target.refused(targetError(422, literal + " and " + at.describe() + " holds " + names.size() + " ("
        + listed(names) + "): say which one this client calls, with \"target\": \"<name>\" (or"
        + " \"inboundServerIntent\") in spec, or post it to .../traffic-intent-set/us-to-us-intents/<name>/clients;"
        + " nothing was committed", names));
  }

  /** Names for a message: a composite app may hold thousands (the answer's list holds them all). */
  private static String listed(List<String> names) {
    int shown = 20;
    return names.size() <= shown ? String.join(", ", names)
        : String.join(", ", names.subList(0, shown)) + " and " + (names.size() - shown) + " more (see inboundIntents)";
  }

  private static Response targetError(int status, String message, List<String> inboundIntents) {
    Map<String, Object> body = Json.error(message);
    body.put("inboundIntents", inboundIntents);
    return new Response(status, body);
  }

  private static Response noSecurity(Address at, String name, String current) {
    return current == null ? error(404, "client " + at.client() + " has no security intent")
        : error(404, "security intent " + name + " not found: client " + at.client() + " holds security intent " + current
            + " (.../security/" + current + " or .../security/" + SECURITY_INTENT + ")");
  }

  private static Response notFound(Resource resource, String name, Address at) {
    return error(404, resource.label() + " " + name + " not found in " + at.describe());
  }

  private static Response conflict(Kind kind, String name, IntentDocument existing) {
    return error(409, kind + " " + name + " exists already (" + existing.source().file()
        + "); names are unique per kind in the whole repository");
  }

  private static Response problems(List<SeedProblem> problems) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "the body cannot be mapped to meshgate intents; nothing was committed");
    List<Map<String, Object>> list = new ArrayList<>();
    for (SeedProblem problem : problems) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("path", problem.jsonPath());
      entry.put("line", problem.line());
      entry.put("column", problem.column());
      entry.put("message", problem.message());
      list.add(entry);
    }
    body.put("problems", list);
    return new Response(400, body);
  }

  private static Response denied(List<Violation> violations) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "the change breaks the repository's rules (structure or policies); nothing was committed");
    body.put("violations", Json.violations(violations));
    return new Response(422, body);
  }

  static Response error(int status, String message) {
    return new Response(status, Json.error(message));
  }

  /** A ServiceClient's target, or null. */
  private static String targetOf(Map<String, Object> content) {
    return spec(content).get("target") instanceof String target ? target : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> content) {
    return content.get("spec") instanceof Map<?, ?> spec ? (Map<String, Object>) spec : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asStringMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  private static String shortId(String requestId) {
    String clean = requestId == null ? "" : requestId.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    if (clean.length() < 6) {
      clean = Long.toHexString(System.nanoTime());
    }
    return clean.substring(Math.max(0, clean.length() - 8));
  }
}
