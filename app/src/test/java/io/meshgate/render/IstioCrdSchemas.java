package io.meshgate.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Istio's real CRD schemas ({@code shared/istio-crds/customresourcedefinitions.gen.yaml}), read at
 * test time, as JSON schemas. The structural OpenAPI v3 schema is checked as draft 4, with unknown
 * fields rejected (see {@link #strictFields});
 * {@code x-kubernetes-*} keywords, including the CEL rules in {@code x-kubernetes-validations}, are
 * removed and so not checked.
 */
final class IstioCrdSchemas {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static IstioCrdSchemas instance;

  /** "group/version/Kind" to the version's openAPIV3Schema. */
  private final Map<String, JsonSchema> schemas = new TreeMap<>();

  static synchronized IstioCrdSchemas load() throws IOException {
    if (instance == null) {
      instance = new IstioCrdSchemas(crdFile());
    }
    return instance;
  }

  static Path repoRoot() {
    String root = System.getProperty("meshgate.root");
    return root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
  }

  static Path crdFile() {
    return repoRoot().resolve("../shared/istio-crds/customresourcedefinitions.gen.yaml").normalize();
  }

  @SuppressWarnings("unchecked")
  private IstioCrdSchemas(Path file) throws IOException {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
        if (!(doc instanceof Map<?, ?> crd) || !"CustomResourceDefinition".equals(crd.get("kind"))) {
          continue;
        }
        Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
        String group = (String) spec.get("group");
        String kind = (String) ((Map<String, Object>) spec.get("names")).get("kind");
        for (Map<String, Object> version : (List<Map<String, Object>>) spec.get("versions")) {
          Object schema = ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
          JsonNode node = MAPPER.valueToTree(schema);
          strictFields(node, true);
          stripKubernetesExtensions(node);
          schemas.put(group + "/" + version.get("name") + "/" + kind, factory.getSchema(node));
        }
      }
    }
  }

  /**
   * The API server silently prunes unknown fields (or rejects them with {@code kubectl
   * --validate=strict}); either way a misspelt field is lost, so here it is an error: every object
   * schema with {@code properties} gets {@code additionalProperties: false} unless it preserves
   * unknown fields. The root is left open for apiVersion, kind and metadata.
   */
  private static void strictFields(JsonNode node, boolean root) {
    if (node instanceof ObjectNode object && !root && object.has("properties")
        && !object.has("additionalProperties")
        && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      object.put("additionalProperties", false);
    }
    node.forEach(child -> strictFields(child, false));
  }

  private static void stripKubernetesExtensions(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Iterator<String> names = object.fieldNames();
      List<String> drop = new ArrayList<>();
      while (names.hasNext()) {
        String name = names.next();
        if (name.startsWith("x-kubernetes-")) {
          drop.add(name);
        }
      }
      object.remove(drop);
    }
    node.forEach(IstioCrdSchemas::stripKubernetesExtensions);
  }

  /**
   * The one core kind meshgate renders (a sync namespace) is not an Istio CRD: it may carry only
   * metadata, and its name must be a DNS-1123 label, as the API server requires.
   */
  private static List<String> namespaceProblems(Map<String, Object> object) {
    List<String> problems = new ArrayList<>();
    for (String key : object.keySet()) {
      if (!List.of("apiVersion", "kind", "metadata").contains(key)) {
        problems.add("Namespace: unexpected field " + key);
      }
    }
    Object name = object.get("metadata") instanceof Map<?, ?> meta ? meta.get("name") : null;
    if (!(name instanceof String s) || !s.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      problems.add("Namespace: metadata.name must be a DNS-1123 label: " + name);
    }
    if (object.get("metadata") instanceof Map<?, ?> meta && meta.containsKey("namespace")) {
      problems.add("Namespace: a cluster-scoped object has no metadata.namespace");
    }
    return problems;
  }

  /** Schema violations of one object (empty when valid); unknown group/version/kind is one. */
  List<String> validate(Map<String, Object> object) {
    String apiVersion = (String) object.get("apiVersion");
    if ("v1".equals(apiVersion) && "Namespace".equals(object.get("kind"))) {
      return namespaceProblems(object);
    }
    String key = apiVersion + "/" + object.get("kind");
    JsonSchema schema = schemas.get(key);
    if (schema == null) {
      return List.of("no CRD schema for " + key);
    }
    List<String> problems = new ArrayList<>();
    for (ValidationMessage m : schema.validate(MAPPER.valueToTree(object))) {
      problems.add(m.getMessage());
    }
    problems.sort(null);
    return problems;
  }

  int size() {
    return schemas.size();
  }
}
