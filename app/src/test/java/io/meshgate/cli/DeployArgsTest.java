package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.service.ServeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What an operator applies must start: the Deployment's args go through {@code serve}'s own flag
 * parsing and validation, and the Dockerfile copies paths that exist and probes the served port.
 */
class DeployArgsTest {
  private static final Path ROOT = Path.of(System.getProperty("meshgate.root", "..")).toAbsolutePath().normalize();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container(Path manifest, String name) throws Exception {
    Map<String, Object> deployment = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(manifest));
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment.get("spec"))
        .get("template")).get("spec");
    return ((List<Map<String, Object>>) pod.get("containers")).stream()
        .filter(c -> name.equals(c.get("name"))).findFirst().orElseThrow(() -> new AssertionError("no container " + name));
  }

  @SuppressWarnings("unchecked")
  private static ServeOptions serveOptions(Map<String, Object> container) {
    List<String> args = (List<String>) container.get("args");
    assertEquals("serve", args.get(0), args.toString());
    CommandLine cli = new CommandLine(new ServeCommand());
    cli.parseArgs(args.subList(1, args.size()).toArray(String[]::new)); // unknown flags throw here
    return ((ServeCommand) cli.getCommand()).options();                  // and bad values here
  }

  @Test
  void baseDeploymentArgsAreValidServeFlags() throws Exception {
    ServeOptions options = serveOptions(container(ROOT.resolve("deploy/base/deployment.yaml"), "meshgate"));
    assertEquals("embedded", options.policyEngine());
    assertEquals(8080, options.httpPort());
  }

  @Test
  void opaOverlayPointsMeshgateAtTheSidecarsAddress() throws Exception {
    Path overlay = ROOT.resolve("deploy/opa-sidecar/opa-sidecar.yaml");
    ServeOptions options = serveOptions(container(overlay, "meshgate"));
    assertEquals("opa", options.policyEngine());
    @SuppressWarnings("unchecked")
    List<String> opaArgs = (List<String>) container(overlay, "opa").get("args");
    String addr = opaArgs.stream().filter(a -> a.startsWith("--addr=")).findFirst().orElseThrow();
    assertEquals(addr.substring("--addr=".length()),
        options.opaUrl().getHost() + ":" + options.opaUrl().getPort(), "meshgate must call the address OPA listens on");
  }

  @Test
  void dockerfileCopiesExistingPathsAndProbesTheServedPort() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    List<String> ignored = new ArrayList<>();
    for (String line : Files.readAllLines(ROOT.resolve(".dockerignore"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        ignored.add(line.trim().replaceAll("^/", "").replaceAll("/$", ""));
      }
    }
    Matcher copy = Pattern.compile("(?m)^COPY --from=build /src/(\\S+?)/? ").matcher(dockerfile);
    int copies = 0;
    while (copy.find()) {
      String path = copy.group(1);
      copies++;
      if (path.equals("app/target/meshgate.jar")) {
        assertTrue(Files.readString(ROOT.resolve("app/pom.xml")).contains("<outputFile>${project.build.directory}/meshgate.jar</outputFile>"),
            "the shaded jar is app/target/meshgate.jar");
        continue;
      }
      assertTrue(Files.exists(ROOT.resolve(path)), "Dockerfile copies missing " + path);
      assertFalse(ignored.contains(path), path + " is excluded by .dockerignore");
    }
    assertTrue(copies >= 3, dockerfile);
    for (String needed : List.of("pom.xml", "app", "rego", "routes", "policies")) {
      assertFalse(ignored.contains(needed), "the build stage needs " + needed);
    }
    // Istio's CRDs come from a named build context and reach the jar through the Maven property.
    assertTrue(dockerfile.contains("COPY --from=istio-crds customresourcedefinitions.gen.yaml /src/istio-crds/"), dockerfile);
    assertTrue(dockerfile.contains("-Dmeshgate.istio-crds.dir=/src/istio-crds"), dockerfile);
    Matcher health = Pattern.compile("HEALTHCHECK[\\s\\S]*?http://127\\.0\\.0\\.1:(\\d+)/healthz").matcher(dockerfile);
    assertTrue(health.find(), "HEALTHCHECK on /healthz");
    ServeOptions options = serveOptions(container(ROOT.resolve("deploy/base/deployment.yaml"), "meshgate"));
    assertEquals(options.httpPort(), Integer.parseInt(health.group(1)));
    assertTrue(dockerfile.contains("EXPOSE " + options.httpPort()), "EXPOSE the served port");
    assertTrue(dockerfile.contains("MESHGATE_HOME=/opt/meshgate"), dockerfile);
  }
}
