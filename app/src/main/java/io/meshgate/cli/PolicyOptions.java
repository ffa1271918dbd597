package io.meshgate.cli;

import io.meshgate.policy.PolicyBundle;
import io.meshgate.policy.PolicyDecision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyEngines;
import io.meshgate.policy.PolicyMemory;
import io.meshgate.policy.PolicyTimeout;
import io.meshgate.service.IstioDurations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Policy options shared by {@code validate}, {@code render} (and {@code serve}):
 * {@code --policies DIR}, {@code --policy-engine embedded|opa}, {@code --opa-url URL}, {@code --[no-]opa-push},
 * {@code --policy-timeout DURATION|auto}.
 * Use as {@code @Mixin PolicyOptions policy;}.
 */
public final class PolicyOptions {

  @Option(names = "--policies", paramLabel = "DIR",
      description = "Folder of Rego policies (default: ./policies when it exists, else $MESHGATE_HOME/policies).")
  Path policies;

  @Option(names = "--policy-engine", paramLabel = "ENGINE", defaultValue = "embedded",
      description = "embedded (default) or opa.")
  PolicyEngines.Kind engine = PolicyEngines.Kind.embedded;

  @Option(names = "--opa-url", paramLabel = "URL", description = "OPA server for --policy-engine opa, e.g. http://localhost:8181.")
  URI opaUrl;

  @Option(names = "--opa-push", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "With --policy-engine opa: push the repository's policies to OPA first, so it runs "
          + "exactly them (default). --no-opa-push evaluates what the server already holds.")
  boolean opaPush = true;

  @Option(names = PolicyTimeout.FLAG, paramLabel = "DURATION", defaultValue = PolicyTimeout.AUTO_TEXT,
      converter = TimeoutConverter.class,
      description = "How long one policy evaluation may run, e.g. 90s or 10m; auto (default) allows 60s plus 1s per"
          + " 1,000 intents and rendered objects.")
  PolicyTimeout timeout = PolicyTimeout.AUTO;

  /** The policies folder in effect. */
  public Path policiesDirectory() {
    if (policies != null) {
      return policies;
    }
    Path local = Path.of("policies");
    if (Files.isDirectory(local)) {
      return local;
    }
    String home = System.getenv("MESHGATE_HOME");
    return home == null || home.isBlank() ? local : Path.of(home, "policies");
  }

  /** Reads the policies folder in effect (its digest goes into provenance). */
  public PolicyBundle loadBundle() throws PolicyEngineException {
    return PolicyBundle.load(policiesDirectory());
  }

  /** Creates the chosen engine over {@code bundle}; any failure is a one-line {@link PolicyEngineException}. */
  public PolicyEngine createEngine(PolicyBundle bundle) throws PolicyEngineException {
    return PolicyEngines.create(engine, bundle, opaUrl, opaPush, timeout);
  }

  /** Loads the bundle and creates the engine. */
  public PolicyEngine createEngine() throws PolicyEngineException {
    return createEngine(loadBundle());
  }

  /**
   * Starts creating the engine over {@code bundle} on another thread and returns at once. Compiling
   * the policies and reading and rendering the intents do not depend on each other, and a short
   * command spends about a third of its time compiling: on two cores (or a busy machine's fair
   * share of them) they overlap. The engine's first evaluation waits for it; a failure to create it
   * surfaces there, or from {@link StartedEngine#ready()}, as the same {@link PolicyEngineException}.
   */
  public StartedEngine startEngine(PolicyBundle bundle) {
    FutureTask<PolicyEngine> task = new FutureTask<>(() -> createEngine(bundle));
    Thread thread = new Thread(task, "meshgate-policy-compile");
    thread.setDaemon(true);
    thread.start();
    return new StartedEngine(task, engine.name());
  }

  /** An engine being created on another thread; see {@link #startEngine}. */
  public static final class StartedEngine implements PolicyEngine {
    private final Future<PolicyEngine> engine;
    private final String name;

    private StartedEngine(Future<PolicyEngine> engine, String name) {
      this.engine = engine;
      this.name = name;
    }

    /** Waits until the engine is created; throws what creating it threw. */
    public PolicyEngine ready() throws PolicyEngineException {
      try {
        return engine.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof PolicyEngineException failure) {
          throw failure;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw new PolicyEngineException("policies cannot be loaded: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PolicyEngineException("interrupted while the policies were compiled", e);
      }
    }

    @Override
    public PolicyDecision evaluate(Map<String, Object> input) throws PolicyEngineException {
      return ready().evaluate(input);
    }

    @Override
    public PolicyDecision evaluate(Map<String, Object> input, PolicyMemory memory) throws PolicyEngineException {
      return ready().evaluate(input, memory);
    }

    @Override
    public String name() {
      return name;
    }
  }

  /** {@code auto} or an Istio duration ({@code 90s}, {@code 10m}). */
  public static final class TimeoutConverter implements CommandLine.ITypeConverter<PolicyTimeout> {
    @Override
    public PolicyTimeout convert(String value) {
      if (value.strip().equalsIgnoreCase(PolicyTimeout.AUTO_TEXT)) {
        return PolicyTimeout.AUTO;
      }
      try {
        return PolicyTimeout.of(IstioDurations.parse(value.strip()));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage() + " (or auto)");
      }
    }
  }
}
