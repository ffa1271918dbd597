package io.meshgate.intent;

import java.util.List;

/** A service that calls an InboundService. Defaults are filled in by the loader. */
public record ServiceClient(Metadata metadata, Spec spec) implements Intent {

  /**
   * @param mutualTLS null only when it could not be defaulted (unknown target); a policy reports that
   * @param access null when omitted (no request-level restriction)
   */
  public record Spec(
      String app,
      String service,
      String namespace,
      String cluster,
      String serviceAccount,
      boolean sidecar,
      boolean headless,
      String target,
      TlsMode mutualTLS,
      TlsRef tls,
      List<AccessRule> access) {}

  /**
   * One thing a client may do.
   *
   * @param ports the target's ports it applies to, by number or name; null = every port of the target
   */
  public record AccessRule(List<String> methods, List<String> paths, List<String> ports) {

    public AccessRule(List<String> methods, List<String> paths) {
      this(methods, paths, null);
    }

    /** True when the entry names HTTP attributes (methods or paths), which only HTTP ports carry. */
    public boolean http() {
      return (methods != null && !methods.isEmpty()) || (paths != null && !paths.isEmpty());
    }
  }

  @Override
  public Kind kind() {
    return Kind.ServiceClient;
  }
}
