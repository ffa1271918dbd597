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

  /** Replaces the message with a JSON response; incoming headers are dropped so none is echoed back. */
  static void respond(Exchange exchange, int status, Object body) {
    Message out = exchange.getMessage();
    out.removeHeaders("*");
    out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    out.setHeader(Exchange.CONTENT_TYPE, "application/json");
    out.setBody(write(body));
  }

  static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }
}
