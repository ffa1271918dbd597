package io.meshgate.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The jar's compiled CRD bundle holds exactly the YAML bundle's schemas, descriptions aside. */
class CompiledCrdBundleTest {
  private static List<Object> yamlDocuments() throws Exception {
    try (InputStream in = CompiledCrdBundleTest.class.getClassLoader().getResourceAsStream(IstioCrds.RESOURCE)) {
      assertNotNull(in, IstioCrds.RESOURCE);
      return IstioCrds.parse("bundle", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void theBuildCompiledTheBundleOnTheClasspath() throws Exception {
    List<Object> packed;
    try (InputStream in = CompiledCrdBundleTest.class.getClassLoader().getResourceAsStream(CompiledCrdBundle.RESOURCE)) {
      assertNotNull(in, CompiledCrdBundle.RESOURCE);
      packed = CompiledCrdBundle.read(in);
    }
    // Through JSON, as the build wrote it: the same documents.
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals(json.readValue(json.writeValueAsBytes(CompiledCrdBundle.compile(yamlDocuments())), List.class), packed);
  }

  @Test
  void everyServedSchemaIsTheYamlsWithoutDescriptions() throws Exception {
    IstioCrds bundled = IstioCrds.bundled();
    IstioCrds yaml = IstioCrds.read(java.nio.file.Path.of(System.getProperty("meshgate.root", ".."))
        .resolve("../shared/istio-crds/customresourcedefinitions.gen.yaml").normalize());
    assertEquals(yaml.kinds(), bundled.kinds());
    assertTrue(yaml.kinds().size() >= 10, yaml.kinds().toString());
    int schemas = 0;
    int described = 0; // the check below finds what it looks for in Istio's own schemas
    for (String groupKind : yaml.kinds()) {
      String group = groupKind.substring(0, groupKind.indexOf('/'));
      String kind = groupKind.substring(groupKind.indexOf('/') + 1);
      for (String version : List.of("v1", "v1beta1", "v1alpha1", "v1alpha3")) {
        Object raw = yaml.rawSchema(group + "/" + version + "/" + kind);
        assertEquals(raw != null, bundled.serves(group + "/" + version, kind), groupKind + " " + version);
        if (raw != null) {
          Object compiled = bundled.rawSchema(group + "/" + version + "/" + kind);
          assertEquals(CompiledCrdBundle.withoutDescriptions(raw), compiled, groupKind + " " + version);
          assertFalse(hasDescriptionKeyword(compiled), groupKind + " keeps no description");
          described += hasDescriptionKeyword(raw) ? 1 : 0;
          schemas++;
        }
      }
    }
    assertTrue(schemas > 20, schemas + " schemas");
    assertEquals(schemas, described, "every YAML schema has descriptions to leave out");
  }

  @Test
  void aFieldNamedDescriptionStaysOnlyTheKeywordGoes() {
    Map<String, Object> schema = Map.of("type", "object", "description", "An object.",
        "properties", Map.of("description", Map.of("type", "string", "description", "The field's text."),
            "items", Map.of("type", "array", "items", Map.of("type", "object", "description", "An item."))),
        "x-kubernetes-validations", List.of(Map.of("rule", "has(self.description)", "message", "needs one")));
    assertEquals(Map.of("type", "object",
        "properties", Map.of("description", Map.of("type", "string"),
            "items", Map.of("type", "array", "items", Map.of("type", "object"))),
        "x-kubernetes-validations", List.of(Map.of("rule", "has(self.description)", "message", "needs one"))),
        CompiledCrdBundle.withoutDescriptions(schema));
  }

  @Test
  void bothFormsFindTheSameProblems() throws Exception {
    IstioCrds yaml = IstioCrds.read(java.nio.file.Path.of(System.getProperty("meshgate.root", ".."))
        .resolve("../shared/istio-crds/customresourcedefinitions.gen.yaml").normalize());
    Map<String, Object> entry = Map.of("apiVersion", "networking.istio.io/v1", "kind", "ServiceEntry",
        "metadata", Map.of("name", "x", "namespace", "y"),
        "spec", Map.of("hosts", List.of("a.example"), "ports", List.of(Map.of("number", 70000, "name", "http")),
            "resolution", "SOMETIMES", "unknownField", true));
    List<CrdProblem> problems = IstioCrds.bundled().validate(entry);
    assertTrue(problems.size() >= 3, problems.toString());
    assertEquals(yaml.validate(entry), problems);
  }

  /**
   * A schema's {@code description} keyword (a text) anywhere in {@code schema}; a property named
   * description (a schema, a map) is not one.
   */
  private static boolean hasDescriptionKeyword(Object schema) {
    if (schema instanceof java.util.Map<?, ?> map) {
      for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
        if ("description".equals(entry.getKey()) && entry.getValue() instanceof String
            || hasDescriptionKeyword(entry.getValue())) {
          return true;
        }
      }
    } else if (schema instanceof List<?> items) {
      for (Object item : items) {
        if (hasDescriptionKeyword(item)) {
          return true;
        }
      }
    }
    return false;
  }
}
