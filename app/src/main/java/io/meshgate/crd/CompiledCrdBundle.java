package io.meshgate.crd;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundled CRDs as the build packs them into the jar: what {@link IstioCrds} reads of each
 * CustomResourceDefinition (group, kind, served versions and their openAPIV3Schema), as JSON,
 * without the schemas' descriptions (half of the bundle, never read). Parsing Istio's 900 KB YAML
 * took a quarter of a second at start-up; this takes some 30 ms. The build runs {@link #main} after
 * compiling (app/pom.xml); {@code --istio-crds FILE} still reads YAML.
 */
public final class CompiledCrdBundle {
  /** Where the build puts the compiled bundle inside the jar. */
  public static final String RESOURCE = "istio-crds/crds.json";

  private CompiledCrdBundle() {}

  /** {@code CompiledCrdBundle BUNDLE.yaml OUT.json}: compiles Istio's CRD bundle for the jar. */
  public static void main(String[] args) throws IOException, IstioCrds.CrdsException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: CompiledCrdBundle BUNDLE.yaml OUT.json");
    }
    Path bundle = Path.of(args[0]);
    List<Object> compiled = compile(IstioCrds.parse(bundle.toString(), Files.readString(bundle, StandardCharsets.UTF_8)));
    Path out = Path.of(args[1]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().writeValue(out.toFile(), compiled);
  }

  /** The CRD documents (also inside a {@code List}'s items) reduced to what {@link IstioCrds} reads. */
  static List<Object> compile(List<Object> documents) {
    List<Object> out = new ArrayList<>();
    for (Object document : documents) {
      add(document, out);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void add(Object document, List<Object> out) {
    if (!(document instanceof Map<?, ?> map)) {
      return;
    }
    if (map.get("items") instanceof List<?> items) {
      items.forEach(item -> add(item, out));
      return;
    }
    if (!"CustomResourceDefinition".equals(map.get("kind")) || !(map.get("spec") instanceof Map<?, ?> spec)
        || !(spec.get("versions") instanceof List<?> versions)) {
      return;
    }
    List<Object> kept = new ArrayList<>();
    for (Object entry : versions) {
      if (entry instanceof Map<?, ?> version && version.get("schema") instanceof Map<?, ?> schema) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", version.get("name"));
        if (version.containsKey("served")) {
          v.put("served", version.get("served"));
        }
        v.put("schema", Map.of("openAPIV3Schema", withoutDescriptions(schema.get("openAPIV3Schema"))));
        kept.add(v);
      }
    }
    Map<String, Object> names = spec.get("names") instanceof Map<?, ?> n ? Map.of("kind", n.get("kind")) : Map.of();
    Map<String, Object> crd = new LinkedHashMap<>();
    crd.put("kind", "CustomResourceDefinition");
    crd.put("spec", Map.of("group", spec.get("group"), "names", names, "versions", kept));
    out.add(crd);
  }

  /**
   * A structural schema without its {@code description}s, at every level that holds schemas. A
   * property named "description" is a field of the object, not a description, and stays.
   */
  static Object withoutDescriptions(Object schema) {
    if (!(schema instanceof Map<?, ?> map)) {
      return schema;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((key, value) -> {
      switch (String.valueOf(key)) {
        case "description" -> { }
        case "properties", "patternProperties", "definitions" -> {
          Map<String, Object> fields = new LinkedHashMap<>();
          if (value instanceof Map<?, ?> each) {
            each.forEach((name, field) -> fields.put(String.valueOf(name), withoutDescriptions(field)));
            out.put(String.valueOf(key), fields);
          } else {
            out.put(String.valueOf(key), value);
          }
        }
        case "items", "additionalProperties", "not" -> out.put(String.valueOf(key), withoutDescriptions(value));
        case "allOf", "anyOf", "oneOf" -> out.put(String.valueOf(key), value instanceof List<?> list
            ? list.stream().map(CompiledCrdBundle::withoutDescriptions).toList() : value);
        default -> out.put(String.valueOf(key), value);
      }
    });
    return out;
  }

  /** The compiled bundle's documents. */
  @SuppressWarnings("unchecked")
  static List<Object> read(InputStream in) throws IOException {
    return new ObjectMapper().readValue(in, List.class);
  }
}
