package io.meshgate.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code meshgate bench}: generates synthetic repositories of several sizes and times the real
 * commands on them, each as a child process started the way users start it (through the
 * {@code ./meshgate} launcher when there is one, so its JVM options and class-data archive apply),
 * next to the I/O floor measured in the same run. Prints each phase's wall time, its ratio to the
 * floor, the ratio between the largest and the smallest size, the peak resident memory, and the
 * cold start of {@code ./meshgate validate} on the seed. Timing lives here, never in tests.
 */
public final class Benchmark {
  /** Bounds from issue 10; printed as pass/miss, never enforced. */
  static final double RENDER_FLOOR_RATIO = 3.0;
  static final double VALIDATE_SCALE_RATIO = 12.0;
  static final long PEAK_RSS_KIB = 1024 * 1024;
  static final double COLD_START_SECONDS = 0.8;
  static final double SERVE_CHANGE_SECONDS = 2.0;

  /**
   * @param sizes services per repository, smallest first
   * @param policies the Rego policies of the "with policies" phases
   * @param runs runs per phase; the median is reported
   * @param coldStartRuns runs of the cold start (after one warm-up); the median is reported
   * @param timeLimit per child run; a run over it is stopped and reported
   * @param serveChanges one-file pushes timed through {@code serve} on the largest repository; 0 skips it
   * @param phases what to run
   */
  public record Settings(List<Integer> sizes, int clusters, int clientsPerService, long seed,
      SyntheticRepository.Names names, Path workDir,
      Path policies, int runs, int coldStartRuns, Duration timeLimit, int serveChanges, Set<Phase> phases) {}

  /** The parts of a benchmark run that {@code --phases} can choose. */
  public enum Phase {
    /** validate, render, verify and the I/O floor at each size */
    COMMANDS("commands"),
    COLD_START("cold-start"),
    /** one-file pushes through serve on the largest size */
    SERVE("serve");

    private final String option;

    Phase(String option) {
      this.option = option;
    }

    public static Optional<Phase> named(String option) {
      return Arrays.stream(values()).filter(phase -> phase.option.equals(option.strip().toLowerCase(Locale.ROOT)))
          .findFirst();
    }
  }

  /** One phase at one size: the median run of several. */
  record Result(String phase, int size, ChildRun run) {}

  private final Settings settings;
  private final PrintWriter out;
  private final Launcher launcher;
  private final List<Result> results = new ArrayList<>();

  public Benchmark(Settings settings, Launcher launcher, PrintWriter out) {
    this.settings = settings;
    this.launcher = launcher;
    this.out = out;
  }

  /** The phases in print order. */
  static final String FLOOR = "I/O floor (parse + write)";
  static final String VALIDATE = "validate";
  static final String VALIDATE_BARE = "validate, no policies";
  static final String RENDER = "render";
  static final String RENDER_BARE = "render, no policies";
  static final String VERIFY = "verify";

  /** Runs everything and prints the report; returns 0 (figures are reported, not judged). */
  public int run() throws IOException, InterruptedException {
    Files.createDirectories(settings.workDir());
    Path noRules = settings.workDir().resolve("no-rules");
    Files.createDirectories(noRules);
    // The engine refuses an empty folder; a module without rules evaluates to no findings.
    Files.writeString(noRules.resolve("none.rego"), "package meshgate.none\n\nrules := 0\n");

    out.println("meshgate bench");
    machine().forEach((key, value) -> out.printf("  %-10s %s%n", key + ":", value));
    out.println("  launcher:  " + String.join(" ", launcher.command()));
    out.flush();
    ChildRun warmUp = launcher.run(List.of("--version"), settings.workDir(), settings.workDir().resolve("warm-up.log"),
        Duration.ofMinutes(15));
    if (warmUp.exit() != 0) {
      out.println("the launcher does not start: " + String.join(" | ", warmUp.tail(5)));
      return 2;
    }

    if (settings.phases().contains(Phase.COMMANDS)) {
      for (int size : settings.sizes()) {
        measureSize(size);
      }
      printTable();
    } else if (settings.phases().contains(Phase.SERVE)) {
      generate(settings.sizes().get(settings.sizes().size() - 1));
    }
    if (settings.phases().contains(Phase.COLD_START)) {
      coldStart();
    }
    if (settings.phases().contains(Phase.SERVE)) {
      serve();
    }
    printTargets();
    out.println("  load average at the end: " + loadAverage());
    out.flush();
    return 0;
  }

