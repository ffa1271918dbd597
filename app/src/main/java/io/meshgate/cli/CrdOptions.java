package io.meshgate.cli;

import io.meshgate.crd.IstioCrds;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --istio-crds FILE}: the Istio CRDs rendered and overlay objects are checked against
 * ({@code MG-CRD-01}), instead of the bundle meshgate carries. Use as {@code @Mixin CrdOptions crds;}.
 */
public final class CrdOptions {

  @Option(names = "--istio-crds", paramLabel = "FILE",
      description = "Istio's CustomResourceDefinitions (multi-document YAML or a List, e.g. `kubectl get crd "
          + "-l app=istio-pilot -o yaml`) to check rendered and overlay objects against, instead of those "
          + "bundled with meshgate.")
  Path file;

  /** Applies the flag to this process (without it: the bundled CRDs); returns a usage error message, or null. */
  String apply() {
    if (file == null) {
      IstioCrds.use(null);
      return null;
    }
    if (!Files.isRegularFile(file)) {
      return "--istio-crds " + file + " is not a file";
    }
    try {
      IstioCrds.use(IstioCrds.read(file));
      return null;
    } catch (IstioCrds.CrdsException e) {
      return e.getMessage();
    }
  }
}
