package io.meshgate.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The bean {@code seedApi} behind {@code routes/seed-api.yaml}: reads the path parameters the REST
 * DSL bound, authenticates the caller (a token of the API token file, allowed for the project),
 * bounds the body, and hands over to {@link SeedApi}. Answers are JSON; errors carry the request id.
 */
public final class SeedApiRoutes {
  public static final String OPENAPI_RESOURCE = "openapi/seed-api.json";
  static final String REQUEST_ID = "X-Request-Id";
  /** The path parameters of routes/seed-api.yaml: never taken from request headers. */
  static final List<String> PATH_PARAMETERS = List.of("project", "compositeApp", "version", "intentSet", "inboundIntent",
      "clientIntent", "securityIntent");
  /** {@code .../traffic-intent-set/us-to-us-intents/clients} read as the seed's literal form {@code {set}/{inbound}/clients}. */
  private static final String LITERAL_FORM_SET = "traffic-intent-set";
  private static final String LITERAL_FORM_INBOUND = "us-to-us-intents";

  /** Who an {@code Authorization} header names. */
  @FunctionalInterface
  public interface Callers {
    /** @param authorization the header's value, or null */
    Identified identify(String authorization);

    /** Every request is the anonymous caller of every project: only with {@code --seed-api-unauthenticated}. */
    static Callers unauthenticated() {
      return authorization -> new Identified(ApiTokens.Verdict.GRANTED,
          new SeedApi.Caller("anonymous", "anonymous@api.meshgate.invalid", List.of("*")));
    }
  }

  /** @param caller null unless granted */
  public record Identified(ApiTokens.Verdict verdict, SeedApi.Caller caller) {}

  private final SeedApi api;
  private final Callers callers;
  private final byte[] openApi;
  /** Asks the sync loop for a run (set by the service): a commit on the source branch is published at once. */
  private volatile Runnable sourceChanged = () -> { };

  /** @param api null when the seed API is not enabled: every path answers 404 */
  public SeedApiRoutes(SeedApi api, Callers callers) {
    this.api = api;
    this.callers = callers;
    try (InputStream in = SeedApiRoutes.class.getClassLoader().getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource missing: " + OPENAPI_RESOURCE);
      }
      this.openApi = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean enabled() {
    return api != null;
  }

  /** What to do after a write landed on the source branch (the service requests a sync run). */
  void onSourceChanged(Runnable action) {
    this.sourceChanged = action;
  }

  public void inbound(Exchange exchange) {
    handle(exchange, SeedApi.Resource.INBOUND);
  }

  public void client(Exchange exchange) {
    handle(exchange, SeedApi.Resource.CLIENT);
  }

  public void security(Exchange exchange) {
    handle(exchange, SeedApi.Resource.SECURITY);
  }

  /** {@code GET /api/v2/openapi.json}. */
  public void openApi(Exchange exchange) {
    Message out = exchange.getMessage();
    out.removeHeaders("*");
    out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
    out.setHeader(Exchange.CONTENT_TYPE, "application/json");
    out.setBody(openApi);
  }

  private void handle(Exchange exchange, SeedApi.Resource requested) {
    SeedApi.Resource resource = requested;
    Message in = exchange.getIn();
    String requestId = in.getHeader(REQUEST_ID, String.class);
    if (api == null) {
      respond(exchange, requestId, SeedApi.error(404, "the seed API is not enabled on this service (serve --seed-api)"));
      return;
    }
    String project = in.getHeader("project", String.class);
    String inbound = in.getHeader("inboundIntent", String.class);
    String client = in.getHeader("clientIntent", String.class);
    String intentSet = in.getHeader("intentSet", String.class);
    String method = String.valueOf(in.getHeader(Exchange.HTTP_METHOD, String.class)).toUpperCase(Locale.ROOT);
    if (resource == SeedApi.Resource.INBOUND && method.equals("GET") && SeedApi.RESERVED_INBOUND_NAME.equals(inbound)) {
      // GET .../traffic-intent-set/us-to-us-intents/clients matches both path forms, whichever route the
      // router tries first: it is the clients of the literal form, as a POST there is.
      resource = SeedApi.Resource.CLIENT;
      intentSet = LITERAL_FORM_SET;
      inbound = LITERAL_FORM_INBOUND;
      client = null;
    }
    SeedApi.Address at = new SeedApi.Address(project, in.getHeader("compositeApp", String.class),
        in.getHeader("version", String.class), resource == SeedApi.Resource.INBOUND ? null : inbound,
        resource == SeedApi.Resource.SECURITY ? client : null, resource == SeedApi.Resource.INBOUND ? null : intentSet);
    String name = switch (resource) {
      case INBOUND -> inbound;
      case CLIENT -> client;
      case SECURITY -> in.getHeader("securityIntent", String.class);
    };
    Identified who = callers.identify(in.getHeader("Authorization", String.class));
    if (who.verdict() != ApiTokens.Verdict.GRANTED) {
      Map<String, Object> body = Json.error(who.verdict() == ApiTokens.Verdict.MISSING
          ? "the seed API needs 'Authorization: Bearer <token>' with a token of the API token file"
          : "the bearer token is not valid");
      respond(exchange, requestId, new SeedApi.Response(401, body));
      exchange.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"meshgate\"");
      return;
    }
    if (project == null || !who.caller().mayUse(project)) {
      respond(exchange, requestId, SeedApi.error(403, "the token of " + who.caller().identity()
          + " may not use project " + project + (who.caller().projects().isEmpty()
              ? " (its line in the API token file lists no projects=...)" : "")));
      return;
    }
    SeedApi.Response response = switch (method) {
      case "GET" -> api.get(at, resource, name);
      case "DELETE" -> api.delete(who.caller(), at, resource, name, requestId);
      case "POST", "PUT" -> {
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
          body = new byte[0];
        }
        yield body.length > SeedApi.MAX_BODY_BYTES
            ? SeedApi.error(413, "a seed request body is at most " + SeedApi.MAX_BODY_BYTES + " bytes")
            : api.write(who.caller(), at, resource, name, method.equals("PUT"), body, requestId);
      }
      default -> SeedApi.error(405, "method " + method + " is not allowed here");
    };
    respond(exchange, requestId, response);
    boolean committedOnSource = !method.equals("GET") && response.status() < 300
        && api.settings().mode() == SeedApi.CommitMode.DIRECT;
    if (committedOnSource) {
      sourceChanged.run();
    }
  }

  private static void respond(Exchange exchange, String requestId, SeedApi.Response response) {
    if (response.status() == 204) {
      Message out = exchange.getMessage();
      out.removeHeaders("*");
      out.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
      out.setBody(null);
      return;
    }
    Object body = response.body();
    if (response.status() >= 400 && body instanceof Map<?, ?> map) {
      Map<String, Object> withId = new LinkedHashMap<>();
      map.forEach((k, v) -> withId.put(String.valueOf(k), v));
      withId.put("requestId", requestId);
      body = withId;
    }
    Json.respond(exchange, response.status(), body);
  }
}
