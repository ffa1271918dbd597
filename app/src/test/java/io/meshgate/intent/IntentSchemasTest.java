package io.meshgate.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The schema files as editors use them: the kind dispatcher works and every field is described. */
class IntentSchemasTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDispatchingSchemaAcceptsTheSeedAndRejectsABrokenDocument() {
    JsonSchema intent = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(SchemaLocation.of("classpath:schemas/intent.schema.json"));
    LoadResult seed = IntentLoader.load(TestRepos.seedIntents());
    for (IntentDocument document : seed.documents()) {
      // As written: the loader adds the normalised ports list next to the one-port shorthand.
      Map<String, Object> written = JSON.convertValue(document.content(), Map.class);
      if (written.get("spec") instanceof Map<?, ?> spec && spec.containsKey("port")) {
        spec.remove("ports");
      }
      Set<ValidationMessage> messages = intent.validate(JSON.valueToTree(written));
      assertEquals(Set.of(), messages, document.toString());
    }
    Map<String, Object> broken = Map.of("apiVersion", "meshgate.io/v1alpha1", "kind", "InboundService",
        "metadata", Map.of("name", "x"), "spec", Map.of("service", "x", "cluster", "c", "protocol", "HTTP",
            "port", 80, "mutualTLS", "ISTIO_MUTUAL", "mutualTSL", "typo"));
    assertFalse(intent.validate(JSON.valueToTree(broken)).isEmpty());
    assertFalse(intent.validate(JSON.valueToTree(Map.of("kind", "Nope"))).isEmpty());
  }

  @Test
  void everyPropertyHasADescriptionForEditorCompletion() throws Exception {
    List<String> undescribed = new ArrayList<>();
    for (String file : List.of("common.schema.json", "cluster.schema.json", "inboundservice.schema.json",
        "serviceclient.schema.json", "intent.schema.json")) {
      try (InputStream in = getClass().getClassLoader().getResourceAsStream("schemas/" + file)) {
        JsonNode schema = JSON.readTree(in);
        assertTrue(schema.has("description"), file);
        collect(file, "", schema, undescribed);
      }
    }
    assertEquals(List.of(), undescribed);
  }

  private static void collect(String file, String path, JsonNode node, List<String> undescribed) {
    if (node.isObject()) {
      JsonNode properties = node.get("properties");
      if (properties != null) {
        properties.fields().forEachRemaining(p -> {
          JsonNode property = p.getValue();
          boolean described = property.has("description")
              || (property.has("$ref") && property.get("$ref").asText().contains("$defs"));
          if (!described) {
            undescribed.add(file + ":" + path + "/" + p.getKey());
          }
        });
      }
      // "if" conditions only test the kind; they declare no fields.
      node.fields().forEachRemaining(e -> {
        if (!e.getKey().equals("if")) {
          collect(file, path + "/" + e.getKey(), e.getValue(), undescribed);
        }
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(file, path + "/" + i, node.get(i), undescribed);
      }
    }
  }
}
