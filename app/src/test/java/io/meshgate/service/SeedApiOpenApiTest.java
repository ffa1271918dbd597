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
  /** The seed's literal form: {@code .../traffic-group-intent/uservice-to-uservice-intent/clients}. */
  static final String LITERAL = "/v2/projects/{project}/composite-apps/{compositeApp}/{version}/{intentSet}/{inboundIntent}/clients";
  static final String THE_SECURITY_INTENT = "/security/" + SeedApi.SECURITY_INTENT;

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
        BASE + "/{inboundIntent}/clients/{clientIntent}/security/{securityIntent}",
        BASE + "/{inboundIntent}/clients/{clientIntent}" + THE_SECURITY_INTENT,
        LITERAL, LITERAL + "/{clientIntent}", LITERAL + "/{clientIntent}/security",
        LITERAL + "/{clientIntent}/security/{securityIntent}", LITERAL + "/{clientIntent}" + THE_SECURITY_INTENT)),
        new TreeSet<>(api.getPaths().keySet()));
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      Map<PathItem.HttpMethod, Operation> operations = path.getValue().readOperationsMap();
      boolean item = path.getKey().endsWith("}") && !path.getKey().equals(BASE);
      // .../security/security-intent is both: the client's one security intent, and where a POST creates it.
      boolean both = path.getKey().endsWith(THE_SECURITY_INTENT);
      assertEquals(both ? new TreeSet<>(List.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT,
              PathItem.HttpMethod.DELETE))
          : item ? new TreeSet<>(List.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.PUT, PathItem.HttpMethod.DELETE))
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
    // A client posted through a literal names its target, or is refused listing the inbound intents.
    Operation literalCreate = api.getPaths().get(LITERAL).getPost();
    assertEquals("#/components/responses/DeniedOrTargetNeeded", literalCreate.getResponses().get("422").get$ref());
    assertTrue(api.getComponents().getSchemas().get("ClientSpec").getProperties().containsKey("inboundServerIntent"));
  }

  /** The calls, as written there: each is a documented operation (a concrete path before a template). */
  @Test
  void theSeedsLiteralCallsAreDocumentedOperations() throws Exception {
    OpenAPI api = parse(document());
    String shop = "/v2/projects/shop/composite-apps/app1/v1/";
    assertEquals(BASE, documentedPath(api, shop + "traffic-intent-set/us-to-us-intents/"));
    assertEquals(LITERAL, documentedPath(api, shop + "traffic-group-intent/uservice-to-uservice-intent/clients"));
    assertEquals(LITERAL + "/{clientIntent}" + THE_SECURITY_INTENT,
        documentedPath(api, shop + "traffic-group-intent/uservice-to-uservice-intent/clients/sleep-to-httpbin/security/security-intent"));
    assertEquals(BASE + "/{inboundIntent}/clients/{clientIntent}" + THE_SECURITY_INTENT,
        documentedPath(api, shop + "traffic-intent-set/us-to-us-intents/httpbin/clients/sleep-to-httpbin/security/security-intent"));
    for (String path : List.of(BASE, LITERAL, LITERAL + "/{clientIntent}" + THE_SECURITY_INTENT)) {
      assertNotNull(api.getPaths().get(path).getPost(), path);
    }
  }

  /** The documented path a request path falls under: a trailing slash is ignored, concrete segments win. */
  static String documentedPath(OpenAPI api, String requestPath) {
    String[] request = requestPath.replaceAll("/+$", "").split("/");
    String best = null;
    int bestConcrete = -1;
    for (String template : api.getPaths().keySet()) {
      String[] parts = template.split("/");
      if (parts.length != request.length) {
        continue;
      }
      int concrete = 0;
      boolean matches = true;
      for (int i = 0; i < parts.length && matches; i++) {
        boolean parameter = parts[i].startsWith("{");
        matches = parameter || parts[i].equals(request[i]);
        concrete += parameter ? 0 : 1;
      }
      if (matches && concrete > bestConcrete) {
        best = template;
        bestConcrete = concrete;
      }
    }
    return best;
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