  private void measureSize(int services) throws IOException, InterruptedException {
    Path dir = generate(services);
    measureCommands(services, dir, dir.resolve("intents"), settings.policies().toAbsolutePath().toString());
  }

  /** Writes the synthetic repository of this size under the work folder; returns its folder. */
  private Path generate(int services) throws IOException {
    SyntheticRepository.Shape shape = new SyntheticRepository.Shape(services, settings.clusters(),
        settings.clientsPerService(), settings.seed(), settings.names());
    Path dir = settings.workDir().resolve("repo-" + services);
    deleteTree(dir);
    Path intents = dir.resolve("intents");
    long start = System.nanoTime();
    SyntheticRepository.Summary summary = SyntheticRepository.write(intents, shape);
    out.printf(Locale.ROOT, "%nrepository %s (seed %d, names %s): %d services, %d clients, %d clusters in %d files"
        + " (%.1f MiB), generated in %.1f s%n", label(services), settings.seed(), settings.names(), summary.services(), summary.clients(), summary.clusters(), summary.files(),
        summary.bytes() / 1048576.0, (System.nanoTime() - start) / 1e9);
    out.flush();
    return dir;
  }

  private void measureCommands(int services, Path dir, Path intents, String policies) throws IOException, InterruptedException {
    String noRules = settings.workDir().resolve("no-rules").toAbsolutePath().toString();
    String intentsArg = intents.toAbsolutePath().toString();

    measure(VALIDATE, services, dir, target -> List.of("validate", "--intents", intentsArg, "--policies", policies));
    measure(VALIDATE_BARE, services, dir, target -> List.of("validate", "--intents", intentsArg, "--policies", noRules));
    ChildRun render = measure(RENDER, services, dir, target -> List.of("render", "--intents", intentsArg,
        "--policies", policies, "--out", target.toString()));
    ChildRun renderBare = measure(RENDER_BARE, services, dir, target -> List.of("render", "--intents", intentsArg,
        "--policies", noRules, "--out", target.toString()));
    Optional<Function<Path, List<String>>> verify = VerifySeam.arguments(intents);
    if (verify.isPresent()) {
      measure(VERIFY, services, dir, verify.get());
    } else {
      results.add(new Result(VERIFY, services, null));
    }
    // The floor writes what render wrote: the tree of the last successful render.
    Path tree = renderBare.exit() == 0 ? dir.resolve("out-" + slug(RENDER_BARE))
        : render.exit() == 0 ? dir.resolve("out-" + slug(RENDER)) : null;
    if (tree == null) {
      results.add(new Result(FLOOR, services, null));
      return;
    }
    Path manifest = dir.resolve("manifest.txt");
    Files.write(manifest, IoFloor.manifestOf(tree), StandardCharsets.UTF_8);
    measure(FLOOR, services, dir, target -> List.of("bench", "floor", "--intents", intentsArg,
        "--manifest", manifest.toAbsolutePath().toString(), "--out", target.toString()));
    for (String phase : List.of(RENDER, RENDER_BARE, VERIFY, FLOOR)) {
      deleteTree(dir.resolve("out-" + slug(phase))); // tens of thousands of files each
    }
  }

  /** Runs a phase {@code runs} times, each writing to a fresh output folder; keeps the median. */
  private ChildRun measure(String phase, int size, Path dir, Function<Path, List<String>> arguments)
      throws IOException, InterruptedException {
    List<ChildRun> runs = new ArrayList<>();
    Path output = dir.resolve("out-" + slug(phase));
    for (int i = 0; i < settings.runs(); i++) {
      deleteTree(output);
      ChildRun run = launcher.run(arguments.apply(output.toAbsolutePath()), dir,
          dir.resolve(slug(phase) + "-" + i + ".log"), settings.timeLimit());
      runs.add(run);
      out.printf(Locale.ROOT, "  %-28s %8.2f s  (CPU %6.2f s)  peak RSS %5d MiB  %s%n", phase, run.seconds(),
          run.cpuSeconds(), run.peakRssKib() / 1024, outcome(run));
      out.flush();
      if (run.exit() != 0) {
        break; // a failing phase is reported once, not repeated
      }
    }
    runs.sort(Comparator.comparingDouble(ChildRun::seconds));
    ChildRun median = runs.get(runs.size() / 2);
    results.add(new Result(phase, size, median));
    return median;
  }

  private static String outcome(ChildRun run) {
    if (run.timedOut()) {
      return "stopped at the time limit";
    }
    if (run.exit() == 0) {
      return "exit 0";
    }
    return "exit " + run.exit() + ": " + String.join(" | ", run.tail(2));
  }

