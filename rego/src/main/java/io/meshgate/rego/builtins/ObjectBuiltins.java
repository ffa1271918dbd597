package io.meshgate.rego.builtins;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.BoolValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.SetValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * object.get, object.keys, object.remove, object.filter, object.union, object.union_n,
 * object.subset, json.filter, json.remove, json.patch.
 */
public final class ObjectBuiltins {
  private ObjectBuiltins() {}

  public static void register(BuiltinTable table) {
    table.register(Builtin.of("object.get", 3, (ctx, a) -> {
      ObjectValue obj = Args.object("object.get", a, 1);
      Value key = a.get(1);
      Value fallback = a.get(2);
      if (key instanceof ArrayValue path) {
        Value found = find(obj, path.elements());
        return found == null ? fallback : found;
      }
      Value found = obj.get(key);
      return found == null ? fallback : found;
    }));
    table.register(Builtin.of("object.keys", 1, (ctx, a) ->
        SetValue.of(Args.object("object.keys", a, 1).entries().keySet())));
    table.register(Builtin.of("object.remove", 2, (ctx, a) -> {
      ObjectValue obj = Args.object("object.remove", a, 1);
      Collection<Value> keys = keys("object.remove", a.get(1));
      TreeMap<Value, Value> out = new TreeMap<>(obj.entries());
      keys.forEach(out::remove);
      return ObjectValue.of(out);
    }));
    table.register(Builtin.of("object.filter", 2, (ctx, a) -> {
      ObjectValue obj = Args.object("object.filter", a, 1);
      Collection<Value> keys = keys("object.filter", a.get(1));
      TreeMap<Value, Value> out = new TreeMap<>();
      for (Value k : keys) {
        Value v = obj.get(k);
        if (v != null) {
          out.put(k, v);
        }
      }
      return ObjectValue.of(out);
    }));
    table.register(Builtin.of("object.union", 2, (ctx, a) ->
        union(Args.object("object.union", a, 1), Args.object("object.union", a, 2))));
    table.register(Builtin.of("object.union_n", 1, (ctx, a) -> {
      ObjectValue acc = ObjectValue.EMPTY;
      for (Value v : Args.array("object.union_n", a, 1)) {
        if (!(v instanceof ObjectValue o)) {
          throw Args.element("object.union_n", 1, a.get(0), v, "object");
        }
        acc = union(acc, o);
      }
      return acc;
    }));
    table.register(Builtin.of("object.subset", 2, (ctx, a) -> {
      Value sup = a.get(0);
      Value sub = a.get(1);
      if (!(sup instanceof ObjectValue || sup instanceof SetValue || sup instanceof ArrayValue)) {
        throw Args.type("object.subset", 1, sup, "object", "set", "array");
      }
      if (!(sub instanceof ObjectValue || sub instanceof SetValue || sub instanceof ArrayValue)) {
        throw Args.type("object.subset", 2, sub, "object", "set", "array");
      }
      Boolean r = subset(sup, sub);
      if (r == null) {
        throw BuiltinException.operand("object.subset", 2, sup.typeName(), sub.typeName());
      }
      return BoolValue.of(r);
    }));
    table.register(Builtin.of("json.filter", 2, (ctx, a) -> {
      ObjectValue obj = Args.object("json.filter", a, 1);
      PathTree tree = pathTree("json.filter", a.get(1));
      return filter(obj, tree);
    }));
    table.register(Builtin.of("json.remove", 2, (ctx, a) -> {
      ObjectValue obj = Args.object("json.remove", a, 1);
      PathTree tree = pathTree("json.remove", a.get(1));
      return remove(obj, tree);
    }));
    table.register(Builtin.of("json.patch", 2, (ctx, a) -> {
      Value doc = a.get(0);
      ArrayValue patches = Args.array("json.patch", a, 2);
      return JsonPatch.apply(doc, patches);
    }));
  }

  /** Follows a path of keys/indices/members from {@code v}; null when absent. */
  static Value find(Value v, List<Value> path) {
    Value cur = v;
    for (Value seg : path) {
      if (cur instanceof ObjectValue o) {
        cur = o.get(seg);
      } else if (cur instanceof ArrayValue arr) {
        int i = index(seg);
        cur = i >= 0 && i < arr.size() ? arr.get(i) : null;
      } else if (cur instanceof SetValue s) {
        cur = s.contains(seg) ? seg : null;
      } else {
        return null;
      }
      if (cur == null) {
        return null;
      }
    }
    return cur;
  }

