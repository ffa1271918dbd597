package io.meshgate.diff;

import io.meshgate.render.RenderedObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One object of the environment tree that a change adds, removes or changes.
 *
 * @param folder the namespace folder below {@code clusters/<cluster>/} (a Namespace object: the namespace it creates)
 * @param path {@code clusters/<cluster>/<folder>/<kind>-<name>.yaml}
 * @param fields for a changed object, the dotted paths of the fields that differ (lists of another
 *     length, or values of another type, count as one field); empty otherwise
 * @param diff for a changed object, the unified YAML diff lines; empty otherwise
 */
public record ObjectChange(Type type, String cluster, String folder, String kind, String name, String path,
    List<String> fields, List<String> diff) {

  public enum Type {
    ADDED, REMOVED, CHANGED;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ObjectChange {
    fields = List.copyOf(fields);
    diff = List.copyOf(diff);
  }

  /** Compares one object of both sides; null when they are equal. Either side may be null. */
  static ObjectChange compare(RenderedObject before, RenderedObject after) {
    RenderedObject any = after != null ? after : before;
    String folder = any.relativePath().substring(0, any.relativePath().indexOf('/'));
    String path = "clusters/" + any.cluster() + "/" + any.relativePath();
    if (before == null) {
      return new ObjectChange(Type.ADDED, any.cluster(), folder, any.kind(), any.name(), path, List.of(), List.of());
    }
    if (after == null) {
      return new ObjectChange(Type.REMOVED, any.cluster(), folder, any.kind(), any.name(), path, List.of(), List.of());
    }
    if (before.plain().equals(after.plain())) {
      return null;
    }
    List<String> fields = new ArrayList<>();
    changedFields("", before.plain(), after.plain(), fields);
    return new ObjectChange(Type.CHANGED, any.cluster(), folder, any.kind(), any.name(), path, fields,
        YamlDiff.unified(before.toYaml(), after.toYaml()));
  }

  /** {@code ServiceEntry istio-system/meshgate-httpbin-default-global}. */
  public String describe() {
    return kind + " " + folder + "/" + name;
  }

  private static void changedFields(String path, Object a, Object b, List<String> out) {
    if (Objects.equals(a, b)) {
      return;
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      Set<Object> keys = new LinkedHashSet<>(ma.keySet());
      keys.addAll(mb.keySet());
      for (Object key : keys) {
        changedFields(child(path, String.valueOf(key)), ma.get(key), mb.get(key), out);
      }
    } else if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
      for (int i = 0; i < la.size(); i++) {
        changedFields(path + "[" + i + "]", la.get(i), lb.get(i), out);
      }
    } else {
      out.add(path);
    }
  }

  /** {@code spec.hosts}, or {@code metadata.annotations["meshgate.io/source"]} for keys with dots or slashes. */
  private static String child(String path, String key) {
    boolean plain = key.matches("[A-Za-z0-9_-]+");
    if (!plain) {
      return path + "[\"" + key.replace("\"", "\\\"") + "\"]";
    }
    return path.isEmpty() ? key : path + "." + key;
  }
}
