package io.meshgate.crd;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Istio's CustomResourceDefinitions: for each served {@code group/version/Kind}, the structural
 * schema and CEL rules the API server applies. meshgate checks every object it renders, and every
 * overlay object, against them, so that nothing the API server would reject is ever committed.
 *
 * <p>Where they come from: the jar carries Istio's generated bundle
 * ({@code istio/api kubernetes/customresourcedefinitions.gen.yaml}), packed at build time from the
 * shared folder beside the checkout ({@code ../shared/istio-crds}, see the app's pom.xml; it is never
 * kept in this repository), and reads it in the form the build compiles it to ({@link
 * CompiledCrdBundle}). {@code --istio-crds FILE} replaces it with another bundle, e.g. the CRDs
 * of the clusters' Istio release ({@code kubectl get crd -l app=istio-pilot -o yaml}). Schemas are
 * compiled on first use of a kind and version, and shared between threads.
 */
public final class IstioCrds {

  /** Where the build puts the bundle inside the jar. */
  public static final String RESOURCE = "istio-crds/customresourcedefinitions.gen.yaml";

  /** The bundle cannot be read. */
  public static final class CrdsException extends Exception {
    public CrdsException(String message) {
      super(message);
    }
  }

  private static volatile IstioCrds bundled;
  /** What {@code --istio-crds FILE} chose for this process, or null. */
  private static volatile IstioCrds chosen;

  private final String source;
  /** group/version/Kind → the raw openAPIV3Schema. */
  private final Map<String, Object> rawSchemas = new TreeMap<>();
  private final Map<String, SchemaNode> compiled = new ConcurrentHashMap<>();
  /** group/Kind → served versions. */
  private final Map<String, Set<String>> versions = new TreeMap<>();

  private IstioCrds(String source, String yaml) throws CrdsException {
    this(source, parse(source, yaml));
  }

  private IstioCrds(String source, List<Object> documents) throws CrdsException {
    this.source = source;
    documents.forEach(this::collect);
    if (rawSchemas.isEmpty()) {
      throw new CrdsException(source + ": holds no CustomResourceDefinition with an openAPIV3Schema");
    }
  }

  /** The documents of a multi-document YAML file. */
  static List<Object> parse(String source, String yaml) throws CrdsException {
    List<Object> documents = new ArrayList<>();
    try (Reader reader = new StringReader(yaml)) {
      LoaderOptions options = new LoaderOptions();
      options.setCodePointLimit(64 * 1024 * 1024);
      for (Object document : new Yaml(new SafeConstructor(options)).loadAll(reader)) {
        documents.add(document);
      }
    } catch (IOException | YAMLException e) {
      throw new CrdsException(source + ": not a YAML file of CustomResourceDefinitions: " + e.getMessage());
    }
    return documents;
  }

  /**
   * The bundle packed into the jar.
   *
   * @throws IllegalStateException when the jar was built without it (the build refuses to)
   */
  public static IstioCrds bundled() {
    IstioCrds crds = bundled;
    if (crds == null) {
      synchronized (IstioCrds.class) {
        if (bundled == null) {
          bundled = loadBundled();
        }
        crds = bundled;
      }
    }
    return crds;
  }

