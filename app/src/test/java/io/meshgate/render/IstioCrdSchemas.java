package io.meshgate.render;

import io.meshgate.crd.IstioCrds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Istio's real CRDs read from {@code shared/istio-crds/customresourcedefinitions.gen.yaml} (the
 * source the build packs into the jar), checked with the product's own validator
 * ({@link IstioCrds}): structural schema, unknown fields rejected, and the CEL rules of
 * {@code x-kubernetes-validations}.
 */
final class IstioCrdSchemas {

  private static IstioCrdSchemas instance;
  private final IstioCrds crds;

  private IstioCrdSchemas(IstioCrds crds) {
    this.crds = crds;
  }

  static synchronized IstioCrdSchemas load() throws IOException {
    if (instance == null) {
      try {
        instance = new IstioCrdSchemas(IstioCrds.read(crdFile()));
      } catch (IstioCrds.CrdsException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return instance;
  }

  static Path repoRoot() {
    String root = System.getProperty("meshgate.root");
    return root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
  }

  static Path crdFile() {
    return repoRoot().resolve("../shared/istio-crds/customresourcedefinitions.gen.yaml").normalize();
  }

  /** Problems of one object (empty when the API server would accept it). */
  List<String> validate(Map<String, Object> object) {
    List<String> problems = new ArrayList<>();
    crds.validate(object).forEach(p -> problems.add(p.toString()));
    return problems;
  }

  /** How many group/Kind pairs the bundle defines. */
  int size() {
    return crds.kinds().size();
  }
}
