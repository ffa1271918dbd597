package io.meshgate.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.check.Violation;
import io.meshgate.intent.TestRepos;
import io.meshgate.policy.EmbeddedPolicyEngine;
import io.meshgate.policy.PolicyBundle;
import io.meshgate.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intent examples of README.md and docs/*.md are run, so the documents cannot go stale: every
 * fenced {@code yaml} block holding a Cluster, InboundService or ServiceClient belongs to an example
 * repository, named by the HTML comment right above it:
 *
 * <pre>
 * &lt;!-- example: NAME[; uses: OTHER, ...][; expect: RULE, ...] --&gt;   (default NAME: the file)
 * &lt;!-- example: skip (why) --&gt;                                      (a schematic, not a document)
 * </pre>
 *
 * The blocks of a repository (with those of the repositories it {@code uses}) must validate with the
 * shipped policies without a single finding, render objects that pass Istio's CRD schemas, and
 * verify. A block with {@code expect} is a deliberate mistake: added to its repository, it must
 * produce each rule it names.
 */
class DocExamplesTest {

  private static final Pattern FENCE = Pattern.compile("(?ms)^```ya?ml\\n(.*?)^```");
  private static final Pattern MARKER = Pattern.compile("<!--\\s*example:\\s*(.*?)\\s*-->\\s*$");
  private static final Pattern INTENT =
      Pattern.compile("(?m)^\\s*kind:\\s*(Cluster|InboundService|ServiceClient|IngressRoute|ExternalService|EndUserAuth)\\b");

  @TempDir Path work;

  /** One intent block of a document. */
  record Block(String file, int line, String group, List<String> uses, List<String> expect, String yaml) {
    String where() {
      return file + ":" + line;
    }
  }

