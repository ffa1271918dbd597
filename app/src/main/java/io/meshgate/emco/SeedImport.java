package io.meshgate.emco;

import io.meshgate.intent.Kind;
import io.meshgate.intent.SeedFieldNames.Body;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code meshgate import emco}: reads the seed's JSON bodies from files and folders and converts
 * them into one intent file per intent. A body's place in the folder tree is its URL's: a client
 * saved as {@code <inbound>/clients/<client>.json} calls {@code <inbound>}, a security intent saved
 * as {@code <client>/security/<name>.json} belongs to {@code <client>} and is merged into it (the
 * contract's ServiceClient is the seed's client and security intent together).
 */
public final class SeedImport {
  /** Files larger than this are refused: a seed body is a few hundred bytes. */
  public static final long MAX_FILE_BYTES = 1024 * 1024;
  public static final int MAX_FILES = 10_000;
  public static final String SERVICES_FOLDER = "services";
  public static final String CLIENTS_FOLDER = "clients";

  /** One intent file to write, relative to the output folder ({@code services/httpbin.yaml}). */
  public record IntentFile(String path, Kind kind, String name, IntentModel model) {}

  /** The files to write, or the problems (then nothing may be written). */
  public record Result(List<IntentFile> files, List<SeedProblem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** A body read from a file, with the parents its place in the folder tree gives. */
  private record Located(SeedConverter.Source source, Object body, String inbound, String client) {}

  private SeedImport() {}

  /** The file layout of imported intents: {@code services/<name>.yaml} and {@code clients/<name>.yaml}. */
  public static String pathOf(Kind kind, String name) {
    return (kind == Kind.InboundService ? SERVICES_FOLDER : CLIENTS_FOLDER) + "/" + name + ".yaml";
  }

  /**
   * Reads and converts.
   *
   * @param inputs files and folders as the user gave them (folders: every {@code *.json} below, sorted)
   */
  public static Result run(List<Path> inputs, Placement placement) {
    List<SeedProblem> problems = new ArrayList<>();
    List<Located> bodies = new ArrayList<>();
    for (Path file : files(inputs, problems)) {
      read(file, bodies, problems);
    }
    // Files that do not parse are reported; the others are still converted, so one run shows all.
    SeedConverter converter = new SeedConverter(placement);
    Map<Body, List<Located>> byKind = new LinkedHashMap<>();
    for (Located body : bodies) {
      Body kind = converter.kindOf(body.source(), body.body());
      if (kind != null) {
        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(body);
      }
    }
    Map<String, IntentFile> services = new TreeMap<>();
    for (Located body : byKind.getOrDefault(Body.INBOUND, List.of())) {
      IntentModel model = converter.inbound(body.source(), body.body());
      if (model != null && unique(services, Kind.InboundService, model, body, problems)) {
        services.put(model.name(), new IntentFile(pathOf(Kind.InboundService, model.name()), Kind.InboundService,
            model.name(), model));
      }
    }
    // Security intents by the client they belong to (the folder they were saved in).
    Map<String, Located> security = new LinkedHashMap<>();
    for (Located body : byKind.getOrDefault(Body.SECURITY, List.of())) {
      if (body.client() == null) {
        problems.add(body.source().problem("", "cannot tell which client this security intent belongs to: save it"
            + " as <client>/security/<name>.json, as its URL .../clients/<client>/security does"));
        continue;
      }
      Located first = security.putIfAbsent(body.client(), body);
      if (first != null) {
        problems.add(body.source().problem("", "client " + body.client() + " already has a security intent ("
            + first.source().origin() + "); a meshgate ServiceClient holds one: merge them into one serviceAccountAccess"));
      }
    }
    Map<String, IntentFile> clients = new TreeMap<>();
    for (Located body : byKind.getOrDefault(Body.CLIENT, List.of())) {
      String clientName = nameOf(body.body());
      Located securityBody = clientName == null ? null : security.remove(clientName);
      String targetApp = null;
      IntentFile target = body.inbound() == null ? null : services.get(body.inbound());
      if (target != null && target.model().spec().get("app") instanceof String app) {
        targetApp = app;
      }
      IntentModel model = converter.client(body.source(), body.body(), SeedConverter.Target.postedUnder(body.inbound()),
          targetApp, securityBody == null ? null : new SeedConverter.Security(securityBody.source(), securityBody.body(), null));
      if (model != null && unique(clients, Kind.ServiceClient, model, body, problems)) {
        clients.put(model.name(), new IntentFile(pathOf(Kind.ServiceClient, model.name()), Kind.ServiceClient,
            model.name(), model));
      }
    }
    for (Located orphan : security.values()) {
      problems.add(orphan.source().problem("", "its client " + orphan.client() + " is not among the bodies imported;"
          + " a security intent is merged into its client's file: import the client's body too"));
    }
    problems.addAll(converter.problems());
    problems.sort(java.util.Comparator.comparing(SeedProblem::file, java.util.Comparator.nullsFirst(String::compareTo))
        .thenComparingInt(SeedProblem::line).thenComparingInt(SeedProblem::column));
    if (!problems.isEmpty()) {
      return new Result(List.of(), problems);
    }
    List<IntentFile> files = new ArrayList<>(services.values());
    files.addAll(clients.values());
    return new Result(files, List.of());
  }

  private static boolean unique(Map<String, IntentFile> seen, Kind kind, IntentModel model, Located body,
      List<SeedProblem> problems) {
    if (seen.containsKey(model.name())) {
      problems.add(body.source().problem("metadata.name", "a second " + kind + " named " + model.name()
          + "; meshgate names are unique per kind: rename one of them"));
      return false;
    }
    return true;
  }

  private static String nameOf(Object body) {
    return body instanceof Map<?, ?> map && map.get("metadata") instanceof Map<?, ?> metadata
        && metadata.get("name") instanceof String name ? name : null;
  }

  /** The JSON files of the inputs, sorted per folder; a missing input is a problem. */
  private static List<Path> files(List<Path> inputs, List<SeedProblem> problems) {
    List<Path> files = new ArrayList<>();
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        try (Stream<Path> walk = Files.walk(input)) {
          walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
              .filter(p -> !hidden(input.relativize(p)))
              .sorted()
              .forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
          problems.add(new SeedProblem(input.toString(), 1, 1, "$", "cannot list the folder: " + e.getMessage()));
        }
      } else if (Files.isRegularFile(input)) {
        files.add(input);
      } else {
        problems.add(new SeedProblem(input.toString(), 1, 1, "$", "no such file or folder"));
      }
    }
    if (files.size() > MAX_FILES) {
      problems.add(new SeedProblem(inputs.get(0).toString(), 1, 1, "$", "more than " + MAX_FILES + " JSON files"));
    }
    return files;
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static void read(Path file, List<Located> bodies, List<SeedProblem> problems) {
    String label = file.normalize().toString().replace('\\', '/');
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        problems.add(new SeedProblem(label, 1, 1, "$", "file is over " + MAX_FILE_BYTES + " bytes; a seed body is far smaller"));
        return;
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      problems.add(new SeedProblem(label, 1, 1, "$", "cannot read the file (" + e.getClass().getSimpleName() + ")"));
      return;
    }
    LocatedJson json;
    try {
      json = LocatedJson.parse(bytes);
    } catch (LocatedJson.SyntaxException e) {
      problems.add(new SeedProblem(label, e.position().line(), e.position().column(), "$", e.getMessage()));
      return;
    }
    // The parents the URL gives, from the folders: <inbound>/clients/<client>/security/x.json.
    List<String> folders = new ArrayList<>();
    for (Path part : file.toAbsolutePath().normalize().getParent()) {
      folders.add(part.toString());
    }
    String inbound = null;
    String client = null;
    int n = folders.size();
    if (n >= 2 && folders.get(n - 1).equals("clients")) {
      inbound = folders.get(n - 2);
    } else if (n >= 2 && folders.get(n - 1).equals("security")) {
      client = folders.get(n - 2);
      if (n >= 4 && folders.get(n - 3).equals("clients")) {
        inbound = folders.get(n - 4);
      }
    }
    if (json.root() instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        bodies.add(new Located(new SeedConverter.Source(label, "$[" + i + "]", json), list.get(i), inbound, client));
      }
    } else {
      bodies.add(new Located(new SeedConverter.Source(label, "$", json), json.root(), inbound, client));
    }
  }
}