  /**
   * Reads the build's compiled form of the bundle ({@link CompiledCrdBundle}): JSON without the
   * schemas' descriptions, which starts five times faster than the YAML, and the CRD check of a
   * small repository waits for it.
   */
  private static IstioCrds loadBundled() {
    try (InputStream in = IstioCrds.class.getClassLoader().getResourceAsStream(CompiledCrdBundle.RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Istio's CRD bundle " + CompiledCrdBundle.RESOURCE + " is not in this build of meshgate; "
            + "rebuild with ../shared/istio-crds present, or pass --istio-crds FILE");
      }
      return new IstioCrds("the Istio CRDs bundled with meshgate", CompiledCrdBundle.read(in));
    } catch (IOException | CrdsException e) {
      throw new IllegalStateException("cannot read the bundled Istio CRDs: " + e.getMessage(), e);
    }
  }

  /** The CRDs this process checks against: those {@code --istio-crds} chose, else the bundled ones. */
  public static IstioCrds current() {
    IstioCrds crds = chosen;
    return crds != null ? crds : bundled();
  }

  /** {@code --istio-crds FILE}: check against {@code crds} from now on, in this process (null: the bundled ones). */
  public static void use(IstioCrds crds) {
    chosen = crds;
  }

  /** A bundle from a file: multi-document YAML of CRDs, or a {@code List} of them. */
  public static IstioCrds read(Path file) throws CrdsException {
    try {
      return new IstioCrds(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CrdsException("cannot read the Istio CRDs " + file + ": " + e.getMessage());
    }
  }

  public String source() {
    return source;
  }

  @SuppressWarnings("unchecked")
  private void collect(Object document) {
    if (!(document instanceof Map<?, ?> map)) {
      return;
    }
    if (map.get("items") instanceof List<?> items) {
      items.forEach(this::collect);
      return;
    }
    if (!"CustomResourceDefinition".equals(map.get("kind")) || !(map.get("spec") instanceof Map<?, ?> spec)) {
      return;
    }
    Object group = spec.get("group");
    Object kind = spec.get("names") instanceof Map<?, ?> names ? names.get("kind") : null;
    if (!(group instanceof String) || !(kind instanceof String) || !(spec.get("versions") instanceof List<?> list)) {
      return;
    }
    for (Object entry : list) {
      if (entry instanceof Map<?, ?> version && version.get("name") instanceof String name
          && !Boolean.FALSE.equals(version.get("served"))
          && version.get("schema") instanceof Map<?, ?> schema && schema.get("openAPIV3Schema") instanceof Map<?, ?> api) {
        rawSchemas.put(group + "/" + name + "/" + kind, api);
        versions.computeIfAbsent(group + "/" + kind, k -> new TreeSet<>()).add(name);
      }
    }
  }

  /** The raw openAPIV3Schema of {@code group/version/Kind}, or null (for tests). */
  Object rawSchema(String groupVersionKind) {
    return rawSchemas.get(groupVersionKind);
  }

  /** True when a CRD serves {@code apiVersion} (group/version) for {@code kind}. */
  public boolean serves(String apiVersion, String kind) {
    return rawSchemas.containsKey(apiVersion + "/" + kind);
  }

  /** Every {@code group/Kind} of the bundle. */
  public Set<String> kinds() {
    return versions.keySet();
  }

  /**
   * What the API server would reject in {@code object} (empty when it would accept it). A core
   * {@code v1 Namespace} (the one core kind meshgate renders) is checked for its shape; any other
   * apiVersion/kind without a CRD here is one problem.
   */
  public List<CrdProblem> validate(Map<String, Object> object) {
    Object apiVersion = object.get("apiVersion");
    Object kind = object.get("kind");
    if ("v1".equals(apiVersion) && "Namespace".equals(kind)) {
      return namespaceProblems(object);
    }
    String key = apiVersion + "/" + kind;
    Object raw = rawSchemas.get(key);
    if (raw == null) {
      String group = apiVersion instanceof String v && v.contains("/") ? v.substring(0, v.indexOf('/')) : null;
      Set<String> served = versions.get(group + "/" + kind);
      return List.of(new CrdProblem("apiVersion", served != null
          ? kind + " is not served as " + apiVersion + " (served versions: " + served + ")"
          : "no CustomResourceDefinition for " + apiVersion + " " + kind + " in " + source, null));
    }
    SchemaNode schema = compiled.computeIfAbsent(key, k -> SchemaNode.of(rawSchemas.get(k)));
    return CrdValidator.validate(object, schema);
  }

  /**
   * The Namespace meshgate renders carries metadata only (nothing else of a Namespace is meshgate's
   * to set), with a DNS-1123 label for a name (the API server's rule).
   */
  private static List<CrdProblem> namespaceProblems(Map<String, Object> object) {
    List<CrdProblem> problems = new ArrayList<>();
    for (String key : object.keySet()) {
      if (!List.of("apiVersion", "kind", "metadata").contains(key)) {
        problems.add(new CrdProblem(key, "unexpected field \"" + key + "\": meshgate's Namespace objects carry metadata only", null));
      }
    }
    Object name = object.get("metadata") instanceof Map<?, ?> meta ? meta.get("name") : null;
    if (!(name instanceof String s) || !s.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      problems.add(new CrdProblem("metadata.name", "a Namespace's name must be a DNS-1123 label, not " + name, null));
    }
    if (object.get("metadata") instanceof Map<?, ?> meta && meta.containsKey("namespace")) {
      problems.add(new CrdProblem("metadata.namespace", "a Namespace is cluster-scoped and has no metadata.namespace", null));
    }
    return problems;
  }
}
