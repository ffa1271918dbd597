package io.meshgate.crd;

/**
 * One reason the API server would reject an object.
 *
 * @param path the field, dotted with list indexes and map keys in brackets ({@code spec.ports[0].number}); empty for the object
 * @param message what is wrong, in the CRD's words where it has them
 * @param rule the CEL rule that failed, or null for a structural problem
 */
public record CrdProblem(String path, String message, String rule) {

  @Override
  public String toString() {
    return (path.isEmpty() ? "" : path + ": ") + message;
  }
}