  static List<Path> documents() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(TestRepos.root().resolve("README.md"));
    try (Stream<Path> docs = Files.list(TestRepos.root().resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /** Every intent block of one Markdown file, with its marker read. */
  static List<Block> blocks(Path file) throws IOException {
    String text = Files.readString(file);
    String name = TestRepos.root().relativize(file).toString();
    List<Block> blocks = new ArrayList<>();
    Matcher fence = FENCE.matcher(text);
    while (fence.find()) {
      String yaml = fence.group(1);
      if (!INTENT.matcher(yaml).find()) {
        continue;
      }
      int line = (int) text.substring(0, fence.start()).chars().filter(c -> c == '\n').count() + 1;
      String before = text.substring(0, fence.start()).stripTrailing();
      String previousLine = before.substring(before.lastIndexOf('\n') + 1);
      Matcher marker = MARKER.matcher(previousLine);
      String group = name;
      List<String> uses = List.of();
      List<String> expect = List.of();
      if (marker.find()) {
        String[] parts = marker.group(1).split(";");
        group = parts[0].trim();
        if (group.startsWith("skip")) {
          continue;
        }
        for (int i = 1; i < parts.length; i++) {
          String[] kv = parts[i].split(":", 2);
          List<String> values = List.of(kv[1].trim().split("\\s*,\\s*"));
          switch (kv[0].trim()) {
            case "uses" -> uses = values;
            case "expect" -> expect = values;
            default -> throw new AssertionError(name + ":" + line + ": unknown marker part " + parts[i]);
          }
        }
      }
      blocks.add(new Block(name, line, group, uses, expect, yaml));
    }
    return blocks;
  }

  @Test
  void theDocumentsHoldIntentExamples() throws IOException {
    List<Block> all = new ArrayList<>();
    for (Path file : documents()) {
      all.addAll(blocks(file));
    }
    assertTrue(all.size() >= 10, "intent examples found: " + all.size());
    assertTrue(all.stream().anyMatch(b -> b.file().equals("README.md")), "README's example is run");
    assertTrue(all.stream().anyMatch(b -> !b.expect().isEmpty()), "error examples are run too");
  }

  @Test
  void aMarkerIsRead() throws IOException {
    Path doc = work.resolve("doc.md");
    Files.writeString(doc, "text\n\n<!-- example: g; uses: r; expect: MG-X, MG-Y -->\n```yaml\nkind: Cluster\n```\n"
        + "<!-- example: skip (frame) -->\n```yaml\nkind: Cluster | InboundService\n```\n```yml\nkind: ServiceClient\n```\n"
        + "```yaml\nkind: AllocationLedger\n```\n");
    List<Block> blocks = blocks(doc);
    assertEquals(2, blocks.size(), blocks.toString());
    assertEquals("g", blocks.get(0).group());
    assertEquals(List.of("r"), blocks.get(0).uses());
    assertEquals(List.of("MG-X", "MG-Y"), blocks.get(0).expect());
    assertEquals(4, blocks.get(0).line());
    assertTrue(blocks.get(1).group().endsWith("doc.md"), "no marker: the file's own repository");
  }

  @TestFactory
  Stream<DynamicTest> everyDocumentedExampleValidatesRendersAndVerifies() throws IOException {
    Map<String, List<Block>> groups = new LinkedHashMap<>();
    for (Path file : documents()) {
      for (Block block : blocks(file)) {
        groups.computeIfAbsent(block.group(), g -> new ArrayList<>()).add(block);
      }
    }
    assertFalse(groups.isEmpty());
    List<DynamicTest> tests = new ArrayList<>();
    groups.forEach((group, blocks) -> {
      tests.add(DynamicTest.dynamicTest(group, () -> checkGroup(group, groups)));
      blocks.stream().filter(b -> !b.expect().isEmpty()).forEach(b -> tests.add(DynamicTest.dynamicTest(
          group + " (" + b.where() + ": expects " + b.expect() + ")", () -> checkMistake(b, groups))));
    });
    return tests.stream();
  }

  /** The valid blocks of a group and of the groups it uses, transitively. */
  private static List<Block> repository(String group, Map<String, List<Block>> groups) {
    Set<String> names = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(group));
    while (!todo.isEmpty()) {
      String next = todo.remove(0);
      if (names.add(next)) {
        List<Block> blocks = groups.get(next);
        if (blocks == null) {
          throw new AssertionError("example group " + group + " uses " + next + ", which no document defines");
        }
        blocks.forEach(b -> todo.addAll(b.uses()));
      }
    }
    List<Block> out = new ArrayList<>();
    names.forEach(n -> groups.get(n).stream().filter(b -> b.expect().isEmpty()).forEach(out::add));
    return out;
  }

  private void checkGroup(String group, Map<String, List<Block>> groups) throws Exception {
    List<Block> blocks = repository(group, groups);
    CheckResult result = check(group, blocks);
    assertEquals(List.of(), describe(result.violations()), "examples " + where(blocks) + " must be clean");
    IstioCrdSchemas schemas = IstioCrdSchemas.load();
    List<String> problems = new ArrayList<>();
    result.rendered().clusters().values().forEach(objects -> objects.forEach(o -> schemas.validate(o.plain())
        .forEach(p -> problems.add(o.cluster() + "/" + o.relativePath() + ": " + p))));
    assertEquals(List.of(), problems, "rendered from " + where(blocks));
    Verifier.Result verified = Verifier.verify(result.load().intents(), result.rendered().asPlainObjects(), true);
    assertTrue(verified.ok(), () -> "verify of " + where(blocks) + ":\n" + io.meshgate.report.VerifyReport.text(verified));
  }

  private void checkMistake(Block mistake, Map<String, List<Block>> groups) throws Exception {
    List<Block> blocks = new ArrayList<>(repository(mistake.group(), groups));
    blocks.add(mistake);
    CheckResult result = check(mistake.group() + "-mistake", blocks);
    Set<String> rules = result.violations().stream().map(Violation::rule).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(rules.containsAll(mistake.expect()), mistake.where() + " must produce " + mistake.expect() + ", got:\n"
        + String.join("\n", describe(result.violations())));
  }

  private CheckResult check(String name, List<Block> blocks) throws Exception {
    Path intents = Files.createDirectories(work.resolve(name.replaceAll("[^A-Za-z0-9-]", "_")).resolve("intents"));
    for (int i = 0; i < blocks.size(); i++) {
      Files.writeString(intents.resolve(String.format("%02d.yaml", i)), blocks.get(i).yaml());
    }
    return new Checker(EmbeddedPolicyEngine.create(PolicyBundle.load(TestRepos.root().resolve("policies")))).check(intents);
  }

  private static String where(List<Block> blocks) {
    return blocks.stream().map(Block::where).collect(Collectors.joining(", "));
  }

  private static List<String> describe(List<Violation> violations) {
    return violations.stream().map(v -> v.rule() + " (" + v.severity().label() + "): " + v.message()).toList();
  }
}
