package io.meshgate.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meshgate.check.Violation;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** JSON for the HTTP endpoints: violations in the shape of {@code validate --format json}. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static Map<String, Object> violation(Violation v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", v.rule());
    m.put("severity", v.severity().label());
    m.put("message", v.message());
    m.put("file", v.file());
    m.put("line", v.line());
    m.put("column", v.column());
    m.put("kind", v.kind());
    m.put("name", v.name());
    m.put("field", v.field());
    return m;
  }

  static List<Map<String, Object>> violations(List<Violation> violations) {
    return violations.stream().map(Json::violation).toList();
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Replaces the message with a JSON response; incoming headers are dropped so none is echoed back,
   * except the request id. An error body ({@code {"error": ...}}) gets the request id too, so a user
   * can quote it and an operator find the log line.
   */
  static void respond(Exchange exchange, int status, Object body) {
    respond(exchange, status, body, Map.of());
  }

  /** As {@link #respond(Exchange, int, Object)} with extra response headers (e.g. {@code Retry-After}). */
  static void respond(Exchange exchange, int status, Object body, Map<String, String> headers) {
    Message out = exchange.getMessage();
    String requestId = requestId(exchange);
    Object json = body;
    if (status >= 400 && body instanceof Map<?, ?> map && map.containsKey("error") && !map.containsKey("requestId")) {
      Map<Object, Object> withId = new LinkedHashMap<>(map);
      withId.put("requestId", requestId);
      json = withId;
    }
    out.removeHeaders("*");
    out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    out.setHeader(Exchange.CONTENT_TYPE, "application/json");
    if (requestId != null) {
      out.setHeader(MeshgateHttpServer.REQUEST_ID, requestId);
    }
    headers.forEach(out::setHeader);
    out.setBody(write(json));
  }

  /** The id {@link MeshgateHttpServer} gave the request; null outside HTTP. */
  static String requestId(Exchange exchange) {
    return exchange.getIn().getHeader(MeshgateHttpServer.REQUEST_ID, String.class);
  }

  static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }
}
