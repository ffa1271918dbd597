package io.meshgate.policy;

import java.util.Map;

/**
 * Evaluates the policies of a {@link PolicyBundle} against a policy input (see {@link PolicyInput})
 * and collects every {@code deny} and {@code warn} set found at any depth below {@code data.meshgate}.
 */
public interface PolicyEngine {

  /**
   * @param input the policy input as plain Java maps and lists
   * @throws PolicyEngineException on any failure; there is no partial decision
   */
  PolicyDecision evaluate(Map<String, Object> input) throws PolicyEngineException;

  /** Short name for messages and provenance, e.g. {@code embedded} or {@code opa}. */
  String name();
}
