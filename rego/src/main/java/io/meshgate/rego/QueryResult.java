package io.meshgate.rego;

import io.meshgate.rego.value.Value;
import java.util.List;
import java.util.Map;

/**
 * The solutions of one query evaluation, in evaluation order. {@link #bindings()} holds, per
 * solution, the values of the variables written in the query; {@link #expressions()} the value of
 * each query expression ({@code true} for unifications and assignments).
 */
public final class QueryResult {
  private final List<Map<String, Value>> bindings;
  private final List<List<Value>> expressions;

  QueryResult(List<Map<String, Value>> bindings, List<List<Value>> expressions) {
    this.bindings = List.copyOf(bindings);
    this.expressions = List.copyOf(expressions);
  }

  public List<Map<String, Value>> bindings() { return bindings; }

  public List<List<Value>> expressions() { return expressions; }

  public boolean isEmpty() { return bindings.isEmpty(); }

  public int size() { return bindings.size(); }

  @Override public String toString() { return "QueryResult" + bindings + expressions; }
}
