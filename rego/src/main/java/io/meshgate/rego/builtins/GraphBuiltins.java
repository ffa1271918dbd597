package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** walk (a relation), graph.reachable, graph.reachable_paths. */
public final class GraphBuiltins {
  private GraphBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.relation("walk", 1, (ctx, a) -> {
      List<Value> out = new ArrayList<>();
      walk(new ArrayList<>(), a.get(0), out);
      return ArrayValue.of(out);
    }));
    table.register(Builtin.of("graph.reachable", 2, (ctx, a) -> {
      ObjectValue graph = Args.object("graph.reachable", a, 1);
      Deque<Value> queue = new ArrayDeque<>(initial("graph.reachable", a.get(1)));
      TreeSet<Value> reached = new TreeSet<>();
      while (!queue.isEmpty()) {
        Value node = queue.removeFirst();
        Value edges = graph.get(node);
        // nodes that are not keys of the graph are ignored, as in OPA
        if (edges != null && reached.add(node)) {
          for (Value neighbour : vertices(edges)) {
            if (!reached.contains(neighbour)) {
              queue.addLast(neighbour);
            }
          }
        }
      }
      return SetValue.of(reached);
    }));
    table.register(Builtin.of("graph.reachable_paths", 2, (ctx, a) -> {
      ObjectValue graph = Args.object("graph.reachable_paths", a, 1);
      TreeSet<Value> paths = new TreeSet<>();
      for (Value start : initial("graph.reachable_paths", a.get(1))) {
        paths(graph, start, new ArrayList<>(), paths, new TreeSet<>());
      }
      return SetValue.of(paths);
    }));
  }

  /** Pre-order: the value itself at path [], then its children with their paths. */
  private static void walk(List<Value> path, Value v, List<Value> out) {
    out.add(ArrayValue.of(ArrayValue.of(path), v));
    if (v instanceof ObjectValue o) {
      for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
        path.add(e.getKey());
        walk(path, e.getValue(), out);
        path.remove(path.size() - 1);
      }
    } else if (v instanceof ArrayValue arr) {
      for (int i = 0; i < arr.size(); i++) {
        path.add(NumberValue.of(i));
        walk(path, arr.get(i), out);
        path.remove(path.size() - 1);
      }
    } else if (v instanceof SetValue s) {
      for (Value e : s) {
        path.add(e);
        walk(path, e, out);
        path.remove(path.size() - 1);
      }
    }
  }

  private static Collection<Value> initial(String fn, Value v) {
    if (v instanceof ArrayValue arr) {
      return arr.elements();
    }
    if (v instanceof SetValue s) {
      return s.elements();
    }
    throw Args.type(fn, 2, v, "{array, set}");
  }

  private static Collection<Value> vertices(Value edges) {
    if (edges instanceof ArrayValue arr) {
      return arr.elements();
    }
    if (edges instanceof SetValue s) {
      return s.elements();
    }
    return List.of(); // OPA ignores edge collections of any other type
  }

  /** Every path from {@code node} to a leaf, or to the point where it would revisit a node. */
  private static void paths(ObjectValue graph, Value node, List<Value> path, TreeSet<Value> out, TreeSet<Value> onPath) {
    Value edges = graph.get(node);
    if (edges == null) {
      if (!path.isEmpty()) {
        out.add(ArrayValue.of(path));
      }
      return;
    }
    path.add(node);
    onPath.add(node);
    Collection<Value> next = vertices(edges);
    if (next.isEmpty()) {
      out.add(ArrayValue.of(path));
    }
    for (Value n : next) {
      if (onPath.contains(n)) {
        out.add(ArrayValue.of(path));
      } else {
        paths(graph, n, path, out, onPath);
      }
    }
    onPath.remove(node);
    path.remove(path.size() - 1);
  }
}