  private void printTable() {
    List<Integer> sizes = settings.sizes();
    out.println();
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-28s", "phase"));
    for (int size : sizes) {
      header.append(String.format(Locale.ROOT, " | %7s %8s %7s", label(size) + " s", "x floor", "RSS MiB"));
    }
    if (sizes.size() > 1) {
      header.append(String.format(Locale.ROOT, " | %s", label(sizes.get(sizes.size() - 1)) + "/" + label(sizes.get(0))));
    }
    out.println(header);
    for (String phase : List.of(FLOOR, VALIDATE, VALIDATE_BARE, RENDER, RENDER_BARE, VERIFY)) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s", phase));
      for (int size : sizes) {
        ChildRun run = find(phase, size);
        ChildRun floor = find(FLOOR, size);
        if (run == null) {
          line.append(String.format(Locale.ROOT, " | %7s %8s %7s", "n/a", "", ""));
        } else {
          String time = run.exit() == 0 ? String.format(Locale.ROOT, "%7.2f", run.seconds())
              : run.timedOut() ? "timeout" : "exit " + run.exit();
          String ratio = floor != null && floor.exit() == 0 && run.exit() == 0
              ? String.format(Locale.ROOT, "%7.1fx", run.seconds() / floor.seconds()) : "";
          line.append(String.format(Locale.ROOT, " | %7s %8s %7d", time, ratio, run.peakRssKib() / 1024));
        }
      }
      if (sizes.size() > 1) {
        ChildRun small = find(phase, sizes.get(0));
        ChildRun large = find(phase, sizes.get(sizes.size() - 1));
        if (small != null && large != null && small.exit() == 0 && large.exit() == 0) {
          line.append(String.format(Locale.ROOT, " | %5.1fx", large.seconds() / small.seconds()));
        }
      }
      out.println(line);
    }
    out.flush();
  }

  private ChildRun coldStartRun;

  private void coldStart() throws IOException, InterruptedException {
    Optional<Path> home = launcher.home();
    Path seed = home.map(h -> h.resolve("repo-fixtures/seed/intents")).filter(Files::isDirectory).orElse(null);
    if (settings.coldStartRuns() < 1) {
      out.println("\ncold start: skipped (--cold-start-runs 0)");
      return;
    }
    if (seed == null) {
      out.println("\ncold start: n/a (no repo-fixtures/seed next to the launcher)");
      return;
    }
    List<String> arguments = List.of("validate", "--intents", "repo-fixtures/seed/intents");
    Path log = settings.workDir().resolve("cold-start.log");
    launcher.run(arguments, home.get(), log, settings.timeLimit()); // warm-up: page cache, archive
    List<ChildRun> runs = new ArrayList<>();
    for (int i = 0; i < settings.coldStartRuns(); i++) {
      runs.add(launcher.run(arguments, home.get(), log, settings.timeLimit()));
    }
    runs.sort(Comparator.comparingDouble(ChildRun::seconds));
    coldStartRun = runs.get(runs.size() / 2);
    double[] cpu = runs.stream().mapToDouble(ChildRun::cpuSeconds).sorted().toArray();
    out.printf(Locale.ROOT, "%ncold start, ./meshgate validate --intents repo-fixtures/seed/intents (in %s), %d runs:%n"
        + "  wall median %.2f s (min %.2f, max %.2f); CPU median %.2f s (min %.2f); peak RSS %d MiB; %s%n",
        home.get(), runs.size(), coldStartRun.seconds(), runs.get(0).seconds(), runs.get(runs.size() - 1).seconds(),
        cpu[cpu.length / 2], cpu[0], coldStartRun.peakRssKib() / 1024, outcome(coldStartRun));
  }

  private ServeLatency.Result serveResult;

  /** One-file pushes to a bare repository holding the largest repository, through a real serve. */
  private void serve() throws IOException, InterruptedException {
    if (settings.serveChanges() < 1) {
      out.println("\nserve, one-file change -> env commit: skipped (--serve-changes 0)");
      return;
    }
    int size = settings.sizes().get(settings.sizes().size() - 1);
    Path intents = settings.workDir().resolve("repo-" + size).resolve("intents");
    out.printf(Locale.ROOT, "%nserve, one-file change -> env commit, %s repository (a bare repository here, a signed"
        + " webhook, ./meshgate serve):%n", label(size));
    out.flush();
    serveResult = new ServeLatency(launcher, settings.workDir().resolve("serve"), settings.policies().toAbsolutePath(),
        settings.timeLimit(), out).measure(intents, settings.serveChanges());
    if (serveResult.failure() != null) {
      out.println("  serve: " + serveResult.failure());
    }
    if (!serveResult.changeSeconds().isEmpty()) {
      List<Double> sorted = serveResult.changeSeconds().stream().sorted().toList();
      out.printf(Locale.ROOT, "  p50 %.2f s (min %.2f, max %.2f) over %d changes; serve peak RSS %d MiB%n",
          serveResult.median(), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size(),
          serveResult.peakRssKib() / 1024);
    }
    out.flush();
  }

  private void printTargets() {
    List<Integer> sizes = settings.sizes();
    int large = sizes.get(sizes.size() - 1);
    int small = sizes.get(0);
    out.println("\ntargets (issue 10) at " + label(large) + ":");
    for (String phase : List.of(VALIDATE, RENDER)) {
      ChildRun run = find(phase, large);
      if (run != null) {
        out.println("  " + phase + " exits 0: " + (run.exit() == 0 ? "yes" : "NO"));
      }
    }
    ChildRun floor = find(FLOOR, large);
    for (String phase : List.of(RENDER, RENDER_BARE)) {
      ChildRun run = find(phase, large);
      if (run != null && run.exit() == 0 && floor != null && floor.exit() == 0) {
        double ratio = run.seconds() / floor.seconds();
        out.printf(Locale.ROOT, "  %s within %.0fx the I/O floor: %.1fx %s%n", phase, RENDER_FLOOR_RATIO, ratio,
            verdict(ratio <= RENDER_FLOOR_RATIO));
      }
    }
    long peak = results.stream().filter(r -> r.run() != null).mapToLong(r -> r.run().peakRssKib()).max().orElse(-1);
    if (peak >= 0) { // commands ran (not with --phases serve alone)
      out.printf(Locale.ROOT, "  peak RSS of any phase <= 1 GiB: %d MiB %s%n", peak / 1024, verdict(peak <= PEAK_RSS_KIB));
    }
    if (sizes.size() > 1) {
      for (String phase : List.of(VALIDATE, VALIDATE_BARE)) {
        ChildRun a = find(phase, small);
        ChildRun b = find(phase, large);
        if (a != null && b != null && a.exit() == 0 && b.exit() == 0) {
          double ratio = b.seconds() / a.seconds();
          out.printf(Locale.ROOT, "  %s %s <= %.0fx %s: %.1fx %s%n", phase, label(large), VALIDATE_SCALE_RATIO, label(small),
              ratio, verdict(ratio <= VALIDATE_SCALE_RATIO));
        }
      }
    }
    if (coldStartRun != null) {
      out.printf(Locale.ROOT, "  cold start under %.1f s: %.2f s %s%n", COLD_START_SECONDS, coldStartRun.seconds(),
          verdict(coldStartRun.seconds() < COLD_START_SECONDS));
    }
    if (serveResult != null && !serveResult.changeSeconds().isEmpty()) {
      out.printf(Locale.ROOT, "  serve one-file change -> env commit p50 <= %.0f s: %.2f s %s%n", SERVE_CHANGE_SECONDS,
          serveResult.median(), verdict(serveResult.median() <= SERVE_CHANGE_SECONDS));
    }
  }

  private static String verdict(boolean met) {
    return met ? "(met)" : "(MISSED)";
  }

  private ChildRun find(String phase, int size) {
    return results.stream().filter(r -> r.phase().equals(phase) && r.size() == size).map(Result::run)
        .filter(r -> r != null).findFirst().orElse(null);
  }

  static String label(int services) {
    return services % 1000 == 0 ? services / 1000 + "k" : Integer.toString(services);
  }

  private static String slug(String phase) {
    return phase.replaceAll("[^a-zA-Z0-9]+", "-").replaceAll("-+$", "").toLowerCase(Locale.ROOT);
  }

  /** Cores, CPU, memory and JVM of this machine, as the report's header. */
  static Map<String, String> machine() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("cores", Runtime.getRuntime().availableProcessors() + firstMatch(Path.of("/proc/cpuinfo"), "model name")
        .map(model -> " x " + model).orElse(""));
    facts.put("memory", firstMatch(Path.of("/proc/meminfo"), "MemTotal").orElse("?"));
    facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    facts.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    facts.put("load", loadAverage());
    return facts;
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return String.join(" ", Arrays.copyOf(fields, 3)) + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static Optional<String> firstMatch(Path file, String key) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(line -> line.startsWith(key)).map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Deletes a folder and everything below it; nothing when it does not exist. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
