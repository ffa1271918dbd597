package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The seed API's OpenAPI document, checked by a real OpenAPI 3 parser and validator (swagger-parser). */
class SeedApiOpenApiTest {
  static final String BASE = "/v2/projects/{project}/composite-apps/{compositeApp}/{version}/traffic-intent-set/us-to-us-intents";

  static String document() throws Exception {
    try (InputStream in = SeedApiOpenApiTest.class.getClassLoader().getResourceAsStream(SeedApiRoutes.OPENAPI_RESOURCE)) {
      assertNotNull(in, SeedApiRoutes.OPENAPI_RESOURCE);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static OpenAPI parse(String json) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
    assertEquals(List.of(), result.getMessages(), "the OpenAPI validator's findings");
    assertNotNull(result.getOpenAPI());
    return result.getOpenAPI();
  }

  @Test
  void theDocumentIsValidOpenApiAndDescribesEveryEndpoint() throws Exception {
    OpenAPI api = parse(document());
    assertEquals("3.0.3", api.getOpenapi());
    assertEquals(new TreeSet<>(List.of(BASE, BASE + "/{inboundIntent}", BASE + "/{inboundIntent}/clients",
        BASE + "/{inboundIntent}/clients/{clientIntent}", BASE + "/{inboundIntent}/clients/{clientIntent}/security",
        BASE + "/{inboundIntent}/clients/{clientIntent}/security/{securityIntent}")), new TreeSet<>(api.getPaths().keySet()));
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      Map<PathItem.HttpMethod, Operation> operations = path.getValue().readOperationsMap();
      boolean item = path.getKey().endsWith("}") && !path.getKey().equals(BASE);
      assertEquals(item ? new TreeSet<>(List.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.PUT, PathItem.HttpMethod.DELETE))
          : new TreeSet<>(List.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.POST)), new TreeSet<>(operations.keySet()),
          path.getKey());
      for (Map.Entry<PathItem.HttpMethod, Operation> operation : operations.entrySet()) {
        assertTrue(operation.getValue().getResponses().containsKey("401"), path.getKey() + " " + operation.getKey());
        assertTrue(operation.getValue().getResponses().containsKey("403"), path.getKey() + " " + operation.getKey());
        if (operation.getKey() == PathItem.HttpMethod.POST) {
          assertTrue(operation.getValue().getResponses().containsKey("201"));
          assertTrue(operation.getValue().getResponses().containsKey("422"));
        }
      }
    }
    assertEquals("bearer", api.getComponents().getSecuritySchemes().get("bearerAuth").getScheme());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theRestDslRoutesServeExactlyTheDocumentedOperations() throws Exception {
    Path routes = Path.of(System.getProperty("meshgate.root", "..")).resolve("routes/seed-api.yaml");
    List<Object> documents = new Yaml().load(Files.readString(routes));
    Set<String> served = new TreeSet<>();
    for (Object document : documents) {
      Map<String, Object> entry = (Map<String, Object>) document;
      if (entry.get("rest") instanceof Map<?, ?> rest) {
        for (String verb : List.of("get", "post", "put", "delete")) {
          Object operations = rest.get(verb);
          for (Object operation : operations == null ? List.of() : (List<Object>) operations) {
            Object path = ((Map<String, Object>) operation).get("path");
            served.add(verb.toUpperCase() + " " + rest.get("path") + (path == null ? "" : path));
          }
        }
      }
    }
    Set<String> documented = new TreeSet<>();
    parse(document()).getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
        .forEach(method -> documented.add(method + " " + path)));
    assertEquals(documented, served);
  }

  @Test
  void theValidatorWouldCatchABrokenDocument() throws Exception {
    // Guards the test above: the validator reports what is wrong instead of accepting anything.
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    String missingRef = document().replace("\"$ref\": \"#/components/schemas/Metadata\"", "\"$ref\": \"#/components/schemas/Nope\"");
    List<String> messages = new OpenAPIV3Parser().readContents(missingRef, null, options).getMessages();
    assertTrue(messages.stream().anyMatch(m -> m.contains("Nope")), messages.toString());
    String noTitle = document().replaceFirst("\"title\": \"meshgate seed API \\(EMCO traffic controller\\)\",", "");
    messages = new OpenAPIV3Parser().readContents(noTitle, null, options).getMessages();
    assertTrue(messages.stream().anyMatch(m -> m.contains("info.title is missing")), messages.toString());
  }
}
