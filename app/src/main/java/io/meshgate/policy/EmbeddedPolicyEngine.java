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
 * {@code data.meshgate} with the input and a time limit.
 */
public final class EmbeddedPolicyEngine implements PolicyEngine {
  /** Generous for policies over a repository of intents, short enough to fail a runaway policy. */
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(20);
  static final String QUERY = "data.meshgate";

  private final PreparedQuery query;
  private final Duration timeLimit;

  private EmbeddedPolicyEngine(PreparedQuery query, Duration timeLimit) {
    this.query = query;
    this.timeLimit = timeLimit;
  }

  /** Compiles the bundle with the default time limit. */
  public static EmbeddedPolicyEngine create(PolicyBundle bundle) throws PolicyEngineException {
    return create(bundle, DEFAULT_TIME_LIMIT);
  }

  /**
   * @throws PolicyEngineException naming file:line when a module does not parse or compile
   */
  public static EmbeddedPolicyEngine create(PolicyBundle bundle, Duration timeLimit) throws PolicyEngineException {
    // Module names as users see them: policies/tls.rego, so errors point at the file to fix.
    String prefix = bundle.root().getFileName() == null ? "" : bundle.root().getFileName() + "/";
    // Each module is read as it is written (v1, or v0 as policy libraries still ship it), exactly as
    // `meshgate policy test` reads them, so a rule that passes its tests also runs in validate.
    Rego.Builder builder = Rego.builder().regoV1(false).timeout(timeLimit);
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
    try {
      result = query.evalValue(Value.of(input));
    } catch (RegoException e) {
      if (RegoException.LIMIT.equals(e.code())) {
        throw new PolicyEngineException("policy evaluation exceeded its limit of " + timeLimit.toSeconds()
            + "s: " + e.getMessage(), e);
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
