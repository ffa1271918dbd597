package io.meshgate.rego;

import io.meshgate.rego.ast.Module;
import io.meshgate.rego.builtins.BuiltinTable;
import io.meshgate.rego.compiler.Compiler;
import io.meshgate.rego.compiler.Policy;
import io.meshgate.rego.parser.Parser;
import io.meshgate.rego.value.ObjectValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A compiled set of Rego modules plus base data. Immutable and thread-safe; build one with
 * {@link #builder()} and evaluate queries through {@link #prepare(String)}.
 */
public final class Rego {
  private final Policy policy;
  private final ObjectValue baseData;
  private final List<String> modules;
  private final boolean strictBuiltinErrors;
  private final Duration timeout;
  private final long maxSteps;
  private final Consumer<String> print;
  private final Consumer<String> trace;
  private final boolean optimise;
  private final List<Module> parsed;

  private Rego(Builder b, Policy policy, ObjectValue data, List<Module> parsed) {
    this.policy = policy;
    this.baseData = data;
    this.modules = List.copyOf(b.moduleNames);
    this.strictBuiltinErrors = b.strict;
    this.timeout = b.timeout;
    this.maxSteps = b.maxSteps;
    this.print = b.print;
    this.trace = b.trace;
    this.optimise = b.optimise;
    this.parsed = List.copyOf(parsed);
  }

  public static Builder builder() { return new Builder(); }

  public PreparedQuery prepare(String query) { return new PreparedQuery(this, query); }

  /** The names of the loaded modules, in load order. */
  public List<String> modules() { return modules; }

  public ObjectValue baseData() { return baseData; }

  /** The parsed modules, in load order (after test renaming, see {@link Builder#distinctTestNames}). */
  public List<Module> parsedModules() { return parsed; }

  public Policy policy() { return policy; }

  boolean strictBuiltinErrors() { return strictBuiltinErrors; }

  Duration timeout() { return timeout; }

  long maxSteps() { return maxSteps; }

  Consumer<String> printSink() { return print; }

  Consumer<String> traceSink() { return trace; }

  boolean optimise() { return optimise; }

  /** Collects modules, data and options. Not thread-safe. */
  public static final class Builder {
    private final List<String> moduleNames = new ArrayList<>();
    private final List<String> moduleTexts = new ArrayList<>();
    private Value data = ObjectValue.EMPTY;
    private boolean strict;
    private Duration timeout = Duration.ofDays(3650);
    private long maxSteps = Long.MAX_VALUE;
    private Consumer<String> print = line -> { };
    private Consumer<String> trace = line -> { };
    private Parser.RegoVersion version = Parser.RegoVersion.AUTO;
    private boolean distinctTestNames;
    private boolean optimise = true;
    private BuiltinTable builtins;

    public Builder addModule(String fileName, String text) {
      moduleNames.add(fileName);
      moduleTexts.add(text);
      return this;
    }

    /**
     * Loads every {@code *.rego} file under {@code dir} (recursively, in path order) and every
     * {@code data.json}/{@code data.yaml}/{@code data.yml}, placed at the document path of its
     * folder relative to {@code dir} as OPA bundles do.
     */
    public Builder addDirectory(Path dir) {
      if (!Files.isDirectory(dir)) {
        throw new RegoException(RegoException.COMPILE, dir.toString(), 0, 0, "not a directory");
      }
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        throw new RegoException(RegoException.COMPILE, dir.toString(), 0, 0, "cannot read: " + e.getMessage());
      }
      for (Path f : files) {
        String name = f.getFileName().toString();
        try {
          if (name.endsWith(".rego")) {
            addModule(f.toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
          } else if (name.equals("data.json") || name.equals("data.yaml") || name.equals("data.yml")) {
            Value doc = DataFiles.read(f);
            List<String> path = new ArrayList<>();
            Path rel = dir.relativize(f.getParent());
            for (Path p : rel) {
              if (!p.toString().isEmpty()) {
                path.add(p.toString());
              }
            }
            data = DataFiles.mergeAt(data, path, doc, f.toString());
          }
        } catch (IOException e) {
          throw new RegoException(RegoException.COMPILE, f.toString(), 0, 0, "cannot read: " + e.getMessage());
        }
      }
      return this;
    }

    /**
     * A JSON or YAML document merged into data at its root, as {@code opa test} and {@code opa eval}
     * load data files given without {@code --bundle}.
     */
    public Builder addDataFile(Path file) {
      try {
        Value doc = DataFiles.read(file);
        if (!(doc instanceof ObjectValue)) {
          throw new RegoException(RegoException.COMPILE, file.toString(), 0, 0, "data file must hold an object");
        }
        data = DataFiles.mergeAt(data, List.of(), doc, file.toString());
      } catch (IOException e) {
        throw new RegoException(RegoException.COMPILE, file.toString(), 0, 0, "cannot read: " + e.getMessage());
      }
      return this;
    }

    /**
     * A file or directory loaded as OPA's file loader does without {@code --bundle} (opa test,
     * opa eval -d): every .rego file is a module, every .json/.yaml/.yml file merges into data at
     * its root.
     */
    public Builder addPathLikeOpa(Path path) {
      List<Path> files;
      try {
        if (Files.isDirectory(path)) {
          try (Stream<Path> s = Files.walk(path)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
          }
        } else {
          files = List.of(path);
        }
        for (Path f : files) {
          String name = f.getFileName().toString();
          if (name.endsWith(".rego")) {
            addModule(f.toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
          } else if (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")) {
            addDataFile(f);
          }
        }
      } catch (IOException e) {
        throw new RegoException(RegoException.COMPILE, path.toString(), 0, 0, "cannot read: " + e.getMessage());
      }
      return this;
    }

    /** The base document ({@code data}); merged with data files. Must be an object. */
    public Builder data(Value base) {
      if (!(base instanceof ObjectValue)) {
        throw new IllegalArgumentException("base data must be an object");
      }
      data = DataFiles.mergeAt(data, List.of(), base, "data");
      return this;
    }

    public Builder strictBuiltinErrors(boolean strict) {
      this.strict = strict;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder maxSteps(long maxSteps) {
      this.maxSteps = maxSteps;
      return this;
    }

    /** True when no timeout was set. */
    public boolean hasNoTimeout() { return timeout.compareTo(Duration.ofDays(365)) > 0; }

    /** Where {@code print} output goes (discarded by default). */
    public Builder print(Consumer<String> sink) {
      this.print = sink;
      return this;
    }

    /**
     * Comprehension indexing, rule indexing and memoised function calls (on by default). Turning
     * them off gives the same results more slowly; tests and {@code bench} compare both.
     */
    public Builder optimise(boolean optimise) {
      this.optimise = optimise;
      return this;
    }

    /** Where {@code trace} notes go (discarded by default). */
    public Builder trace(Consumer<String> sink) {
      this.trace = sink;
      return this;
    }

    /** Parse every module as Rego v1 (OPA 1.x's default); otherwise each module as it reads (AUTO). */
    public Builder regoV1(boolean v1Only) {
      this.version = v1Only ? Parser.RegoVersion.V1 : Parser.RegoVersion.AUTO;
      return this;
    }

    /** How modules are read: v1 only, v0 as {@code opa --v0-compatible}, or per module (the default). */
    public Builder regoVersion(Parser.RegoVersion version) {
      this.version = version;
      return this;
    }

    /**
     * As {@code opa test} does, a second and further rule named {@code test_*} in one package is
     * renamed {@code test_*#01}, {@code #02}... so that each definition is a test of its own.
     */
    public Builder distinctTestNames(boolean distinct) {
      this.distinctTestNames = distinct;
      return this;
    }

    /** Built-ins to use instead of {@link BuiltinTable#standard()}. */
    public Builder builtins(BuiltinTable table) {
      this.builtins = table;
      return this;
    }

    public Rego build() {
      BuiltinTable table = builtins != null ? builtins : BuiltinTable.standard();
      List<Module> parsed = new ArrayList<>();
      Policy policy = io.meshgate.rego.interpreter.LargeStack.run("compilation", () -> {
        for (int i = 0; i < moduleNames.size(); i++) {
          parsed.add(Parser.parseModule(moduleNames.get(i), moduleTexts.get(i), version));
        }
        if (distinctTestNames) {
          TestNames.distinct(parsed);
        }
        return Compiler.compile(parsed, table);
      });
      return new Rego(this, policy, (ObjectValue) data, parsed);
    }
  }

  /** Reading and merging data documents. */
  static final class DataFiles {
    private DataFiles() {}

    static Value read(Path f) throws IOException {
      String text = Files.readString(f, StandardCharsets.UTF_8);
      try {
        Object java;
        if (f.getFileName().toString().endsWith(".json")) {
          java = new com.fasterxml.jackson.databind.ObjectMapper()
              .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
              .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
              .readValue(text, Object.class);
        } else {
          java = new org.yaml.snakeyaml.Yaml().load(text);
        }
        return Value.of(java == null ? Map.of() : java);
      } catch (Exception e) {
        throw new RegoException(RegoException.COMPILE, f.toString(), 0, 0, "invalid data file: " + e.getMessage());
      }
    }

    static Value mergeAt(Value base, List<String> path, Value doc, String source) {
      if (path.isEmpty()) {
        if (base instanceof ObjectValue bo && doc instanceof ObjectValue dv) {
          return merge(bo, dv, source);
        }
        if (!(doc instanceof ObjectValue)) {
          throw new RegoException(RegoException.COMPILE, source, 0, 0, "data at the root must be an object");
        }
        return doc;
      }
      Map<Value, Value> m = new TreeMap<>(((ObjectValue) base).entries());
      StringValue key = new StringValue(path.get(0));
      Value existing = m.getOrDefault(key, ObjectValue.EMPTY);
      if (!(existing instanceof ObjectValue)) {
        throw new RegoException(RegoException.COMPILE, source, 0, 0, "data path " + path + " conflicts with a value");
      }
      if (path.size() == 1 && !(doc instanceof ObjectValue)) {
        m.put(key, doc);
      } else {
        m.put(key, mergeAt(existing, path.subList(1, path.size()), doc, source));
      }
      return ObjectValue.of(m);
    }

    private static ObjectValue merge(ObjectValue a, ObjectValue b, String source) {
      Map<Value, Value> m = new TreeMap<>(a.entries());
      for (Map.Entry<Value, Value> e : b.entries().entrySet()) {
        Value existing = m.get(e.getKey());
        if (existing instanceof ObjectValue eo && e.getValue() instanceof ObjectValue vo) {
          m.put(e.getKey(), merge(eo, vo, source));
        } else {
          m.put(e.getKey(), e.getValue());
        }
      }
      return ObjectValue.of(m);
    }
  }
}
