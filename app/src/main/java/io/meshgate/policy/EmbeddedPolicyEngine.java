package io.meshgate.policy;

import io.meshgate.rego.PreparedQuery;
import io.meshgate.rego.Rego;
import io.meshgate.rego.RegoException;
import io.meshgate.rego.value.Value;
import java.time.Duration;
import java.util.Map;

/**
 * Evaluates a {@link PolicyBundle} with meshgate's own Rego engine (the {@code rego} module). The
 * modules are compiled once, when the engine is created; each evaluation queries
 * {@code data.meshgate} with the input and a time limit ({@link PolicyTimeout}: by default it grows
 * with the input).
 */
public final class EmbeddedPolicyEngine implements PolicyEngine {
  static final String QUERY = "data.meshgate";

  private final PreparedQuery query;
  private final PolicyTimeout timeLimit;

  private EmbeddedPolicyEngine(PreparedQuery query, PolicyTimeout timeLimit) {
    this.query = query;
    this.timeLimit = timeLimit;
  }

  /** Compiles the bundle with the default time limit (scaled to each input). */
  public static EmbeddedPolicyEngine create(PolicyBundle bundle) throws PolicyEngineException {
    return create(bundle, PolicyTimeout.AUTO);
  }

  /** Compiles the bundle; every evaluation may take at most {@code timeLimit}. */
  public static EmbeddedPolicyEngine create(PolicyBundle bundle, Duration timeLimit) throws PolicyEngineException {
    return create(bundle, PolicyTimeout.of(timeLimit));
  }

  /**
   * @throws PolicyEngineException naming file:line when a module does not parse or compile
   */
  public static EmbeddedPolicyEngine create(PolicyBundle bundle, PolicyTimeout timeLimit) throws PolicyEngineException {
    // Module names as users see them: policies/tls.rego, so errors point at the file to fix.
    String prefix = bundle.root().getFileName() == null ? "" : bundle.root().getFileName() + "/";
    // Each module is read as it is written (v1, or v0 as policy libraries still ship it), exactly as
    // `meshgate policy test` reads them, so a rule that passes its tests also runs in validate.
    Rego.Builder builder = Rego.builder().regoV1(false);
    for (PolicyBundle.PolicyFile module : bundle.modules()) {
      builder.addModule(prefix + module.path(), module.text());
    }
    try {
      builder.data(Value.of(bundle.data()));
      Rego rego = builder.build();
      return new EmbeddedPolicyEngine(rego.prepare(QUERY), timeLimit);
    } catch (RegoException e) {
      throw new PolicyEngineException("policies do not compile: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new PolicyEngineException("policies cannot be loaded: " + describe(e), e);
    }
  }

  @Override
  public String name() {
    return "embedded";
  }

  @Override
  public PolicyDecision evaluate(Map<String, Object> input) throws PolicyEngineException {
    Value result;
    Duration limit = timeLimit.forInput(input);
    try {
      // Converted as the rules read it: most rendered objects are only ever asked for their kind.
      result = query.evalValue(Value.wrap(input), limit);
    } catch (RegoException e) {
      if (RegoException.LIMIT.equals(e.code())) {
        throw new PolicyEngineException(timeLimit.exceeded(limit), e);
      }
      throw new PolicyEngineException("policy evaluation failed: " + e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new PolicyEngineException("policy evaluation failed: " + describe(e), e);
    }
    if (result == null) {
      throw new PolicyEngineException(QUERY + " is undefined: no policy module in package meshgate?");
    }
    return FindingCollector.collect(result.toJava());
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
