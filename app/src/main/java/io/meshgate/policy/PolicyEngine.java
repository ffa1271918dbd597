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

  /**
   * As {@link #evaluate(Map)}, taking from {@code memory} what an earlier evaluation over the same
   * tree found where the input it read is unchanged, with exactly the same decision. An engine that
   * cannot evaluate incrementally ignores it.
   *
   * @param memory kept between evaluations of one tree, or null
   */
  default PolicyDecision evaluate(Map<String, Object> input, PolicyMemory memory) throws PolicyEngineException {
    return evaluate(input);
  }

  /** Short name for messages and provenance, e.g. {@code embedded} or {@code opa}. */
  String name();
}
