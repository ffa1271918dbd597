package io.meshgate.emco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A JSON document as plain Java (LinkedHashMap, ArrayList, String, Boolean, Long / BigInteger /
 * BigDecimal, null) with the line and column of every value, addressed by JSON path
 * ({@code $.spec.port}, {@code $[0].spec}, {@code $.spec.istio-proxy}). Duplicate keys are an error,
 * as are more than {@link #MAX_DEPTH} levels of nesting.
 */
public final class LocatedJson {
  static final int MAX_DEPTH = 32;
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

  /** Where a value stands (1-based). */
  public record Position(int line, int column) {}

  /** A JSON syntax problem at a position. */
  public static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Position position;

    SyntaxException(String message, Position position) {
      super(message);
      this.position = position;
    }

    public Position position() {
      return position;
    }
  }

  private final Object root;
  private final Map<String, Position> positions;

  private LocatedJson(Object root, Map<String, Position> positions) {
    this.root = root;
    this.positions = positions;
  }

  public static LocatedJson parse(byte[] bytes) throws SyntaxException {
    Map<String, Position> positions = new HashMap<>();
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new SyntaxException("the file is empty; it should hold a JSON object (a seed request body)", new Position(1, 1));
      }
      Object root = value(parser, "$", positions);
      JsonToken trailing = parser.nextToken();
      if (trailing != null) {
        throw new SyntaxException("unexpected content after the JSON value; one body per file (or a JSON list of bodies)",
            position(parser.currentTokenLocation()));
      }
      return new LocatedJson(root, positions);
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      int newline = message == null ? -1 : message.indexOf('\n');
      throw new SyntaxException("invalid JSON: " + (newline < 0 ? message : message.substring(0, newline)),
          position(e.getLocation()));
    } catch (IOException e) {
      throw new SyntaxException("cannot read: " + e.getMessage(), new Position(1, 1));
    }
  }

  private static Object value(JsonParser parser, String path, Map<String, Position> positions) throws IOException {
    positions.put(path, position(parser.currentTokenLocation()));
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          parser.nextToken();
          object.put(key, value(parser, child(path, key), positions));
        }
        return object;
      }
      case START_ARRAY: {
        List<Object> array = new ArrayList<>();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser, path + "[" + index++ + "]", positions));
        }
        return array;
      }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue() : parser.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return parser.getDecimalValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IllegalStateException("unexpected JSON token " + token);
    }
  }

  private static Position position(JsonLocation location) {
    if (location == null) {
      return new Position(1, 1);
    }
    return new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
  }

  /** {@code $.spec} + {@code port} → {@code $.spec.port}; odd keys in brackets: {@code $.spec['a b']}. */
  public static String child(String path, String key) {
    return PLAIN_KEY.matcher(key).matches() ? path + "." + key : path + "['" + key.replace("'", "\\'") + "']";
  }

  public Object root() {
    return root;
  }

  /** The position of the value at {@code path}, else of its nearest parent that has one. */
  public Position positionOf(String path) {
    String current = path;
    while (current != null && !current.isEmpty()) {
      Position position = positions.get(current);
      if (position != null) {
        return position;
      }
      current = parent(current);
    }
    return new Position(1, 1);
  }

  private static String parent(String path) {
    if (path.equals("$")) {
      return null;
    }
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? "$" : path.substring(0, cut);
  }
}
