package io.meshgate.rego.interpreter;

import io.meshgate.rego.value.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The memo of one function's calls in one memo scope: results by arguments. A function's result
 * depends only on its arguments, so a call answered from here returns what evaluating it again
 * would.
 */
final class CallMemo {
  private final Map<Object, Value> results;

  /** @param concurrent whether evaluations on several threads share it */
  CallMemo(boolean concurrent) {
    results = concurrent ? new ConcurrentHashMap<>() : new HashMap<>();
  }

  /**
   * The key of a call's arguments: the argument itself for a function of one argument (no key and
   * no array to allocate, one reference less to follow per lookup), else a {@link CallKey}.
   */
  static Object keyOf(List<Value> args) {
    return args.size() == 1 ? args.get(0) : new CallKey(args);
  }

  /** The remembered result of the call with {@code key}, or null when there is none. */
  Value get(Object key) {
    return results.get(key);
  }

  void put(Object key, Value result) {
    results.put(key, result);
  }

  /**
   * The arguments of a memoised call of several arguments: hashed once, compared by identity first
   * (a policy passes the same input objects to a function again and again).
   */
  static final class CallKey {
    private final Value[] args;
    private final int hash;

    CallKey(List<Value> args) {
      this.args = args.toArray(new Value[0]);
      int h = 1;
      for (Value a : this.args) {
        h = 31 * h + a.hashCode();
      }
      this.hash = h;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof CallKey other) || other.hash != hash || other.args.length != args.length) {
        return false;
      }
      for (int i = 0; i < args.length; i++) {
        if (args[i] != other.args[i] && !args[i].equals(other.args[i])) {
          return false;
        }
      }
      return true;
    }
  }
}
