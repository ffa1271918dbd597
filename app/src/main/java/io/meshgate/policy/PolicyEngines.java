package io.meshgate.policy;

import java.net.URI;

/** Creates the engine the user asked for. */
public final class PolicyEngines {
  /** Lower-case so picocli accepts {@code --policy-engine embedded|opa} as written. */
  public enum Kind { embedded, opa }

  private PolicyEngines() {}

  /** As {@link #create(Kind, PolicyBundle, URI, boolean)}, pushing the bundle to OPA. */
  public static PolicyEngine create(Kind kind, PolicyBundle bundle, URI opaUrl) throws PolicyEngineException {
    return create(kind, bundle, opaUrl, true);
  }

  /**
   * @param opaUrl required for {@link Kind#opa}
   * @param pushToOpa for {@link Kind#opa}: push the bundle to the server before the first evaluation
   * @throws PolicyEngineException when the engine cannot be built (e.g. a Rego compile error)
   */
  public static PolicyEngine create(Kind kind, PolicyBundle bundle, URI opaUrl, boolean pushToOpa)
      throws PolicyEngineException {
    return create(kind, bundle, opaUrl, pushToOpa, PolicyTimeout.AUTO);
  }

  /**
   * As {@link #create(Kind, PolicyBundle, URI, boolean)}, each evaluation limited by {@code timeout}
   * (embedded: the evaluation; opa: the evaluation request).
   */
  public static PolicyEngine create(Kind kind, PolicyBundle bundle, URI opaUrl, boolean pushToOpa,
      PolicyTimeout timeout) throws PolicyEngineException {
    return switch (kind) {
      case embedded -> EmbeddedPolicyEngine.create(bundle, timeout);
      case opa -> {
        if (opaUrl == null) {
          throw new PolicyEngineException("--policy-engine opa needs --opa-url URL (e.g. http://localhost:8181)");
        }
        yield new OpaRestPolicyEngine(opaUrl, pushToOpa ? bundle : null, OpaRestPolicyEngine.Options.defaults(), timeout);
      }
    };
  }
}