  private static int index(Value seg) {
    if (seg instanceof NumberValue n) {
      return n.asInt().orElse(-1);
    }
    return -1;
  }

  private static Collection<Value> keys(String fn, Value v) {
    if (v instanceof ArrayValue arr) {
      return arr.elements();
    }
    if (v instanceof SetValue s) {
      return s.elements();
    }
    if (v instanceof ObjectValue o) {
      return o.entries().keySet();
    }
    throw Args.type(fn, 2, v, "object", "set", "array");
  }

  static ObjectValue union(ObjectValue a, ObjectValue b) {
    TreeMap<Value, Value> out = new TreeMap<>(a.entries());
    for (Map.Entry<Value, Value> e : b.entries().entrySet()) {
      Value existing = out.get(e.getKey());
      if (existing instanceof ObjectValue ea && e.getValue() instanceof ObjectValue eb) {
        out.put(e.getKey(), union(ea, eb));
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    return ObjectValue.of(out);
  }

  /** null when the combination of types is not supported. */
  private static Boolean subset(Value sup, Value sub) {
    if (sup instanceof ObjectValue o && sub instanceof ObjectValue s) {
      for (Map.Entry<Value, Value> e : s.entries().entrySet()) {
        Value v = o.get(e.getKey());
        if (v == null) {
          return false;
        }
        // nested collections compare as subsets the same way (OPA's isSubset); anything else must be equal
        Boolean nested = subset(v, e.getValue());
        if (nested == null ? !v.equals(e.getValue()) : !nested) {
          return false;
        }
      }
      return true;
    }
    if (sup instanceof SetValue o && sub instanceof SetValue s) {
      return o.elements().containsAll(s.elements());
    }
    if (sup instanceof ArrayValue o && sub instanceof SetValue s) {
      return new TreeSet<>(o.elements()).containsAll(s.elements());
    }
    if (sup instanceof ArrayValue o && sub instanceof ArrayValue s) {
      // sub must appear contiguously, in order, within super
      return java.util.Collections.indexOfSubList(o.elements(), s.elements()) >= 0;
    }
    return null;
  }

  /** Paths given to json.filter/json.remove, as a tree; a leaf means "this whole subtree". */
  static final class PathTree {
    final TreeMap<Value, PathTree> children = new TreeMap<>();
    boolean leaf;

    void add(List<Value> path) {
      PathTree cur = this;
      for (Value seg : path) {
        if (cur.leaf) {
          return;
        }
        cur = cur.children.computeIfAbsent(seg, k -> new PathTree());
      }
      cur.leaf = true;
      cur.children.clear();
    }
  }

  private static PathTree pathTree(String fn, Value paths) {
    List<Value> list;
    if (paths instanceof ArrayValue arr) {
      list = arr.elements();
    } else if (paths instanceof SetValue s) {
      list = new ArrayList<>(s.elements());
    } else {
      throw Args.type(fn, 2, paths, "array", "set");
    }
    PathTree tree = new PathTree();
    for (Value p : list) {
      if (p instanceof StringValue s) {
        tree.add(splitPath(s.value()));
      } else if (p instanceof ArrayValue segs) {
        tree.add(segs.elements());
      } else {
        throw BuiltinException.operand(fn, 2, "set or array of strings or arrays", p.typeName());
      }
    }
    return tree;
  }

  private static List<Value> splitPath(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    List<Value> out = new ArrayList<>();
    if (p.isEmpty()) {
      return out;
    }
    for (String seg : p.split("/", -1)) {
      out.add(new StringValue(seg.replace("~1", "/").replace("~0", "~")));
    }
    return out;
  }

  /** Array positions match path segments written as decimal strings, as in OPA. */
  private static PathTree child(PathTree tree, int index) {
    return tree.children.get(new StringValue(Integer.toString(index)));
  }

  private static Value filter(Value v, PathTree tree) {
    if (tree.leaf) {
      return v;
    }
    if (v instanceof ObjectValue o) {
      TreeMap<Value, Value> out = new TreeMap<>();
      for (Map.Entry<Value, PathTree> e : tree.children.entrySet()) {
        Value child = o.get(e.getKey());
        if (child != null) {
          out.put(e.getKey(), filter(child, e.getValue()));
        }
      }
      return ObjectValue.of(out);
    }
    if (v instanceof ArrayValue arr) {
      List<Value> out = new ArrayList<>();
      for (int i = 0; i < arr.size(); i++) {
        PathTree sub = child(tree, i);
        if (sub != null) {
          out.add(filter(arr.get(i), sub));
        }
      }
      return ArrayValue.of(out);
    }
    if (v instanceof SetValue s) {
      List<Value> out = new ArrayList<>();
      for (Value m : s) {
        PathTree sub = tree.children.get(m);
        if (sub != null) {
          out.add(filter(m, sub));
        }
      }
      return SetValue.of(out);
    }
    return v;
  }

  private static Value remove(Value v, PathTree tree) {
    if (v instanceof ObjectValue o) {
      TreeMap<Value, Value> out = new TreeMap<>();
      for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
        PathTree sub = tree.children.get(e.getKey());
        if (sub == null) {
          out.put(e.getKey(), e.getValue());
        } else if (!sub.leaf) {
          out.put(e.getKey(), remove(e.getValue(), sub));
        }
      }
      return ObjectValue.of(out);
    }
    if (v instanceof ArrayValue arr) {
      List<Value> out = new ArrayList<>();
      for (int i = 0; i < arr.size(); i++) {
        PathTree sub = child(tree, i);
        if (sub == null) {
          out.add(arr.get(i));
        } else if (!sub.leaf) {
          out.add(remove(arr.get(i), sub));
        }
      }
      return ArrayValue.of(out);
    }
    if (v instanceof SetValue s) {
      List<Value> out = new ArrayList<>();
      for (Value m : s) {
        PathTree sub = tree.children.get(m);
        if (sub == null) {
          out.add(m);
        } else if (!sub.leaf) {
          out.add(remove(m, sub));
        }
      }
      return SetValue.of(out);
    }
    return v;
  }

  /** RFC 6902 JSON Patch over Rego values; a failing patch makes the result undefined, as in OPA. */
  static final class JsonPatch {
    private JsonPatch() {}

    /** Thrown inside a patch when it cannot apply; turned into "undefined". */
    private static final class Failed extends RuntimeException {
      Failed() { super(null, null, false, false); }
    }

    static Value apply(Value doc, ArrayValue patches) {
      Value cur = doc;
      try {
        for (Value p : patches) {
          if (!(p instanceof ObjectValue op)) {
            return null;
          }
          cur = applyOne(cur, op);
        }
      } catch (Failed f) {
        return null;
      }
      return cur;
    }

    private static Value applyOne(Value doc, ObjectValue op) {
      if (!(op.get("op") instanceof StringValue name)) {
        throw new Failed();
      }
      List<Value> path = path(op.get("path"));
      switch (name.value()) {
        case "add" -> {
          return add(doc, path, 0, required(op.get("value")));
        }
        case "remove" -> {
          return remove(doc, path, 0);
        }
        case "replace" -> {
          Value value = required(op.get("value"));
          if (doc == null || get(doc, path) == null) {
            throw new Failed();
          }
          if (!path.isEmpty() && parentIsSet(doc, path) && !path.get(path.size() - 1).equals(value)) {
            throw new Failed();
          }
          return add(remove(doc, path, 0), path, 0, value);
        }
        case "move" -> {
          List<Value> from = path(op.get("from"));
          if (from.size() < path.size() && path.subList(0, from.size()).equals(from)) {
            throw new Failed();
          }
          Value v = get(doc, from);
          if (v == null) {
            throw new Failed();
          }
          return add(remove(doc, from, 0), path, 0, v);
        }
        case "copy" -> {
          Value v = get(doc, path(op.get("from")));
          if (v == null) {
            throw new Failed();
          }
          return add(doc, path, 0, v);
        }
        case "test" -> {
          Value v = get(doc, path);
          if (v == null || !v.equals(required(op.get("value")))) {
            throw new Failed();
          }
          return doc;
        }
        default -> throw new Failed();
      }
    }

    private static Value required(Value v) {
      if (v == null) {
        throw new Failed();
      }
      return v;
    }

    private static List<Value> path(Value p) {
      if (p instanceof StringValue s) {
        String text = s.value();
        if (text.isEmpty()) {
          return List.of();
        }
        if (!text.startsWith("/")) {
          throw new Failed();
        }
        List<Value> out = new ArrayList<>();
        for (String seg : text.substring(1).split("/", -1)) {
          out.add(new StringValue(seg.replace("~1", "/").replace("~0", "~")));
        }
        return out;
      }
      if (p instanceof ArrayValue arr) {
        return arr.elements();
      }
      throw new Failed();
    }

    private static boolean parentIsSet(Value doc, List<Value> path) {
      return get(doc, path.subList(0, path.size() - 1)) instanceof SetValue;
    }

    private static Value get(Value doc, List<Value> path) {
      Value cur = doc;
      for (Value seg : path) {
        if (cur instanceof ObjectValue o) {
          cur = o.get(seg);
        } else if (cur instanceof ArrayValue arr) {
          int i = arrayIndex(seg, arr.size(), false);
          cur = arr.get(i);
        } else if (cur instanceof SetValue s) {
          cur = s.contains(seg) ? seg : null;
        } else {
          return null;
        }
        if (cur == null) {
          return null;
        }
      }
      return cur;
    }

    /** An index from a pointer segment or a number; "-" (append) only when adding. */
    private static int arrayIndex(Value seg, int size, boolean adding) {
      long i;
      if (seg instanceof StringValue s) {
        String t = s.value();
        if (adding && t.equals("-")) {
          return size;
        }
        if (t.isEmpty() || t.length() > 9 || !t.chars().allMatch(Character::isDigit)
            || (t.length() > 1 && t.charAt(0) == '0')) {
          throw new Failed();
        }
        i = Long.parseLong(t);
      } else if (seg instanceof NumberValue n && n.value().scale() <= 0) {
        BigInteger b = n.value().toBigIntegerExact();
        if (b.signum() < 0 || b.bitLength() > 31) {
          throw new Failed();
        }
        i = b.longValue();
      } else {
        throw new Failed();
      }
      if (i > (adding ? size : size - 1)) {
        throw new Failed();
      }
      return (int) i;
    }

    private static Value add(Value doc, List<Value> path, int depth, Value value) {
      if (depth == path.size()) {
        return value;
      }
      if (doc == null) {
        throw new Failed();
      }
      Value seg = path.get(depth);
      boolean last = depth == path.size() - 1;
      if (doc instanceof ObjectValue o) {
        TreeMap<Value, Value> out = new TreeMap<>(o.entries());
        if (last) {
          out.put(seg, value);
        } else {
          Value child = o.get(seg);
          if (child == null) {
            throw new Failed();
          }
          out.put(seg, add(child, path, depth + 1, value));
        }
        return ObjectValue.of(out);
      }
      if (doc instanceof ArrayValue arr) {
        List<Value> out = new ArrayList<>(arr.elements());
        if (last) {
          out.add(arrayIndex(seg, arr.size(), true), value);
        } else {
          int i = arrayIndex(seg, arr.size(), false);
          out.set(i, add(arr.get(i), path, depth + 1, value));
        }
        return ArrayValue.of(out);
      }
      if (doc instanceof SetValue s) {
        TreeSet<Value> out = new TreeSet<>(s.elements());
        if (last) {
          out.add(value);
        } else {
          if (!out.remove(seg)) {
            throw new Failed();
          }
          out.add(add(seg, path, depth + 1, value));
        }
        return SetValue.of(out);
      }
      throw new Failed();
    }

    private static Value remove(Value doc, List<Value> path, int depth) {
      if (doc == null) {
        throw new Failed();
      }
      if (depth == path.size()) {
        return null;
      }
      Value seg = path.get(depth);
      boolean last = depth == path.size() - 1;
      if (doc instanceof ObjectValue o) {
        Value child = o.get(seg);
        if (child == null) {
          throw new Failed();
        }
        TreeMap<Value, Value> out = new TreeMap<>(o.entries());
        if (last) {
          out.remove(seg);
        } else {
          out.put(seg, remove(child, path, depth + 1));
        }
        return ObjectValue.of(out);
      }
      if (doc instanceof ArrayValue arr) {
        int i = arrayIndex(seg, arr.size(), false);
        List<Value> out = new ArrayList<>(arr.elements());
        if (last) {
          out.remove(i);
        } else {
          out.set(i, remove(arr.get(i), path, depth + 1));
        }
        return ArrayValue.of(out);
      }
      if (doc instanceof SetValue s) {
        TreeSet<Value> out = new TreeSet<>(s.elements());
        if (!out.remove(seg)) {
          throw new Failed();
        }
        if (!last) {
          out.add(remove(seg, path, depth + 1));
        }
        return SetValue.of(out);
      }
      throw new Failed();
    }
  }
}
