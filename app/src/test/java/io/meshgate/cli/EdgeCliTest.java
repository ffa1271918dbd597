package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.intent.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The mesh edge on the command line: explain from outside, tokens, overlays in the output, --istio-crds. */
class EdgeCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  static String fixture(String name) {
    return TestRepos.root().resolve("repo-fixtures/valid/" + name + "/intents").toString();
  }

  @Test
  void explainFromOutsideThroughTheIngress() {
    CliRun https = CliRun.of("explain", "--intents", fixture("ingress-hello"), "--from", "external",
        "--to", "hello.example.com", "--path", "/world-2/greeting");
    assertEquals(0, https.exit(), https.out() + https.err());
    assertTrue(https.out().contains("ingress-server") && https.out().contains("ingress-route"), https.out());
    assertTrue(https.out().contains("result: ALLOWED, reaches cluster02/default/world-2"), https.out());

    CliRun http = CliRun.of("explain", "--intents", fixture("ingress-hello"), "--from", "external/cluster01",
        "--to", "hello.example.com:80", "--path", "/hello");
    assertEquals(1, http.exit(), http.out());
    assertTrue(http.out().contains("answers 301 with https://hello.example.com/hello"), http.out());

    CliRun unknown = CliRun.of("explain", "--intents", fixture("ingress-hello"), "--from", "external",
        "--to", "nobody.example.com");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("no IngressRoute serves host nobody.example.com"), unknown.err());
  }

  @Test
  void explainWithAnEndUserToken() {
    String[] base = {"explain", "--intents", fixture("jwt-hello"), "--from", "cluster01/default/web",
        "--to", "hello.default.svc.cluster.local:5000"};
    CliRun without = CliRun.of(base);
    assertEquals(1, without.exit(), without.out());
    assertTrue(without.out().contains("no valid token"), without.out());
    List<String> args = new ArrayList<>(List.of(base));
    args.addAll(List.of("--jwt-issuer", "https://auth.example.com", "--jwt-audience", "hello", "--jwt-claim", "groups=users"));
    CliRun with = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, with.exit(), with.out() + with.err());
    assertTrue(with.out().contains("request-authentication") && with.out().contains("request principal"), with.out());
    CliRun claimWithoutIssuer = CliRun.of("explain", "--intents", fixture("jwt-hello"), "--from", "cluster01/default/web",
        "--to", "hello.default.svc.cluster.local:5000", "--jwt-claim", "groups=users");
    assertEquals(2, claimWithoutIssuer.exit());
  }

  @Test
  void verifyJsonNamesTheDeclaringKind() throws Exception {
    CliRun run = CliRun.of("verify", "--intents", fixture("egress-external"), "--format", "json");
    assertEquals(0, run.exit(), run.out() + run.err());
    JsonNode edges = JSON.readTree(run.out()).get("edges");
    assertTrue(edges.size() > 0);
    edges.forEach(e -> assertEquals("ExternalService", e.get("kind").asText(), e.toString()));
    assertTrue(edges.get(0).get("reached").asText().startsWith("external/"), edges.get(0).toString());
  }

  @Test
  void renderCopiesOverlaysAndListsThem() throws Exception {
    Path out = temp.resolve("out");
    CliRun run = CliRun.of("render", "--intents", fixture("overlays-hello"), "--out", out.toString());
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("cluster01: 1 object (1 PeerAuthentication), and 3 overlay objects from 2 files in _overlays/"),
        run.out());
    Path source = TestRepos.root().resolve("repo-fixtures/valid/overlays-hello/intents/overlays/cluster01/hello-resilience.yaml");
    assertEquals(Files.readString(source), Files.readString(out.resolve("clusters/cluster01/_overlays/hello-resilience.yaml")));
    assertTrue(Files.readString(out.resolve("clusters/cluster01/kustomization.yaml")).contains("- _overlays/access-log.yaml"));
  }

  @Test
  void istioCrdsFromAFile() throws Exception {
    // A bundle without RequestAuthentication: the JWT fixture's objects of that kind are refused.
    Path bundle = TestRepos.root().resolve("../shared/istio-crds/customresourcedefinitions.gen.yaml").normalize();
    List<Object> kept = new ArrayList<>();
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(64 * 1024 * 1024);
    for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(Files.readString(bundle))) {
      if (doc instanceof Map<?, ?> crd && crd.get("spec") instanceof Map<?, ?> spec
          && spec.get("names") instanceof Map<?, ?> names && !"RequestAuthentication".equals(names.get("kind"))) {
        kept.add(doc);
      }
    }
    DumperOptions dump = new DumperOptions();
    dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Path file = temp.resolve("crds.yaml");
    Files.writeString(file, new Yaml(dump).dumpAll(kept.iterator()));

    CliRun run = CliRun.of("validate", "--intents", fixture("jwt-hello"), "--istio-crds", file.toString(), "--format", "json");
    assertEquals(1, run.exit(), run.out() + run.err());
    JsonNode violations = JSON.readTree(run.out()).get("violations");
    assertTrue(violations.size() >= 2, run.out());
    violations.forEach(v -> {
      assertEquals("MG-CRD-01", v.get("rule").asText(), v.toString());
      assertTrue(v.get("message").asText().contains("no CustomResourceDefinition for security.istio.io/v1 RequestAuthentication"),
          v.toString());
    });
    // Without the flag the next run uses the bundled CRDs again.
    CliRun bundled = CliRun.of("validate", "--intents", fixture("jwt-hello"));
    assertEquals(0, bundled.exit(), bundled.out() + bundled.err());

    CliRun missing = CliRun.of("validate", "--intents", fixture("jwt-hello"), "--istio-crds", temp.resolve("none.yaml").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("is not a file"), missing.err());
    assertFalse(missing.leaksStackTrace(), missing.err());
  }
}
