package io.meshgate.render;

import io.meshgate.Kubectl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.CheckResult;
import io.meshgate.check.Checker;
import io.meshgate.check.Violation;
import io.meshgate.intent.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code repo-fixtures/valid/<case>/intents} tree, as a new user would write it: validates
 * with the repository's policies without a single finding, renders objects that pass Istio's CRD
 * schemas, renders byte-identically twice, and (when kubectl is present) every cluster folder
 * builds with {@code kubectl kustomize}. Add a folder to add a case.
 */
class ValidFixturesTest {

  @TempDir Path work;

  @TestFactory
  Stream<DynamicTest> everyValidCaseIsCleanAndRendersSchemaValidObjects() throws IOException {
    Path valid = TestRepos.root().resolve("repo-fixtures/valid");
    List<Path> cases;
    try (Stream<Path> children = Files.list(valid)) {
      cases = children.filter(Files::isDirectory).sorted().toList();
    }
    assertFalse(cases.isEmpty(), "no cases below " + valid);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> check(c)));
  }

  private void check(Path caseDir) throws Exception {
    Path intents = caseDir.resolve("intents");
    Checker checker = new Checker(TestRepos.root().resolve("policies"));
    CheckResult result = checker.check(intents);
    List<String> findings = result.violations().stream().map(ValidFixturesTest::describe).toList();
    assertEquals(List.of(), findings, caseDir.getFileName() + " must validate without findings");

    RenderResult rendered = result.rendered();
    IstioCrdSchemas schemas = IstioCrdSchemas.load();
    List<String> problems = new ArrayList<>();
    int objects = 0;
    for (List<RenderedObject> clusterObjects : rendered.clusters().values()) {
      for (RenderedObject object : clusterObjects) {
        objects++;
        schemas.validate(object.plain()).forEach(p -> problems.add(object.cluster() + "/" + object.relativePath() + ": " + p));
      }
    }
    assertTrue(objects > 0, caseDir + " rendered nothing");
    assertEquals(List.of(), problems);

    Provenance provenance = new Provenance("test", null, null, "test");
    Path first = work.resolve(caseDir.getFileName() + "-1");
    Path second = work.resolve(caseDir.getFileName() + "-2");
    OutputTree.of(rendered, provenance).writeTo(first);
    OutputTree.of(checker.check(intents).rendered(), provenance).writeTo(second);
    assertEquals(readTree(first), readTree(second), "two renders must be byte-identical");

    if (Kubectl.available()) {
      for (String cluster : rendered.clusters().keySet()) {
        Kubectl.Build build = Kubectl.kustomize(first.resolve("clusters").resolve(cluster));
        assertEquals(0, build.exit(), cluster + ": " + build.describe());
      }
    }
  }

  private static String describe(Violation v) {
    return v.file() + ":" + v.line() + ": " + v.rule() + " (" + v.severity().label() + "): " + v.message();
  }

  private static Map<String, String> readTree(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(file).toString(), Files.readString(file));
      }
    }
    return files;
  }

}
