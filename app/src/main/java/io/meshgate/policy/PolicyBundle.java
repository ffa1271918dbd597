package io.meshgate.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The policies of one directory, read once: the Rego modules (tests apart), the data files, and a
 * digest over all of them. Both engines evaluate exactly this, and provenance records its digest.
 *
 * <p>Like {@code opa run DIR}: every {@code *.rego} below the directory is a module, and every
 * {@code data.json}/{@code data.yaml}/{@code data.yml} is merged into {@code data} at the path of its
 * folder (so {@code policies/data.yaml} lands at the root of {@code data}). Hidden folders are skipped.
 */
public final class PolicyBundle {

  /** One file of the bundle; {@code path} is relative to the bundle root, forward slashes. */
  public record PolicyFile(String path, String text) {}

  private final Path root;
  private final List<PolicyFile> modules;
  private final List<PolicyFile> testModules;
  private final List<PolicyFile> dataFiles;
  private final Map<String, Object> data;
  private final String digest;

  private PolicyBundle(Path root, List<PolicyFile> modules, List<PolicyFile> testModules,
      List<PolicyFile> dataFiles, Map<String, Object> data, String digest) {
    this.root = root;
    this.modules = List.copyOf(modules);
    this.testModules = List.copyOf(testModules);
    this.dataFiles = List.copyOf(dataFiles);
    this.data = data;
    this.digest = digest;
  }

  /**
   * Reads a policies directory.
   *
   * @throws PolicyEngineException when the directory is missing, holds no policy module, or a data
   *     file is unreadable or not a mapping
   */
  public static PolicyBundle load(Path directory) throws PolicyEngineException {
    Path root = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new PolicyEngineException("policies directory " + directory + " does not exist");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile)
          .filter(file -> !hidden(root, file))
          .sorted((a, b) -> relative(root, a).compareTo(relative(root, b)))
          .toList();
    } catch (IOException e) {
      throw new PolicyEngineException("cannot read policies directory " + directory + ": " + e.getMessage(), e);
    }
    List<PolicyFile> modules = new ArrayList<>();
    List<PolicyFile> tests = new ArrayList<>();
    List<PolicyFile> dataFiles = new ArrayList<>();
    Map<String, Object> data = new TreeMap<>();
    for (Path file : files) {
      String path = relative(root, file);
      String fileName = file.getFileName().toString();
      boolean rego = fileName.endsWith(".rego");
      boolean dataFile = fileName.equals("data.json") || fileName.equals("data.yaml") || fileName.equals("data.yml");
      if (!rego && !dataFile) {
        continue;
      }
      String text = read(file, path);
      PolicyFile policyFile = new PolicyFile(path, text);
      if (rego && fileName.endsWith("_test.rego")) {
        tests.add(policyFile);
      } else if (rego) {
        modules.add(policyFile);
      } else {
        dataFiles.add(policyFile);
        mergeAt(data, folderSegments(path), parseData(policyFile), path);
      }
    }
    if (modules.isEmpty()) {
      throw new PolicyEngineException("no policy modules (*.rego) in " + directory
          + "; refusing to run without policies");
    }
    for (PolicyFile module : modules) {
      rejectFindingsOutsideMeshgate(root, module);
    }
    List<PolicyFile> all = new ArrayList<>();
    all.addAll(modules);
    all.addAll(tests);
    all.addAll(dataFiles);
    return new PolicyBundle(root, modules, tests, dataFiles, data, digestOf(all));
  }

  private static final java.util.regex.Pattern PACKAGE =
      java.util.regex.Pattern.compile("(?m)^\\s*package\\s+([A-Za-z_][\\w.]*)");
  private static final java.util.regex.Pattern FINDING_RULE =
      java.util.regex.Pattern.compile("(?m)^(deny|warn)\\b\\s*(contains|if|\\[|:=|=|\\{)");

  /**
   * Only {@code data.meshgate} is read. A {@code deny} in another package (conftest's
   * {@code package main}, say) would be silently ignored and the run would pass: fail closed.
   */
  private static void rejectFindingsOutsideMeshgate(Path root, PolicyFile module) throws PolicyEngineException {
    String text = module.text().replaceAll("(?m)#.*$", "");
    java.util.regex.Matcher pkg = PACKAGE.matcher(text);
    if (!pkg.find()) {
      return; // the parser reports a module without a package
    }
    String name = pkg.group(1);
    if (name.equals("meshgate") || name.startsWith("meshgate.")) {
      return;
    }
    java.util.regex.Matcher rule = FINDING_RULE.matcher(text);
    if (rule.find()) {
      int line = 1 + (int) text.substring(0, rule.start()).chars().filter(c -> c == '\n').count();
      String label = (root.getFileName() == null ? "" : root.getFileName() + "/") + module.path();
      throw new PolicyEngineException(label + ":" + line + ": package " + name + " defines " + rule.group(1)
          + ", but meshgate only reads deny and warn below data.meshgate, so this rule would never run; "
          + "rename the package to meshgate or meshgate.<name>");
    }
  }

  public Path root() {
    return root;
  }

  /** The modules that are evaluated (every {@code .rego} except {@code *_test.rego}), sorted by path. */
  public List<PolicyFile> modules() {
    return modules;
  }

  /** The {@code *_test.rego} modules, sorted by path; only {@code policy test} loads them. */
  public List<PolicyFile> testModules() {
    return testModules;
  }

  /** The data files as read, sorted by path. */
  public List<PolicyFile> dataFiles() {
    return dataFiles;
  }

  /** The merged base document ({@code data} without the policies), sorted keys. */
  public Map<String, Object> data() {
    return data;
  }

  /**
   * {@code sha256:<hex>} over every file of the bundle (modules, tests, data files) in path order,
   * each as its relative path, a NUL, its content, a NUL: any change to any file changes it.
   */
  public String digest() {
    return digest;
  }

  private static String digestOf(List<PolicyFile> files) {
    List<PolicyFile> sorted = new ArrayList<>(files);
    sorted.sort((a, b) -> a.path().compareTo(b.path()));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (PolicyFile file : sorted) {
        sha.update(file.path().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(file.text().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  private static boolean hidden(Path root, Path file) {
    for (Path part : root.relativize(file)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  private static String read(Path file, String path) throws PolicyEngineException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyEngineException("cannot read policy file " + path + ": " + e.getMessage(), e);
    }
  }

  private static List<String> folderSegments(String path) {
    List<String> segments = new ArrayList<>(List.of(path.split("/")));
    segments.remove(segments.size() - 1);
    return segments;
  }

  private static Map<String, Object> parseData(PolicyFile file) throws PolicyEngineException {
    Object parsed;
    try {
      // JSON is YAML, so one safe loader reads both; SafeConstructor builds plain maps and lists only.
      parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(file.text());
    } catch (MarkedYAMLException e) {
      throw new PolicyEngineException("policy data file " + file.path() + ":"
          + (e.getProblemMark().getLine() + 1) + ": " + e.getProblem(), e);
    } catch (YAMLException e) {
      throw new PolicyEngineException("policy data file " + file.path() + ": " + e.getMessage(), e);
    }
    if (parsed == null) {
      return Map.of();
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new PolicyEngineException("policy data file " + file.path() + " must hold a mapping at the top");
    }
    return normalize(map);
  }

  @SuppressWarnings("unchecked")
  private static void mergeAt(Map<String, Object> data, List<String> folder, Map<String, Object> document,
      String path) throws PolicyEngineException {
    Map<String, Object> target = data;
    for (String segment : folder) {
      Object child = target.computeIfAbsent(segment, key -> new TreeMap<String, Object>());
      if (!(child instanceof Map<?, ?>)) {
        throw new PolicyEngineException("policy data file " + path + " conflicts with data at " + segment);
      }
      target = (Map<String, Object>) child;
    }
    for (Map.Entry<String, Object> entry : document.entrySet()) {
      if (target.containsKey(entry.getKey())) {
        throw new PolicyEngineException("policy data file " + path + " redefines data key " + entry.getKey());
      }
      target.put(entry.getKey(), entry.getValue());
    }
  }

  /** Sorted string keys at every level, so data is deterministic whatever the YAML order. */
  private static Map<String, Object> normalize(Map<?, ?> map) {
    Map<String, Object> result = new TreeMap<>();
    map.forEach((key, value) -> result.put(String.valueOf(key), normalizeValue(value)));
    return result;
  }

  private static Object normalizeValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      return normalize(map);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(PolicyBundle::normalizeValue).toList();
    }
    return value;
  }
}
